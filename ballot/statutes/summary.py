"""The effective rules in plain language: one section per topic, each rule a sentence with its paragraph, and the
stored version each section comes from."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from ballot.i18n import get_locale, ngettext
from ballot.i18n import gettext as _
from ballot.statutes.labels import LEVELS, PROCESSES, value_label
from ballot.statutes.services import Effective, Layer
from ballot_crypto.statutes import Duration
from ballot_crypto.statutes.model import Election, Majority, PetitionRoute, Process, Rules


def fraction_text(value: Fraction) -> str:
    """``1/2``, ``3/4`` (small denominators), otherwise a percentage (``20 %``, ``2,5 %``), else ``p/q``."""
    if value == Fraction(1, 2):
        return _("one half")
    if value.denominator in (2, 3, 4):
        return f"{value.numerator}/{value.denominator}"
    percent = value * 100
    if (percent * 100).denominator == 1:
        number = Decimal(percent.numerator) / Decimal(percent.denominator)
        return f"{format_decimal(number, locale=get_locale())} %"
    return f"{value.numerator}/{value.denominator}"


def duration_text(value: Duration) -> str:
    n = value.amount
    if value.unit == "D":
        return ngettext("%(num)s day", "%(num)s days", n)
    if value.unit == "W":
        return ngettext("%(num)s week", "%(num)s weeks", n)
    if value.unit == "M":
        return ngettext("%(num)s month", "%(num)s months", n)
    return ngettext("%(num)s year", "%(num)s years", n)


def date_text(value: date) -> str:
    return format_date(value, format="long", locale=get_locale())


def majority_text(majority: Majority) -> str:
    fraction = fraction_text(majority.fraction)
    base = {
        "yes_no": _("of the yes and no votes"),
        "valid": _("of the valid votes"),
        "cast": _("of the votes cast"),
        "present": _("of those present"),
        "eligible": _("of all eligible members"),
    }[majority.base]
    if majority.strict:
        return _("More than %(fraction)s %(base)s.", fraction=fraction, base=base)
    return _("At least %(fraction)s %(base)s.", fraction=fraction, base=base)


@dataclass
class Row:
    """One rule as a sentence, with the statute paragraph it comes from."""

    text: str
    paragraph: str | None = None


@dataclass
class Section:
    """A topic (``referendum.quorum``) with its rules and the stored version that last set it."""

    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    origin: str = ""


@dataclass
class ProcessSummary:
    """The rules of one process kind."""

    kind: str
    title: str
    binding: bool
    paragraph: str | None
    sections: list[Section]


def _list(values: tuple[str, ...]) -> str:
    return ", ".join(value_label(v) for v in values)


def _initiation(process: Process) -> list[Row]:
    initiation = process.initiation
    rows: list[Row] = []
    for body in initiation.bodies:
        rows.append(
            Row(
                _(
                    "A resolution of the body %(name)s: %(majority)s",
                    name=body.name,
                    majority=majority_text(body.majority),
                ),
                body.paragraph or initiation.paragraph,
            )
        )
    for route in initiation.sub_units:
        parts = []
        if route.number:
            parts.append(ngettext("at least %(num)s sub-unit", "at least %(num)s sub-units", route.number))
        if route.share:
            parts.append(_("at least %(share)s of the sub-units", share=fraction_text(route.share)))
        if route.representing:
            parts.append(_("representing at least %(share)s of the members", share=fraction_text(route.representing)))
        text = _(
            "A request of sub-units (levels: %(levels)s): %(conditions)s.",
            levels=", ".join(str(LEVELS.get(v, v)) for v in route.levels),
            conditions=", ".join(parts),
        )
        rows.append(Row(text, route.paragraph or initiation.paragraph))
    for petition in initiation.petitions:
        rows.extend(_petition(petition, initiation.paragraph))
    if not rows:
        rows.append(Row(_("The statute names no route to start it."), initiation.paragraph))
    return rows


def _petition(petition: PetitionRoute, paragraph: str | None) -> list[Row]:
    name = petition.name or _("Petition")
    rows = []
    for number, stage in enumerate(petition.stages, 1):
        needed = []
        if stage.share:
            needed.append(_("%(share)s of the members", share=fraction_text(stage.share)))
        if stage.number:
            needed.append(ngettext("%(num)s signature", "%(num)s signatures", stage.number))
        text = _("%(name)s, stage %(stage)s: %(needed)s", name=name, stage=number, needed=_(" or ").join(needed))
        if stage.window is not None:
            text += " " + _("within %(window)s", window=duration_text(stage.window))
        if stage.spread_sub_units:
            text += ", " + ngettext(
                "from at least %(num)s sub-units", "from at least %(num)s sub-units", stage.spread_sub_units
            )
        if stage.spread_states:
            text += ", " + ngettext("in at least %(num)s state", "in at least %(num)s states", stage.spread_states)
        text += "."
        if stage.admissibility is not None:
            text += " " + _(
                "The board decides on admissibility within %(period)s.", period=duration_text(stage.admissibility)
            )
        rows.append(Row(text, stage.paragraph or petition.paragraph or paragraph))
    details = []
    if petition.validity is not None:
        details.append(_("A signature counts for %(period)s.", period=duration_text(petition.validity)))
    details.append(_("Members may sign online.") if petition.online else _("Signatures are collected on paper only."))
    rows.append(Row(" ".join(details), petition.paragraph or paragraph))
    return rows


def _deadlines(process: Process) -> list[Row]:
    d = process.deadlines
    rows = []
    if d.announcement.amount:
        text = _("The vote is announced at least %(period)s before it opens", period=duration_text(d.announcement))
        text += _(", naming the subject.") if d.announcement_names_subject else "."
    else:
        text = _("No notice period before the vote opens.")
    rows.append(Row(text, d.paragraph))
    if d.voting_max is not None:
        rows.append(
            Row(
                _(
                    "Voting runs at least %(min)s and at most %(max)s.",
                    min=duration_text(d.voting_min),
                    max=duration_text(d.voting_max),
                ),
                d.paragraph,
            )
        )
    else:
        rows.append(Row(_("Voting runs at least %(min)s.", min=duration_text(d.voting_min)), d.paragraph))
    if d.grace.amount:
        rows.append(
            Row(
                _("Late (postal) ballots are accepted for %(period)s after the close.", period=duration_text(d.grace)),
                d.paragraph,
            )
        )
    return rows


def _quorum(process: Process) -> list[Row]:
    q = process.quorum
    rows = []
    if q.participation:
        rows.append(
            Row(
                _("At least %(share)s of the eligible members must take part.", share=fraction_text(q.participation)),
                q.paragraph,
            )
        )
    if q.approval:
        rows.append(
            Row(
                _(
                    "The yes votes must reach at least %(share)s of the eligible members.",
                    share=fraction_text(q.approval),
                ),
                q.paragraph,
            )
        )
    if not rows:
        rows.append(Row(_("No quorum."), q.paragraph))
    elif q.on_miss == "invalid":
        rows.append(Row(_("If a quorum is missed, the vote is invalid."), q.paragraph))
    else:
        rows.append(Row(_("If a quorum is missed, the result is only advisory."), q.paragraph))
    return rows


def _majority(process: Process) -> list[Row]:
    m = process.majority
    abstentions = {
        "turnout_only": _("Abstentions count for turnout, not for the majority."),
        "as_no": _("Abstentions count as no votes."),
        "ignored": _("Abstentions do not count at all."),
    }[m.abstentions]
    ties = {
        "rejected": _("A tie means the proposal is rejected."),
        "runoff": _("A tie leads to a runoff."),
        "lot": _("A tie is decided by lot."),
    }[m.ties]
    rows = [Row(majority_text(m), m.paragraph), Row(f"{abstentions} {ties}", m.paragraph)]
    for subject, special in process.majorities.items():
        rows.append(
            Row(
                _("On %(subject)s: %(majority)s", subject=value_label(subject), majority=majority_text(special)),
                special.paragraph,
            )
        )
    return rows


def _subjects(process: Process) -> list[Row]:
    s = process.subjects
    rows = []
    if s.advisory:
        rows.append(Row(_("Only advisory on: %(subjects)s.", subjects=_list(s.advisory)), s.paragraph))
    if s.confirmatory:
        rows.append(
            Row(
                _("Confirms or rejects a convention resolution on: %(subjects)s.", subjects=_list(s.confirmatory)),
                s.paragraph,
            )
        )
    if s.excluded:
        rows.append(Row(_("No member vote on: %(subjects)s.", subjects=_list(s.excluded)), s.paragraph))
    if not rows:
        rows.append(Row(_("Every subject may be decided with binding effect."), s.paragraph))
    if process.lockout.period is not None:
        rows.append(
            Row(
                _(
                    "The same matter may be put to a vote again only after %(period)s.",
                    period=duration_text(process.lockout.period),
                ),
                process.lockout.paragraph,
            )
        )
    return rows


def _ballot(process: Process) -> list[Row]:
    b = process.ballot
    rows = [
        Row(_("The vote is secret.") if b.secret else _("The vote may be open."), b.paragraph),
        Row(
            _("Voters may change their vote until the close.") if b.revoting else _("A ballot is final once cast."),
            b.paragraph,
        ),
        Row(_("Channels: %(channels)s.", channels=_list(b.channels)), b.paragraph),
    ]
    if b.offline_required:
        rows.append(Row(_("A channel other than online voting must be offered."), b.paragraph))
    return rows


def _election(election: Election) -> list[Row]:
    rows = [
        Row(
            ngettext("%(num)s seat is filled", "%(num)s seats are filled", election.seats)
            + ", "
            + (_("each winner needs the majority.") if election.method == "majority" else _("the most votes win.")),
            election.paragraph,
        )
    ]
    quota = election.quota
    if quota.odd_places_women:
        rows.append(Row(_("Odd list places (1, 3, 5, …) are reserved for women."), quota.paragraph))
    if quota.women_min_share:
        rows.append(
            Row(
                _("At least %(share)s of a list's places go to women.", share=fraction_text(quota.women_min_share)),
                quota.paragraph,
            )
        )
    return rows


def process_sections(kind: str, process: Process) -> list[Section]:
    sections = [
        Section(f"{kind}.initiation", _("Who may start it"), _initiation(process)),
        Section(f"{kind}.deadlines", _("Deadlines"), _deadlines(process)),
        Section(f"{kind}.quorum", _("Quorum"), _quorum(process)),
        Section(f"{kind}.majority", _("Majority"), _majority(process)),
        Section(f"{kind}.subjects", _("Binding or advisory by subject"), _subjects(process)),
        Section(f"{kind}.ballot", _("Secrecy, revoting and channels"), _ballot(process)),
    ]
    if isinstance(process, Election):
        sections.insert(0, Section(f"{kind}.seats", _("Seats and lists"), _election(process)))
    return sections


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
