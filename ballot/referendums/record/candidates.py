"""The result of a per-candidate yes/no/abstain election as the result page and the protocol show it.

The candidate questions of a ballot (kind ``yes_no_abstain`` under the process ``election``) share one decision
in evaluation.json (docs/election-record.md 3.13). They are shown as one section: a row per candidate with its
yes / no / abstain / blank counts, whether it met the election's majority rule and whether it is elected, then the
decision and the rule trail with the candidates' names in place of their question ids.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ballot.i18n import gettext as _
from ballot.statutes.labels import RESULTS, ShownCheck, show_check, value_label
from ballot_crypto.statutes.trail import Check

Localize = Callable[[Any], str]


def is_candidate(question: Mapping[str, Any]) -> bool:
    """One candidate of a per-candidate election (the manifest's ``yes_no_abstain`` under ``election``)."""
    return question.get("kind") == "yes_no_abstain" and question.get("process") == "election"


def _named(check: Mapping[str, Any], names: Mapping[str, str]) -> ShownCheck:
    """A trail check with candidate ids replaced by names (and qualified candidates shown as 'name (yes votes)')."""
    inputs = dict(check["inputs"])
    if "candidate" in inputs:
        inputs["candidate"] = names.get(inputs["candidate"], inputs["candidate"])
    if isinstance(inputs.get("qualified"), list):
        inputs["qualified"] = [f"{names.get(n, n)} ({votes})" for n, votes in inputs["qualified"]]
    if isinstance(inputs.get("lot"), list):
        inputs["lot"] = [names.get(n, n) for n in inputs["lot"]]
    return show_check(Check(check["name"], inputs, check["result"], check.get("paragraph")))


def candidate_section(questions: Sequence[Mapping[str, Any]], entries: Sequence[Mapping[str, Any]],
                      evaluated: Sequence[Mapping[str, Any]], counted: int, localized: Localize,
                      ) -> dict[str, Any] | None:
    """The section of the per-candidate election (None when the ballot has none); questions, result entries
    and evaluation entries are in manifest order."""
    group = [(q, e, v) for q, e, v in zip(questions, entries, evaluated, strict=True) if is_candidate(q)]
    if not group:
        return None
    decision = group[0][2]["decision"]
    names = {str(q["id"]): localized(q["text"]) for q, _e, _v in group}
    checks = {c["inputs"].get("candidate"): c for c in decision["trail"] if c["name"] == "candidate"}
    elected = set(decision.get("elected", []))
    rows = []
    for question, entry, _evaluated in group:
        counts, blank = entry["counts"], entry.get("blank", 0)
        check = checks.get(question["id"], {})
        rows.append({
            "name": names[str(question["id"])], "yes": counts.get("yes", 0), "no": counts.get("no", 0),
            "abstain": counts.get("abstain", 0), "blank": blank,
            "yes_share": counts.get("yes", 0) / counted if counted else 0.0,
            "qualified": check.get("result") == "qualified",
            "rule_label": str(RESULTS[check.get("result", "not qualified")]),
            "elected": question["id"] in elected,
        })
    trail = [_named(c, names) for c in decision["trail"]]
    outcome = decision["outcome"]
    return {
        "kind": "candidates", "seats": group[0][0].get("seats"), "rows": rows,
        "binding": decision["binding"], "outcome": outcome,
        "outcome_label": _("elected") if outcome == "elected" else value_label(outcome),
        "elected": [names[str(q["id"])] for q, _e, _v in group if q["id"] in elected],
        "trail": trail, "paragraph": trail[-1].paragraph if trail else None,
    }
