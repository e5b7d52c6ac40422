"""Check 22: openings.json, the joint opening of sealed references (docs/election-record.md 3.15).

Written from the specification. Under postal precedence "postal" the trustees opened the sealed references of
members who voted online and then by post: every opening share's DLEQ proof verifies against VK_j with context
F || "opening"; the shares of the trustees present combine (Lagrange at 0) to index*G with the recorded index, a
position in the sorted credential list; each opening excludes exactly the counted board entry of that credential
(null when it has none); no credential is opened twice; there are no more openings than postal voters. The
aggregates (check 14) are then the sum of the counted entries minus the excluded ones; :func:`excluded_sums`
gives what to subtract.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ballot_audit import canonical, primitives
from ballot_audit.primitives import IDENTITY, add, g_times, mul, sub
from ballot_audit.proofs import verify_dleq
from ballot_audit.report import Report
from ballot_audit.tally import lagrange

FORMAT = "ballot-openings/1"
CONTEXT_SUFFIX = b"opening"
WHERE = "openings.json"


@dataclass
class Exclusions:
    """The board positions the record excludes from the aggregates (those that are counted entries)."""

    positions: set[int] = field(default_factory=set)


def claimed(doc: dict[str, Any] | None, superseded: dict[int, int | None]) -> Exclusions:
    """The excluded positions openings.json names that are counted board entries (check 14 subtracts these)."""
    if doc is None:
        return Exclusions()
    found = {o["excluded"] for o in doc["openings"] if o["excluded"] is not None}
    return Exclusions({p for p in found if p in superseded and superseded[p] is None})


def excluded_sums(lines: Iterable[bytes], positions: set[int], width: int) -> list[bytes] | None:
    """The component-wise sum (flat: per question its options, then its blank flag; alpha, beta alternating) of the
    board entries at ``positions``; None if one of them holds an unusable ciphertext."""
    total = [IDENTITY] * width
    for number, raw in enumerate(lines, start=1):
        if number not in positions:
            continue
        try:
            entry = canonical.parse(raw.rstrip(b"\n"))
            values = []
            for answer in entry["ballot"]["answers"]:
                for ct in answer["choices"] + ([answer["blank"]] if answer["blank"] is not None else []):
                    values += [primitives.point(ct["alpha"]), primitives.point(ct["beta"])]
        except (ValueError, KeyError, TypeError):
            return None
        if len(values) != width or any(v is None for v in values):
            return None
        total = [add(a, b) for a, b in zip(total, values, strict=True)]  # type: ignore[arg-type]
    return total


def _shares(report: Report, doc: dict[str, Any], keys: dict[int, bytes], threshold: int,
            fingerprint: bytes) -> dict[int, list[bytes]] | None:
    """Every share's proof; the factors by trustee (None when a failure makes the combination meaningless)."""
    openings, trustees = doc["openings"], doc["trustees"]
    indices = [t["index"] for t in trustees]
    if len(indices) < threshold or indices != sorted(set(indices)) or any(j not in keys for j in indices):
        report.fail(22, WHERE, f"trustees {indices}: need at least {threshold} distinct indices in 1..{len(keys)}, "
                               "ascending")
        return None
    context, g = fingerprint + CONTEXT_SUFFIX, g_times(1)
    factors: dict[int, list[bytes]] = {}
    ok = True
    for trustee in trustees:
        j = trustee["index"]
        if len(trustee["shares"]) != len(openings):
            report.fail(22, f"{WHERE} trustee {j}", f"{len(trustee['shares'])} shares for {len(openings)} openings")
            return None
        factors[j] = []
        for k, (share, opening) in enumerate(zip(trustee["shares"], openings, strict=True)):
            alpha = primitives.point(opening["ciphertext"]["alpha"])
            factor = primitives.point(share["factor"])
            c, z = primitives.scalar(share["proof"]["challenge"]), primitives.scalar(share["proof"]["response"])
            if alpha is None or factor is None or c is None or z is None or \
                    not verify_dleq(context, g, keys[j], alpha, factor, c, z):
                report.fail(22, f"{WHERE} trustee {j}, opening {k}",
                            "the opening share's proof does not verify against VK_j (context F || \"opening\")")
                ok = False
            factors[j].append(factor or IDENTITY)
    return factors if ok else None


