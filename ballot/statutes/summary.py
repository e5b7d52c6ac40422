"""The effective rules in plain language: one section per topic, each rule a sentence with its paragraph, and the
stored version each section comes from."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from typing import Any

from ballot.i18n import gettext as _
from ballot.i18n import ngettext
from ballot.statutes.labels import PROCESSES
from ballot.statutes.process_rules import process_sections
from ballot.statutes.services import Effective, Layer
from ballot.statutes.wording import Row, Section, date_text, duration_text, fraction_text
from ballot_crypto.statutes import Duration
from ballot_crypto.statutes.model import Rules


@dataclass
class ProcessSummary:
    """The rules of one process kind."""

    kind: str
    title: str
    binding: bool
    paragraph: str | None
    sections: list[Section]


def eligibility_section(rules: Rules) -> Section:
    e = rules.eligibility
    rows = [
        Row(
            _("Members of the sub-units take part.")
            if e.sub_units
            else _("Only members of this unit itself take part."),
            e.paragraph,
        )
    ]
    if isinstance(e.member_since, Duration):
        rows.append(
            Row(
                _(
                    "Members must have joined at least %(period)s before the vote opens.",
                    period=duration_text(e.member_since),
                ),
                e.paragraph,
            )
        )
    elif isinstance(e.member_since, date):
        rows.append(Row(_("Members must have joined by %(date)s.", date=date_text(e.member_since)), e.paragraph))
    if e.dues_paid:
        rows.append(Row(_("Only members who have paid their dues (or are exempt) take part."), e.paragraph))
    rows.append(Row(_("Member classes: %(classes)s.", classes=", ".join(_class(c) for c in e.classes)), e.paragraph))
    if e.freeze.amount:
        rows.append(
            Row(
                _("The electorate is fixed %(period)s before the vote opens.", period=duration_text(e.freeze)),
                e.paragraph,
            )
        )
    else:
        rows.append(Row(_("The electorate is fixed on the day the vote opens."), e.paragraph))
    return Section("eligibility", _("Who may vote"), rows)


def _class(value: str) -> str:
    return {"full": _("full members"), "supporting": _("supporting members"), "guest": _("guest members")}.get(
        value, value
    )


def motions_section(rules: Rules) -> Section:
    m = rules.motions
    rows = []
    if m.supporters and m.supporters_share:
        rows.append(
            Row(
                _(
                    "A motion needs %(number)s supporters or %(share)s of the members.",
                    number=m.supporters,
                    share=fraction_text(m.supporters_share),
                ),
                m.paragraph,
            )
        )
    elif m.supporters:
        rows.append(
            Row(
                ngettext("A motion needs %(num)s supporter.", "A motion needs %(num)s supporters.", m.supporters),
                m.paragraph,
            )
        )
    elif m.supporters_share:
        rows.append(
            Row(
                _("A motion needs the support of %(share)s of the members.", share=fraction_text(m.supporters_share)),
                m.paragraph,
            )
        )
    else:
        rows.append(Row(_("A motion needs no supporters."), m.paragraph))
    if m.women_supporters:
        rows.append(
            Row(
                ngettext(
                    "At least %(num)s of the supporters must be a woman.",
                    "At least %(num)s of the supporters must be women.",
                    m.women_supporters,
                ),
                m.paragraph,
            )
        )
    if m.deadline is not None:
        rows.append(
            Row(_("Motions are due %(period)s before the vote.", period=duration_text(m.deadline)), m.paragraph)
        )
    if m.amendment_deadline is not None:
        rows.append(
            Row(
                _("Amendments are due %(period)s before the vote.", period=duration_text(m.amendment_deadline)),
                m.paragraph,
            )
        )
    return Section("motions", _("Motions"), rows)


def _origins(layers: tuple[Layer, ...]) -> dict[str, Layer]:
    """For each table path (``referendum``, ``referendum.quorum`` …), the last layer that sets a key in it."""
    found: dict[str, Layer] = {}

    def walk(table: dict[str, Any], prefix: str, layer: Layer) -> None:
        for key, value in table.items():
            path = f"{prefix}.{key}" if prefix else key
            found[prefix or key] = layer
            found[path] = layer
            if isinstance(value, dict):
                walk(value, path, layer)

    for layer in layers:
        try:
            table = tomllib.loads(layer.version.source)
        except tomllib.TOMLDecodeError:  # stored versions were valid when stored
            continue
        walk(table, "", layer)
    return found


def origin_text(key: str, origins: dict[str, Layer]) -> str:
    layer = origins.get(key)
    if key.endswith(".seats") and layer is None:
        kind = key.split(".")[0]
        layer = origins.get(f"{kind}.quota") or origins.get(kind)
    if layer is None:
        return _("Default rules (nobody set this)")
    return _("From: %(unit)s, version %(version)s", unit=layer.unit.name, version=layer.version.version)


@dataclass
class Summary:
    """The whole effective statute in plain language."""

    general: list[Section]
    processes: list[ProcessSummary]


def summarize(effective: Effective) -> Summary:
    rules = effective.rules
    origins = _origins(effective.layers)
    general = [eligibility_section(rules), motions_section(rules)]
    for section in general:
        section.origin = origin_text(section.key, origins)
    processes = []
    for kind in ("referendum", "survey", "election"):
        process = rules.process(kind)
        sections = process_sections(kind, process)
        for section in sections:
            key = section.key
            if key.endswith(".majority"):
                candidates = [origins.get(key), origins.get(f"{kind}.majorities")]
                latest = max((c for c in candidates if c), key=lambda c: effective.layers.index(c), default=None)
                section.origin = origin_text(key, {key: latest} if latest else {})
            elif key.endswith(".subjects"):
                candidates = [origins.get(key), origins.get(f"{kind}.lockout")]
                latest = max((c for c in candidates if c), key=lambda c: effective.layers.index(c), default=None)
                section.origin = origin_text(key, {key: latest} if latest else {})
            else:
                section.origin = origin_text(key, origins)
        processes.append(ProcessSummary(kind, str(PROCESSES[kind]), process.binding, process.paragraph, sections))
    return Summary(general, processes)
