"""Consistency checks on resolved rules: relations between keys that a single value cannot break alone."""

from __future__ import annotations

from ballot_crypto.statutes.convert import Problems
from ballot_crypto.statutes.model import PROCESS_KINDS, Majority, Process, Rules
from ballot_crypto.statutes.values import Duration


def consistency(rules: Rules) -> Problems:
    """Every inconsistency as (key path, message)."""
    problems: Problems = []
    if not rules.eligibility.classes:
        problems.append(("eligibility.classes", "empty: no member class could vote"))
    for kind in PROCESS_KINDS:
        _process(kind, rules.process(kind), problems)
    if rules.election.seats < 1:
        problems.append(("election.seats", "out of range: at least 1 seat"))
    return problems


def _process(kind: str, process: Process, problems: Problems) -> None:
    deadlines = process.deadlines
    if deadlines.voting_min.amount == 0:
        problems.append((f"{kind}.deadlines.voting_min", "out of range: a voting period of zero length"))
    if deadlines.voting_max is not None and _longer(deadlines.voting_min, deadlines.voting_max):
        problems.append((f"{kind}.deadlines.voting_min",
                         f"inconsistent: voting_min {deadlines.voting_min} > voting_max {deadlines.voting_max}"))
    _majority(f"{kind}.majority", process.majority, problems)
    for subject, majority in process.majorities.items():
        _majority(f"{kind}.majorities.{subject}", majority, problems)
    subjects = process.subjects
    lists = {"advisory": subjects.advisory, "confirmatory": subjects.confirmatory, "excluded": subjects.excluded}
    seen: dict[str, str] = {}
    for list_name, names in lists.items():
        for name in names:
            if name in seen:
                problems.append((f"{kind}.subjects.{list_name}", f"inconsistent: {name!r} is also in {seen[name]}"))
            seen[name] = list_name
    ballot = process.ballot
    if not ballot.channels:
        problems.append((f"{kind}.ballot.channels", "empty: at least one channel is needed"))
    if len(set(ballot.channels)) != len(ballot.channels):
        problems.append((f"{kind}.ballot.channels", "a channel is listed twice"))
    if ballot.offline_required and set(ballot.channels) <= {"online"}:
        problems.append((f"{kind}.ballot.offline_required",
                         "inconsistent: a non-online route is required, but channels lists only online"))
    if ("postal" in ballot.channels and ballot.postal_precedence == "online"
            and deadlines.grace.amount == 0):
        problems.append((f"{kind}.ballot.postal_precedence",
                         "inconsistent: 'online' admits postal voting certificates only after the close, within "
                         "deadlines.grace, but the grace period is zero"))
    _initiation(f"{kind}.initiation", process, problems)


def _majority(path: str, majority: Majority, problems: Problems) -> None:
    if majority.fraction == 0:
        problems.append((f"{path}.fraction", "out of range: a majority of 0 would adopt anything"))
    if majority.fraction == 1 and majority.strict:
        problems.append((f"{path}.strict", "inconsistent: more than 100 % can never be reached; set strict = false"))


def _initiation(path: str, process: Process, problems: Problems) -> None:
    initiation = process.initiation
    for i, body in enumerate(initiation.bodies):
        if not body.name:
            problems.append((f"{path}.bodies[{i}].name", "missing: name the body"))
        _majority(f"{path}.bodies[{i}].majority", body.majority, problems)
    for i, route in enumerate(initiation.sub_units):
        if not route.levels:
            problems.append((f"{path}.sub_units[{i}].levels", "missing: name the sub-unit levels that count"))
        if not (route.number or route.share or route.representing):
            problems.append((f"{path}.sub_units[{i}]", "missing: set number, share or representing"))
    for i, petition in enumerate(initiation.petitions):
        if not petition.stages:
            problems.append((f"{path}.petitions[{i}].stages", "missing: a petition needs at least one stage"))
        for j, stage in enumerate(petition.stages):
            where = f"{path}.petitions[{i}].stages[{j}]"
            if not (stage.share or stage.number):
                problems.append((where, "missing: set share or number (the signatures needed)"))
            if stage.spread_sub_units and stage.spread_states > stage.spread_sub_units:
                problems.append((f"{where}.spread_states",
                                 f"inconsistent: {stage.spread_states} states cannot be covered by "
                                 f"{stage.spread_sub_units} sub-units"))
            if stage.window is not None and stage.window.amount == 0:
                problems.append((f"{where}.window", "out of range: a collection window of zero length"))


def _longer(a: Duration, b: Duration) -> bool:
    """True when ``a`` is certainly longer than ``b``."""
    if a.unit == b.unit:
        return a.amount > b.amount
    return a.min_days() > b.approx_days()
