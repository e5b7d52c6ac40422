"""Cross-language tests of the trustee's ceremony and decryption in JavaScript (ballot/static/js/crypto/trustee.js).

Python's ballot_crypto.trustee (behind `ballot-crypto trustee`) is the reference. With the same deterministic rng
the JavaScript writes byte-identical public objects, secret files, sealed shares and decryption shares; a mixed
ceremony (trustees switching between the languages from one step to the next, with the files of the other) gives
a key and decryption shares that Python's tally combines to the right counts; JavaScript refuses what Python
refuses. The JavaScript runs in node through tests/js/trustee_driver.mjs; skipped like test_js_crypto.py.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import nacl.signing
import pytest

from ballot_crypto import canonical, record, sample, trustee
from ballot_crypto.ballots import Election, encrypt_ballot, sign_ballot
from ballot_crypto.credentials import generate_credential, public_credential, signing_key
from ballot_crypto.group import Point, deterministic_rng
from ballot_crypto.manifest import Manifest
from ballot_crypto.tally import Aggregates, combine
from tests.js.test_js_crypto import HERE, NODE, _missing, run

DRIVER = HERE / "trustee_driver.mjs"

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


def js(op: str, **request: Any) -> Any:
    """One driver request; the value, or pytest fails with the JavaScript error."""
    proc = run([str(NODE), str(DRIVER)], stdin=json.dumps({"op": op, **request}), timeout=300)
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert answer["ok"], answer["error"]
    return answer["value"]


def js_error(op: str, **request: Any) -> str:
    proc = run([str(NODE), str(DRIVER)], stdin=json.dumps({"op": op, **request}), timeout=300)
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert not answer["ok"], "JavaScript accepted what it must refuse"
    return str(answer["error"])


def text(value: Any) -> str:
    """What the CLI writes to a file (without the newline)."""
    return canonical.dumps(value).decode()


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    """A referendum and an approval question with a blank flag: both aggregate shapes."""
    return sample.manifest_with((sample.yes_no_abstain("q1"), sample.approval("q2", 4, 2)),
                                deterministic_rng(b"trustee js manifest"))


def _context(manifest: Manifest) -> bytes:
    return canonical.hash_json(manifest.to_json())


def test_init_shares_finish_decrypt_are_byte_identical(manifest: Manifest) -> None:
    """Same seeds, same draw order: every object and the secret file equal Python's, byte for byte."""
    context, m = _context(manifest), manifest.to_json()
    seeds = {i: f"init {i}".encode() for i in (1, 2)}
    py = {i: trustee.init(context, i, 2, 2, rng=deterministic_rng(seeds[i]), manifest=m) for i in (1, 2)}
    made = {i: js("init", context=context.hex(), index=i, threshold=2, trustees=2, seed=seeds[i].hex(), manifest=m)
            for i in (1, 2)}
    for i in (1, 2):
        assert made[i]["public"] == text(py[i][0])
        assert made[i]["secret"] == text(py[i][1])
    publics = [py[1][0], py[2][0]]
    shares = {i: trustee.make_shares(py[i][1], publics, rng=deterministic_rng(b"shares")) for i in (1, 2)}
    for i in (1, 2):
        assert js("shares", secret=text(py[i][1]), publics=publics, seed=b"shares".hex()) == text(shares[i])
    finished = {}
    for i in (1, 2):
        finished[i], key = trustee.finish(py[i][1], publics, [shares[3 - i][0]])
        done = js("finish", secret=text(py[i][1]) + "\n", publics=publics, received=[shares[3 - i][0]])
        assert done == {"secret": text(finished[i]), "verification_key": key}
    election, aggregates = _election_and_aggregates(manifest, publics, 2, [[[1, 0, 0], [1, 1, 0, 0]]])
    fingerprint = canonical.hash_json(election)
    for i in (1, 2):
        entry = trustee.decrypt(finished[i], fingerprint, aggregates, election=election,
                                rng=deterministic_rng(b"decrypt"))
        assert js("decrypt", secret=text(finished[i]), election=election, aggregates=aggregates,
                  seed=b"decrypt".hex()) == text(entry)
    assert js("trustees_json", context=context.hex(), publics=publics, threshold=2) == \
        text(trustee.trustees_json(context, publics, 2))


