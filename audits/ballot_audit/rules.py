"""Checks 19 and 20: the statute (statute.json) and the decision per question (evaluation.json, 3.12 - 3.13); the
candidate questions of a per-candidate election share one decision, re-evaluated once.

The rules engine is not re-implemented here: these checks call `ballot_crypto.statutes`, the one sanctioned reuse of
the core library's logic by this verifier (docs/decisions/0001-statute-engine-in-core-library.md). What the
verifier does itself is everything around the engine: the hash, the mapping from the record's counts to the
engine's inputs (written from docs/election-record.md 3.13), and the comparison with the recorded decision.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ballot_audit import canonical
from ballot_audit.manifest import Question, candidates
from ballot_audit.report import Report
from ballot_crypto.statutes import (
    Counts,
    Rules,
    evaluate,
    evaluate_candidates,
    evaluate_election,
    rules_from_json,
    rules_json,
    rules_sha256,
)

STATUTE_FORMAT = "ballot-statute/1"


def differences(recorded: Any, expected: Any, path: str = "") -> list[str]:
    """The JSON paths at which two values differ (recorded first), in document order."""
    if isinstance(recorded, dict) and isinstance(expected, dict):
        out = [f"{path}.{k}: missing" for k in expected if k not in recorded]
        out += [f"{path}.{k}: unexpected" for k in recorded if k not in expected]
        return out + [d for k in expected if k in recorded for d in differences(recorded[k], expected[k],
                                                                                 f"{path}.{k}")]
    if isinstance(recorded, list) and isinstance(expected, list):
        if len(recorded) != len(expected):
            return [f"{path}: {len(recorded)} entries, expected {len(expected)}"]
        return [d for i, (a, b) in enumerate(zip(recorded, expected, strict=True))
                for d in differences(a, b, f"{path}[{i}]")]
    if type(recorded) is not type(expected) or recorded != expected:
        return [f"{path or '$'}: recorded {canonical.encode(recorded).decode()}, "
                f"expected {canonical.encode(expected).decode()}"]
    return []


def check_statute(report: Report, doc: dict[str, Any] | None, file_hash: str | None,
                  manifest: dict[str, Any] | None) -> Rules | None:
    """Check 19: statute.json is the engine's canonical form of valid rules, and its hash is the manifest's."""
    where = "statute.json"
    if doc is None or file_hash is None:
        report.fail(19, where, "not checked: the file is unusable")
        return None
    failed = len(report.failures)
    if manifest is not None and manifest["statute_sha256"] != file_hash:
        report.fail(19, where, f"SHA-256 {file_hash} differs from manifest.json's statute_sha256 "
                               f"{manifest['statute_sha256']}")
    if doc["format"] != STATUTE_FORMAT:
        report.fail(19, where, f"format is {doc['format']!r}, expected {STATUTE_FORMAT!r}")
    rules, problems = rules_from_json({**doc, "format": STATUTE_FORMAT})
    for path, message in problems:
        report.fail(19, f"{where} rules.{path}", f"the statute engine refuses it: {message}")
    if rules is None:
        return None
    diffs = differences(doc, rules_json(rules))
    for diff in diffs:
        report.fail(19, where, f"not the engine's canonical form of these rules: {diff.removeprefix('.')}")
    if not diffs and rules_sha256(rules) != file_hash:
        report.fail(19, where, f"the engine hashes these rules to {rules_sha256(rules)}, not {file_hash}")
    if len(report.failures) == failed:
        report.passed(19, where, f"statute {file_hash}: the engine's canonical rules, hashed as in manifest.json")
        return rules
    return None


def _seated(rules: Rules, seats: int | None) -> Rules:
    """The rules with ``election.seats`` replaced by the manifest's seats (3.13)."""
    assert seats is not None
    return dataclasses.replace(rules, election=dataclasses.replace(rules.election, seats=seats))


