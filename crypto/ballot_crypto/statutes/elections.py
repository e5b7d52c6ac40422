"""Evaluate an election (candidates, seats, majority or plurality, ties), also one voted on per candidate with
yes / no / abstain, and check a list against its quota."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from ballot_crypto.statutes.model import Rules
from ballot_crypto.statutes.trail import Check, Decision
from ballot_crypto.statutes.values import at_least, needed
from ballot_crypto.statutes.votes import Counts, compare, majority_check, validate_counts


def _validate(eligible: int, votes: Mapping[str, int], abstain: int, invalid: int, ballots: int) -> None:
    if min([eligible, abstain, invalid, *votes.values()]) < 0:
        raise ValueError("counts must not be negative")
    if not votes:
        raise ValueError("an election needs at least one candidate")
    if ballots < abstain + invalid:
        raise ValueError(f"ballots ({ballots}) fewer than abstentions plus invalid ({abstain + invalid})")
    if ballots > eligible:
        raise ValueError(f"more ballots ({ballots}) than eligible voters ({eligible})")


def evaluate_election(rules: Rules, eligible: int, votes: Mapping[str, int], abstain: int = 0, invalid: int = 0,
                      ballots: int | None = None, lot: Sequence[str] | None = None) -> Decision:
    """Elect up to ``election.seats`` candidates; ``ballots`` defaults to one vote per ballot; ``lot`` is the
    order in which lots were drawn among tied candidates, if they were."""
    proc = rules.election
    ballots = sum(votes.values()) + abstain + invalid if ballots is None else ballots
    _validate(eligible, votes, abstain, invalid, ballots)
    majority, quorum = proc.majority, proc.quorum
    trail = [Check("process", {"process": "election", "binding": proc.binding},
                   "binding" if proc.binding else "advisory", proc.paragraph)]
    ignored = abstain if majority.abstentions == "ignored" else 0
    participants = ballots - ignored
    met = at_least(participants, quorum.participation, eligible)
    trail.append(Check("quorum.participation", {"participants": participants, "eligible": eligible,
                                                "share": quorum.participation,
                                                "needed": needed(quorum.participation, eligible)},
                       "met" if met else "missed", quorum.paragraph))
    bases = {"yes_no": sum(votes.values()), "valid": ballots - invalid - ignored, "cast": ballots - ignored,
             "present": ballots, "eligible": eligible}
    base = bases[majority.base]
    qualified = []
    for name, count in sorted(votes.items(), key=lambda item: (-item[1], item[0])):
        ok_approval = at_least(count, quorum.approval, eligible)
        ok_majority = count > 0 and (proc.method == "plurality" or compare(count, base, majority) == "adopted")
        inputs = {"candidate": name, "votes": count, "method": proc.method, "base": majority.base,
                  "base_votes": base, "fraction": majority.fraction, "strict": majority.strict,
                  "approval_needed": needed(quorum.approval, eligible)}
        trail.append(Check("candidate", inputs, "qualified" if ok_approval and ok_majority else "not qualified",
                           majority.paragraph))
        if ok_approval and ok_majority:
            qualified.append((name, count))
    return _decide(rules, met, qualified, lot, trail)


def evaluate_candidates(rules: Rules, eligible: int, candidates: Mapping[str, Counts], ballots: int,
                        lot: Sequence[str] | None = None) -> Decision:
    """Elect up to ``election.seats`` of candidates voted on one by one with yes / no / abstain (docs/statutes.md 5).

    ``candidates`` maps each candidate to the counts of its question (``invalid`` = blank answers); every
    ballot answers every candidate, so each candidate's ``cast`` equals ``ballots``. A candidate qualifies with at
    least one yes vote, the approval quorum, and (method ``majority``) the election's majority applied to its own
    yes/no/abstain counts as in a yes/no vote; the seats go to the qualified with the most yes votes."""
    proc = rules.election
    majority, quorum = proc.majority, proc.quorum
    if not candidates:
        raise ValueError("an election needs at least one candidate")
    if ballots < 0 or ballots > eligible:
        raise ValueError(f"ballots ({ballots}) must lie between 0 and the eligible voters ({eligible})")
    for name, counts in candidates.items():
        validate_counts(eligible, counts)
        if counts.cast != ballots:
            raise ValueError(f"candidate {name}: yes + no + abstain + invalid ({counts.cast}) differs from the "
                             f"ballots ({ballots})")
    trail = [Check("process", {"process": "election", "binding": proc.binding},
                   "binding" if proc.binding else "advisory", proc.paragraph)]
    met = at_least(ballots, quorum.participation, eligible)
    trail.append(Check("quorum.participation", {"participants": ballots, "eligible": eligible,
                                                "share": quorum.participation,
                                                "needed": needed(quorum.participation, eligible)},
                       "met" if met else "missed", quorum.paragraph))
    qualified = []
    for name, counts in sorted(candidates.items(), key=lambda item: (-item[1].yes, item[0])):
        result, check = majority_check(majority, eligible, counts)
        ok_approval = at_least(counts.yes, quorum.approval, eligible)
        ok = ok_approval and counts.yes > 0 and (proc.method == "plurality" or result == "adopted")
        inputs = {"candidate": name, "method": proc.method, **check.inputs, "majority": result,
                  "approval_needed": needed(quorum.approval, eligible)}
        trail.append(Check("candidate", inputs, "qualified" if ok else "not qualified", majority.paragraph))
        if ok:
            qualified.append((name, counts.yes))
    return _decide(rules, met, qualified, lot, trail)


def _decide(rules: Rules, met: bool, qualified: list[tuple[str, int]], lot: Sequence[str] | None,
            trail: list[Check]) -> Decision:
    """The ``seats`` and ``decision`` checks of an election, after its candidate checks."""
    proc = rules.election
    majority, quorum = proc.majority, proc.quorum
    elected, seat_result = _fill(proc.seats, qualified, majority.ties, lot)
    trail.append(Check("seats", {"seats": proc.seats, "qualified": [list(q) for q in qualified],
                                 "ties": majority.ties, "lot": list(lot) if lot is not None else None},
                       seat_result, majority.paragraph))
    if not met:
        outcome, paragraph = ("invalid" if quorum.on_miss == "invalid" else "advisory"), quorum.paragraph
    elif not proc.binding:
        outcome, paragraph = "advisory", proc.paragraph
    else:
        outcome, paragraph = {"filled": "elected", "open": "runoff", "tie": "tie"}[seat_result], majority.paragraph
    binding = outcome in ("elected", "runoff")
    trail.append(Check("decision", {"quorum": "met" if met else "missed", "seats": seat_result}, outcome, paragraph))
    return Decision("election", binding, outcome, tuple(trail), seat_result, None, tuple(elected) if binding else ())


def _fill(seats: int, qualified: list[tuple[str, int]], ties: str, lot: Sequence[str] | None) -> tuple[list[str], str]:
    """Seats in rank order; a tie straddling the last seat goes by ``ties``."""
    if len(qualified) <= seats:
        return [n for n, _ in qualified], "filled" if len(qualified) == seats else "open"
    cut = qualified[seats - 1][1]
    above = [n for n, v in qualified if v > cut]
    tied = [n for n, v in qualified if v == cut]
    if len(above) + len(tied) == seats:
        return above + tied, "filled"
    free = seats - len(above)
    if ties == "lot" and lot is not None and set(tied) <= set(lot):
        return above + sorted(tied, key=list(lot).index)[:free], "filled"
    if ties == "rejected":
        return above, "open"
    return above, "tie"


def check_list(rules: Rules, genders: Sequence[str], opened: Collection[int] = ()) -> Decision:
    """Check a candidate list (genders by place, 1-based) against ``election.quota``; ``opened`` lists odd
    places an assembly opened because no woman stood for them. Outcome ``valid`` or ``invalid``."""
    quota = rules.election.quota
    trail = []
    if quota.odd_places_women:
        wrong = [p for p, g in enumerate(genders, 1) if p % 2 == 1 and g != "female" and p not in opened]
        trail.append(Check("quota.odd_places", {"genders": list(genders), "opened": sorted(opened),
                                                "violations": wrong}, "met" if not wrong else "missed",
                           quota.paragraph))
    women = sum(1 for g in genders if g == "female")
    ok_share = at_least(women, quota.women_min_share, len(genders))
    trail.append(Check("quota.women_min_share", {"women": women, "places": len(genders),
                                                 "share": quota.women_min_share}, "met" if ok_share else "missed",
                       quota.paragraph))
    valid = all(c.result == "met" for c in trail)
    trail.append(Check("decision", {}, "valid" if valid else "invalid", quota.paragraph))
    return Decision("list", valid, "valid" if valid else "invalid", tuple(trail))
