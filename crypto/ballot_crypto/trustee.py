"""One trustee's side of the t-of-n key ceremony and decryption (docs/crypto.md 6, docs/election-record.md 3.4, 3.10).

Pure functions behind `ballot-crypto trustee init / shares / finish / decrypt / open` and the server's checks of
uploads.
``context`` is M = H(bytes of manifest.json) (32 bytes). The secret state is a JSON-able dict with
``"format": "ballot-trustee-secret/1"``; secrets only ever live in it. Bad input raises CryptoError naming the
trustee index and the problem; ``verify_public`` returns the problems instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import nacl.public

from ballot_crypto import canonical
from ballot_crypto import threshold as _th
from ballot_crypto.errors import CryptoError
from ballot_crypto.group import Point, Rng, Scalar, random_bytes
from ballot_crypto.manifest import Manifest
from ballot_crypto.openings import opening_shares, parse_request
from ballot_crypto.proofs import SchnorrProof
from ballot_crypto.tally import Aggregates, trustee_shares

SECRET_FORMAT = "ballot-trustee-secret/1"  # noqa: S105 (a format tag)
_PUBLIC_KEYS = {"index", "transport_key", "commitments", "proofs"}
_SHARE_KEYS = {"from", "to", "sealed"}
_BAD = (CryptoError, KeyError, TypeError, ValueError, AttributeError, OverflowError)


def _public(poly: _th.TrusteePolynomial, context: bytes, transport_key: bytes, rng: Rng | None) -> dict[str, Any]:
    return {"index": poly.index, "transport_key": transport_key.hex(),
            "commitments": [c.hex() for c in poly.commitments()],
            "proofs": [p.to_json() for p in poly.proofs(context, rng=rng)]}


def init(context: bytes, index: int, threshold: int, trustees: int, *, rng: Rng | None = None,
         manifest: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start trustee ``index`` (1..trustees) of a ``threshold``-of-``trustees`` ceremony; returns (public, secret).

    public = {"index": i, "transport_key": hex (X25519, 32 bytes), "commitments": [point hex] (t of them),
    "proofs": [schnorr json]} with proof k made with context M || u32be(i) || u32be(k) (election-record.md 3.4).
    secret = {"format": "ballot-trustee-secret/1", "context", "index", "threshold", "trustees", "coefficients",
    "transport_secret", ...}: keep it in a file, never upload it. With ``manifest`` (the manifest.json object; its
    canonical hash must be ``context``) the secret also remembers the questions, so ``decrypt`` refuses aggregates
    of another shape.
    """
    if any(type(v) is not int for v in (index, threshold, trustees)) or not 1 <= threshold <= trustees \
            or not 1 <= index <= trustees:
        raise CryptoError(f"trustee {index}: need 1 <= index <= trustees and 1 <= threshold <= trustees")
    if len(context) != 32:
        raise CryptoError(f"trustee {index}: the context must be the 32-byte manifest hash")
    shape = None
    if manifest is not None:
        if canonical.hash_json(dict(manifest)) != context:
            raise CryptoError(f"trustee {index}: the context is not the hash of this manifest")
        shape = [[q.id, len(q.options), q.has_blank_ciphertext] for q in Manifest.from_json(manifest).questions]
    poly = _th.TrusteePolynomial.generate(index, threshold, rng=rng)
    transport = random_bytes(32, rng)
    transport_key = bytes(nacl.public.PrivateKey(transport).public_key)
    secret = {"format": SECRET_FORMAT, "context": context.hex(), "index": index, "threshold": threshold,
              "trustees": trustees, "coefficients": [a.hex() for a in poly.coefficients],
              "transport_secret": transport.hex(), "transport_key": transport_key.hex(), "questions": shape}
    return _public(poly, context, transport_key, rng), secret


