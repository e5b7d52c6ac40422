"""Evaluate a yes/no vote (referendum or survey): subject, quorums, majority, ties, and the binding outcome.

Arithmetic is exact (integers and fractions). The trail always has the same shape: ``subject``, ``process``,
``quorum.participation``, ``quorum.approval``, ``majority``, [``majority.tie``], ``decision``; an excluded subject
stops after ``subject``. docs/statutes.md specifies every step.
"""

from __future__ import annotations

from dataclasses import dataclass

from ballot_crypto.statutes.model import Majority, Process, Rules
from ballot_crypto.statutes.trail import Check, Decision
from ballot_crypto.statutes.values import at_least, needed


@dataclass(frozen=True)
class Counts:
    """Tallied ballots of a yes/no question; ``present`` defaults to the ballots cast."""

    yes: int
    no: int
    abstain: int = 0
    invalid: int = 0
    present: int | None = None

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain + self.invalid


def subject_effect(process: Process, subject: str | None) -> str:
    """``excluded``, ``advisory``, ``confirmatory`` or ``binding`` for a subject under ``process.subjects``."""
    subjects = process.subjects
    for effect in ("excluded", "advisory", "confirmatory"):
        if subject is not None and subject in getattr(subjects, effect):
            return effect
    return "binding"


def majority_for(process: Process, subject: str | None) -> Majority:
    """The subject's own majority (``majorities.<subject>``) or the process's general one."""
    return process.majorities.get(subject or "", process.majority)


def validate_counts(eligible: int, counts: Counts) -> None:
    """ValueError for counts that cannot come from a real ballot."""
    for name in ("yes", "no", "abstain", "invalid"):
        if getattr(counts, name) < 0:
            raise ValueError(f"{name} is negative")
    if eligible < 0:
        raise ValueError("eligible is negative")
    if counts.cast > eligible:
        raise ValueError(f"more ballots cast ({counts.cast}) than eligible voters ({eligible})")
    if counts.present is not None and not counts.cast <= counts.present <= eligible:
        raise ValueError(f"present ({counts.present}) must lie between cast ({counts.cast}) and eligible ({eligible})")


def compare(yes: int, base: int, majority: Majority) -> str:
    """``adopted``, ``rejected`` or ``tie`` for ``yes`` votes against ``fraction * base``."""
    if base == 0:
        return "rejected"
    lhs, rhs = yes * majority.fraction.denominator, majority.fraction.numerator * base
    if lhs > rhs or (lhs == rhs and not majority.strict):
        return "adopted"
    return "tie" if lhs == rhs else "rejected"


def majority_check(majority: Majority, eligible: int, counts: Counts) -> tuple[str, Check]:
    """Apply a majority rule to yes/no counts; return the result and its check."""
    abstain = counts.abstain
    counted_abstain = 0 if majority.abstentions == "ignored" else abstain
    no = counts.no + (abstain if majority.abstentions == "as_no" else 0)
    present = counts.present if counts.present is not None else counts.cast
    bases = {
        "yes_no": counts.yes + no,
        "valid": counts.yes + counts.no + counted_abstain,
        "cast": counts.yes + counts.no + counted_abstain + counts.invalid,
        "present": present,
        "eligible": eligible,
    }
    base = bases[majority.base]
    result = compare(counts.yes, base, majority)
    inputs = {"yes": counts.yes, "no": no, "abstain": abstain, "invalid": counts.invalid, "base": majority.base,
              "base_votes": base, "fraction": majority.fraction, "strict": majority.strict,
              "abstentions": majority.abstentions}
    return result, Check("majority", inputs, result, majority.paragraph)


def resolve_tie(majority: Majority, lot: bool | None) -> tuple[str, Check]:
    """Apply ``ties``: rejected, a runoff (stays a tie), or lot (``lot`` True = the lot fell for yes)."""
    if majority.ties == "rejected":
        result = "rejected"
    elif majority.ties == "runoff" or lot is None:
        result = "tie"
    else:
        result = "adopted" if lot else "rejected"
    return result, Check("majority.tie", {"ties": majority.ties, "lot": lot}, result, majority.paragraph)


def evaluate(rules: Rules, process: str, eligible: int, counts: Counts, subject: str | None = None,
             lot: bool | None = None) -> Decision:
    """Decide a yes/no vote of kind ``process`` (referendum or survey) among ``eligible`` voters."""
    if process == "election":
        raise ValueError("elections are evaluated with evaluate_election")
    proc = rules.process(process)
    validate_counts(eligible, counts)
    trail: list[Check] = []
    effect = subject_effect(proc, subject)
    lists = {"advisory": proc.subjects.advisory, "confirmatory": proc.subjects.confirmatory,
             "excluded": proc.subjects.excluded}
    trail.append(Check("subject", {"subject": subject, **lists}, effect, proc.subjects.paragraph))
    if effect == "excluded":
        trail.append(Check("decision", {"subject": effect}, "invalid", proc.subjects.paragraph))
        return Decision(process, False, "invalid", tuple(trail), None, subject)
    trail.append(Check("process", {"process": process, "binding": proc.binding},
                       "binding" if proc.binding else "advisory", proc.paragraph))
    majority = majority_for(proc, subject)
    quorum = proc.quorum
    participants = counts.cast - (counts.abstain if majority.abstentions == "ignored" else 0)
    met_p = at_least(participants, quorum.participation, eligible)
    trail.append(Check("quorum.participation", {"participants": participants, "eligible": eligible,
                                                "share": quorum.participation,
                                                "needed": needed(quorum.participation, eligible)},
                       "met" if met_p else "missed", quorum.paragraph))
    met_a = at_least(counts.yes, quorum.approval, eligible)
    trail.append(Check("quorum.approval", {"yes": counts.yes, "eligible": eligible, "share": quorum.approval,
                                           "needed": needed(quorum.approval, eligible)},
                       "met" if met_a else "missed", quorum.paragraph))
    result, check = majority_check(majority, eligible, counts)
    trail.append(check)
    if result == "tie":
        result, check = resolve_tie(majority, lot)
        trail.append(check)
    if not (met_p and met_a):
        outcome, paragraph = ("invalid" if quorum.on_miss == "invalid" else "advisory"), quorum.paragraph
    elif effect == "advisory":
        outcome, paragraph = "advisory", proc.subjects.paragraph
    elif not proc.binding:
        outcome, paragraph = "advisory", proc.paragraph
    else:
        outcome, paragraph = result, majority.paragraph
    binding = outcome in ("adopted", "rejected")
    inputs = {"quorum": "met" if met_p and met_a else "missed", "on_miss": quorum.on_miss, "subject": effect,
              "process_binding": proc.binding, "majority": result}
    trail.append(Check("decision", inputs, outcome, paragraph))
    return Decision(process, binding, outcome, tuple(trail), result, subject)
