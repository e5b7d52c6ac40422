"""Check 21: postal.json, the paper ballots of postal voting and their totals (docs/election-record.md 3.14).

Written from the specification: every paper answer is a valid answer to its question, the totals add up (or, when
the committee entered counted totals, are possible for that many papers), there are no more papers than postal
voters, and the precedence is the statute's. That result.json is the online result plus these totals is part of
check 16 (result.py subtracts the totals before comparing with the decryption).
"""

from __future__ import annotations

from typing import Any

from ballot_audit.manifest import Question
from ballot_audit.report import Report

FORMAT = "ballot-postal/1"
MARKS = ("valid", "blank", "invalid")
PRECEDENCES = ("first", "online", "postal")
WHERE = "postal.json"


def _answer_problem(q: Question, answer: dict[str, Any]) -> str | None:
    if answer["question"] != q.id:
        return f"answers must follow the manifest's questions in order (expected {q.id!r})"
    if answer["mark"] not in MARKS:
        return f"mark {answer['mark']!r} is not one of {', '.join(MARKS)}"
    votes = answer["votes"]
    if sorted(votes) != sorted(q.options):
        return f"votes must have exactly the options {list(q.options)}"
    for option, top in zip(q.options, q.maxima, strict=True):
        if votes[option] > top:
            return f"{option}: {votes[option]} votes, at most {top}"
    given = sum(votes.values())
    if answer["mark"] == "valid":
        low = max(q.min, 1)
        return None if low <= given <= q.max else f"a valid answer gives {low} to {q.max} votes, not {given}"
    if given:
        return f"a {answer['mark']} answer gives no votes, this one gives {given}"
    if answer["mark"] == "blank" and q.min > 0:
        return "blank is not allowed in this question (min >= 1)"
    return None


def _sheet_problem(q: Question, total: dict[str, Any], ballots: int) -> str | None:
    """Whether counted totals are possible for `ballots` papers (entered without the single papers)."""
    if q.min > 0 and total["blank"]:
        return "blank is not allowed in this question (min >= 1)"
    valid = ballots - total["blank"] - total["invalid"]
    if valid < 0:
        return f"blank {total['blank']} + invalid {total['invalid']} exceed the {ballots} paper ballots"
    for option, top in zip(q.options, q.maxima, strict=True):
        if total["counts"][option] > valid * top:
            return f"{option}: {total['counts'][option]} exceeds {valid} valid papers times {top}"
    given, low = sum(total["counts"].values()), max(q.min, 1)
    if not valid * low <= given <= valid * q.max:
        return f"{valid} valid papers give {valid * low} to {valid * q.max} votes, the counts sum to {given}"
    return None


def _statute_side(report: Report, doc: dict[str, Any], statute: dict[str, Any] | None,
                  questions: list[Question]) -> None:
    """The precedence is the statute's; postal voting is offered only where the statute's channels allow it."""
    rules = statute.get("rules") if isinstance(statute, dict) else None
    if not isinstance(rules, dict):
        report.fail(21, WHERE, "not compared with the statute: statute.json is unusable (check 19)")
        return
    for process in sorted({q.process for q in questions}):
        ballot = (rules.get(process) or {}).get("ballot") or {}
        if doc["offered"] and "postal" not in (ballot.get("channels") or []):
            report.fail(21, WHERE, f"postal voting is offered, but the statute's {process}.ballot.channels "
                                   "does not list postal")
        if doc["offered"] and ballot.get("postal_precedence") != doc["precedence"]:
            report.fail(21, WHERE, f"precedence is {doc['precedence']!r}, the statute's "
                                   f"{process}.ballot.postal_precedence is {ballot.get('postal_precedence')!r}")


