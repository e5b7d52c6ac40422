"""The resolved rules of a statute: typed, frozen dataclasses, one per table of the rules file.

Every field has a default, so an empty file is a valid (permissive) statute. Field names are the TOML keys;
docs/statutes.md documents each one. ``paragraph`` fields hold the statute reference shown to users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Literal

from ballot_crypto.statutes.values import Duration

Base = Literal["valid", "yes_no", "cast", "present", "eligible"]
Abstentions = Literal["turnout_only", "as_no", "ignored"]
Ties = Literal["rejected", "runoff", "lot"]
OnMiss = Literal["invalid", "advisory"]
Channel = Literal["online", "postal", "assembly"]
Precedence = Literal["first", "online", "postal"]
Reference = Literal["stage_start", "submission"]
Method = Literal["majority", "plurality"]
ProcessKind = Literal["referendum", "survey", "election"]
PROCESS_KINDS: tuple[str, ...] = ("referendum", "survey", "election")
HALF = Fraction(1, 2)
NO_TIME = Duration(0, "D")
ONE_DAY = Duration(1, "D")


@dataclass(frozen=True)
class Meta:
    """``[statute]``: what this file is."""

    name: str = ""
    unit: str = ""
    source: str = ""


@dataclass(frozen=True)
class Eligibility:
    """``[eligibility]``: who may vote, sign and support; when the electorate is frozen."""

    sub_units: bool = True
    member_since: date | Duration | None = None
    dues_paid: bool = False
    classes: tuple[str, ...] = ("full",)
    freeze: Duration = NO_TIME
    paragraph: str | None = None


@dataclass(frozen=True)
class Majority:
    """``majority``: ``fraction`` of ``base``; ``strict`` means more than, otherwise at least."""

    fraction: Fraction = HALF
    base: Base = "yes_no"
    strict: bool = True
    abstentions: Abstentions = "turnout_only"
    ties: Ties = "rejected"
    paragraph: str | None = None


@dataclass(frozen=True)
class Quorum:
    """``quorum``: shares of the eligible that must take part / vote yes, and what missing one means."""

    participation: Fraction = Fraction(0)
    approval: Fraction = Fraction(0)
    on_miss: OnMiss = "invalid"
    paragraph: str | None = None


@dataclass(frozen=True)
class Deadlines:
    """``deadlines``: notice before opening, voting period bounds, grace after the close."""

    announcement: Duration = NO_TIME
    announcement_names_subject: bool = True
    voting_min: Duration = ONE_DAY
    voting_max: Duration | None = None
    grace: Duration = NO_TIME
    paragraph: str | None = None


@dataclass(frozen=True)
class Subjects:
    """``subjects``: subjects whose vote is only advisory, confirmatory, or not allowed at all."""

    advisory: tuple[str, ...] = ()
    confirmatory: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    paragraph: str | None = None


@dataclass(frozen=True)
class Lockout:
    """``lockout``: the same matter may not be put to a vote again within ``period``."""

    period: Duration | None = None
    paragraph: str | None = None


@dataclass(frozen=True)
class BallotRules:
    """``ballot``: secrecy, revoting, channels, and which channel counts when a member used both."""

    secret: bool = True
    revoting: bool = True
    channels: tuple[Channel, ...] = ("online",)
    offline_required: bool = False
    postal_precedence: Precedence = "first"
    paragraph: str | None = None


@dataclass(frozen=True)
class BodyRoute:
    """``initiation.bodies``: a body (Gremium) starts the process by its own resolution."""

    name: str = ""
    majority: Majority = Majority()
    paragraph: str | None = None


@dataclass(frozen=True)
class SubUnitRoute:
    """``initiation.sub_units``: sub-units of the given levels request it (by number, share, or members)."""

    levels: tuple[str, ...] = ()
    number: int = 0
    share: Fraction = Fraction(0)
    representing: Fraction = Fraction(0)
    paragraph: str | None = None


@dataclass(frozen=True)
class Stage:
    """One stage of a petition: threshold, window, spread, the board's admissibility deadline."""

    share: Fraction = Fraction(0)
    number: int = 0
    window: Duration | None = None
    spread_sub_units: int = 0
    spread_states: int = 0
    admissibility: Duration | None = None
    paragraph: str | None = None


@dataclass(frozen=True)
class PetitionRoute:
    """``initiation.petitions``: members' signatures, collected in one or more stages."""

    name: str = ""
    stages: tuple[Stage, ...] = ()
    validity: Duration | None = None
    reference: Reference = "submission"
    cumulative: bool = True
    online: bool = True
    reasoned_decision: bool = True
    paragraph: str | None = None


@dataclass(frozen=True)
class Initiation:
    """``initiation``: the routes, any one of which suffices."""

    bodies: tuple[BodyRoute, ...] = ()
    sub_units: tuple[SubUnitRoute, ...] = ()
    petitions: tuple[PetitionRoute, ...] = ()
    paragraph: str | None = None


@dataclass(frozen=True)
class Quota:
    """``election.quota``: list places reserved for women."""

    odd_places_women: bool = False
    women_min_share: Fraction = Fraction(0)
    paragraph: str | None = None


@dataclass(frozen=True)
class Process:
    """``[referendum]``, ``[survey]``: one kind of member vote."""

    binding: bool = True
    paragraph: str | None = None
    initiation: Initiation = Initiation()
    deadlines: Deadlines = Deadlines()
    quorum: Quorum = Quorum()
    majority: Majority = Majority()
    majorities: dict[str, Majority] = field(default_factory=dict, metadata={"defaults_from": "majority"})
    subjects: Subjects = Subjects()
    lockout: Lockout = Lockout()
    ballot: BallotRules = BallotRules()


@dataclass(frozen=True)
class Election(Process):
    """``[election]``: a vote on candidates for ``seats`` seats."""

    seats: int = 1
    method: Method = "majority"
    quota: Quota = Quota()


@dataclass(frozen=True)
class Motions:
    """``[motions]``: supporters needed and submission deadlines."""

    supporters: int = 0
    supporters_share: Fraction = Fraction(0)
    women_supporters: int = 0
    deadline: Duration | None = None
    amendment_deadline: Duration | None = None
    paragraph: str | None = None


@dataclass(frozen=True)
class Rules:
    """A resolved statute: every table with its defaults filled in."""

    statute: Meta = Meta()
    eligibility: Eligibility = Eligibility()
    referendum: Process = Process()
    survey: Process = Process(binding=False)
    election: Election = Election()
    motions: Motions = Motions()

    def process(self, kind: str) -> Process:
        """The rules of one process kind; ValueError for an unknown kind."""
        if kind not in PROCESS_KINDS:
            raise ValueError(f"unknown process {kind!r}: use one of {', '.join(PROCESS_KINDS)}")
        result: Process = getattr(self, kind)
        return result
