"""The statute rules engine: rules file format, validation, inheritance, content hash, and pure evaluation.

Standard library only. Specification: docs/statutes.md. Decision: docs/decisions/0001-statute-engine-in-core-library.md.
"""

from ballot_crypto.statutes.elections import check_list, evaluate_candidates, evaluate_election
from ballot_crypto.statutes.initiation import (
    Signature,
    SubUnitRequest,
    any_route,
    evaluate_body,
    evaluate_petition,
    evaluate_sub_units,
)
from ballot_crypto.statutes.load import (
    Problem,
    Source,
    Statute,
    StatuteError,
    load,
    merge,
    parse,
    resolve,
    rules_from_json,
    rules_json,
    rules_sha256,
    text_sha256,
)
from ballot_crypto.statutes.model import PROCESS_KINDS, Rules
from ballot_crypto.statutes.schedule import (
    MemberFacts,
    Schedule,
    check_ballot,
    check_lockout,
    check_member,
    check_motion,
    check_schedule,
    schedule,
)
from ballot_crypto.statutes.trail import Check, Decision
from ballot_crypto.statutes.values import Duration, parse_fraction
from ballot_crypto.statutes.votes import Counts, evaluate

__all__ = [
    "PROCESS_KINDS", "Check", "Counts", "Decision", "Duration", "MemberFacts", "Problem", "Rules", "Schedule",
    "Signature", "Source", "Statute", "StatuteError", "SubUnitRequest", "any_route", "check_ballot", "check_list",
    "check_lockout", "check_member", "check_motion", "check_schedule", "evaluate", "evaluate_body",
    "evaluate_candidates", "evaluate_election", "evaluate_petition", "evaluate_sub_units", "load", "merge", "parse",
    "parse_fraction", "resolve", "rules_from_json", "rules_json", "rules_sha256", "schedule", "text_sha256",
]
