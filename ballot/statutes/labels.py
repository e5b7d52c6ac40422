"""Translated labels for what the statute engine reports in English: key paths, validation problems, trail checks,
their inputs and results. Anything without a label falls back to the engine's own (English) text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from babel.support import LazyProxy

from ballot.i18n import gettext as _
from ballot.i18n import lazy_gettext
from ballot_crypto.statutes import Check, Problem

PROCESSES: dict[str, LazyProxy] = {
    "referendum": lazy_gettext("Member referendum"),
    "survey": lazy_gettext("Member survey"),
    "election": lazy_gettext("Election"),
}

#: Key path segments of the rules file (docs/statutes.md, section 2).
KEYS: dict[str, LazyProxy] = {
    **PROCESSES,
    "statute": lazy_gettext("Statute"),
    "name": lazy_gettext("name"),
    "unit": lazy_gettext("unit"),
    "source": lazy_gettext("source"),
    "extends": lazy_gettext("parent statute (extends)"),
    "eligibility": lazy_gettext("Eligibility"),
    "sub_units": lazy_gettext("sub-units"),
    "member_since": lazy_gettext("member since"),
    "dues_paid": lazy_gettext("dues paid"),
    "classes": lazy_gettext("member classes"),
    "freeze": lazy_gettext("electorate frozen"),
    "paragraph": lazy_gettext("paragraph"),
    "binding": lazy_gettext("binding"),
    "initiation": lazy_gettext("Initiation"),
    "bodies": lazy_gettext("bodies"),
    "petitions": lazy_gettext("petitions"),
    "stages": lazy_gettext("stages"),
    "levels": lazy_gettext("levels"),
    "number": lazy_gettext("number"),
    "share": lazy_gettext("share"),
    "representing": lazy_gettext("representing"),
    "validity": lazy_gettext("validity of a signature"),
    "reference": lazy_gettext("reference date"),
    "cumulative": lazy_gettext("cumulative"),
    "online": lazy_gettext("online signing"),
    "reasoned_decision": lazy_gettext("reasoned decision"),
    "window": lazy_gettext("window"),
    "spread_sub_units": lazy_gettext("spread over sub-units"),
    "spread_states": lazy_gettext("spread over states"),
    "admissibility": lazy_gettext("admissibility decision"),
    "deadlines": lazy_gettext("Deadlines"),
    "announcement": lazy_gettext("announcement"),
    "announcement_names_subject": lazy_gettext("announcement names the subject"),
    "voting_min": lazy_gettext("shortest voting period"),
    "voting_max": lazy_gettext("longest voting period"),
    "grace": lazy_gettext("grace period"),
    "quorum": lazy_gettext("Quorum"),
    "participation": lazy_gettext("participation"),
    "approval": lazy_gettext("approval"),
    "on_miss": lazy_gettext("if missed"),
    "majority": lazy_gettext("Majority"),
    "majorities": lazy_gettext("Majorities by subject"),
    "fraction": lazy_gettext("fraction"),
    "base": lazy_gettext("base"),
    "strict": lazy_gettext("strict"),
    "abstentions": lazy_gettext("abstentions"),
    "ties": lazy_gettext("ties"),
    "subjects": lazy_gettext("Subjects"),
    "advisory": lazy_gettext("advisory"),
    "confirmatory": lazy_gettext("confirmatory"),
    "excluded": lazy_gettext("excluded"),
    "lockout": lazy_gettext("Lock-out"),
    "period": lazy_gettext("period"),
    "ballot": lazy_gettext("Ballot"),
    "secret": lazy_gettext("secret"),
    "revoting": lazy_gettext("revoting"),
    "channels": lazy_gettext("channels"),
    "offline_required": lazy_gettext("non-online channel required"),
    "seats": lazy_gettext("seats"),
    "method": lazy_gettext("method"),
    "quota": lazy_gettext("quota"),
    "odd_places_women": lazy_gettext("odd places for women"),
    "women_min_share": lazy_gettext("minimum share of women"),
    "motions": lazy_gettext("Motions"),
    "supporters": lazy_gettext("supporters"),
    "supporters_share": lazy_gettext("supporters (share)"),
    "women_supporters": lazy_gettext("women among the supporters"),
    "deadline": lazy_gettext("deadline"),
    "amendment_deadline": lazy_gettext("deadline for amendments"),
}

#: Problem kinds, recognised by how the engine's message begins.
PROBLEM_KINDS: tuple[tuple[str, LazyProxy], ...] = (
    ("not valid TOML", lazy_gettext("The text is not valid TOML.")),
    ("unknown key", lazy_gettext("Unknown key.")),
    ("expected", lazy_gettext("Wrong type of value.")),
    ("bad fraction", lazy_gettext("Not a valid fraction or percentage.")),
    ("bad duration", lazy_gettext("Not a valid duration.")),
    ("out of range", lazy_gettext("Value out of range.")),
    ("missing", lazy_gettext("Something required is missing.")),
    ("empty", lazy_gettext("Must not be empty.")),
    ("inconsistent", lazy_gettext("Contradicts another rule.")),
    ("a channel is listed twice", lazy_gettext("A channel is listed twice.")),
    ("not used here", lazy_gettext("Not used here: a unit inherits from the units above it.")),
    ("too long", lazy_gettext("The text is too long.")),
    ("parent", lazy_gettext("The parent statute cannot be found.")),
)

CHECKS: dict[str, LazyProxy] = {
    "subject": lazy_gettext("Subject"),
    "process": lazy_gettext("Kind of vote"),
    "quorum.participation": lazy_gettext("Participation quorum"),
    "quorum.approval": lazy_gettext("Approval quorum"),
    "majority": lazy_gettext("Majority"),
    "majority.tie": lazy_gettext("Tie"),
    "candidate": lazy_gettext("Candidate"),
    "seats": lazy_gettext("Seats"),
    "decision": lazy_gettext("Decision"),
}

RESULTS: dict[str, LazyProxy] = {
    "met": lazy_gettext("met"),
    "missed": lazy_gettext("missed"),
    "adopted": lazy_gettext("adopted"),
    "rejected": lazy_gettext("rejected"),
    "tie": lazy_gettext("tie"),
    "invalid": lazy_gettext("invalid"),
    "advisory": lazy_gettext("advisory"),
    "binding": lazy_gettext("binding"),
    "excluded": lazy_gettext("excluded"),
    "confirmatory": lazy_gettext("confirmatory"),
    "qualified": lazy_gettext("qualified"),
    "not qualified": lazy_gettext("not qualified"),
    "filled": lazy_gettext("all seats filled"),
    "open": lazy_gettext("seats left open"),
    "elected": lazy_gettext("elected"),
    "runoff": lazy_gettext("runoff needed"),
}

INPUTS: dict[str, LazyProxy] = {
    "subject": lazy_gettext("subject"),
    "advisory": lazy_gettext("advisory subjects"),
    "confirmatory": lazy_gettext("confirmatory subjects"),
    "excluded": lazy_gettext("excluded subjects"),
    "process": lazy_gettext("process"),
    "binding": lazy_gettext("binding"),
    "participants": lazy_gettext("took part"),
    "eligible": lazy_gettext("eligible"),
    "share": lazy_gettext("share"),
    "needed": lazy_gettext("needed"),
    "yes": lazy_gettext("yes"),
    "no": lazy_gettext("no"),
    "abstain": lazy_gettext("abstentions"),
    "invalid": lazy_gettext("invalid"),
    "base": lazy_gettext("base"),
    "base_votes": lazy_gettext("votes in the base"),
    "fraction": lazy_gettext("fraction"),
    "strict": lazy_gettext("strict"),
    "abstentions": lazy_gettext("abstentions count"),
    "ties": lazy_gettext("ties"),
    "lot": lazy_gettext("lot"),
    "quorum": lazy_gettext("quorum"),
    "on_miss": lazy_gettext("if missed"),
    "process_binding": lazy_gettext("process binding"),
    "majority": lazy_gettext("majority"),
    "candidate": lazy_gettext("candidate"),
    "votes": lazy_gettext("votes"),
    "method": lazy_gettext("method"),
    "approval_needed": lazy_gettext("approval needed"),
    "seats": lazy_gettext("seats"),
    "qualified": lazy_gettext("qualified"),
}

#: The subjects the examples and the demo use (free identifiers: others are shown as written).
SUBJECTS: dict[str, LazyProxy] = {
    "programme": lazy_gettext("the party programme"),
    "statute": lazy_gettext("the statute"),
    "dues": lazy_gettext("the dues"),
    "arbitration": lazy_gettext("the arbitration rules"),
    "dissolution": lazy_gettext("dissolution"),
    "merger": lazy_gettext("a merger"),
    "board_election": lazy_gettext("board elections"),
    "purpose": lazy_gettext("the purpose"),
}

#: Unit levels named in initiation routes.
LEVELS: dict[str, LazyProxy] = {
    "federal": lazy_gettext("federal"),
    "state": lazy_gettext("state associations"),
    "district": lazy_gettext("district associations"),
    "local": lazy_gettext("local associations"),
}

#: Enum-like values that appear in rules and trails.
VALUES: dict[str, LazyProxy] = {
    **SUBJECTS,
    "yes_no": lazy_gettext("yes and no votes"),
    "valid": lazy_gettext("valid votes"),
    "cast": lazy_gettext("votes cast"),
    "present": lazy_gettext("present"),
    "eligible": lazy_gettext("all eligible"),
    "turnout_only": lazy_gettext("for turnout only"),
    "as_no": lazy_gettext("as no votes"),
    "ignored": lazy_gettext("not at all"),
    "rejected": lazy_gettext("rejected"),
    "runoff": lazy_gettext("runoff"),
    "lot": lazy_gettext("lot"),
    "invalid": lazy_gettext("invalid"),
    "advisory": lazy_gettext("advisory"),
    "online": lazy_gettext("online"),
    "postal": lazy_gettext("postal"),
    "assembly": lazy_gettext("assembly"),
    "majority": lazy_gettext("majority vote"),
    "plurality": lazy_gettext("plurality"),
    "met": lazy_gettext("met"),
    "missed": lazy_gettext("missed"),
    "adopted": lazy_gettext("adopted"),
    "tie": lazy_gettext("tie"),
    "binding": lazy_gettext("binding"),
    "confirmatory": lazy_gettext("confirmatory"),
    "excluded": lazy_gettext("excluded"),
    "referendum": PROCESSES["referendum"],
    "survey": PROCESSES["survey"],
    "election": PROCESSES["election"],
}

_INDEX = re.compile(r"^(\w+)\[(\d+)\]$")


def key_label(path: str) -> str:
    """``referendum.quorum.participation`` -> ``Mitgliederentscheid › Quorum › Beteiligung`` (unknown parts kept)."""
    if not path:
        return _("the whole text")
    parts = []
    for segment in path.split("."):
        match = _INDEX.match(segment)
        if match:
            name = KEYS.get(match[1])
            parts.append(_("%(name)s no. %(number)s", name=str(name) if name else match[1], number=int(match[2]) + 1))
        else:
            label = KEYS.get(segment)
            parts.append(str(label) if label else segment)
    return " › ".join(parts)


@dataclass(frozen=True)
class ShownProblem:
    """A validation problem as shown: the key path, its label, a translated summary and the engine's message."""

    file: str
    path: str
    where: str
    summary: str
    message: str


