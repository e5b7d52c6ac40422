"""The verifier's own proof checks accept every proof in tests/vectors/crypto.json (docs/crypto.md 8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ballot_audit.primitives import L, add, g_times, mul, sub
from ballot_audit.proofs import header, verify_dleq, verify_range, verify_schnorr
from ballot_audit.tally import lagrange
from ballot_audit.trustees import verification_key

VECTORS = Path(__file__).parents[1] / "vectors" / "crypto.json"
pytestmark = pytest.mark.skipif(not VECTORS.is_file(), reason="crypto vectors missing")


@pytest.fixture(scope="module")
def v() -> dict[str, Any]:
    return json.loads(VECTORS.read_bytes())


def _b(text: str) -> bytes:
    return bytes.fromhex(text)


def test_schnorr_and_dleq(v: dict[str, Any]) -> None:
    ctx, public = _b(v["context"]), _b(v["secret_key"]["public"])
    proof = v["schnorr"]["proof"]
    assert verify_schnorr(ctx, public, _b(proof["challenge"]), _b(proof["response"]))
    assert not verify_schnorr(ctx + b"x", public, _b(proof["challenge"]), _b(proof["response"]))
    d = v["dleq"]
    c, z = _b(d["proof"]["challenge"]), _b(d["proof"]["response"])
    assert verify_dleq(ctx, g_times(1), public, _b(d["base2"]), _b(d["public2"]), c, z)
    assert not verify_dleq(ctx, g_times(1), public, _b(d["base2"]), _b(d["base2"]), c, z)


def test_range_proofs(v: dict[str, Any]) -> None:
    hdr, key = header("range", _b(v["context"])), _b(v["secret_key"]["public"])
    for r in v["range"]:
        ct, proof = r["ciphertext"], r["proof"]
        args = (_b(ct["alpha"]), _b(ct["beta"]), r["lo"], r["hi"], [_b(c) for c in proof["challenges"]],
                [_b(z) for z in proof["responses"]])
        assert verify_range(hdr, key, *args)
        assert not verify_range(header("range", b"another election"), key, *args)
        assert _b(r["transcript"]).startswith(hdr)


def test_threshold(v: dict[str, Any]) -> None:
    t, ctx = v["threshold"], _b(v["context"])
    commitments = [[_b(c) for c in row] for row in t["commitments"]]
    for i, (row, proofs) in enumerate(zip(commitments, t["proofs"], strict=True), start=1):
        for k, (point, p) in enumerate(zip(row, proofs, strict=True)):
            k_ctx = ctx + i.to_bytes(4, "big") + k.to_bytes(4, "big")
            assert verify_schnorr(k_ctx, point, _b(p["challenge"]), _b(p["response"]))
    summed = [add(add(commitments[0][k], commitments[1][k]), commitments[2][k]) for k in range(t["t"])]
    assert summed[0].hex() == t["joint_public_key"]
    for j, key in t["verification_keys"].items():
        assert verification_key(summed, int(j)).hex() == key
    assert {j: lagrange(int(j), [1, 3]).to_bytes(32, "little").hex() for j in ("1", "3")} == t["lagrange"]
    alpha, beta = _b(t["ciphertext"]["alpha"]), _b(t["ciphertext"]["beta"])
    combined = g_times(0)
    for j, share in zip((1, 3), t["decryption_shares"], strict=True):
        factor, proof = _b(share["factor"]), share["proof"]
        vk = _b(t["verification_keys"][str(j)])
        assert verify_dleq(ctx, g_times(1), vk, alpha, factor, _b(proof["challenge"]), _b(proof["response"]))
        combined = add(combined, mul((lagrange(j, [1, 3]) % L).to_bytes(32, "little"), factor))
    assert sub(beta, combined) == g_times(t["message"]) and sub(beta, combined).hex() == t["result"]
