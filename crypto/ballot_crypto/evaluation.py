"""The statute in the election record: statute.json, and evaluation.json with the engine's decision per question.

docs/election-record.md 3.12 and 3.13 specify both. The decision comes from the statute engine
(:mod:`ballot_crypto.statutes`) applied to the record's counts; the mapping from counts to the engine's inputs is
:func:`decide`. The verifier (audits/) re-evaluates it with the same engine (decision 0001).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ballot_crypto.manifest import Manifest, Question
from ballot_crypto.statutes import (
    Counts,
    Decision,
    Rules,
    Statute,
    evaluate,
    evaluate_candidates,
    evaluate_election,
    load,
    resolve,
)

EVALUATION_FORMAT = "ballot-evaluation/2"

DEFAULT_STATUTE = """\
# The built-in statute of `ballot-crypto simulate` (used without --statute): simple majorities, no quorum.
[statute]
name = "Simulation default"
unit = "simulation"
source = "ballot_crypto.evaluation.DEFAULT_STATUTE"

[referendum]
paragraph = "§ 1"

[referendum.majority]
paragraph = "§ 1 Abs. 2"

[election]
paragraph = "§ 2"
method = "plurality"

[election.majority]
paragraph = "§ 2 Abs. 2"
"""
DEFAULT_NAME = "default-statute.toml"


def default_statute() -> Statute:
    """The built-in default statute, resolved."""
    return resolve([(DEFAULT_NAME, DEFAULT_STATUTE)])


def load_statute(path: Path) -> Statute:
    """Load a statute file (TOML), following ``extends`` relative to the extending file's folder.

    Raises StatuteError listing every problem; OSError when the file itself cannot be read.
    """

    def fetch(reference: str, child: str) -> tuple[str, str]:
        parent = Path(child).parent / reference
        try:
            return str(parent), parent.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise OSError(f"not UTF-8 text: {exc}") from exc

    return load(str(path), path.read_text(encoding="utf-8"), fetch)


def statute_json(statute: Statute) -> dict[str, Any]:
    """statute.json: the engine's canonical rules object, whose canonical bytes hash to ``statute.sha256``."""
    return statute.to_json()


def with_seats(rules: Rules, seats: int) -> Rules:
    """The rules with ``election.seats`` set to the seats of one election question (the manifest's number)."""
    return dataclasses.replace(rules, election=dataclasses.replace(rules.election, seats=seats))


def decide(rules: Rules, question: Question, eligible: int, counted: int, counts: Mapping[str, int],
           blank: int) -> Decision:
    """The engine's decision on one question (docs/election-record.md 3.13).

    Yes/no questions (``referendum``, ``yes_no_abstain``): ``evaluate`` under the question's process with
    ``Counts(yes, no, abstain, invalid=blank)``. Elections: ``evaluate_election`` on the rules with the
    question's seats, one candidate per option, ``abstain=0``, ``invalid=blank``, ``ballots=counted``.
    A candidate question of a per-candidate election is decided with its election (:func:`decide_candidates`).
    """
    if question.is_candidate:
        raise ValueError(f"question {question.id} is one candidate of an election: use decide_candidates")
    if question.process == "election":
        assert question.seats is not None
        votes = {option.id: counts[option.id] for option in question.options}
        return evaluate_election(with_seats(rules, question.seats), eligible, votes, abstain=0, invalid=blank,
                                 ballots=counted)
    return evaluate(rules, question.process, eligible,
                    Counts(yes=counts["yes"], no=counts["no"], abstain=counts["abstain"], invalid=blank),
                    subject=question.subject)


def decide_candidates(rules: Rules, candidates: Sequence[Question], eligible: int, counted: int,
                      entries: Mapping[str, Mapping[str, Any]]) -> Decision:
    """The engine's decision on a per-candidate election (3.13): ``evaluate_candidates`` on the rules with the
    candidates' seats, one candidate per question id with ``Counts(yes, no, abstain, invalid=blank)``,
    ``ballots=counted``. ``entries`` maps question ids to their result entries."""
    assert candidates and candidates[0].seats is not None
    counts = {q.id: Counts(yes=entries[q.id]["counts"]["yes"], no=entries[q.id]["counts"]["no"],
                           abstain=entries[q.id]["counts"]["abstain"], invalid=entries[q.id]["blank"])
              for q in candidates}
    return evaluate_candidates(with_seats(rules, candidates[0].seats), eligible, counts, ballots=counted)


def evaluation_json(manifest: Manifest, rules: Rules, eligible: int, cast: int,
                    result: Mapping[str, Any]) -> dict[str, Any]:
    """evaluation.json (3.13): the inputs and, per question, the engine's decision (each candidate question of a
    per-candidate election carries the election's decision)."""
    questions: list[dict[str, Any]] = []
    entries: Sequence[Mapping[str, Any]] = result["questions"]
    group = manifest.candidates
    by_id = {entry["question"]: entry for entry in entries}
    joint = decide_candidates(rules, group, eligible, result["ballots"], by_id).to_json() if group else None
    for question, entry in zip(manifest.questions, entries, strict=True):
        if question.is_candidate:
            questions.append({**entry, "decision": joint})
            continue
        decision = decide(rules, question, eligible, result["ballots"], entry["counts"], entry["blank"])
        questions.append({**entry, "decision": decision.to_json()})
    return {"format": EVALUATION_FORMAT, "statute_sha256": manifest.statute_sha256, "eligible": eligible,
            "cast": cast, "counted": result["ballots"], "questions": questions}
