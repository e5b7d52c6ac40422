"""Initiation routes: a body's resolution, sub-units, and multi-stage petitions with expiry and spread."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ballot_crypto.statutes import (
    Counts,
    Signature,
    SubUnitRequest,
    any_route,
    evaluate_body,
    evaluate_petition,
    evaluate_sub_units,
)
from tests.statutes.helpers import rules

TWO_STAGES = """
[[referendum.initiation.petitions]]
name = "Begehren"
validity = "P6M"
paragraph = "§ 13 Abs. 3"

[[referendum.initiation.petitions.stages]]
share = "1 %"
window = "P2M"
spread_sub_units = 10
spread_states = 3
admissibility = "P2W"
paragraph = "§ 13 Abs. 3 S. 1"

[[referendum.initiation.petitions.stages]]
share = "20 %"
window = "P3M"
paragraph = "§ 13 Abs. 3 S. 2"
"""
START = date(2026, 1, 1)


def spread_signatures(count: int, day: date, prefix: str = "m", sub_units: int = 10,
                      states: int = 3) -> list[Signature]:
    return [Signature(f"{prefix}{i}", day, f"kv{i % sub_units}", f"lv{i % sub_units % states}") for i in range(count)]


def petition(text: str = TWO_STAGES):  # type: ignore[no-untyped-def]
    return rules(text).referendum.initiation.petitions[0]


def members(n: int = 10_000):  # type: ignore[no-untyped-def]
    return lambda day: n


def test_two_stages_met() -> None:
    first = spread_signatures(100, date(2026, 1, 20))
    second = spread_signatures(1900, date(2026, 3, 15), prefix="s")
    decision = evaluate_petition(petition(), first + second, START, [date(2026, 2, 1), date(2026, 4, 30)],
                                 members())
    assert decision.outcome == "initiated" and decision.binding
    stages = [c for c in decision.trail if c.name == "petition.stage"]
    assert [s.result for s in stages] == ["met", "met"]
    assert stages[0].inputs["admissibility_by"] == date(2026, 2, 15)
    assert stages[0].inputs["share_needed"] == 100
    assert stages[1].inputs["signatures"] == 2000 and stages[1].inputs["share_needed"] == 2000
    assert stages[1].paragraph == "§ 13 Abs. 3 S. 2"


def test_stage_one_short_by_one_signature() -> None:
    decision = evaluate_petition(petition(), spread_signatures(99, date(2026, 1, 20)), START, [date(2026, 2, 1)],
                                 members())
    assert decision.outcome == "failed"


def test_spread_condition() -> None:
    too_few_states = spread_signatures(100, date(2026, 1, 20), states=2)
    decision = evaluate_petition(petition(), too_few_states, START, [date(2026, 2, 1)], members())
    assert decision.outcome == "failed"
    check = decision.trail[-1]
    assert (check.inputs["states"], check.inputs["sub_units"]) == (2, 10)
    too_few_units = spread_signatures(100, date(2026, 1, 20), sub_units=9)
    assert evaluate_petition(petition(), too_few_units, START, [date(2026, 2, 1)], members()).outcome == "failed"


def test_second_stage_pending_then_late() -> None:
    first = spread_signatures(100, date(2026, 1, 20))
    pending = evaluate_petition(petition(), first, START, [date(2026, 2, 1)], members())
    assert pending.outcome == "pending" and not pending.binding
    late = evaluate_petition(petition(), first * 30, START, [date(2026, 2, 1), date(2026, 5, 2)], members())
    assert late.trail[-1].result == "late" and late.outcome == "failed"
    late_first = evaluate_petition(petition(), first, START, [date(2026, 3, 2)], members())
    assert late_first.trail[-1].result == "late"


def test_signatures_expire() -> None:
    text = TWO_STAGES.replace('validity = "P6M"', 'validity = "P1M"')
    old = spread_signatures(100, date(2026, 1, 2))
    decision = evaluate_petition(petition(text), old, START, [date(2026, 2, 3)], members())
    assert decision.outcome == "failed"
    assert decision.trail[-1].inputs["expired"] == 100 and decision.trail[-1].inputs["signatures"] == 0
    on_time = evaluate_petition(petition(text), old, START, [date(2026, 2, 2)], members())
    assert on_time.outcome == "pending"  # stage 1 met on the last valid day; stage 2 not submitted


def test_signer_counts_once_and_out_of_period_signatures_are_ignored() -> None:
    sigs = spread_signatures(99, date(2026, 1, 20))
    sigs.append(Signature("m1", date(2026, 1, 21), "kv1", "lv1"))        # duplicate signer
    sigs.append(Signature("late", date(2026, 2, 5), "kv1", "lv1"))       # after submission
    sigs.append(Signature("early", START - timedelta(days=1), "kv1", "lv1"))
    assert evaluate_petition(petition(), sigs, START, [date(2026, 2, 1)], members()).outcome == "failed"


def test_reference_date_and_non_cumulative_stages() -> None:
    text = TWO_STAGES.replace('validity = "P6M"', 'validity = "P6M"\nreference = "stage_start"\ncumulative = false')
    counts = {START: 10_000, date(2026, 2, 1): 10_000, date(2026, 4, 30): 50_000}
    first = spread_signatures(100, date(2026, 1, 20))
    second = spread_signatures(1900, date(2026, 3, 15), prefix="s")
    decision = evaluate_petition(petition(text), first + second, START, [date(2026, 2, 1), date(2026, 4, 30)],
                                 counts.__getitem__)
    stage2 = decision.trail[-1]
    assert stage2.inputs["reference_date"] == date(2026, 2, 1) and stage2.inputs["members"] == 10_000
    assert stage2.inputs["signatures"] == 1900 and decision.outcome == "failed"  # stage 1 signatures not carried


def test_submission_before_start_is_an_error() -> None:
    with pytest.raises(ValueError, match="before it started"):
        evaluate_petition(petition(), [], START, [START - timedelta(days=1)], members())


def test_number_or_share() -> None:
    text = ('[[referendum.initiation.petitions]]\n[[referendum.initiation.petitions.stages]]\n'
            'share = "5 %"\nnumber = 50\n')
    sigs = [Signature(f"m{i}", START) for i in range(50)]
    assert evaluate_petition(petition(text), sigs, START, [START], members(10_000)).outcome == "initiated"
    assert evaluate_petition(petition(text), sigs[:49], START, [START], members(1000)).outcome == "failed"
    assert evaluate_petition(petition(text), sigs[:45], START, [START], members(900)).outcome == "initiated"


BODY = '[[referendum.initiation.bodies]]\nname = "Parteivorstand"\nmajority = { fraction = "3/4", strict = false }\n'


def test_body_resolution() -> None:
    body = rules(BODY).referendum.initiation.bodies[0]
    assert evaluate_body(body, Counts(30, 10), 45).outcome == "initiated"
    assert evaluate_body(body, Counts(29, 11), 45).outcome == "failed"
    assert evaluate_body(body, Counts(29, 11), 45).trail[0].result == "Parteivorstand"
    tie = rules('[[referendum.initiation.bodies]]\nname = "B"\n').referendum.initiation.bodies[0]
    assert evaluate_body(tie, Counts(5, 5), 10).outcome == "failed"


SUB_UNITS = """
[[referendum.initiation.sub_units]]
levels = ["district"]
share = "1/10"

