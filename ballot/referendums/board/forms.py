"""Reading the board's "new ballot" form (works without JavaScript) into the arguments of ``create_election``.

Every value the form cannot read becomes an error beside its field; the value handed to the service is then one
the service refuses as well, so a form with any error never stores anything."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ballot.i18n import gettext as _
from ballot.web.dates import parse_local

METHODS = ("single", "approval", "yes_no_abstain", "cumulative")
MAX_MOTIONS = 20
MAX_CANDIDATES = 50
MAX_CANDIDATE_NAME = 200
MAX_RANGE = 100
DATE_FIELDS = ("announcement_at", "opens_at", "closes_at")
_LABELS = {"yes": ("Ja", "Yes"), "no": ("Nein", "No"), "abstain": ("Enthaltung", "Abstain")}


@dataclass
class BallotForm:
    """The submitted values (as typed, for re-rendering), the parsed arguments and the errors per field."""

    values: dict[str, str] = field(default_factory=dict)
    motions: list[tuple[str, str]] = field(default_factory=list)
    trustees: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.values.get("kind", "referendum")


def _text(de: str, en: str) -> dict[str, str]:
    return {"de": de, "en": en}


def yes_no_question(qid: str, kind: str, de: str, en: str, seats: int | None = None) -> dict[str, Any]:
    """A motion (``referendum`` process) or, given ``seats``, one candidate of a per-candidate election
    (``yes_no_abstain`` under the ``election`` process with the election's seats)."""
    process = "referendum" if seats is None else "election"
    return {"id": qid, "kind": kind, "text": _text(de, en), "min": 0, "max": 1, "process": process,
            "subject": None, "seats": seats,
            "options": [{"id": o, "label": _text(*_LABELS[o]), "max": 1} for o in ("yes", "no", "abstain")]}


def _whole(raw: str, name: str, errors: dict[str, str], lo: int, hi: int) -> int | None:
    text = raw.strip()
    if not text.isdigit() or not lo <= int(text) <= hi:
        errors[name] = _("Enter a whole number from %(low)s to %(high)s.", low=lo, high=hi)
        return None
    return int(text)


def _motions(form: BallotForm) -> list[dict[str, Any]] | None:
    questions: list[dict[str, Any]] = []
    filled = [(i, de, en) for i, (de, en) in enumerate(form.motions, start=1) if de or en]
    if not filled:
        form.errors["motion_de_1"] = _("Enter at least one motion.")
        return None
    ok = True
    for i, de, en in filled:
        if not de:
            form.errors[f"motion_de_{i}"] = _("Enter the motion in German.")
            ok = False
        if not en:
            form.errors[f"motion_en_{i}"] = _("Enter the motion in English.")
            ok = False
        if ok:
            questions.append(yes_no_question(f"q{len(questions) + 1}", "referendum", de, en))
    return questions if ok else None


def _candidates(form: BallotForm) -> list[str] | None:
    names = [line.strip() for line in form.values.get("candidates", "").splitlines() if line.strip()]
    if not names:
        form.errors["candidates"] = _("Enter at least one candidate, one per line.")
        return None
    if len(names) > MAX_CANDIDATES:
        form.errors["candidates"] = _("At most %(number)s candidates.", number=MAX_CANDIDATES)
        return None
    if any(len(name) > MAX_CANDIDATE_NAME for name in names):
        form.errors["candidates"] = _("A name has at most %(number)s characters.", number=MAX_CANDIDATE_NAME)
        return None
    if len(set(names)) != len(names):
        form.errors["candidates"] = _("Every candidate may be listed only once.")
        return None
    return names


def _election(form: BallotForm) -> list[dict[str, Any]] | None:
    values, errors = form.values, form.errors
    method = values.get("method", "")
    if method not in METHODS:
        errors["method"] = _("Choose a voting method.")
    names = _candidates(form)
    if names is None or method not in METHODS:
        return None
    seats = _whole(values.get("seats", ""), "seats", errors, 1, len(names))
    if method == "yes_no_abstain":
        if seats is None:
            return None
        return [yes_no_question(f"c{i}", "yes_no_abstain", name, name, seats)
                for i, name in enumerate(names, start=1)]
    text = _text(values.get("title_de") or "Wahl", values.get("title_en") or "Election")
    per, total = 1, 1
    if method == "approval":
        total_or_none = _whole(values.get("votes", ""), "votes", errors, 1, min(len(names), MAX_RANGE))
        if total_or_none is None:
            return None
        total = total_or_none
    elif method == "cumulative":
        per_or_none = _whole(values.get("per_candidate", ""), "per_candidate", errors, 1, MAX_RANGE)
        total_or_none = _whole(values.get("votes", ""), "votes", errors, 1, MAX_RANGE)
        if per_or_none is None or total_or_none is None:
            return None
        per, total = per_or_none, total_or_none
        if per > total:
            errors["per_candidate"] = _("A candidate cannot receive more votes than a ballot has.")
            return None
    if seats is None:
        return None
    options = [{"id": f"c{i}", "label": _text(name, name), "max": per} for i, name in enumerate(names, start=1)]
    return [{"id": "q1", "kind": method, "text": text, "options": options, "min": 0, "max": total,
             "process": "election", "subject": None, "seats": seats}]


def read_ballot_form(raw: Any) -> BallotForm:
    """Read the multi-dict ``raw`` (a Litestar form) into a :class:`BallotForm`."""
    def one(name: str, limit: int = 400) -> str:
        return str(raw.get(name, "")).strip()[:limit]

    names = ("kind", "title_de", "title_en", "method", "seats", "votes", "per_candidate", "threshold", "channels",
             *DATE_FIELDS)
    values = {name: one(name) for name in names}
    values["description"] = str(raw.get("description", "")).strip()[:25_000]
    values["candidates"] = str(raw.get("candidates", ""))[:20_000]
    count = _whole(one("motion_count") or "1", "motion_count", {}, 1, MAX_MOTIONS) or 1
    form = BallotForm(values=values)
    form.motions = [(one(f"motion_de_{i}", 2000), one(f"motion_en_{i}", 2000)) for i in range(1, count + 1)]
    form.trustees = [str(v) for v in raw.getall("trustee", [])] if hasattr(raw, "getall") else []
    errors = form.errors

    kind = values["kind"] if values["kind"] in ("referendum", "election") else ""
    if not kind:
        errors["kind"] = _("Choose a referendum or an election.")
        questions = None
    elif kind == "referendum":
        questions = _motions(form)
    else:
        questions = _election(form)

    moments: dict[str, datetime | None] = {}
    for name in DATE_FIELDS:
        moments[name] = parse_local(values[name])
        if moments[name] is None:
            errors[name] = _("Enter a date and time (day, month, year, hour and minute).")

    trustee_ids = [int(v) for v in form.trustees if v.isdigit() and len(v) < 12]
    if len(trustee_ids) != len(form.trustees):
        trustee_ids = []
    threshold = _whole(values["threshold"], "threshold", errors, 1, 99)

    form.args = {
        "kind": kind, "title_de": values["title_de"], "title_en": values["title_en"],
        "description": values["description"], "questions": questions or [],
        "announcement_at": moments["announcement_at"], "opens_at": moments["opens_at"],
        "closes_at": moments["closes_at"], "trustee_account_ids": trustee_ids,
        "threshold": threshold, "postal": {"online": False, "postal": True}.get(values["channels"]),
    }
    return form


def add_motion_row(form: BallotForm) -> None:
    """One more empty motion row (the no-JavaScript way to add a motion)."""
    if len(form.motions) < MAX_MOTIONS:
        form.motions.append(("", ""))