def verify_public(context: bytes, public: Mapping[str, Any], threshold: int) -> list[str]:
    """The problems of one trustee's public object (shape, points, t commitments, proofs); empty when fine."""
    if not isinstance(public, Mapping) or set(public) != _PUBLIC_KEYS:
        return [f"a public object has exactly the keys {sorted(_PUBLIC_KEYS)}"]
    index = public["index"]
    if type(index) is not int or index < 1:
        return ["index must be an integer >= 1"]
    problems = []
    try:
        canonical.from_hex(public["transport_key"], 32, "transport key")
    except _BAD:
        problems.append("transport_key must be 32 bytes hex")
    try:
        commitments = [Point.from_hex(c) for c in public["commitments"]]
        proofs = [SchnorrProof.from_json(p) for p in public["proofs"]]
    except _BAD:
        return [*problems, "commitments or proofs are malformed (points must be valid and not the identity)"]
    if len(commitments) != threshold or len(proofs) != threshold:
        problems.append(f"need exactly {threshold} commitments and proofs, got {len(commitments)} and {len(proofs)}")
    elif not _th.verify_commitments(context, index, commitments, proofs):
        problems.append("a proof of a commitment does not verify")
    return problems


def _checked(context: bytes, publics: Sequence[Mapping[str, Any]], threshold: int,
             trustees: int | None = None) -> list[Mapping[str, Any]]:
    """The public objects sorted by index, each verified; exactly the indices 1..n."""
    if not isinstance(publics, Sequence) or not publics or not all(isinstance(p, Mapping) for p in publics):
        raise CryptoError("the public objects must be a non-empty list of objects")
    for public in publics:
        problems = verify_public(context, public, threshold)
        if problems:
            raise CryptoError(f"trustee {public.get('index')}: " + "; ".join(problems))
    indices = sorted(p["index"] for p in publics)
    n = len(publics) if trustees is None else trustees
    if indices != list(range(1, n + 1)):
        raise CryptoError(f"need the public objects of trustees 1..{n} once each, got indices {indices}")
    return sorted(publics, key=lambda p: p["index"])


def _commitments(publics: Sequence[Mapping[str, Any]]) -> list[list[Point]]:
    return [[Point.from_hex(c) for c in p["commitments"]] for p in publics]


def trustees_json(context: bytes, publics: Sequence[Mapping[str, Any]], threshold: int) -> dict[str, Any]:
    """trustees.json (3.4) from every trustee's public object (checked): drops transport keys, adds VK_j."""
    checked = _checked(context, publics, threshold)
    commitments = _commitments(checked)
    return {"threshold": threshold, "trustees": [
        {"index": p["index"], "commitments": list(p["commitments"]), "proofs": list(p["proofs"]),
         "verification_key": _th.verification_key(commitments, p["index"]).hex()} for p in checked]}


def public_key(publics: Sequence[Mapping[str, Any]]) -> str:
    """The joint election public key K = sum_i A_i0 (hex) of the (checked) public objects."""
    try:
        return _th.joint_public_key(_commitments(publics)).hex()
    except _BAD as exc:
        raise CryptoError(f"cannot compute the public key: {exc}") from exc


def _load(secret: Mapping[str, Any]) -> tuple[_th.TrusteePolynomial, bytes]:
    """(polynomial, context) of a secret state; CryptoError (without secret values) if it is malformed."""
    try:
        if secret["format"] != SECRET_FORMAT:
            raise CryptoError("wrong format")
        coefficients = tuple(Scalar.from_hex(a) for a in secret["coefficients"])
        poly = _th.TrusteePolynomial(secret["index"], coefficients)
        context = canonical.from_hex(secret["context"], 32, "context")
        canonical.from_hex(secret["transport_secret"], 32, "transport secret")
        if len(coefficients) != secret["threshold"] or not 1 <= poly.index <= secret["trustees"]:
            raise CryptoError("inconsistent")
    except _BAD:
        raise CryptoError(f"not a valid {SECRET_FORMAT} secret state") from None
    return poly, context


