"""Postal voting in the election record: paper ballots, their totals, and the combined result (postal.json).

docs/election-record.md 3.14 specifies the file. Paper ballots (Stimmzettel) carry no credential and no member:
the election committee enters them after the close, either one by one (``papers``) or as counted totals per
question (``papers`` null). The published result is the decrypted online result plus these totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ballot_crypto.manifest import Manifest, Question

FORMAT = "ballot-postal/1"
MARKS = ("valid", "blank", "invalid")
PRECEDENCES = ("first", "online", "postal")


def paper_problem(question: Question, answer: Any) -> str | None:
    """Why ``answer`` is not a valid paper answer to ``question`` (None when it is).

    An answer is ``{"question": id, "mark": "valid" | "blank" | "invalid", "votes": {option id: n}}`` with every
    option: a valid mark gives between max(min, 1) and max votes (each option at most its max); blank (only where
    the question allows blank, min 0) and invalid give no vote."""
    if not isinstance(answer, Mapping) or set(answer) != {"question", "mark", "votes"}:
        return "expected an object with exactly question, mark and votes"
    if answer["question"] != question.id:
        return f"expected question {question.id!r}"
    if answer["mark"] not in MARKS:
        return f"mark must be one of {', '.join(MARKS)}"
    votes = answer["votes"]
    if not isinstance(votes, Mapping) or sorted(votes) != sorted(o.id for o in question.options):
        return f"votes must have exactly the options {[o.id for o in question.options]}"
    for option in question.options:
        value = votes[option.id]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= option.max:
            return f"{option.id}: expected a whole number between 0 and {option.max}"
    total = sum(votes.values())
    if answer["mark"] == "valid":
        if not max(question.min, 1) <= total <= question.max:
            return f"a valid answer gives between {max(question.min, 1)} and {question.max} votes, not {total}"
    elif total:
        return f"a {answer['mark']} answer gives no votes"
    elif answer["mark"] == "blank" and question.min > 0:
        return "this question does not allow a blank answer (a paper without a vote here is invalid)"
    return None


def empty_totals(manifest: Manifest) -> list[dict[str, Any]]:
    """Totals of no paper ballots, per question in manifest order."""
    return [{"question": q.id, "counts": {o.id: 0 for o in q.options}, "blank": 0, "invalid": 0}
            for q in manifest.questions]


def paper_totals(manifest: Manifest, papers: Sequence[Sequence[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """The per-question totals of (valid) paper ballots."""
    totals = empty_totals(manifest)
    for paper in papers:
        for total, answer in zip(totals, paper, strict=True):
            if answer["mark"] == "valid":
                for option, value in answer["votes"].items():
                    total["counts"][option] += value
            else:
                total[answer["mark"]] += 1
    return totals


def totals_problem(question: Question, total: Any, ballots: int) -> str | None:
    """Why ``total`` (``{"question","counts","blank","invalid"}``) cannot be the count of ``ballots`` papers."""
    if not isinstance(total, Mapping) or set(total) != {"question", "counts", "blank", "invalid"}:
        return "expected an object with exactly question, counts, blank and invalid"
    if total["question"] != question.id:
        return f"expected question {question.id!r}"
    counts = total["counts"]
    if not isinstance(counts, Mapping) or sorted(counts) != sorted(o.id for o in question.options):
        return f"counts must have exactly the options {[o.id for o in question.options]}"
    numbers = [*counts.values(), total["blank"], total["invalid"]]
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in numbers):
        return "every count must be a whole number, at least 0"
    if question.min > 0 and total["blank"]:
        return "this question does not allow blank answers (count them as invalid)"
    valid = ballots - total["blank"] - total["invalid"]
    if valid < 0:
        return f"blank and invalid answers exceed the {ballots} paper ballots"
    for option in question.options:
        if counts[option.id] > valid * option.max:
            return f"{option.id}: {counts[option.id]} votes exceed {valid} valid papers times {option.max}"
    given = sum(counts.values())
    if not valid * max(question.min, 1) <= given <= valid * question.max:
        return (f"{valid} valid papers give between {valid * max(question.min, 1)} and {valid * question.max} "
                f"votes, not {given}")
    return None


def postal_json(manifest: Manifest, precedence: str, *, offered: bool = False, voters: int = 0,
                papers: Sequence[Sequence[Mapping[str, Any]]] | None = (),
                totals: Sequence[Mapping[str, Any]] | None = None, ballots: int | None = None) -> dict[str, Any]:
    """postal.json (3.14). With ``papers`` the totals are computed; with ``papers`` None, ``totals`` and
    ``ballots`` are the committee's counted totals."""
    if papers is not None:
        paper_list = [list(p) for p in papers]
        return {"format": FORMAT, "offered": offered, "precedence": precedence, "voters": voters,
                "ballots": len(paper_list), "papers": paper_list, "totals": paper_totals(manifest, paper_list)}
    assert totals is not None and ballots is not None
    return {"format": FORMAT, "offered": offered, "precedence": precedence, "voters": voters, "ballots": ballots,
            "papers": None, "totals": [dict(t) for t in totals]}


def statute_precedence(statute: Mapping[str, Any], manifest: Manifest) -> str:
    """The statute's ``postal_precedence`` for the manifest's processes (statute.json form); "first" when the
    processes disagree (such a ballot does not offer postal voting)."""
    found = {statute["rules"][p]["ballot"].get("postal_precedence", "first")
             for p in sorted({q.process for q in manifest.questions})}
    return found.pop() if len(found) == 1 else "first"


def combined_result(online: Mapping[str, Any], postal: Mapping[str, Any]) -> dict[str, Any]:
    """result.json: the decrypted online result plus the postal totals (blank takes blank and invalid papers)."""
    questions = []
    for entry, total in zip(online["questions"], postal["totals"], strict=True):
        counts = {option: value + total["counts"][option] for option, value in entry["counts"].items()}
        questions.append({"question": entry["question"], "counts": counts,
                          "blank": entry["blank"] + total["blank"] + total["invalid"]})
    return {"ballots": online["ballots"] + postal["ballots"], "questions": questions}