def show_problem(problem: Problem) -> ShownProblem:
    """Label a problem; the English message stays as the detail (and the fallback)."""
    summary = next((str(label) for prefix, label in PROBLEM_KINDS if problem.message.startswith(prefix)), "")
    return ShownProblem(problem.file, problem.path, key_label(problem.path), summary, problem.message)


def value_label(value: Any) -> str:
    """A value from a trail, readable: booleans as yes/no, lists joined, known words translated."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(value_label(v) for v in value) if value else "–"
    if isinstance(value, str):
        label = VALUES.get(value)
        return str(label) if label else value
    return str(value)


@dataclass(frozen=True)
class ShownCheck:
    """One trail check as shown: label, inputs as (label, value) pairs, result label, paragraph."""

    name: str
    label: str
    inputs: list[tuple[str, str]]
    result: str
    result_label: str
    paragraph: str | None


def show_check(check: Check) -> ShownCheck:
    """Label a trail check (inputs in their JSON form: fractions ``p/q``, dates ISO)."""
    data = check.to_json()
    inputs = [(str(INPUTS.get(k, k)), value_label(v)) for k, v in data["inputs"].items()]
    label = CHECKS.get(check.name)
    result = RESULTS.get(check.result)
    return ShownCheck(
        check.name,
        str(label) if label else check.name,
        inputs,
        check.result,
        str(result) if result else check.result,
        check.paragraph,
    )