def check_postal(report: Report, doc: dict[str, Any] | None, questions: list[Question],
                 statute: dict[str, Any] | None) -> dict[str, Any] | None:
    """Check 21; returns the document when it holds (its totals then enter check 16 and 17), else None."""
    if doc is None:
        report.fail(21, WHERE, "not checked: the file is unusable")
        return None
    failed = len(report.failures)
    if doc["format"] != FORMAT:
        report.fail(21, WHERE, f"format is {doc['format']!r}, expected {FORMAT!r}")
    if doc["precedence"] not in PRECEDENCES:
        report.fail(21, WHERE, f"precedence {doc['precedence']!r} is not one of {', '.join(PRECEDENCES)}")
    if doc["ballots"] > doc["voters"]:
        report.fail(21, WHERE, f"{doc['ballots']} paper ballots, but only {doc['voters']} postal voters")
    if not doc["offered"] and (doc["voters"] or doc["ballots"]):
        report.fail(21, WHERE, "postal voting is not offered, yet there are postal voters or paper ballots")
    _statute_side(report, doc, statute, questions)
    totals = doc["totals"]
    if [t["question"] for t in totals] != [q.id for q in questions]:
        report.fail(21, WHERE, "totals must follow the manifest's questions in order")
        return None
    shaped = True
    for qi, (q, total) in enumerate(zip(questions, totals, strict=True)):
        if sorted(total["counts"]) != sorted(q.options):
            report.fail(21, f"{WHERE} totals[{qi}] ({q.id})", f"counts must have exactly the options {list(q.options)}")
            shaped = False
    if not shaped:
        return None
    papers = doc["papers"]
    if papers is None:
        for qi, (q, total) in enumerate(zip(questions, totals, strict=True)):
            problem = _sheet_problem(q, total, doc["ballots"])
            if problem:
                report.fail(21, f"{WHERE} totals[{qi}] ({q.id})", problem)
    else:
        _check_papers(report, papers, doc, questions)
    if len(report.failures) > failed:
        return None
    how = "entered as counted totals" if papers is None else "every paper a valid answer, the totals their sums"
    report.passed(21, WHERE, f"{doc['ballots']} paper ballots of {doc['voters']} postal voters "
                             f"(precedence {doc['precedence']}): {how}")
    return doc


def _check_papers(report: Report, papers: list[list[dict[str, Any]]], doc: dict[str, Any],
                  questions: list[Question]) -> None:
    if len(papers) != doc["ballots"]:
        report.fail(21, WHERE, f"ballots is {doc['ballots']}, but {len(papers)} papers are listed")
    sums: list[dict[str, Any]] = [{"counts": dict.fromkeys(q.options, 0), "blank": 0, "invalid": 0}
                                  for q in questions]
    for pi, paper in enumerate(papers):
        if len(paper) != len(questions):
            report.fail(21, f"{WHERE} papers[{pi}]",
                        f"{len(paper)} answers, the manifest has {len(questions)} questions")
            continue
        for qi, (q, answer) in enumerate(zip(questions, paper, strict=True)):
            problem = _answer_problem(q, answer)
            if problem:
                report.fail(21, f"{WHERE} papers[{pi}][{qi}] ({q.id})", problem)
                continue
            if answer["mark"] == "valid":
                for option in q.options:
                    sums[qi]["counts"][option] += answer["votes"][option]
            else:
                sums[qi][answer["mark"]] += 1
    for qi, (q, total, mine) in enumerate(zip(questions, doc["totals"], sums, strict=True)):
        recorded = {"counts": total["counts"], "blank": total["blank"], "invalid": total["invalid"]}
        if recorded != mine:
            report.fail(21, f"{WHERE} totals[{qi}] ({q.id})",
                        f"totals {recorded} are not the sums of the papers {mine}")


def online_part(result: dict[str, Any], postal: dict[str, Any]) -> dict[str, Any]:
    """result.json minus the postal totals: what the decryption must give (check 16)."""
    questions = []
    for entry, total in zip(result["questions"], postal["totals"], strict=False):
        counts = {o: v - total["counts"].get(o, 0) for o, v in entry["counts"].items()}
        questions.append({"question": entry["question"], "counts": counts,
                          "blank": entry["blank"] - total["blank"] - total["invalid"]})
    return {"ballots": result["ballots"] - postal["ballots"], "questions": questions}
