"""Sample manifests and random choices for simulations, tests and benchmarks."""

from __future__ import annotations

import random
import uuid

from ballot_crypto.evaluation import default_statute
from ballot_crypto.group import Rng, random_bytes
from ballot_crypto.manifest import YES_NO_ABSTAIN, Manifest, Option, Question

_LABELS = {"yes": ("Ja", "Yes"), "no": ("Nein", "No"), "abstain": ("Enthaltung", "Abstain")}
ELECTION_KINDS = ("single", "approval", "yes_no_abstain", "cumulative")


def _text(de: str, en: str) -> dict[str, str]:
    return {"de": de, "en": en}


def _candidates(n: int, per_option: int = 1) -> tuple[Option, ...]:
    return tuple(Option(f"c{i + 1}", _text(f"Kandidatin {i + 1}", f"Candidate {i + 1}"), per_option) for i in range(n))


def yes_no_abstain(qid: str, kind: str = "referendum", subject: str | None = None) -> Question:
    """A motion (``referendum``) or one candidate (``yes_no_abstain``): yes / no / abstain, blank allowed.
    Both are evaluated as a yes/no vote under the statute's ``referendum`` process."""
    options = tuple(Option(o, _text(*_LABELS[o])) for o in YES_NO_ABSTAIN)
    return Question(qid, kind, _text(f"Antrag {qid}", f"Motion {qid}"), options, 0, 1, "referendum", subject)


def single(qid: str, candidates: int = 4) -> Question:
    return Question(qid, "single", _text("Wahl", "Election"), _candidates(candidates), 0, 1, "election", None, 1)


def approval(qid: str, candidates: int = 10, k: int = 3) -> Question:
    return Question(qid, "approval", _text(f"Bis zu {k} Stimmen", f"Up to {k} votes"), _candidates(candidates), 0, k,
                    "election", None, k)


def cumulative(qid: str, candidates: int = 5, per_candidate: int = 3, total: int = 5, seats: int = 2) -> Question:
    return Question(qid, "cumulative", _text("Kumulieren", "Cumulative"), _candidates(candidates, per_candidate),
                    0, total, "election", None, seats)


def question_of_kind(kind: str, qid: str) -> Question:
    if kind in ("referendum", "yes_no_abstain"):
        return yes_no_abstain(qid, kind)
    return {"single": single, "approval": approval, "cumulative": cumulative}[kind](qid)


def manifest_with(questions: tuple[Question, ...], rng: Rng | None = None, *, revoting: bool = True) -> Manifest:
    """A manifest around the given questions (fixed dates, a random or rng-drawn UUID)."""
    election_id = str(uuid.UUID(bytes=random_bytes(16, rng), version=4))
    dates = {"announcement": "2025-05-01T09:00:00+02:00", "open": "2025-05-07T09:00:00+02:00",
             "close": "2025-05-21T18:00:00+02:00"}
    manifest = Manifest(election_id, _text("Mitgliederentscheid", "Member ballot"),
                        {"id": "bund", "name": "Bundesverband"}, dates,
                        default_statute().sha256, revoting, questions)
    return Manifest.from_json(manifest.to_json())  # validates


def sample_manifest(kind: str, count: int, rng: Rng | None = None, *, revoting: bool = True) -> Manifest:
    """``count`` referendum questions, or for ``election`` the election kinds in turn."""
    if kind == "referendum":
        kinds = ["referendum"] * count
    elif kind == "election":
        kinds = [ELECTION_KINDS[i % len(ELECTION_KINDS)] for i in range(count)]
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return manifest_with(tuple(question_of_kind(k, f"q{i + 1}") for i, k in enumerate(kinds)), rng,
                         revoting=revoting)


def random_answer(question: Question, rnd: random.Random) -> list[int]:
    """A valid random answer (blank now and then when allowed)."""
    votes = [0] * len(question.options)
    if question.blank_allowed and rnd.random() < 0.08:
        return votes
    if question.kind in ("referendum", "yes_no_abstain"):
        votes[rnd.choices(range(3), weights=(48, 38, 14))[0]] = 1
        return votes
    total = rnd.randint(max(question.min, 1), question.max)
    while sum(votes) < total:
        i = rnd.randrange(len(votes))
        if votes[i] < question.options[i].max:
            votes[i] += 1
    return votes


def random_choices(manifest: Manifest, rnd: random.Random) -> list[list[int]]:
    return [random_answer(q, rnd) for q in manifest.questions]
