"""Joint opening of sealed references (postal precedence "postal"; docs/election-record.md 3.15).

A sealed reference is the index i of a credential in the sorted public credential list, encrypted under the joint
key K: ``(r*G, r*K + i*G)``. When a member voted online and then by post under a statute where the postal vote
wins, the trustees open exactly that member's reference: each trustee j publishes ``x_j * alpha`` with a DLEQ
proof (context ``F || "opening"``), t of them combine to ``i*G``, and a discrete-log search over ``[0, N-1]``
(N credentials) gives i. The counted board entry of credential i (if any) is then left out of the aggregates.

The request a trustee answers is ``{"format": "ballot-opening-request/1", "election": F hex, "ciphertexts":
[...]}``; its answer is ``{"index": j, "shares": [share, ...]}`` (one share per ciphertext, in order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ballot_crypto.dlog import DiscreteLog
from ballot_crypto.elgamal import Ciphertext
from ballot_crypto.errors import CryptoError, InvalidEncoding
from ballot_crypto.group import Point, Rng, Scalar
from ballot_crypto.proofs import DleqProof
from ballot_crypto.threshold import DecryptionShare, combine_decryption, decryption_share, verify_decryption_share

FORMAT = "ballot-openings/1"
REQUEST_FORMAT = "ballot-opening-request/1"
CONTEXT_SUFFIX = b"opening"
MAX_OPENINGS = 10_000
_BAD = (CryptoError, KeyError, TypeError, ValueError, AttributeError, OverflowError)


def opening_context(fingerprint: bytes) -> bytes:
    """The DLEQ context of opening shares: F || "opening" (39 bytes), so no opening share is a decryption share."""
    if len(fingerprint) != 32:
        raise CryptoError("the election fingerprint must be 32 bytes")
    return fingerprint + CONTEXT_SUFFIX


def parse_ciphertexts(values: Any) -> list[Ciphertext]:
    """Sealed references: a non-empty list of distinct ciphertexts whose points are valid and not the identity."""
    if not isinstance(values, list) or not values or len(values) > MAX_OPENINGS:
        raise InvalidEncoding(f"the ciphertexts must be a list of 1 to {MAX_OPENINGS} ciphertexts")
    parsed = []
    for value in values:
        if not isinstance(value, Mapping) or set(value) != {"alpha", "beta"}:
            raise InvalidEncoding('a ciphertext is {"alpha": hex, "beta": hex}')
        parsed.append(Ciphertext(Point.from_hex(value["alpha"]), Point.from_hex(value["beta"])))
    if len({(c.alpha.hex(), c.beta.hex()) for c in parsed}) != len(parsed):
        raise InvalidEncoding("a ciphertext is listed twice")
    return parsed


def sort_key(ciphertext: Mapping[str, str]) -> tuple[str, str]:
    """Requests list the references sorted by (alpha, beta) hex: an order that says nothing about the members."""
    return ciphertext["alpha"], ciphertext["beta"]


def request_json(fingerprint: bytes, ciphertexts: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """The server's request to the trustees (sorted, checked)."""
    ordered = sorted((dict(c) for c in ciphertexts), key=sort_key)
    parse_ciphertexts(ordered)
    return {"format": REQUEST_FORMAT, "election": fingerprint.hex(), "ciphertexts": ordered}


def parse_request(request: Any, fingerprint: bytes) -> list[Ciphertext]:
    """The ciphertexts of a request for this election; CryptoError if it is malformed or for another election."""
    if not isinstance(request, Mapping) or set(request) != {"format", "election", "ciphertexts"}:
        raise InvalidEncoding('a request is {"format", "election", "ciphertexts"}')
    if request["format"] != REQUEST_FORMAT:
        raise InvalidEncoding(f"the request's format must be {REQUEST_FORMAT!r}")
    if request["election"] != fingerprint.hex():
        raise CryptoError("the request is for another election (its fingerprint differs)")
    ciphertexts = parse_ciphertexts(request["ciphertexts"])
    if [sort_key(c) for c in request["ciphertexts"]] != sorted(sort_key(c) for c in request["ciphertexts"]):
        raise InvalidEncoding("the ciphertexts of a request are sorted by alpha, then beta")
    return ciphertexts


