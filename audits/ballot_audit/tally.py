"""Checks 14 to 17: aggregates, decryption shares, the result and the evaluation inputs (3.9 - 3.13, crypto.md 6)."""

from __future__ import annotations

from math import isqrt
from typing import Any

from ballot_audit import primitives
from ballot_audit.manifest import Question
from ballot_audit.primitives import IDENTITY, L, add, g_times, mul, sub
from ballot_audit.proofs import verify_dleq
from ballot_audit.report import Report

Ct = tuple[bytes, bytes]


def lagrange(j: int, indices: list[int]) -> int:
    """lambda_j = prod_{k in S, k != j} k / (k - j) mod L."""
    num = den = 1
    for k in indices:
        if k != j:
            num, den = num * k % L, den * (k - j) % L
    return num * pow(den, -1, L) % L


def dlog(point: bytes, bound: int) -> int | None:
    """m in [0, bound] with G*m == point (baby-step giant-step), or None."""
    w = isqrt(bound) + 1
    table: dict[bytes, int] = {}
    acc = IDENTITY
    for j in range(w):
        table.setdefault(acc, j)
        acc = add(acc, g_times(1))
    giant = g_times(w)
    for i in range(w + 1):
        hit = table.get(point)
        if hit is not None and w * i + hit <= bound:
            return w * i + hit
        point = sub(point, giant)
    return None


def check_aggregates(report: Report, doc: dict[str, Any] | None, questions: list[Question], counted: int,
                     sums: list[bytes] | None, unsummable: int) -> list[list[Ct]] | None:
    """Check 14; return the published aggregate ciphertexts per question (options, then blank), None if unusable."""
    where = "aggregates.json"
    if doc is None:
        report.fail(14, where, "not checked: the file is unusable")
        return None
    failed = len(report.failures)
    if doc["ballots"] != counted:
        report.fail(14, where, f"ballots is {doc['ballots']}, the board has {counted} counted entries")
    if len(doc["questions"]) != len(questions):
        report.fail(14, where, f"{len(doc['questions'])} questions, the manifest has {len(questions)}")
        return None
    published: list[list[Ct]] = []
    for qi, (q, agg) in enumerate(zip(questions, doc["questions"], strict=True)):
        at = f"{where} questions[{qi}]"
        cts = agg["choices"] + ([agg["blank"]] if agg["blank"] is not None else [])
        if agg["question"] != q.id or len(agg["choices"]) != len(q.options) or (agg["blank"] is None) == q.blank_flag:
            report.fail(14, at, f"expected question {q.id} with {len(q.options)} choices"
                                f"{' and a blank flag' if q.blank_flag else ' and blank null'}")
            return None
        points = [(primitives.point(ct["alpha"], identity=True), primitives.point(ct["beta"], identity=True))
                  for ct in cts]
        if any(a is None or b is None for a, b in points):
            report.fail(14, at, "an aggregate ciphertext holds an invalid point")
            return None
        published.append(points)  # type: ignore[arg-type]
    flat = [p for question in published for ct in question for p in ct]
    if unsummable:
        report.fail(14, where, f"not recomputed: {unsummable} counted ballots hold unusable ciphertexts")
    elif sums is not None and flat != sums:
        for qi, q in enumerate(questions):
            names = [*q.options, "blank flag"]
            for oi, ct in enumerate(published[qi]):
                offset = 2 * (sum(len(x) for x in published[:qi]) + oi)
                if list(ct) != sums[offset : offset + 2]:
                    report.fail(14, f"{where} questions[{qi}]", f"the aggregate of {q.id} / {names[oi]} is not the "
                                                                "sum of the counted ballots' ciphertexts")
    if len(report.failures) == failed:
        report.passed(14, where, f"{counted} counted ballots sum to the published aggregates")
    return published


def check_shares(report: Report, doc: dict[str, Any] | None, questions: list[Question], published: list[list[Ct]],
                 keys: dict[int, bytes], threshold: int, fingerprint: bytes) -> dict[int, list[list[bytes]]] | None:
    """Check 15; return the verified factors by trustee index (per question, per ciphertext)."""
    where = "decryption.json"
    if doc is None:
        report.fail(15, where, "not checked: the file is unusable")
        return None
    indices = [t["index"] for t in doc["trustees"]]
    if len(indices) < threshold or indices != sorted(set(indices)) or any(j not in keys for j in indices):
        report.fail(15, where, f"trustees {indices}: need at least {threshold} distinct indices in 1..{len(keys)}, "
                               "ascending")
        return None
    factors: dict[int, list[list[bytes]]] = {}
    failed = len(report.failures)
    g = g_times(1)
    for ti, trustee in enumerate(doc["trustees"]):
        j = trustee["index"]
        if [q["question"] for q in trustee["questions"]] != [q.id for q in questions]:
            report.fail(15, f"{where} trustees[{ti}]", "shares must follow the manifest's questions in order")
            return None
        factors[j] = []
        for qi, (q, entry) in enumerate(zip(questions, trustee["questions"], strict=True)):
            shares = entry["choices"] + ([entry["blank"]] if entry["blank"] is not None else [])
            if len(shares) != len(published[qi]):
                report.fail(15, f"{where} trustees[{ti}] questions[{qi}]", "one share per aggregate ciphertext needed")
                return None
            factors[j].append([])
            for oi, (share, (alpha, _)) in enumerate(zip(shares, published[qi], strict=True)):
                factor = primitives.point(share["factor"], identity=True)
                c, z = primitives.scalar(share["proof"]["challenge"]), primitives.scalar(share["proof"]["response"])
                name = [*q.options, "blank flag"][oi]
                if factor is not None and (factor == IDENTITY) != (alpha == IDENTITY):
                    report.fail(15, f"{where} trustee {j}, {q.id} / {name}",
                                "the factor must be the identity exactly when the aggregate's alpha is")
                if factor is None or c is None or z is None or not verify_dleq(fingerprint, g, keys[j], alpha,
                                                                               factor, c, z):
                    report.fail(15, f"{where} trustee {j}, {q.id} / {name}",
                                "the decryption share's proof does not verify against VK_j (context F)")
                factors[j][qi].append(factor or IDENTITY)
    if len(report.failures) != failed:
        return None
    report.passed(15, where, f"decryption shares of trustees {indices} verified against their verification keys")
    return factors


def decrypt(published: list[list[Ct]], factors: dict[int, list[list[bytes]]]) -> list[list[bytes]]:
    """G*m = beta - sum_j lambda_j * factor_j over the trustees present, per question and ciphertext."""
    indices = sorted(factors)
    lambdas = {j: lagrange(j, indices).to_bytes(32, "little") for j in indices}
    plain = []
    for qi, cts in enumerate(published):
        row = []
        for ci, (_, beta) in enumerate(cts):
            combined = IDENTITY
            for j in indices:
                combined = add(combined, mul(lambdas[j], factors[j][qi][ci]))
            row.append(sub(beta, combined))
        plain.append(row)
    return plain
