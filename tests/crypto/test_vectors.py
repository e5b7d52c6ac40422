"""Known-answer test vectors (tests/vectors/crypto.json), as specified in docs/crypto.md.

Regenerate after an intentional change of the specification with:
    .venv/bin/python tests/crypto/test_vectors.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ballot_crypto.credentials import credential_salt, generate_credential, public_credential
from ballot_crypto.elgamal import Ciphertext, encrypt
from ballot_crypto.group import L, Point, Scalar, deterministic_rng
from ballot_crypto.proofs import (
    RangeProof,
    prove_dleq,
    prove_range,
    prove_secret_key,
    verify_dleq,
    verify_range,
    verify_secret_key,
)
from ballot_crypto.threshold import (
    TrusteePolynomial,
    combine_decryption,
    combine_secret_shares,
    decryption_share,
    joint_public_key,
    lagrange_coefficient,
    seal_share,
    verification_key,
)
from ballot_crypto.transcript import encode_item, hash_to_scalar, header

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "crypto.json"
CONTEXT = b"vector-election"


def _range_transcript(key: Point, ct: Ciphertext, lo: int, hi: int, proof: RangeProof) -> bytes:
    """The range-proof transcript, rebuilt from the generic encoding (independent of proofs.py's fast path)."""
    commits: list[Point] = []
    for j, c, z in zip(range(lo, hi + 1), proof.challenges, proof.responses, strict=True):
        commits += [Point.base_mul(z) - ct.alpha * c, key * z - (ct.beta - Point.encode_int(j)) * c]
    statement = b"".join(encode_item(x) for x in (Point.G, key, ct.alpha, ct.beta, lo, hi, commits))
    return header("range", CONTEXT) + statement


def _range_vector(key: Point, m: int, lo: int, hi: int, seed: bytes) -> dict[str, Any]:
    rng = deterministic_rng(seed)
    ct, r = encrypt(key, m, rng=rng)
    proof = prove_range(CONTEXT, key, ct, m, r, lo, hi, rng=rng)
    transcript = _range_transcript(key, ct, lo, hi, proof)
    assert hash_to_scalar(transcript) == sum(proof.challenges, Scalar.from_int(0))
    assert verify_range(CONTEXT, key, ct, lo, hi, proof)
    return {
        "rng_seed": seed.hex(),
        "message": m,
        "lo": lo,
        "hi": hi,
        "randomness": r.hex(),
        "ciphertext": ct.to_json(),
        "transcript": transcript.hex(),
        "proof": proof.to_json(),
    }


def _threshold_vector(key_context: bytes) -> dict[str, Any]:
    rng = deterministic_rng(b"threshold")
    polys = [TrusteePolynomial.generate(i, 2, rng=rng) for i in (1, 2, 3)]
    commitments = [p.commitments() for p in polys]
    secrets = {j: combine_secret_shares([p.share_for(j) for p in polys]) for j in (1, 2, 3)}
    key = joint_public_key(commitments)
    ct, _ = encrypt(key, 42, rng=rng)
    shares = [decryption_share(key_context, secrets[j], j, ct, rng=rng) for j in (1, 3)]
    result = combine_decryption(ct, shares)
    assert result == Point.encode_int(42)
    return {
        "rng_seed": b"threshold".hex(),
        "n": 3,
        "t": 2,
        "coefficients": [[a.hex() for a in p.coefficients] for p in polys],
        "commitments": [[c.hex() for c in cs] for cs in commitments],
        "proofs": [[pr.to_json() for pr in p.proofs(key_context, rng=rng)] for p in polys],
        "shares": {f"{p.index},{j}": p.share_for(j).hex() for p in polys for j in (1, 2, 3)},
        "secret_shares": {str(j): x.hex() for j, x in secrets.items()},
        "verification_keys": {str(j): verification_key(commitments, j).hex() for j in (1, 2, 3)},
        "joint_public_key": key.hex(),
        "ciphertext": ct.to_json(),
        "decryption_shares": [s.to_json() for s in shares],
        "lagrange": {str(j): lagrange_coefficient(j, [1, 3]).hex() for j in (1, 3)},
        "result": result.hex(),
        "message": 42,
    }


def compute_vectors() -> dict[str, Any]:
    """Every vector, computed from fixed seeds with the deterministic rng of docs/crypto.md."""
    secret = Scalar.random(deterministic_rng(b"secret key"))
    key = Point.base_mul(secret)
    schnorr = prove_secret_key(CONTEXT, secret, rng=deterministic_rng(b"schnorr"))
    assert verify_secret_key(CONTEXT, key, schnorr)
    alpha = Point.encode_int(5)
    dleq = prove_dleq(CONTEXT, secret, Point.G, alpha, rng=deterministic_rng(b"dleq"))
    assert verify_dleq(CONTEXT, Point.G, key, alpha, alpha * secret, dleq)
    transcript = header("example", b"ctx") + b"".join(
        encode_item(x) for x in (b"\x00\xff", "Wahl", 7, Point.G, Scalar.from_int(1), [1, b""])
    )
    credential = generate_credential(rng=deterministic_rng(b"credential"))
    election_salt = bytes.fromhex("0123456789abcdef0123456789abcdef")
    recipient = bytes.fromhex("9f" * 32)  # an X25519 public key needs no validation for this vector
    return {
        "about": "Known-answer tests for docs/crypto.md; all byte strings are lowercase hex.",
        "group": {
            "L": str(L),
            "G": Point.G.hex(),
            "identity": Point.IDENTITY.to_bytes().hex(),
            "encode_int": {str(m): Point.encode_int(m).to_bytes().hex() for m in (0, 1, 2, 3, 1000)},
        },
        "rng": {"seed": b"seed".hex(), "first_100_bytes": deterministic_rng(b"seed")(100).hex()},
        "transcript": {"bytes": transcript.hex(), "challenge": hash_to_scalar(transcript).hex()},
        "context": CONTEXT.hex(),
        "secret_key": {"rng_seed": b"secret key".hex(), "secret": secret.hex(), "public": key.hex()},
        "schnorr": {"rng_seed": b"schnorr".hex(), "proof": schnorr.to_json()},
        "dleq": {
            "rng_seed": b"dleq".hex(),
            "base2": alpha.hex(),
            "public2": (alpha * secret).hex(),
            "proof": dleq.to_json(),
        },
        "range": [
            _range_vector(key, 1, 0, 1, b"range 0/1"),
            _range_vector(key, 0, 0, 1, b"range 0/1 zero"),
            _range_vector(key, 2, 0, 3, b"range 0..3"),
            _range_vector(key, 2, 1, 2, b"range 1..2"),
        ],
        "threshold": _threshold_vector(CONTEXT),
        "credential": {
            "rng_seed": b"credential".hex(),
            "credential": credential,
            "election_salt": election_salt.hex(),
            "argon2id_salt": credential_salt(election_salt).hex(),
            "public_credential": public_credential(credential, election_salt).hex(),
        },
        "sealed_share": {
            "rng_seed": b"seal".hex(),
            "recipient_public": recipient.hex(),
            "share": secret.hex(),
            "sealed": seal_share(recipient, secret, rng=deterministic_rng(b"seal")).hex(),
        },
    }


def test_vectors_match() -> None:
    expected = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert compute_vectors() == expected


if __name__ == "__main__":
    VECTORS.write_text(json.dumps(compute_vectors(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
