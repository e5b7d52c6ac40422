"""The election manifest: what is asked, of whom, when, under which statute.

Every question kind is expressed as options with a per-option maximum and a [min, max] bound on the total
number of votes a ballot gives in that question; ``kind`` names the method for people and the validation.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ballot_crypto import canonical
from ballot_crypto.errors import InvalidEncoding

FORMAT = "ballot-manifest/1"
KINDS = ("referendum", "single", "approval", "yes_no_abstain", "cumulative")
PROCESSES = ("referendum", "survey", "election")
"""The statute's process kinds a question can run under (docs/statutes.md, ``P``)."""
YES_NO_KINDS = ("referendum", "yes_no_abstain")
YES_NO_ABSTAIN = ("yes", "no", "abstain")
PROCESSES_OF = {"referendum": ("referendum", "survey"), "yes_no_abstain": ("referendum", "survey", "election"),
                "single": ("election",), "approval": ("election",), "cumulative": ("election",)}
"""The processes each kind may run under; a ``yes_no_abstain`` question under ``election`` is one candidate of a
per-candidate election (docs/election-record.md 3.3)."""
MAX_RANGE = 100
"""Upper bound for every per-option and per-question maximum (range proofs grow linearly with it)."""

_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})")


class ManifestError(InvalidEncoding):
    """The manifest is malformed or inconsistent."""


def _text(obj: Any, where: str) -> dict[str, str]:
    if not isinstance(obj, dict) or set(obj) != {"de", "en"}:
        raise ManifestError(f"{where}: expected an object with exactly the keys 'de' and 'en'")
    for lang, value in obj.items():
        if not isinstance(value, str) or not value.strip():
            raise ManifestError(f"{where}.{lang}: must be a non-empty string")
    return dict(obj)


def _int(obj: Any, where: str, lo: int, hi: int) -> int:
    if isinstance(obj, bool) or not isinstance(obj, int) or not lo <= obj <= hi:
        raise ManifestError(f"{where}: expected an integer in [{lo}, {hi}]")
    return obj


def _ident(obj: Any, where: str) -> str:
    if not isinstance(obj, str) or not _ID.fullmatch(obj):
        raise ManifestError(f"{where}: expected an identifier matching [a-z0-9][a-z0-9_-]{{0,63}}")
    return obj


def _keys(obj: Any, where: str, keys: set[str]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise ManifestError(f"{where}: expected an object")
    if set(obj) != keys:
        missing, extra = sorted(keys - set(obj)), sorted(set(obj) - keys)
        raise ManifestError(f"{where}: missing keys {missing}, unknown keys {extra}")
    return obj


def _date(obj: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(obj) if isinstance(obj, str) and _DATE.fullmatch(obj) else None
    except ValueError:
        moment = None
    if moment is None:
        raise ManifestError(f"{where}: expected a date-time YYYY-MM-DDTHH:MM:SS followed by Z or +HH:MM / -HH:MM")
    return moment


def _candidate(obj: dict[str, Any]) -> bool:
    return obj["kind"] == "yes_no_abstain" and obj["process"] == "election"


@dataclass(frozen=True)
class Option:
    id: str
    label: dict[str, str]
    max: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "max": self.max}


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: dict[str, str]
    options: tuple[Option, ...]
    min: int
    max: int
    process: str = "referendum"
    subject: str | None = None
    seats: int | None = None

    @property
    def blank_allowed(self) -> bool:
        return self.min == 0

    @property
    def is_candidate(self) -> bool:
        """One candidate of a per-candidate yes/no/abstain election (kind yes_no_abstain, process election)."""
        return self.kind == "yes_no_abstain" and self.process == "election"

    @property
    def has_blank_ciphertext(self) -> bool:
        """A ballot carries an encrypted blank flag when blank is allowed but not derivable from the counts."""
        return self.min == 0 and self.max > 1

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "options": [option.to_json() for option in self.options],
            "min": self.min,
            "max": self.max,
            "process": self.process,
            "subject": self.subject,
            "seats": self.seats,
        }

    @classmethod
    def from_json(cls, obj: Any, where: str = "question") -> Question:
        obj = _keys(obj, where, {"id", "kind", "text", "options", "min", "max", "process", "subject", "seats"})
        if obj["kind"] not in KINDS:
            raise ManifestError(f"{where}.kind: expected one of {', '.join(KINDS)}")
        if not isinstance(obj["options"], list) or not obj["options"]:
            raise ManifestError(f"{where}.options: expected a non-empty list")
        options = []
        for i, item in enumerate(obj["options"]):
            at = f"{where}.options[{i}]"
            item = _keys(item, at, {"id", "label", "max"})
            options.append(
                Option(_ident(item["id"], f"{at}.id"), _text(item["label"], f"{at}.label"),
                       _int(item["max"], f"{at}.max", 1, MAX_RANGE))
            )
        question = cls(
            id=_ident(obj["id"], f"{where}.id"),
            kind=obj["kind"],
            text=_text(obj["text"], f"{where}.text"),
            options=tuple(options),
            min=_int(obj["min"], f"{where}.min", 0, MAX_RANGE),
            max=_int(obj["max"], f"{where}.max", 1, MAX_RANGE),
            process=obj["process"],
            subject=None if obj["subject"] is None else _ident(obj["subject"], f"{where}.subject"),
            seats=None if obj["seats"] is None else _int(obj["seats"], f"{where}.seats", 1,
                                                         MAX_RANGE if _candidate(obj) else len(options)),
        )
        question._validate(where)
        return question

    def _validate(self, where: str) -> None:
        ids = [option.id for option in self.options]
        if len(set(ids)) != len(ids):
            raise ManifestError(f"{where}.options: option ids must be unique")
        if self.min > self.max:
            raise ManifestError(f"{where}: min ({self.min}) exceeds max ({self.max})")
        reachable = sum(option.max for option in self.options)
        if self.max > reachable:
            raise ManifestError(f"{where}: max ({self.max}) exceeds the sum of option maxima ({reachable})")
        singles = all(option.max == 1 for option in self.options)
        if self.kind in ("referendum", "yes_no_abstain"):
            if tuple(ids) != YES_NO_ABSTAIN or not singles or (self.min, self.max) != (0, 1):
                raise ManifestError(f"{where}: a {self.kind} question has the options yes, no, abstain "
                                    "(each at most 1), min 0 and max 1")
        elif self.kind == "single":
            if not singles or self.max != 1:
                raise ManifestError(f"{where}: a single-choice question has options of max 1 and max 1")
        elif self.kind == "approval":
            if not singles:
                raise ManifestError(f"{where}: an approval question has options of max 1")
        elif max(option.max for option in self.options) > self.max:
            raise ManifestError(f"{where}: a cumulative option maximum exceeds the question maximum")
        self._validate_process(where)

    def _validate_process(self, where: str) -> None:
        """Which statute process evaluates the question (docs/election-record.md 3.3)."""
        if self.process not in PROCESSES:
            raise ManifestError(f"{where}.process: expected one of {', '.join(PROCESSES)}")
        if self.process not in PROCESSES_OF[self.kind]:
            raise ManifestError(f"{where}.process: a {self.kind} question runs under "
                                + " or ".join(PROCESSES_OF[self.kind]))
        if self.process == "election":
            if self.subject is not None:
                raise ManifestError(f"{where}.subject: must be null for an election")
            if self.is_candidate:
                if self.seats is None:
                    raise ManifestError(f"{where}.seats: a candidate question names the seats of its election")
            elif self.seats is None or self.seats > len(self.options):
                raise ManifestError(f"{where}.seats: an election has 1 to {len(self.options)} seats (one per option)")
        elif self.seats is not None:
            raise ManifestError(f"{where}.seats: must be null unless the process is election")