def expected_group(rules: Rules, group: list[Question], eligible: int, counted: int,
                   entries: dict[str, dict[str, Any]]) -> Any:
    """The engine's decision on the per-candidate election from its questions' counts (3.13), as JSON."""
    counts = {q.id: Counts(yes=entries[q.id]["counts"]["yes"], no=entries[q.id]["counts"]["no"],
                           abstain=entries[q.id]["counts"]["abstain"], invalid=entries[q.id]["blank"])
              for q in group}
    return evaluate_candidates(_seated(rules, group[0].seats), eligible, counts, ballots=counted).to_json()


def expected_decision(rules: Rules, q: Question, eligible: int, counted: int, entry: dict[str, Any]) -> Any:
    """The engine's decision for one question from the record's counts (the mapping of 3.13), as JSON."""
    counts, blank = entry["counts"], entry["blank"]
    if q.process == "election":
        decision = evaluate_election(_seated(rules, q.seats), eligible, {o: counts[o] for o in q.options},
                                     abstain=0, invalid=blank, ballots=counted)
    else:
        decision = evaluate(rules, q.process, eligible, Counts(yes=counts["yes"], no=counts["no"],
                                                               abstain=counts["abstain"], invalid=blank),
                            subject=q.subject)
    return decision.to_json()


def check_decisions(report: Report, doc: dict[str, Any] | None, rules: Rules | None,
                    questions: list[Question]) -> list[dict[str, Any]]:
    """Check 20: each recorded decision is exactly what the engine decides on evaluation.json's inputs."""
    where = "evaluation.json"
    if doc is None or rules is None:
        report.fail(20, where, "not checked: " + ("the file is unusable" if doc is None else
                                                 "the statute is unusable (check 19)"))
        return []
    entries = doc["questions"]
    if [e["question"] for e in entries] != [q.id for q in questions]:
        report.fail(20, where, "not checked: questions must follow the manifest's questions in order (check 17)")
        return []
    failed, summary = len(report.failures), []
    group, joint = _joint(report, doc, rules, questions)
    for qi, (q, entry) in enumerate(zip(questions, entries, strict=True)):
        at = f"{where} questions[{qi}] ({q.id})"
        if sorted(entry["counts"]) != sorted(q.options):
            report.fail(20, at, f"counts must have exactly the options {list(q.options)}")
            continue
        try:
            if q in group:
                if isinstance(joint, ValueError):
                    raise joint
                expected = joint
            else:
                expected = expected_decision(rules, q, doc["eligible"], doc["counted"], entry)
        except ValueError as exc:
            report.fail(20, at, f"the statute engine refuses these inputs: {exc}")
            continue
        recorded = entry["decision"]
        for diff in differences(recorded, expected, "decision"):
            report.fail(20, at, f"{_name_check(diff, expected)}{diff}")
        final = expected["trail"][-1]
        summary.append({"question": q.id, "binding": expected["binding"], "outcome": expected["outcome"],
                        "paragraph": final["paragraph"], "elected": expected.get("elected")})
    if len(report.failures) == failed:
        outcomes = "; ".join(f"{s['question']}: {s['outcome']}" for s in summary)
        report.passed(20, where, f"every decision and trail is the engine's ({outcomes})")
    return summary


def _joint(report: Report, doc: dict[str, Any], rules: Rules, questions: list[Question]
           ) -> tuple[list[Question], Any]:
    """The candidate questions and the decision of their election (or the ValueError the engine raised); a
    candidate question whose counts lack an option is reported by the caller and leaves the election undecided."""
    group = candidates(questions)
    if not group:
        return group, None
    entries = {e["question"]: e for e in doc["questions"]}
    if any(sorted(entries[q.id]["counts"]) != sorted(q.options) for q in group):
        return group, ValueError("the election cannot be decided: a candidate's counts are incomplete")
    try:
        return group, expected_group(rules, group, doc["eligible"], doc["counted"], entries)
    except ValueError as exc:
        return group, exc


def _name_check(diff: str, expected: dict[str, Any]) -> str:
    """'check quorum.participation: ' for a difference inside a trail entry, else ''."""
    match = re.match(r"decision\.trail\[(\d+)\]", diff)
    if match is None or int(match.group(1)) >= len(expected["trail"]):
        return ""
    return f"check {expected['trail'][int(match.group(1))]['name']}: "