def _own_checked(secret: Mapping[str, Any], publics: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    poly, context = _load(secret)
    checked = _checked(context, publics, secret["threshold"], secret["trustees"])
    mine = checked[poly.index - 1]
    if mine["commitments"] != [c.hex() for c in poly.commitments()] or mine["transport_key"] != secret["transport_key"]:
        raise CryptoError(f"trustee {poly.index}: the public object in the list is not the one of this secret file")
    return checked


def make_shares(secret: Mapping[str, Any], publics: Sequence[Mapping[str, Any]], *,
                rng: Rng | None = None) -> list[dict[str, Any]]:
    """Sealed shares s_ij = f_i(j) to every other trustee j: [{"from": i, "to": j, "sealed": hex}] for j != i.

    ``publics`` is every trustee's public object (1..n); each is verified first (CryptoError naming the trustee).
    """
    checked = _own_checked(secret, publics)
    poly, _ = _load(secret)
    return [{"from": poly.index, "to": p["index"],
             "sealed": _th.seal_share(bytes.fromhex(p["transport_key"]), poly.share_for(p["index"]), rng=rng).hex()}
            for p in checked if p["index"] != poly.index]


def _open(secret: Mapping[str, Any], j: int, n: int, received: Sequence[Mapping[str, Any]]) -> dict[int, Scalar]:
    if not isinstance(received, Sequence) or not all(isinstance(s, Mapping) for s in received):
        raise CryptoError(f"trustee {j}: the received shares must be a list of objects")
    opened: dict[int, Scalar] = {}
    transport = bytes.fromhex(secret["transport_secret"])
    for share in received:
        sender = share.get("from")
        if set(share) != _SHARE_KEYS or type(sender) is not int or type(share["to"]) is not int:
            raise CryptoError(f"trustee {sender}: a share is {{\"from\": int, \"to\": int, \"sealed\": hex}}")
        if share["to"] != j:
            raise CryptoError(f"trustee {sender}: the share is addressed to trustee {share['to']}, not to {j}")
        if not 1 <= sender <= n or sender == j or sender in opened:
            raise CryptoError(f"trustee {sender}: unexpected or duplicate share for trustee {j}")
        try:
            opened[sender] = _th.open_share(transport, canonical.from_hex(share["sealed"], 80, "sealed share"))
        except _BAD:
            raise CryptoError(f"trustee {sender}: the sealed share for trustee {j} does not open") from None
    missing = sorted(set(range(1, n + 1)) - set(opened) - {j})
    if missing:
        raise CryptoError(f"trustee {j}: no share received from trustee(s) {missing}")
    return opened


def finish(secret: Mapping[str, Any], publics: Sequence[Mapping[str, Any]],
           received: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], str]:
    """Open and check the shares sent to this trustee; returns (secret with x_j added, VK_j hex).

    ``received`` holds exactly one share from every other trustee, each with ``"to"`` = this trustee; a share
    addressed to another trustee, a missing or duplicate one, one that does not open or does not match the
    sender's commitments raises CryptoError naming the sender. VK_j equals threshold.verification_key(..., j).
    """
    checked = _own_checked(secret, publics)
    poly, context = _load(secret)
    j, n = poly.index, secret["trustees"]
    commitments = _commitments(checked)
    opened = _open(secret, j, n, received)
    for sender, share in opened.items():
        if not _th.verify_share(commitments[sender - 1], j, share):
            raise CryptoError(f"trustee {sender}: the share for trustee {j} does not match its commitments")
    opened[j] = poly.share_for(j)
    x = _th.combine_secret_shares([opened[i] for i in sorted(opened)])
    vk = _th.verification_key(commitments, j)  # = x*G, implied by the share checks
    done = dict(secret, share=x.hex(), verification_key=vk.hex(), public_key=public_key(checked),
                trustees_sha256=canonical.hash_json_hex(trustees_json(context, checked, secret["threshold"])))
    return done, vk.hex()


def _check_election(secret: Mapping[str, Any], fingerprint: bytes, election: Mapping[str, Any]) -> None:
    j = secret["index"]
    try:
        matches = canonical.hash_json(dict(election)) == fingerprint
    except _BAD:
        matches = False
    if not matches:
        raise CryptoError(f"trustee {j}: election.json does not match the election fingerprint")
    for key, mine in (("manifest", "context"), ("public_key", "public_key"), ("trustees", "trustees_sha256")):
        if election.get(key) != secret[mine]:
            raise CryptoError(f"trustee {j}: election.json is for another election ({key} differs from this ceremony)")