@dataclass(frozen=True)
class Manifest:
    id: str
    title: dict[str, str]
    unit: dict[str, str]
    dates: dict[str, str]
    statute_sha256: str
    revoting: bool
    questions: tuple[Question, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "id": self.id,
            "title": self.title,
            "unit": self.unit,
            "dates": self.dates,
            "statute_sha256": self.statute_sha256,
            "revoting": self.revoting,
            "questions": [question.to_json() for question in self.questions],
        }

    def hash(self) -> bytes:
        """SHA-256 of the canonical encoding (the bytes of manifest.json)."""
        return canonical.hash_json(self.to_json())

    @property
    def candidates(self) -> tuple[Question, ...]:
        """The questions of the per-candidate election, in manifest order (empty when there is none)."""
        return candidate_questions(self.questions)

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    @classmethod
    def from_json(cls, obj: Any) -> Manifest:
        keys = {"format", "id", "title", "unit", "dates", "statute_sha256", "revoting", "questions"}
        obj = _keys(obj, "manifest", keys)
        if obj["format"] != FORMAT:
            raise ManifestError(f"manifest.format: expected {FORMAT!r}")
        try:
            election_id = str(uuid.UUID(obj["id"])) if isinstance(obj["id"], str) else ""
        except ValueError:
            election_id = ""
        if election_id != obj["id"]:
            raise ManifestError("manifest.id: expected a lowercase UUID")
        unit = _keys(obj["unit"], "manifest.unit", {"id", "name"})
        if not all(isinstance(v, str) and v.strip() for v in unit.values()):
            raise ManifestError("manifest.unit: id and name must be non-empty strings")
        dates = _keys(obj["dates"], "manifest.dates", {"announcement", "open", "close"})
        moments = [_date(dates[k], f"manifest.dates.{k}") for k in ("announcement", "open", "close")]
        if not moments[0] <= moments[1] < moments[2]:
            raise ManifestError("manifest.dates: expected announcement <= open < close")
        try:
            canonical.from_hex(obj["statute_sha256"], 32, "manifest.statute_sha256")
        except InvalidEncoding as exc:
            raise ManifestError(str(exc)) from exc
        if not isinstance(obj["revoting"], bool):
            raise ManifestError("manifest.revoting: expected true or false")
        if not isinstance(obj["questions"], list) or not obj["questions"]:
            raise ManifestError("manifest.questions: expected a non-empty list")
        questions = tuple(Question.from_json(q, f"manifest.questions[{i}]") for i, q in enumerate(obj["questions"]))
        if len({q.id for q in questions}) != len(questions):
            raise ManifestError("manifest.questions: question ids must be unique")
        check_candidates(questions, "manifest.questions")
        return cls(election_id, _text(obj["title"], "manifest.title"), dict(unit), dict(dates),
                   obj["statute_sha256"], obj["revoting"], questions)


def candidate_questions(questions: Sequence[Question]) -> tuple[Question, ...]:
    """The candidate questions (yes_no_abstain under election): together they form one election."""
    return tuple(q for q in questions if q.is_candidate)


def check_candidates(questions: Sequence[Question], where: str = "questions") -> None:
    """The candidate questions of one ballot form one election: the same seats, at most one per candidate."""
    group = candidate_questions(questions)
    if not group:
        return
    seats = {q.seats for q in group}
    if len(seats) != 1:
        raise ManifestError(f"{where}: the candidates of a per-candidate election must name the same seats "
                            f"(found {sorted(s or 0 for s in seats)})")
    count = group[0].seats or 0
    if count > len(group):
        raise ManifestError(f"{where}: a per-candidate election of {len(group)} candidates has 1 to {len(group)} "
                            f"seats, not {count}")
