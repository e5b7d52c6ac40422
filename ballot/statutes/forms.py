"""Reading the planning and dry-run forms (GET query strings): every bad value becomes an error beside its field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ballot.i18n import gettext as _
from ballot_crypto.statutes import PROCESS_KINDS

MAX_COUNT = 1_000_000_000
MAX_CANDIDATES = 50
COUNT_FIELDS = ("eligible", "yes", "no", "abstain", "invalid")
THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")


@dataclass
class PlanInput:
    process: str = "referendum"
    opening: date | None = None
    eligible: int | None = None
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class DryRunInput:
    process: str = "referendum"
    counts: dict[str, int] = field(default_factory=dict)
    subject: str | None = None
    candidates: dict[str, int] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _process(raw: str, errors: dict[str, str]) -> str:
    if raw in PROCESS_KINDS:
        return raw
    if raw:
        errors["process"] = _("Please choose one of the offered processes.")
    return "referendum"


def parse_count(raw: str, name: str, errors: dict[str, str], required: bool) -> int | None:
    """A whole number >= 0; empty is 0 unless ``required``."""
    text = raw.strip().replace(" ", "").replace("\u202f", "")
    if THOUSANDS.match(text):  # German "12.000" (or English "12,000") is twelve thousand
        text = text.replace(".", "").replace(",", "")
    if not text:
        if required:
            errors[name] = _("Please enter a number.")
            return None
        return 0
    if text.startswith("-") and text[1:].isdigit():
        errors[name] = _("The number must not be negative.")
        return None
    if not text.isdigit():
        errors[name] = _("Please enter a whole number (0 or more), without letters.")
        return None
    value = int(text)
    if value > MAX_COUNT:
        errors[name] = _("The number is too large.")
        return None
    return value


def read_plan(query: Mapping[str, str]) -> PlanInput:
    values = {k: str(query.get(k, "")).strip()[:40] for k in ("process", "opening", "eligible")}
    errors: dict[str, str] = {}
    plan = PlanInput(values=values, errors=errors)
    plan.process = _process(values["process"], errors)
    try:
        plan.opening = date.fromisoformat(values["opening"]) if values["opening"] else None
    except ValueError:
        plan.opening = None
    if plan.opening is None:
        errors["opening"] = _("Please enter the opening date as YYYY-MM-DD (for example 2026-03-01).")
    elif not date(1900, 1, 1) <= plan.opening <= date(2999, 12, 31):
        errors["opening"] = _("Please enter a date between 1900 and 2999.")
        plan.opening = None
    if values["eligible"]:
        plan.eligible = parse_count(values["eligible"], "eligible", errors, required=False)
    return plan


def _candidates(raw: str, errors: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    lines = [line for line in raw.splitlines() if line.strip()]
    if not lines:
        errors["candidates"] = _("Please enter at least one candidate, one per line: name = votes.")
        return found
    if len(lines) > MAX_CANDIDATES:
        errors["candidates"] = _("At most %(max)s candidates.", max=MAX_CANDIDATES)
        return found
    for number, line in enumerate(lines, 1):
        separator = "=" if "=" in line else ":"
        name, _sep, votes = line.rpartition(separator)
        name = name.strip()[:100]
        scratch: dict[str, str] = {}
        count = parse_count(votes, "line", scratch, required=True) if name else None
        if not name or count is None:
            errors["candidates"] = _(
                "Line %(line)s: write a name, then = and the number of votes (e.g. Anna Beispiel = 120).", line=number
            )
            return found
        if name in found:
            errors["candidates"] = _("Line %(line)s: %(name)s is listed twice.", line=number, name=name)
            return found
        found[name] = count
    return found


def read_dry_run(query: Mapping[str, str], subjects: list[str]) -> DryRunInput:
    names = (*COUNT_FIELDS, "process", "subject")
    values = {k: str(query.get(k, "")).strip()[:40] for k in names}
    values["candidates"] = str(query.get("candidates", ""))[:5000]
    errors: dict[str, str] = {}
    run = DryRunInput(values=values, errors=errors)
    run.process = _process(values["process"], errors)
    election = run.process == "election"
    for name in COUNT_FIELDS:
        required = name == "eligible" or (not election and name in ("yes", "no"))
        value = parse_count(values[name], name, errors, required)
        if value is not None:
            run.counts[name] = value
    if values["subject"]:
        if values["subject"] in subjects:
            run.subject = values["subject"]
        else:
            errors["subject"] = _("Please choose one of the offered subjects.")
    if election:
        run.candidates = _candidates(values["candidates"], errors)
    if not errors:
        eligible = run.counts["eligible"]
        if election:
            cast = sum(run.candidates.values()) + run.counts["abstain"] + run.counts["invalid"]
        else:
            cast = sum(run.counts[k] for k in ("yes", "no", "abstain", "invalid"))
        if cast > eligible:
            errors["eligible"] = _(
                "More ballots (%(cast)s) than eligible members (%(eligible)s): check the numbers.",
                cast=cast,
                eligible=eligible,
            )
    return run