def decrypt(secret: Mapping[str, Any], fingerprint: bytes, aggregates: Mapping[str, Any], *,
            election: Mapping[str, Any] | None = None, rng: Rng | None = None) -> dict[str, Any]:
    """This trustee's entry of decryption.json ({"index", "questions": [...]}) with DLEQ proofs (context F).

    Needs a finished secret. With ``election`` (election.json) also checks that H(election) = F, its manifest hash
    is this ceremony's M and its public key is this ceremony's K; aggregates of another shape raise CryptoError.
    """
    poly, _ = _load(secret)
    j = poly.index
    if "share" not in secret:
        raise CryptoError(f"trustee {j}: the ceremony is not finished (run finish first)")
    if not isinstance(fingerprint, bytes) or len(fingerprint) != 32:
        raise CryptoError(f"trustee {j}: the election fingerprint must be 32 bytes")
    if election is not None:
        _check_election(secret, fingerprint, election)
    try:
        parsed = Aggregates.from_json(aggregates)
        if type(parsed.ballots) is not int or parsed.ballots < 0:
            raise CryptoError("ballots must be an integer >= 0")
        share = Scalar.from_hex(secret["share"])
    except _BAD as exc:
        raise CryptoError(f"trustee {j}: malformed aggregates: {exc}") from None
    shape = [[q.question, len(q.choices), q.blank is not None] for q in parsed.questions]
    if secret.get("questions") is not None and shape != secret["questions"]:
        raise CryptoError(f"trustee {j}: the aggregates are for another election (questions do not match the manifest)")
    return trustee_shares(fingerprint, share, j, parsed, rng=rng)


def open_references(secret: Mapping[str, Any], fingerprint: bytes, request: Mapping[str, Any], *,
                    election: Mapping[str, Any] | None = None, rng: Rng | None = None) -> dict[str, Any]:
    """This trustee's opening shares ({"index", "shares"}) for the sealed references of an opening request
    (docs/election-record.md 3.15), with the same checks as :func:`decrypt`: a finished secret, and with
    ``election`` the election.json of this ceremony; a request for another election or malformed raises."""
    poly, _ = _load(secret)
    j = poly.index
    if "share" not in secret:
        raise CryptoError(f"trustee {j}: the ceremony is not finished (run finish first)")
    if not isinstance(fingerprint, bytes) or len(fingerprint) != 32:
        raise CryptoError(f"trustee {j}: the election fingerprint must be 32 bytes")
    if election is not None:
        _check_election(secret, fingerprint, election)
    try:
        ciphertexts = parse_request(request, fingerprint)
        share = Scalar.from_hex(secret["share"])
    except _BAD as exc:
        raise CryptoError(f"trustee {j}: malformed opening request: {exc}") from None
    return opening_shares(fingerprint, share, j, ciphertexts, rng=rng)


def ceremony(context: bytes, threshold: int, trustees: int, *,
             rng: Rng | None = None) -> tuple[dict[str, Any], dict[int, Scalar], Point]:
    """The whole DKG in one process (simulator, tests): trustees.json, every x_j, the joint key K.

    Draws, in order: the coefficients of trustees 1..n, then their Schnorr nonces (docs/crypto.md 6.1).
    """
    polys = [_th.TrusteePolynomial.generate(i, threshold, rng=rng) for i in range(1, trustees + 1)]
    commitments = [p.commitments() for p in polys]
    secrets = {}
    for j in range(1, trustees + 1):
        received = [p.share_for(j) for p in polys]
        assert all(_th.verify_share(c, j, s) for c, s in zip(commitments, received, strict=True))
        secrets[j] = _th.combine_secret_shares(received)
    record = {"threshold": threshold, "trustees": [
        {"index": p.index, "commitments": [c.hex() for c in commitments[p.index - 1]],
         "proofs": [proof.to_json() for proof in p.proofs(context, rng=rng)],
         "verification_key": _th.verification_key(commitments, p.index).hex()} for p in polys]}
    return record, secrets, _th.joint_public_key(commitments)
