"""Computed deadlines, lock-out, member eligibility, ballot setup and motion support."""

from __future__ import annotations

from datetime import date

from ballot_crypto.statutes import (
    MemberFacts,
    check_ballot,
    check_lockout,
    check_member,
    check_motion,
    check_schedule,
    schedule,
)
from tests.statutes.helpers import rules

TEXT = """
[eligibility]
member_since = "P3M"
freeze = "P2W"
dues_paid = true
classes = ["full", "supporting"]
sub_units = false

[referendum.deadlines]
announcement = "P4W"
voting_min = "P2W"
voting_max = "P6W"
grace = "P3D"

[referendum.lockout]
period = "P2Y"
paragraph = "§ 8 Abs. 4"

[referendum.ballot]
secret = true
revoting = false
channels = ["online", "postal"]
offline_required = true
"""
OPENING = date(2026, 6, 1)


def test_schedule_from_opening() -> None:
    plan = schedule(rules(TEXT), "referendum", OPENING)
    assert plan.announce_by == date(2026, 5, 4)
    assert plan.electorate_frozen == date(2026, 5, 18)
    assert plan.member_since == date(2026, 3, 1)
    assert plan.earliest_close == date(2026, 6, 15)
    assert plan.latest_close == date(2026, 7, 13)
    assert plan.grace_until(date(2026, 6, 30)) == date(2026, 7, 3)
    fixed = schedule(rules("[eligibility]\nmember_since = 2026-01-01\n"), "referendum", OPENING)
    assert fixed.member_since == date(2026, 1, 1) and fixed.latest_close is None


def test_check_schedule() -> None:
    parsed = rules(TEXT)
    assert check_schedule(parsed, "referendum", date(2026, 5, 4), OPENING, date(2026, 6, 20)).outcome == "valid"
    late_notice = check_schedule(parsed, "referendum", date(2026, 5, 5), OPENING, date(2026, 6, 20))
    assert late_notice.outcome == "invalid"
    no_subject = check_schedule(parsed, "referendum", date(2026, 5, 1), OPENING, date(2026, 6, 20), False)
    assert no_subject.check("deadlines.announcement").result == "missed"
    assert check_schedule(parsed, "referendum", date(2026, 5, 1), OPENING, date(2026, 6, 14)).outcome == "invalid"
    assert check_schedule(parsed, "referendum", date(2026, 5, 1), OPENING, date(2026, 7, 14)).outcome == "invalid"


def test_lockout() -> None:
    parsed = rules(TEXT)
    locked = check_lockout(parsed, "referendum", date(2025, 6, 2), OPENING)
    assert (locked.result, locked.inputs["until"], locked.paragraph) == ("locked", date(2027, 6, 2), "§ 8 Abs. 4")
    assert check_lockout(parsed, "referendum", date(2024, 6, 1), OPENING).result == "met"
    assert check_lockout(parsed, "referendum", None, OPENING).result == "met"
    assert check_lockout(rules(""), "referendum", date(2026, 5, 1), OPENING).result == "met"


def test_member_eligibility() -> None:
    parsed = rules(TEXT)
    assert check_member(parsed, "referendum", MemberFacts(date(2020, 1, 1)), OPENING).result == "eligible"
    cases = {
        "member_since": MemberFacts(date(2026, 3, 2)),
        "dues_paid": MemberFacts(date(2020, 1, 1), dues_paid=False),
        "classes": MemberFacts(date(2020, 1, 1), member_class="guest"),
        "sub_units": MemberFacts(date(2020, 1, 1), in_home_unit=False),
    }
    for reason, member in cases.items():
        check = check_member(parsed, "referendum", member, OPENING)
        assert check.result == "not eligible" and reason in check.inputs["failed"]
    freeze_only = rules('[eligibility]\nfreeze = "P2W"\n')
    assert "freeze" in check_member(freeze_only, "referendum", MemberFacts(date(2026, 5, 20)), OPENING).inputs["failed"]


def test_ballot_setup_refuses_open_vote_where_secret() -> None:
    parsed = rules(TEXT)
    assert check_ballot(parsed, "referendum", True, False, ["online", "postal"]).outcome == "valid"
    open_vote = check_ballot(parsed, "referendum", False, False, ["online", "postal"])
    assert open_vote.outcome == "invalid" and open_vote.check("ballot.secret").result == "missed"
    assert check_ballot(parsed, "referendum", True, True, ["online", "postal"]).outcome == "invalid"
    assert check_ballot(parsed, "referendum", True, False, ["online"]).outcome == "invalid"
    assert check_ballot(parsed, "referendum", True, False, ["assembly", "postal"]).outcome == "invalid"
    assert check_ballot(rules(""), "survey", False, True, ["online"]).check("ballot.secret").result == "missed"


def test_motion_support() -> None:
    parsed = rules('[motions]\nsupporters = 20\nsupporters_share = "1 %"\nwomen_supporters = 5\n')
    assert check_motion(parsed, 20, 5, 10_000).outcome == "admitted"
    assert check_motion(parsed, 19, 5, 1_000).outcome == "admitted"   # 1 % of 1,000 = 10
    assert check_motion(parsed, 19, 5, 10_000).outcome == "rejected"
    assert check_motion(parsed, 30, 4, 10_000).check("motions.women_supporters").result == "missed"
    assert check_motion(rules(""), 0, 0, 10).outcome == "admitted"
