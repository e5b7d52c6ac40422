"""Check 4: the manifest's rules (docs/election-record.md 3.3), and the question model the other checks use."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

FORMAT = "ballot-manifest/1"
IDENT = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})", re.ASCII)
YES_NO_ABSTAIN = ("yes", "no", "abstain")
KINDS = ("referendum", "yes_no_abstain", "single", "approval", "cumulative")
YES_NO_KINDS = ("referendum", "yes_no_abstain")
PROCESSES = ("referendum", "survey", "election")


@dataclass(frozen=True)
class Question:
    """A question as the checks need it: option ids, labels and maxima, the bounds and the blank flag."""

    id: str
    kind: str
    text: dict[str, str]
    options: tuple[str, ...]
    labels: tuple[dict[str, str], ...]
    maxima: tuple[int, ...]
    min: int
    max: int
    process: str = "referendum"
    subject: str | None = None
    seats: int | None = None

    @property
    def blank_flag(self) -> bool:
        """A ballot carries an encrypted blank flag when min = 0 and max > 1."""
        return self.min == 0 and self.max > 1

    @property
    def total_range(self) -> tuple[int, int]:
        """The range of the total proof: [1, max] with a blank flag, else [min, max]."""
        return (1, self.max) if self.blank_flag else (self.min, self.max)


def _date(text: str) -> datetime | None:
    """An RFC 3339 date-time YYYY-MM-DDTHH:MM:SS with Z or +HH:MM / -HH:MM, a valid calendar date."""
    if not DATE.fullmatch(text):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _question(q: dict[str, Any], where: str, problems: list[str]) -> Question:
    ids = [o["id"] for o in q["options"]]
    maxima = [o["max"] for o in q["options"]]
    for name, value in [("id", q["id"]), *[(f"options[{i}].id", x) for i, x in enumerate(ids)]]:
        if not IDENT.fullmatch(value):
            problems.append(f"{where}.{name}: {value!r} is not an identifier [a-z0-9][a-z0-9_-]{{0,63}}")
    texts = [("text", q["text"]), *[(f"options[{i}].label", o["label"]) for i, o in enumerate(q["options"])]]
    for name, text in texts:
        if not all(value.strip() for value in text.values()):
            problems.append(f"{where}.{name}: German and English texts must not be empty")
    if not ids:
        problems.append(f"{where}.options: must not be empty")
    if len(set(ids)) != len(ids):
        problems.append(f"{where}.options: option ids are not unique")
    if any(not 1 <= m <= 100 for m in maxima):
        problems.append(f"{where}.options: every option max must be in 1..100")
    if not (0 <= q["min"] <= 100 and 1 <= q["max"] <= 100 and q["min"] <= q["max"] <= sum(maxima)):
        problems.append(f"{where}: need 0 <= min <= max <= 100, max >= 1 and max <= the sum of the option maxima")
    kind, singles = q["kind"], all(m == 1 for m in maxima)
    if kind not in KINDS:
        problems.append(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
    elif kind in ("referendum", "yes_no_abstain"):
        if tuple(ids) != YES_NO_ABSTAIN or not singles or (q["min"], q["max"]) != (0, 1):
            problems.append(f"{where}: a {kind} question has options yes, no, abstain (max 1 each), min 0, max 1")
    elif kind == "single" and (not singles or q["max"] != 1):
        problems.append(f"{where}: a single question has options of max 1 and max 1")
    elif kind == "approval" and not singles:
        problems.append(f"{where}: an approval question has options of max 1")
    elif kind == "cumulative" and maxima and max(maxima) > q["max"]:
        problems.append(f"{where}: a cumulative option max exceeds the question max")
    _process(q, where, problems)
    return Question(q["id"], kind, q["text"], tuple(ids), tuple(o["label"] for o in q["options"]), tuple(maxima),
                    q["min"], q["max"], q["process"], q["subject"], q["seats"])


def _process(q: dict[str, Any], where: str, problems: list[str]) -> None:
    """The statute process of a question, its subject and its seats (3.3)."""
    process, subject, seats = q["process"], q["subject"], q["seats"]
    candidate = q["kind"] == "yes_no_abstain" and process == "election"
    if process not in PROCESSES:
        problems.append(f"{where}.process: {process!r} is not one of {', '.join(PROCESSES)}")
    elif (process == "election") == (q["kind"] in YES_NO_KINDS) and not candidate:
        need = "referendum or survey" if q["kind"] == "referendum" else "election"
        problems.append(f"{where}.process: a {q['kind']} question runs under {need}, not {process}")
    if subject is not None and (process == "election" or not IDENT.fullmatch(subject)):
        problems.append(f"{where}.subject: must be null for an election, else null or an identifier")
    if candidate and not (seats is not None and 1 <= seats <= 100):
        problems.append(f"{where}.seats: a candidate question names the seats of its election (1..100)")
    elif process == "election" and not candidate and not (seats is not None and 1 <= seats <= len(q["options"])):
        problems.append(f"{where}.seats: an election has 1 to {len(q['options'])} seats (at most one per option)")
    elif process != "election" and seats is not None:
        problems.append(f"{where}.seats: must be null unless the process is election")


def check_manifest(m: dict[str, Any]) -> tuple[list[Question], list[str]]:
    """The questions and every rule violation of a structurally valid manifest (shape checked before)."""
    problems: list[str] = []
    if m["format"] != FORMAT:
        problems.append(f"format is {m['format']!r}, expected {FORMAT!r}")
    try:
        canonical_id = str(uuid.UUID(m["id"]))
    except ValueError:
        canonical_id = ""
    if canonical_id != m["id"]:
        problems.append(f"id {m['id']!r} is not a UUID in lowercase canonical form")
    if not all(v.strip() for v in (*m["title"].values(), *m["unit"].values())):
        problems.append("title and unit must not be empty")
    moments = [_date(m["dates"][k]) for k in ("announcement", "open", "close")]
    if any(x is None for x in moments):
        problems.append("dates: each must be YYYY-MM-DDTHH:MM:SS with Z or +HH:MM / -HH:MM (RFC 3339)")
    elif not moments[0] <= moments[1] < moments[2]:  # type: ignore[operator]
        problems.append("dates: need announcement <= open < close")
    if not m["questions"]:
        problems.append("questions: must not be empty")
    questions = [_question(q, f"questions[{i}]", problems) for i, q in enumerate(m["questions"])]
    if len({q.id for q in questions}) != len(questions):
        problems.append("questions: question ids are not unique")
    problems += _candidates(candidates(questions))
    return questions, problems


def candidates(questions: list[Question]) -> list[Question]:
    """The candidate questions (kind yes_no_abstain, process election): one per-candidate election (3.3)."""
    return [q for q in questions if q.kind == "yes_no_abstain" and q.process == "election"]


def _candidates(group: list[Question]) -> list[str]:
    """All candidate questions name the same seats, at most one per candidate."""
    seats = sorted({q.seats for q in group if q.seats is not None})
    if len(seats) > 1:
        return [f"questions: the candidate questions of the per-candidate election name different seats {seats}"]
    if seats and seats[0] > len(group):
        return [f"questions: {seats[0]} seats for a per-candidate election of {len(group)} candidates"]
    return []
