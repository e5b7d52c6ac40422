"""Evaluate the initiation routes: a body's resolution, sub-units' requests, and multi-stage petitions.

Any one route that succeeds starts the process (:func:`any_route`). Each evaluation returns a Decision with
process ``initiation`` and outcome ``initiated``, ``failed`` or ``pending``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ballot_crypto.statutes.model import BodyRoute, PetitionRoute, Stage, SubUnitRoute
from ballot_crypto.statutes.trail import Check, Decision
from ballot_crypto.statutes.values import at_least, needed
from ballot_crypto.statutes.votes import Counts, majority_check, resolve_tie, validate_counts


@dataclass(frozen=True)
class Signature:
    """One member's signature: who (a stable id), when, and the sub-unit and state they belong to."""

    signer: str
    signed: date
    sub_unit: str = ""
    state: str = ""


@dataclass(frozen=True)
class SubUnitRequest:
    """A sub-unit's request; ``within`` names an enclosing unit (its state), so members are not counted twice."""

    unit: str
    level: str
    members: int
    within: str | None = None


def _decision(trail: list[Check], outcome: str) -> Decision:
    return Decision("initiation", outcome == "initiated", outcome, tuple(trail))


def evaluate_body(route: BodyRoute, counts: Counts, members: int) -> Decision:
    """A body's resolution under its own majority (``members``: the body's size, for base ``eligible``)."""
    validate_counts(members, counts)
    result, check = majority_check(route.majority, members, counts)
    trail = [Check("body", {"name": route.name}, route.name, route.paragraph), check]
    if result == "tie":
        result, check = resolve_tie(route.majority, None)
        trail.append(check)
    return _decision(trail, "initiated" if result == "adopted" else "failed")


def evaluate_sub_units(route: SubUnitRoute, requests: Sequence[SubUnitRequest], totals: Mapping[str, int],
                       members: int) -> Decision:
    """Sub-units' requests; every condition set on the route (number, share, representing) must hold."""
    counted = {r.unit: r for r in requests if r.level in route.levels}
    total = sum(totals.get(level, 0) for level in route.levels)
    represented = sum(r.members for r in counted.values() if r.within not in counted)
    ok_number = len(counted) >= route.number
    ok_share = at_least(len(counted), route.share, total)
    ok_members = at_least(represented, route.representing, members)
    inputs = {"levels": list(route.levels), "requests": sorted(counted), "units_total": total,
              "number": route.number, "share": route.share, "needed": max(route.number, needed(route.share, total)),
              "represented": represented, "members": members, "representing": route.representing,
              "members_needed": needed(route.representing, members)}
    ok = ok_number and ok_share and ok_members
    trail = [Check("sub_units", inputs, "met" if ok else "missed", route.paragraph)]
    return _decision(trail, "initiated" if ok else "failed")


def _valid(signatures: Sequence[Signature], start: date, end: date,
           route: PetitionRoute) -> tuple[dict[str, Signature], int]:
    """Latest in-period signature per signer, excluding expired ones; also the number of expired signatures."""
    latest: dict[str, Signature] = {}
    expired = 0
    for sig in sorted(signatures, key=lambda s: (s.signed, s.signer)):
        if not start <= sig.signed <= end:
            continue
        if route.validity is not None and route.validity.after(sig.signed) < end:
            expired += 1
            continue
        latest[sig.signer] = sig
    return latest, expired


def _stage(stage: Stage, number: int, start: date, submitted: date, valid: dict[str, Signature], expired: int,
           denominator: int, reference: date) -> Check:
    deadline = stage.window.after(start) if stage.window is not None else None
    in_window = deadline is None or submitted <= deadline
    count = len(valid)
    ok_share = stage.share > 0 and at_least(count, stage.share, denominator)
    ok_number = stage.number > 0 and count >= stage.number
    sub_units = {s.sub_unit for s in valid.values() if s.sub_unit}
    states = {s.state for s in valid.values() if s.state}
    ok_spread = len(sub_units) >= stage.spread_sub_units and len(states) >= stage.spread_states
    inputs = {"stage": number, "start": start, "submitted": submitted, "window_ends": deadline,
              "signatures": count, "expired": expired, "reference_date": reference, "members": denominator,
              "share": stage.share, "share_needed": needed(stage.share, denominator) if stage.share else None,
              "number": stage.number, "sub_units": len(sub_units), "spread_sub_units": stage.spread_sub_units,
              "states": len(states), "spread_states": stage.spread_states,
              "admissibility_by": stage.admissibility.after(submitted) if stage.admissibility else None}
    result = "late" if not in_window else "met" if (ok_share or ok_number) and ok_spread else "missed"
    return Check("petition.stage", inputs, result, stage.paragraph)


def evaluate_petition(route: PetitionRoute, signatures: Sequence[Signature], started: date,
                      submitted: Sequence[date], members_at: Callable[[date], int]) -> Decision:
    """Evaluate stage by stage: stage k runs from the previous submission (or ``started``) to ``submitted[k]``;
    ``members_at(day)`` gives the eligible members on the reference date. Stages not yet submitted are pending."""
    trail = [Check("petition", {"name": route.name, "started": started, "stages": len(route.stages),
                                "validity": route.validity, "reference": route.reference,
                                "cumulative": route.cumulative, "reasoned_decision": route.reasoned_decision},
                   "started", route.paragraph)]
    start = started
    for index, stage in enumerate(route.stages):
        if index >= len(submitted):
            trail.append(Check("petition.stage", {"stage": index + 1, "start": start}, "pending", stage.paragraph))
            return _decision(trail, "pending")
        end = submitted[index]
        if end < start:
            raise ValueError(f"stage {index + 1} submitted ({end}) before it started ({start})")
        valid, expired = _valid(signatures, started if route.cumulative else start, end, route)
        reference = start if route.reference == "stage_start" else end
        check = _stage(stage, index + 1, start, end, valid, expired, members_at(reference), reference)
        trail.append(check)
        if check.result != "met":
            return _decision(trail, "failed")
        start = end
    return _decision(trail, "initiated")


def any_route(decisions: Sequence[Decision]) -> Decision:
    """Initiated if any route is; otherwise pending if any is pending; otherwise failed."""
    outcomes = [d.outcome for d in decisions]
    outcome = "initiated" if "initiated" in outcomes else "pending" if "pending" in outcomes else "failed"
    trail = [Check("routes", {"outcomes": outcomes}, outcome)]
    return _decision(trail + [c for d in decisions for c in d.trail], outcome)
