"""Checks 16 and 17: the decrypted counts against result.json, and evaluation.json's inputs (3.10 - 3.13)."""

from __future__ import annotations

from typing import Any

from ballot_audit import canonical
from ballot_audit.manifest import Question
from ballot_audit.postal import online_part
from ballot_audit.primitives import g_times
from ballot_audit.report import Report
from ballot_audit.tally import dlog

EVALUATION_FORMAT = "ballot-evaluation/2"


def expected_blank(q: Question, values: list[int], ballots: int) -> int:
    """Blank ballots of a question (3.11): the decrypted flag total, B - sum of counts, or 0."""
    if q.blank_flag:
        return values[-1]
    return ballots - sum(values) if q.min == 0 else 0


def check_result(report: Report, doc: dict[str, Any] | None, questions: list[Question], ballots: int,
                 plain: list[list[bytes]] | None, postal: dict[str, Any] | None = None) -> None:
    """Check 16: every published count and blank total is the discrete log of the decryption, plus the postal
    totals of postal.json (checked by check 21) when given."""
    where = "result.json"
    if doc is None:
        report.fail(16, where, "not checked: the file is unusable")
        return
    if postal is not None and postal["ballots"]:
        where, doc = "result.json minus postal.json totals", online_part(doc, postal)
    failed = len(report.failures)
    if doc["ballots"] != ballots:
        report.fail(16, where, f"ballots is {doc['ballots']}, the board has {ballots} counted ballots")
    if [q["question"] for q in doc["questions"]] != [q.id for q in questions]:
        report.fail(16, where, "questions must follow the manifest's questions in order")
        return
    for qi, (q, entry) in enumerate(zip(questions, doc["questions"], strict=True)):
        at = f"{where} questions[{qi}] ({q.id})"
        if sorted(entry["counts"]) != sorted(q.options):
            report.fail(16, at, f"counts must have exactly the options {list(q.options)}")
            continue
        values = [entry["counts"][o] for o in q.options] + ([entry["blank"]] if q.blank_flag else [])
        bounds = [m * ballots for m in q.maxima] + ([ballots] if q.blank_flag else [])
        names = [*q.options, "blank flag"]
        for oi, (value, bound) in enumerate(zip(values, bounds, strict=True)):
            if not 0 <= value <= bound:
                report.fail(16, at, f"{names[oi]}: {value} is outside [0, {bound}]")
            elif plain is not None and plain[qi][oi] != g_times(value):
                actual = dlog(plain[qi][oi], bound)
                found = f"the shares decrypt to {actual}" if actual is not None else \
                    f"the shares decrypt to no value in [0, {bound}]"
                report.fail(16, at, f"{names[oi]}: result says {value}, {found}")
        blank = expected_blank(q, values, ballots)
        if entry["blank"] != blank or blank < 0:
            report.fail(16, at, f"blank is {entry['blank']}, expected {blank} (section 3.11)")
    if plain is None:
        report.fail(16, where, "the counts could not be compared with a decryption (see check 14 or 15)")
    if len(report.failures) == failed:
        totals = "; ".join(f"{e['question']}: " + ", ".join(f"{k} {v}" for k, v in e["counts"].items()) +
                           f", blank {e['blank']}" for e in doc["questions"])
        report.passed(16, where, f"{ballots} ballots counted; {totals}")


def check_evaluation(report: Report, doc: dict[str, Any] | None, result: dict[str, Any] | None,
                     manifest: dict[str, Any] | None, eligible: int, cast: int, counted: int) -> None:
    """Check 17: the rule-evaluation inputs agree with credentials, board, result and manifest (the decisions
    themselves are check 20)."""
    where = "evaluation.json"
    if doc is None:
        report.fail(17, where, "not checked: the file is unusable")
        return
    problems: list[tuple[str, str]] = []
    if doc["format"] != EVALUATION_FORMAT:
        problems.append((where, f"format is {doc['format']!r}, expected {EVALUATION_FORMAT!r}"))
    for key, value, source in (("eligible", eligible, "lines in credentials.jsonl"),
                               ("cast", cast, "board entries plus paper ballots"),
                               ("counted", counted, "counted board entries plus paper ballots")):
        if doc[key] != value:
            problems.append((where, f"{key} is {doc[key]}, but there are {value} {source}"))
    if result is not None:
        if len(doc["questions"]) != len(result["questions"]):
            problems.append((where, f"{len(doc['questions'])} questions, result.json has {len(result['questions'])}"))
        for qi, (mine, theirs) in enumerate(zip(doc["questions"], result["questions"], strict=False)):
            for key in ("question", "counts", "blank"):
                if mine[key] != theirs[key]:
                    problems.append((f"{where} questions[{qi}] ({theirs['question']})",
                                     f"{key} is {canonical.encode(mine[key]).decode()}, result.json says "
                                     f"{canonical.encode(theirs[key]).decode()}"))
    if manifest is not None and doc["statute_sha256"] != manifest["statute_sha256"]:
        problems.append((where, "statute_sha256 differs from the manifest's"))
    for location, problem in problems:
        report.fail(17, location, problem)
    if not problems:
        report.passed(17, where, f"eligible {eligible}, cast {cast}, counted {counted}; questions and statute "
                                 "hash match")