def opening_shares(fingerprint: bytes, secret_share: Scalar, trustee: int, ciphertexts: Sequence[Ciphertext], *,
                   rng: Rng | None = None) -> dict[str, Any]:
    """Trustee ``trustee``'s answer: ``{"index": j, "shares": [{"factor", "proof"}, ...]}``."""
    context = opening_context(fingerprint)
    shares = [decryption_share(context, secret_share, trustee, ct, rng=rng) for ct in ciphertexts]
    return {"index": trustee, "shares": [{"factor": s.factor.hex(), "proof": s.proof.to_json()} for s in shares]}


def _parsed_share(trustee: int, share: Any) -> DecryptionShare:
    if not isinstance(share, Mapping) or set(share) != {"factor", "proof"}:
        raise InvalidEncoding('a share is {"factor": hex, "proof": {"challenge", "response"}}')
    return DecryptionShare(trustee, Point.from_hex(share["factor"]), DleqProof.from_json(share["proof"]))


def answer_problem(fingerprint: bytes, verification_key: Point, ciphertexts: Sequence[Ciphertext],
                   answer: Any) -> str | None:
    """Why ``answer`` is not a valid answer to these ciphertexts under VK_j (None when every proof verifies)."""
    if not isinstance(answer, Mapping) or set(answer) != {"index", "shares"}:
        return 'an answer is {"index": int, "shares": [...]}'
    trustee, shares = answer["index"], answer["shares"]
    if type(trustee) is not int or trustee < 1:
        return "index must be a trustee number >= 1"
    if not isinstance(shares, list) or len(shares) != len(ciphertexts):
        return f"one share per requested ciphertext is needed ({len(ciphertexts)})"
    context = opening_context(fingerprint)
    for i, (ct, raw) in enumerate(zip(ciphertexts, shares, strict=True)):
        try:
            share = _parsed_share(trustee, raw)
        except _BAD as exc:
            return f"share {i}: {exc}"
        if not verify_decryption_share(context, verification_key, ct, share):
            return f"share {i}: the proof does not verify"
    return None


def combine_openings(fingerprint: bytes, ciphertexts: Sequence[Ciphertext], answers: Sequence[Mapping[str, Any]],
                     verification_keys: Mapping[int, Point], threshold: int, credentials: int) -> list[int]:
    """The index each ciphertext opens to, from at least ``threshold`` answers (each checked first)."""
    trustees = [a.get("index") for a in answers]
    if len(set(trustees)) != len(trustees) or len(trustees) < threshold:
        raise CryptoError(f"need the answers of at least {threshold} distinct trustees, got {trustees}")
    for answer in answers:
        key = verification_keys.get(answer["index"])
        problem = "unknown trustee" if key is None else answer_problem(fingerprint, key, ciphertexts, answer)
        if problem:
            raise CryptoError(f"trustee {answer['index']}: {problem}")
    if credentials < 1:
        raise CryptoError("there are no credentials to open references to")
    search = DiscreteLog(credentials - 1)
    indices = []
    for i, ct in enumerate(ciphertexts):
        shares = [_parsed_share(a["index"], a["shares"][i]) for a in answers]
        try:
            indices.append(search.solve(combine_decryption(ct, shares)))
        except CryptoError:
            raise CryptoError(f"ciphertext {i} does not open to a credential index in [0, {credentials - 1}]") \
                from None
    if len(set(indices)) != len(indices):
        raise CryptoError("two references open to the same credential")
    return indices


def openings_json(ciphertexts: Sequence[Mapping[str, str]], answers: Sequence[Mapping[str, Any]],
                  indices: Sequence[int], excluded: Sequence[int | None]) -> dict[str, Any]:
    """openings.json (3.15); with no ciphertexts, the empty file every record without openings has."""
    return {"format": FORMAT,
            "openings": [{"ciphertext": dict(ct), "index": i, "excluded": p}
                         for ct, i, p in zip(ciphertexts, indices, excluded, strict=True)],
            "trustees": sorted((dict(a) for a in answers), key=lambda a: a["index"]) if ciphertexts else []}


def empty_openings() -> dict[str, Any]:
    """openings.json of a ballot without openings."""
    return openings_json([], [], [], [])


def excluded_positions(indices: Sequence[int], credentials: Sequence[str],
                       counted: Mapping[str, int]) -> list[int | None]:
    """Per opened index, the counted board position of that credential (None: it has no counted entry).

    ``credentials`` is the sorted public list; ``counted`` maps a credential to its counted position."""
    ordered = sorted(credentials)
    return [counted.get(ordered[i]) for i in indices]
