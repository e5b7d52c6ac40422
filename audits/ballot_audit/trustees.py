"""Check 5: the trustees' threshold, commitments, Schnorr proofs, joint key and verification keys (3.4, crypto.md 6)."""

from __future__ import annotations

from typing import Any

from ballot_audit import primitives
from ballot_audit.primitives import IDENTITY, L, add, mul
from ballot_audit.proofs import verify_schnorr
from ballot_audit.report import Report

WHERE = "trustees.json"


def _sum(encodings: list[bytes]) -> bytes:
    total = IDENTITY
    for e in encodings:
        total = add(total, e)
    return total


def verification_key(summed: list[bytes], j: int) -> bytes:
    """VK_j = sum_k (sum_i A_ik) * j^k (j^k reduced mod L)."""
    total = IDENTITY
    for k, point in enumerate(summed):
        total = add(total, mul((pow(j, k, L)).to_bytes(32, "little"), point))
    return total


def check_trustees(report: Report, doc: dict[str, Any], manifest_hash: bytes,
                   public_key: bytes | None) -> dict[int, bytes] | None:
    """Report check 5; return the recomputed verification keys by trustee index (None if unusable)."""
    t, trustees = doc["threshold"], doc["trustees"]
    n, failed = len(trustees), False
    if not 1 <= t <= n:
        report.fail(5, WHERE, f"threshold {t} is not in 1..{n} (the number of trustees)")
        return None
    commitments: list[list[bytes]] = []
    for i, trustee in enumerate(trustees, start=1):
        where = f"{WHERE} trustees[{i - 1}]"
        if trustee["index"] != i:
            report.fail(5, where, f"index is {trustee['index']}, expected {i} (indices 1..n in order)")
            failed = True
        if len(trustee["commitments"]) != t or len(trustee["proofs"]) != t:
            report.fail(5, where, f"expected {t} commitments and {t} proofs (one per coefficient)")
            return None
        points = [primitives.point(c) for c in trustee["commitments"]]
        for k, (point, proof) in enumerate(zip(points, trustee["proofs"], strict=True)):
            c, z = primitives.scalar(proof["challenge"]), primitives.scalar(proof["response"])
            if point is None:
                report.fail(5, f"{where}.commitments[{k}]", "not a valid non-identity point")
                failed = True
            elif c is None or z is None:
                report.fail(5, f"{where}.proofs[{k}]", "non-canonical scalar (>= L)")
                failed = True
            elif not verify_schnorr(manifest_hash + i.to_bytes(4, "big") + k.to_bytes(4, "big"), point, c, z):
                report.fail(5, f"{where}.proofs[{k}]", f"Schnorr proof for commitment A_{i},{k} does not verify "
                            "(context H(manifest.json) || u32be(i) || u32be(k))")
                failed = True
        commitments.append([p or IDENTITY for p in points])
    if failed:
        return None
    summed = [_sum([c[k] for c in commitments]) for k in range(t)]
    if public_key is not None and summed[0] != public_key:
        report.fail(5, "election.json", f"public_key differs from the sum of the trustees' A_i,0 ({summed[0].hex()})")
        failed = True
    keys = {}
    for j in range(1, n + 1):
        keys[j] = verification_key(summed, j)
        if trustees[j - 1]["verification_key"] != keys[j].hex():
            report.fail(5, f"{WHERE} trustees[{j - 1}]", f"verification_key differs from sum_k (sum_i A_i,k) * j^k "
                                                        f"({keys[j].hex()})")
            failed = True
    if failed:
        return None
    report.passed(5, WHERE, f"{n} trustees, threshold {t}: {n * t} Schnorr proofs, public key and "
                            "verification keys verified")
    return keys