def _election_and_aggregates(manifest: Manifest, publics: list[dict[str, Any]], threshold: int,
                             all_choices: list[list[list[int]]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """election.json of the ceremony and the aggregates of ballots with these choices (one voter each)."""
    context = _context(manifest)
    rng = deterministic_rng(b"voters")
    creds = [generate_credential(rng=rng) for _ in all_choices]
    salt = uuid.UUID(manifest.id).bytes
    election_json = record.election_json(
        manifest.to_json(), trustee.trustees_json(context, publics, threshold),
        [public_credential(c, salt).hex() for c in creds], trustee.public_key(publics),
        nacl.signing.SigningKey(rng(32)).verify_key.encode().hex())
    election = Election(manifest, Point.from_hex(trustee.public_key(publics)), canonical.hash_json(election_json))
    aggregates = Aggregates.empty(manifest)
    for credential, choices in zip(creds, all_choices, strict=True):
        key = signing_key(credential, salt)
        ballot, _ = encrypt_ballot(election, bytes(key.verify_key), choices, rng=rng)
        aggregates.add_ballot(sign_ballot(ballot, key))
    return election_json, aggregates.to_json()


def test_mixed_ceremony_switching_languages_gives_the_right_result(manifest: Manifest) -> None:
    """2 of 3: trustee 1 starts in JavaScript and continues with the CLI's Python, trustee 2 the other way round,
    trustee 3 stays in JavaScript with fresh randomness (crypto.getRandomValues); every file crosses over."""
    context, m = _context(manifest), manifest.to_json()
    secrets: dict[int, dict[str, Any]] = {}
    publics: dict[int, dict[str, Any]] = {}
    for i in (1, 3):
        made = js("init", context=context.hex(), index=i, threshold=2, trustees=3, manifest=m)
        publics[i], secrets[i] = json.loads(made["public"]), json.loads(made["secret"])
    publics[2], secrets[2] = trustee.init(context, 2, 2, 3, manifest=m)
    for i in (1, 2, 3):
        assert trustee.verify_public(context, publics[i], 2) == []
        assert js("verify_public", context=context.hex(), public=publics[i], threshold=2) == []
    everyone = [publics[i] for i in (1, 2, 3)]
    sent = trustee.make_shares(secrets[1], everyone)  # a JS-made secret file, continued in Python
    sent += json.loads(js("shares", secret=text(secrets[2]), publics=everyone))
    sent += json.loads(js("shares", secret=text(secrets[3]), publics=everyone))
    assert sorted((s["from"], s["to"]) for s in sent) == [(a, b) for a in (1, 2, 3) for b in (1, 2, 3) if a != b]

    def to(j: int) -> list[dict[str, Any]]:
        return [s for s in sent if s["to"] == j]

    finished: dict[int, dict[str, Any]] = {}
    keys: dict[int, str] = {}
    done = js("finish", secret=text(secrets[1]), publics=everyone, received=to(1))
    finished[1], keys[1] = json.loads(done["secret"]), done["verification_key"]
    done = js("finish", secret=text(secrets[2]), publics=everyone, received=to(2))  # Python-made, finished in JS
    finished[2], keys[2] = json.loads(done["secret"]), done["verification_key"]
    finished[3], keys[3] = trustee.finish(secrets[3], everyone, to(3))
    record_trustees = trustee.trustees_json(context, everyone, 2)
    assert keys == {t["index"]: t["verification_key"] for t in record_trustees["trustees"]}
    assert {f["public_key"] for f in finished.values()} == {trustee.public_key(everyone)}

    choices = [[[1, 0, 0], [1, 1, 0, 0]], [[0, 1, 0], [0, 1, 0, 0]], [[1, 0, 0], [0, 0, 0, 0]]]
    election, aggregates = _election_and_aggregates(manifest, everyone, 2, choices)
    fingerprint = canonical.hash_json(election)
    entries = {1: trustee.decrypt(finished[1], fingerprint, aggregates, election=election),
               2: json.loads(js("decrypt", secret=text(finished[2]), election=election, aggregates=aggregates)),
               3: json.loads(js("decrypt", secret=text(finished[3]), election=election, aggregates=aggregates))}
    vks = {t["index"]: Point.from_hex(t["verification_key"]) for t in record_trustees["trustees"]}
    parsed = Aggregates.from_json(aggregates)
    for pair in ((1, 2), (2, 3), (1, 3)):
        result = combine(manifest, fingerprint, parsed, [entries[i] for i in pair], vks, 2)
        assert result["questions"][0]["counts"] == {"yes": 2, "no": 1, "abstain": 0}
        assert list(result["questions"][1]["counts"].values()) == [1, 2, 0, 0]
        assert result["questions"][1]["blank"] == 1


def test_javascript_refuses_what_python_refuses(manifest: Manifest) -> None:
    context, m = _context(manifest), manifest.to_json()
    pairs = {i: trustee.init(context, i, 2, 3, manifest=m) for i in (1, 2, 3)}
    everyone = [pairs[i][0] for i in (1, 2, 3)]
    swapped = json.loads(json.dumps(pairs[2][0]))
    swapped["proofs"].reverse()
    for bad in (swapped, {**pairs[2][0], "transport_key": "00"}, {**pairs[2][0], "commitments": ["00" * 32] * 2},
                {**pairs[2][0], "extra": 1}, {**pairs[2][0], "index": 0}):
        expected = trustee.verify_public(context, bad, 2)
        assert expected and js("verify_public", context=context.hex(), public=bad, threshold=2) == expected
    assert "trustee 2: a proof of a commitment does not verify" in js_error(
        "shares", secret=text(pairs[1][1]), publics=[pairs[1][0], swapped, pairs[3][0]])
    stranger = trustee.init(context, 1, 2, 3)[0]
    assert "not the one of this secret file" in js_error(
        "shares", secret=text(pairs[1][1]), publics=[stranger, pairs[2][0], pairs[3][0]])
    assert "need the public objects of trustees 1..3" in js_error(
        "shares", secret=text(pairs[1][1]), publics=everyone[:2])
    assert "not a valid ballot-trustee-secret/1" in js_error("shares", secret=text(pairs[1][0]), publics=everyone)

    # A share that opens but does not match the sender's commitments names the sender.
    shares = {i: trustee.make_shares(pairs[i][1], everyone) for i in (1, 2, 3)}
    to_one = [s for i in (2, 3) for s in shares[i] if s["to"] == 1]
    forged = [to_one[0], {**to_one[1], "sealed": trustee.make_shares(pairs[2][1], everyone)[0]["sealed"]}]
    forged[1]["from"] = 3  # trustee 2's share to 1, claimed to come from 3: opens, but not under 3's commitments
    assert "trustee 3: the share for trustee 1 does not match its commitments" in js_error(
        "finish", secret=text(pairs[1][1]), publics=everyone, received=forged)
    assert "no share received from trustee(s) [3]" in js_error(
        "finish", secret=text(pairs[1][1]), publics=everyone, received=to_one[:1])
    assert "addressed to trustee 2" in js_error(
        "finish", secret=text(pairs[1][1]), publics=everyone, received=[shares[3][1], to_one[0]])
    assert "does not open" in js_error(
        "finish", secret=text(pairs[1][1]), publics=everyone,
        received=[to_one[0], {**to_one[1], "sealed": "ab" * 80}])

    # Decryption: not finished; another election; aggregates of another shape.
    finished = {}
    for i in (1, 2, 3):
        finished[i], _key = trustee.finish(pairs[i][1], everyone, [s for j in (1, 2, 3) for s in shares[j]
                                                                   if s["to"] == i])
    election, aggregates = _election_and_aggregates(manifest, everyone, 2, [[[0, 0, 1], [0, 0, 1, 1]]])
    assert "not finished" in js_error("decrypt", secret=text(pairs[1][1]), election=election, aggregates=aggregates)
    assert "public_key differs" in js_error(
        "decrypt", secret=text(finished[1]), election={**election, "public_key": "11" * 32}, aggregates=aggregates)
    short = {**aggregates, "questions": aggregates["questions"][:1]}
    assert "questions do not match the manifest" in js_error(
        "decrypt", secret=text(finished[1]), election=election, aggregates=short)