def _combination(report: Report, doc: dict[str, Any], factors: dict[int, list[bytes]], eligible: int) -> None:
    indices = sorted(factors)
    lambdas = {j: lagrange(j, indices).to_bytes(32, "little") for j in indices}
    for k, opening in enumerate(doc["openings"]):
        beta = primitives.point(opening["ciphertext"]["beta"])
        index = opening["index"]
        if beta is None:
            report.fail(22, f"{WHERE} opening {k}", "the ciphertext's beta is not a valid point (not the identity)")
            continue
        combined = IDENTITY
        for j in indices:
            combined = add(combined, mul(lambdas[j], factors[j][k]))
        if not 0 <= index < eligible:
            report.fail(22, f"{WHERE} opening {k}", f"index {index} is not a position in the credential list "
                                                    f"[0, {eligible - 1}]")
        elif sub(beta, combined) != g_times(index):
            report.fail(22, f"{WHERE} opening {k}", f"the shares do not decrypt the ciphertext to index {index}")


def _exclusions(report: Report, doc: dict[str, Any], credentials: list[str], by_credential: dict[str, list[int]],
                superseded: dict[int, int | None]) -> None:
    seen: set[int] = set()
    for k, opening in enumerate(doc["openings"]):
        index = opening["index"]
        if index in seen:
            report.fail(22, f"{WHERE} opening {k}", f"index {index} is opened twice")
        seen.add(index)
        if not 0 <= index < len(credentials):
            continue
        credential = credentials[index]
        counted = [p for p in by_credential.get(credential, []) if superseded.get(p) is None]
        expected = counted[-1] if counted else None
        if opening["excluded"] != expected:
            what = f"position {expected}" if expected is not None else "nothing (null)"
            report.fail(22, f"{WHERE} opening {k}", f"excluded is {opening['excluded']}, but credential {credential} "
                                                    f"(index {index}) has as counted entry {what}")


def check_openings(report: Report, doc: dict[str, Any] | None, postal: dict[str, Any] | None,
                   credentials: list[str], by_credential: dict[str, list[int]], superseded: dict[int, int | None],
                   keys: dict[int, bytes] | None, threshold: int, fingerprint: bytes, aggregates: dict[str, Any] | None,
                   counted: int) -> None:
    """Check 22. ``credentials``: the sorted credential list; ``by_credential``: board positions per credential;
    ``superseded``: superseded_by per position; ``counted``: the counted board entries."""
    if doc is None:
        report.fail(22, WHERE, "not checked: the file is unusable")
        return
    failed = len(report.failures)
    if doc["format"] != FORMAT:
        report.fail(22, WHERE, f"format is {doc['format']!r}, expected {FORMAT!r}")
    openings = doc["openings"]
    if not openings:
        if doc["trustees"]:
            report.fail(22, WHERE, "no openings, yet opening shares are listed")
    else:
        if postal is None or not postal.get("offered") or postal.get("precedence") != "postal":
            report.fail(22, WHERE, "sealed references are opened only under postal precedence \"postal\" "
                                   "(postal.json)")
        elif len(openings) > postal["voters"]:
            report.fail(22, WHERE, f"{len(openings)} openings, but only {postal['voters']} postal voters")
        if keys is None:
            report.fail(22, WHERE, "not checked: the trustees' verification keys are unusable (check 5)")
        else:
            factors = _shares(report, doc, keys, threshold, fingerprint)
            if factors is not None:
                _combination(report, doc, factors, len(credentials))
        _exclusions(report, doc, credentials, by_credential, superseded)
    excluded = claimed(doc, superseded).positions
    if aggregates is not None and aggregates["ballots"] != counted - len(excluded):
        report.fail(22, WHERE, f"aggregates.json counts {aggregates['ballots']} ballots, but the board has {counted} "
                               f"counted entries of which {len(excluded)} are excluded")
    if len(report.failures) == failed:
        detail = f"{len(openings)} sealed references opened, {len(excluded)} counted entries excluded " \
                 f"(positions {sorted(excluded)})" if openings else "no sealed reference was opened"
        report.passed(22, WHERE, detail)
