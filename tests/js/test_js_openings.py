"""Cross-language tests of the opening of sealed references (`ballot-crypto trustee open`) in JavaScript.

With the same deterministic rng, ballot/static/js/crypto/trustee.js ``openReferences`` writes byte-identical
opening shares to Python's ``trustee.open_references``; a JavaScript answer and a Python answer combine (Python's
``combine_openings``) to the sealed indices; JavaScript refuses what Python refuses. Skipped like
test_js_crypto.py when node or the npm packages are missing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ballot_crypto import canonical, record, sample, trustee
from ballot_crypto.elgamal import encrypt
from ballot_crypto.errors import CryptoError
from ballot_crypto.group import Point, deterministic_rng
from ballot_crypto.openings import combine_openings, parse_ciphertexts, request_json
from tests.js.test_js_crypto import _missing
from tests.js.test_js_trustee import js, js_error, text

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


@pytest.fixture(scope="module")
def ceremony() -> dict[str, Any]:
    """A finished 2-of-3 ceremony (Python), election.json and a request with three sealed indices."""
    manifest = sample.manifest_with((sample.yes_no_abstain("q1"),), deterministic_rng(b"openings js manifest"))
    context, m = canonical.hash_json(manifest.to_json()), manifest.to_json()
    made = {i: trustee.init(context, i, 2, 3, rng=deterministic_rng(f"init {i}".encode()), manifest=m)
            for i in (1, 2, 3)}
    publics = [made[i][0] for i in (1, 2, 3)]
    sent = [s for i in (1, 2, 3) for s in trustee.make_shares(made[i][1], publics, rng=deterministic_rng(b"s"))]
    finished = {i: trustee.finish(made[i][1], publics, [s for s in sent if s["to"] == i])[0] for i in (1, 2, 3)}
    rng = deterministic_rng(b"openings js credentials")
    credentials = sorted(rng(32).hex() for _ in range(9))  # stand-ins: only the count matters here
    election = record.election_json(m, trustee.trustees_json(context, publics, 2), credentials,
                                    trustee.public_key(publics), rng(32).hex())
    fingerprint = canonical.hash_json(election)
    key = Point.from_hex(trustee.public_key(publics))
    sealed = [encrypt(key, index, rng=rng)[0].to_json() for index in (0, 4, 8)]
    keys = {t["index"]: Point.from_hex(t["verification_key"])
            for t in trustee.trustees_json(context, publics, 2)["trustees"]}
    return {"finished": finished, "election": election, "fingerprint": fingerprint,
            "request": request_json(fingerprint, sealed), "keys": keys, "credentials": len(credentials)}


def test_opening_shares_are_byte_identical(ceremony: dict[str, Any]) -> None:
    for i in (1, 2, 3):
        answer = trustee.open_references(ceremony["finished"][i], ceremony["fingerprint"], ceremony["request"],
                                         election=ceremony["election"], rng=deterministic_rng(b"open"))
        made = js("open", secret=text(ceremony["finished"][i]), election=ceremony["election"],
                  request=ceremony["request"], seed=b"open".hex())
        assert made == text(answer)


def test_a_javascript_and_a_python_answer_combine_to_the_indices(ceremony: dict[str, Any]) -> None:
    from_js = json.loads(js("open", secret=text(ceremony["finished"][3]), election=ceremony["election"],
                            request=ceremony["request"]))
    from_py = trustee.open_references(ceremony["finished"][1], ceremony["fingerprint"], ceremony["request"])
    ciphertexts = parse_ciphertexts(ceremony["request"]["ciphertexts"])
    indices = combine_openings(ceremony["fingerprint"], ciphertexts, [from_py, from_js], ceremony["keys"], 2,
                               ceremony["credentials"])
    by_ciphertext = dict(zip((c["alpha"] for c in ceremony["request"]["ciphertexts"]), indices, strict=True))
    assert sorted(by_ciphertext.values()) == [0, 4, 8]
    forged = json.loads(json.dumps(from_js))
    forged["shares"][0]["factor"] = from_py["shares"][0]["factor"]
    with pytest.raises(CryptoError, match="trustee 3: share 0: the proof does not verify"):
        combine_openings(ceremony["fingerprint"], ciphertexts, [from_py, forged], ceremony["keys"], 2,
                         ceremony["credentials"])


@pytest.mark.parametrize("change", ["unsorted", "election", "identity", "format", "empty"])
def test_javascript_refuses_what_python_refuses(ceremony: dict[str, Any], change: str) -> None:
    request = json.loads(json.dumps(ceremony["request"]))
    if change == "unsorted":
        request["ciphertexts"].reverse()
    elif change == "election":
        request["election"] = "00" * 32
    elif change == "identity":
        request["ciphertexts"][0]["alpha"] = "01" + "00" * 31
    elif change == "format":
        request["format"] = "ballot-opening-request/2"
    else:
        request["ciphertexts"] = []
    with pytest.raises(CryptoError) as python:
        trustee.open_references(ceremony["finished"][1], ceremony["fingerprint"], request)
    error = js_error("open", secret=text(ceremony["finished"][1]), election=ceremony["election"], request=request)
    assert "trustee 1: malformed opening request" in str(python.value)
    assert "trustee 1: malformed opening request" in error