[[referendum.initiation.sub_units]]
levels = ["state"]
number = 3

[[referendum.initiation.sub_units]]
levels = ["state", "district"]
representing = "1/4"
"""


def test_sub_units() -> None:
    tenth, three, quarter = rules(SUB_UNITS).referendum.initiation.sub_units
    totals = {"district": 400, "state": 16}
    districts = [SubUnitRequest(f"kv{i}", "district", 100, f"lv{i % 16}") for i in range(40)]
    assert evaluate_sub_units(tenth, districts, totals, 100_000).outcome == "initiated"
    assert evaluate_sub_units(tenth, districts[:39], totals, 100_000).outcome == "failed"
    states = [SubUnitRequest(f"lv{i}", "state", 5000) for i in range(3)]
    assert evaluate_sub_units(three, states, totals, 100_000).outcome == "initiated"
    assert evaluate_sub_units(three, states[:2] + districts, totals, 100_000).outcome == "failed"
    # lv0..lv2 (15,000) plus districts outside them: kv3..kv15 etc.; districts inside lv0..lv2 are not counted twice
    both = evaluate_sub_units(quarter, states + districts, totals, 40_000)
    inside = sum(1 for d in districts if d.within in {"lv0", "lv1", "lv2"})
    assert both.trail[0].inputs["represented"] == 15_000 + (40 - inside) * 100
    assert both.outcome == "initiated"
    assert evaluate_sub_units(quarter, states[:1] + districts[:10], totals, 40_000).outcome == "failed"


def test_any_route() -> None:
    body = rules(BODY).referendum.initiation.bodies[0]
    failed = evaluate_body(body, Counts(1, 10), 45)
    passed = evaluate_body(body, Counts(40, 1), 45)
    pending = evaluate_petition(petition(), [], START, [], members())
    assert any_route([failed, passed]).outcome == "initiated"
    assert any_route([failed, pending]).outcome == "pending"
    assert any_route([failed]).outcome == "failed"
