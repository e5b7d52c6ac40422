"""Dates and preconditions: computed deadlines, lock-out, member eligibility, ballot setup, motion support."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from ballot_crypto.statutes.model import Rules
from ballot_crypto.statutes.trail import Check, Decision
from ballot_crypto.statutes.values import Duration, at_least, needed


@dataclass(frozen=True)
class Schedule:
    """Dates computed from an opening date; ``latest_close`` is None without a maximum voting period."""

    opening: date
    announce_by: date
    electorate_frozen: date
    member_since: date | None
    earliest_close: date
    latest_close: date | None
    grace: Duration

    def grace_until(self, close: date) -> date:
        """Last day on which late (e.g. postal) ballots are still accepted after ``close``."""
        return self.grace.after(close)


def schedule(rules: Rules, process: str, opening: date) -> Schedule:
    """The dates a board must keep for a process opening on ``opening``."""
    deadlines = rules.process(process).deadlines
    since = rules.eligibility.member_since
    cutoff = since.before(opening) if isinstance(since, Duration) else since
    latest = deadlines.voting_max.after(opening) if deadlines.voting_max is not None else None
    return Schedule(opening, deadlines.announcement.before(opening), rules.eligibility.freeze.before(opening),
                    cutoff, deadlines.voting_min.after(opening), latest, deadlines.grace)


def check_schedule(rules: Rules, process: str, announced: date, opening: date, closing: date,
                   subject_named: bool = True) -> Decision:
    """Check a planned or past schedule: notice period (naming the subject) and voting period bounds."""
    deadlines = rules.process(process).deadlines
    plan = schedule(rules, process, opening)
    ok_notice = announced <= plan.announce_by and (subject_named or not deadlines.announcement_names_subject)
    ok_min = closing >= plan.earliest_close
    ok_max = plan.latest_close is None or closing <= plan.latest_close
    trail = [
        Check("deadlines.announcement", {"announced": announced, "announce_by": plan.announce_by,
                                         "subject_named": subject_named,
                                         "subject_required": deadlines.announcement_names_subject},
              "met" if ok_notice else "missed", deadlines.paragraph),
        Check("deadlines.voting_period", {"opening": opening, "closing": closing,
                                          "earliest_close": plan.earliest_close, "latest_close": plan.latest_close},
              "met" if ok_min and ok_max else "missed", deadlines.paragraph),
    ]
    ok = ok_notice and ok_min and ok_max
    return Decision(process, ok, "valid" if ok else "invalid", tuple(trail))


def check_lockout(rules: Rules, process: str, previous: date | None, opening: date) -> Check:
    """Whether the same matter may be voted on again (``previous``: when it was last decided, if ever)."""
    lockout = rules.process(process).lockout
    until = lockout.period.after(previous) if lockout.period is not None and previous is not None else None
    ok = until is None or opening >= until
    return Check("lockout", {"previous": previous, "period": lockout.period, "until": until, "opening": opening},
                 "met" if ok else "locked", lockout.paragraph)


@dataclass(frozen=True)
class MemberFacts:
    """What eligibility needs to know about one member, as of the freeze date."""

    joined: date
    member_class: str = "full"
    dues_paid: bool = True
    in_home_unit: bool = True


def check_member(rules: Rules, process: str, member: MemberFacts, opening: date) -> Check:
    """Whether one member may vote in a process of the unit opening on ``opening``."""
    eligibility = rules.eligibility
    plan = schedule(rules, process, opening)
    reasons = []
    if not member.in_home_unit and not eligibility.sub_units:
        reasons.append("sub_units")
    if plan.member_since is not None and member.joined > plan.member_since:
        reasons.append("member_since")
    if member.joined > plan.electorate_frozen:
        reasons.append("freeze")
    if eligibility.dues_paid and not member.dues_paid:
        reasons.append("dues_paid")
    if member.member_class not in eligibility.classes:
        reasons.append("classes")
    inputs = {"joined": member.joined, "member_class": member.member_class, "dues_paid": member.dues_paid,
              "in_home_unit": member.in_home_unit, "member_since": plan.member_since,
              "frozen": plan.electorate_frozen, "failed": reasons}
    return Check("eligibility", inputs, "eligible" if not reasons else "not eligible", eligibility.paragraph)


def check_ballot(rules: Rules, process: str, secret: bool, revoting: bool, channels: Collection[str]) -> Decision:
    """Refuse a ballot set up against the rules: open where secrecy is required, revoting where it is not
    allowed, a channel the rules do not offer, or no non-online route where one is mandatory."""
    ballot = rules.process(process).ballot
    offline = [c for c in channels if c != "online"]
    trail = [
        Check("ballot.secret", {"required": ballot.secret, "secret": secret},
              "met" if secret or not ballot.secret else "missed", ballot.paragraph),
        Check("ballot.revoting", {"allowed": ballot.revoting, "revoting": revoting},
              "met" if ballot.revoting or not revoting else "missed", ballot.paragraph),
        Check("ballot.channels", {"allowed": list(ballot.channels), "channels": sorted(channels),
                                  "offline_required": ballot.offline_required},
              "met" if set(channels) <= set(ballot.channels) and channels and (offline or not ballot.offline_required)
              else "missed", ballot.paragraph),
    ]
    ok = all(c.result == "met" for c in trail)
    return Decision(process, ok, "valid" if ok else "invalid", tuple(trail))


def check_motion(rules: Rules, supporters: int, women: int, members: int) -> Decision:
    """Whether a motion has enough supporters (a number or a share of ``members``: either suffices when both
    are set) and enough women among them."""
    motions = rules.motions
    if not 0 <= women <= supporters:
        raise ValueError("women supporters must lie between 0 and the number of supporters")
    by_number = motions.supporters > 0 and supporters >= motions.supporters
    by_share = motions.supporters_share > 0 and at_least(supporters, motions.supporters_share, members)
    unset = motions.supporters == 0 and motions.supporters_share == 0
    ok_support = unset or by_number or by_share
    ok_women = women >= motions.women_supporters
    trail = [
        Check("motions.supporters", {"supporters": supporters, "members": members, "number": motions.supporters,
                                     "share": motions.supporters_share,
                                     "share_needed": needed(motions.supporters_share, members)},
              "met" if ok_support else "missed", motions.paragraph),
        Check("motions.women_supporters", {"women": women, "needed": motions.women_supporters},
              "met" if ok_women else "missed", motions.paragraph),
    ]
    ok = ok_support and ok_women
    return Decision("motion", ok, "admitted" if ok else "rejected", tuple(trail))
