"""`ballot_crypto.trustee` and `ballot-crypto trustee ...`: the key ceremony one trustee at a time, then decryption."""

from __future__ import annotations

import itertools
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from ballot_crypto import canonical, record, trustee
from ballot_crypto.cli import main
from ballot_crypto.elgamal import encrypt
from ballot_crypto.errors import CryptoError
from ballot_crypto.group import Point, deterministic_rng
from ballot_crypto.manifest import Manifest
from ballot_crypto.sample import sample_manifest
from ballot_crypto.simulate import Options, simulate
from ballot_crypto.tally import combine

N, T = 3, 2
BOARD_KEY = "11" * 32


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return sample_manifest("election", 2, deterministic_rng(b"trustee-test/manifest"))


def _ceremony(manifest: Manifest, seed: bytes = b"trustee-test") -> tuple[list[dict], list[dict], list[dict]]:
    rng = deterministic_rng(seed)
    context = manifest.hash()
    pairs = [trustee.init(context, i, T, N, rng=rng, manifest=manifest.to_json()) for i in range(1, N + 1)]
    publics, secrets = [p for p, _ in pairs], [s for _, s in pairs]
    sent = [trustee.make_shares(s, publics, rng=rng) for s in secrets]
    return publics, secrets, sent


def _inbox(sent: list[list[dict]], j: int) -> list[dict]:
    return [share for shares in sent for share in shares if share["to"] == j]


def _election(manifest: Manifest, publics: list[dict]) -> dict[str, Any]:
    trustees = trustee.trustees_json(manifest.hash(), publics, T)
    return record.election_json(manifest.to_json(), trustees, [], trustee.public_key(publics), BOARD_KEY)


def _aggregates(manifest: Manifest, key: Point, ballots: int = 5) -> tuple[dict[str, Any], list[list[int]]]:
    """Aggregate ciphertexts of known totals (option o of question q: (q + o) % (ballots + 1)), blanks 1."""
    rng = deterministic_rng(b"trustee-test/aggregates")
    questions, totals = [], []
    for qi, q in enumerate(manifest.questions):
        values = [(qi + oi) % (ballots + 1) for oi in range(len(q.options))]
        totals.append(values)
        blank = encrypt(key, 1, rng=rng)[0].to_json() if q.has_blank_ciphertext else None
        questions.append({"question": q.id, "blank": blank,
                          "choices": [encrypt(key, v, rng=rng)[0].to_json() for v in values]})
    return {"ballots": ballots, "questions": questions}, totals


@pytest.fixture(scope="module")
def finished(manifest: Manifest) -> tuple[list[dict], list[dict], list[dict]]:
    publics, secrets, sent = _ceremony(manifest)
    done = []
    for j, secret in enumerate(secrets, start=1):
        new, key = trustee.finish(secret, publics, _inbox(sent, j))
        assert key == new["verification_key"]
        done.append(new)
    return publics, done, sent


def test_public_objects_have_the_contract_shape_and_verify(manifest: Manifest, finished: Any) -> None:
    publics, secrets, _ = finished
    for public, secret in zip(publics, secrets, strict=True):
        assert set(public) == {"index", "transport_key", "commitments", "proofs"}
        assert trustee.verify_public(manifest.hash(), public, T) == []
        assert secret["format"] == trustee.SECRET_FORMAT
        json.dumps(secret)  # JSON-able
    entries = trustee.trustees_json(manifest.hash(), publics, T)["trustees"]
    assert [e["verification_key"] for e in entries] == [s["verification_key"] for s in secrets]
    assert {s["public_key"] for s in secrets} == {trustee.public_key(publics)}


def test_every_pair_of_trustees_decrypts_the_right_totals(manifest: Manifest, finished: Any) -> None:
    publics, secrets, _ = finished
    election = _election(manifest, publics)
    fingerprint = canonical.hash_json(election)
    aggregates, totals = _aggregates(manifest, Point.from_hex(election["public_key"]))
    entries = {s["index"]: trustee.decrypt(s, fingerprint, aggregates, election=election) for s in secrets}
    keys = {s["index"]: Point.from_hex(s["verification_key"]) for s in secrets}
    from ballot_crypto.tally import Aggregates

    parsed = Aggregates.from_json(aggregates)
    for pair in itertools.combinations(sorted(entries), T):
        result = combine(manifest, fingerprint, parsed, [entries[j] for j in pair], keys, T)
        for q, values, got in zip(manifest.questions, totals, result["questions"], strict=True):
            assert got["counts"] == {o.id: v for o, v in zip(q.options, values, strict=True)}
            if q.has_blank_ciphertext:
                assert got["blank"] == 1


def test_bad_proof_in_a_public_object_is_named(manifest: Manifest, finished: Any) -> None:
    publics, secrets, _ = finished
    bad = [dict(p) for p in publics]
    bad[1]["proofs"] = [bad[1]["proofs"][1], bad[1]["proofs"][0]]
    assert trustee.verify_public(manifest.hash(), bad[1], T) == ["a proof of a commitment does not verify"]
    with pytest.raises(CryptoError, match="trustee 2: a proof of a commitment does not verify"):
        trustee.make_shares(secrets[0], bad)
    with pytest.raises(CryptoError, match="trustee 2: need exactly 2 commitments"):
        trustee.finish(secrets[0], [*publics[:1], dict(publics[1], commitments=publics[1]["commitments"][:1],
                                                         proofs=publics[1]["proofs"][:1]), publics[2]], [])
    # a proof made for another manifest (context) does not verify either
    assert trustee.verify_public(b"\0" * 32, publics[0], T) == ["a proof of a commitment does not verify"]


def test_tampered_misaddressed_and_inconsistent_shares_are_rejected(manifest: Manifest) -> None:
    publics, secrets, sent = _ceremony(manifest, b"trustee-test/bad-shares")
    inbox = _inbox(sent, 1)
    tampered = [dict(inbox[0], sealed=inbox[0]["sealed"][:-2] + ("00" if inbox[0]["sealed"][-2:] != "00" else "01")),
                inbox[1]]
    with pytest.raises(CryptoError, match=r"trustee 2: the sealed share for trustee 1 does not open"):
        trustee.finish(secrets[0], publics, tampered)
    elsewhere = [s for s in sent[1] if s["to"] == 3]
    with pytest.raises(CryptoError, match="trustee 2: the share is addressed to trustee 3, not to 1"):
        trustee.finish(secrets[0], publics, [*elsewhere, inbox[1]])
    with pytest.raises(CryptoError, match=r"trustee 1: no share received from trustee\(s\) \[3\]"):
        trustee.finish(secrets[0], publics, inbox[:1])
    # trustee 2 seals a share that does not lie on its committed polynomial
    cheat = dict(secrets[1], coefficients=[secrets[1]["coefficients"][0], secrets[2]["coefficients"][1]])
    forged = [s for s in trustee.make_shares(cheat, [publics[0], _public_of(cheat, manifest), publics[2]])
              if s["to"] == 1]
    with pytest.raises(CryptoError, match="trustee 2: the share for trustee 1 does not match its commitments"):
        trustee.finish(secrets[0], publics, [*forged, inbox[1]])
    with pytest.raises(CryptoError, match="trustee 1: the public object in the list is not the one of this secret"):
        trustee.make_shares(secrets[0], [trustee.init(manifest.hash(), 1, T, N)[0], *publics[1:]])


def _public_of(secret: dict, manifest: Manifest) -> dict:
    """The public object matching a (doctored) secret, with valid proofs."""
    poly = trustee._load(secret)[0]
    return trustee._public(poly, manifest.hash(), bytes.fromhex(secret["transport_key"]), None)


def test_aggregates_or_election_of_another_election_are_rejected(manifest: Manifest, finished: Any) -> None:
    publics, secrets, _ = finished
    election = _election(manifest, publics)
    fingerprint = canonical.hash_json(election)
    aggregates, _ = _aggregates(manifest, Point.from_hex(election["public_key"]))
    other = dict(aggregates, questions=aggregates["questions"][:1])
    with pytest.raises(CryptoError, match="trustee 1: the aggregates are for another election"):
        trustee.decrypt(secrets[0], fingerprint, other)
    with pytest.raises(CryptoError, match="trustee 2: malformed aggregates"):
        trustee.decrypt(secrets[1], fingerprint, {"ballots": 1})
    foreign = dict(election, manifest="00" * 32)
    with pytest.raises(CryptoError, match=r"trustee 3: election.json is for another election \(manifest"):
        trustee.decrypt(secrets[2], canonical.hash_json(foreign), aggregates, election=foreign)
    with pytest.raises(CryptoError, match=r"trustee 3: election\.json does not match the election fingerprint"):
        trustee.decrypt(secrets[2], b"\1" * 32, aggregates, election=election)
    with pytest.raises(CryptoError, match="trustee 1: the ceremony is not finished"):
        trustee.decrypt(_ceremony(manifest)[1][0], fingerprint, aggregates)


def test_simulate_uses_the_shared_ceremony(tmp_path: Path) -> None:
    """simulate's trustees.json is trustee.ceremony's for the same stream, and its record did not change."""
    record_hash, _ = simulate(Options(voters=3, seed=11, processes=1), tmp_path / "r")
    assert record_hash == "da73e169ca129e078e31a9203faa714072d0e8a4928d934c15681166cfabf0f2"
    docs = record.read_record(tmp_path / "r")[0].documents
    manifest = Manifest.from_json(docs["manifest.json"])
    import hashlib

    from ballot_crypto.simulate import _stream

    seed = hashlib.sha256(b"ballot-crypto/simulate" + b"11").digest()
    expected, _, key = trustee.ceremony(manifest.hash(), 2, 3, rng=_stream(seed, "trustees"))
    assert docs["trustees.json"] == expected
    assert docs["election.json"]["public_key"] == key.hex()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["trustee", *argv])
    out, err = capsys.readouterr()
    return code, out + err


def test_cli_ceremony_and_decryption(manifest: Manifest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "manifest.json").write_bytes(canonical.dumps(manifest.to_json()))
    output = ""

    def run(*argv: str, expect: int = 0) -> str:
        nonlocal output
        code, text = _run(capsys, *argv)
        assert code == expect, text
        output += text
        return text

    def p(name: str) -> str:
        return str(tmp_path / name)

    for i in range(1, N + 1):
        run("init", "--manifest", p("manifest.json"), "--index", str(i), "--threshold", str(T), "--trustees",
            str(N), "--secret", p(f"secret{i}.json"), "--public", p(f"public{i}.json"))
        assert stat.S_IMODE((tmp_path / f"secret{i}.json").stat().st_mode) == 0o600
    before = (tmp_path / "secret1.json").read_bytes()
    assert "refusing to overwrite" in run("init", "--manifest", p("manifest.json"), "--index", "1", "--threshold",
                                          "2", "--trustees", "3", "--secret", p("secret1.json"), "--public",
                                          p("x.json"), expect=1)
    assert (tmp_path / "secret1.json").read_bytes() == before
    publics = [json.loads((tmp_path / f"public{i}.json").read_text()) for i in range(1, N + 1)]
    (tmp_path / "all.json").write_text(json.dumps(publics))
    sent = []
    for i in range(1, N + 1):
        run("shares", "--secret", p(f"secret{i}.json"), "--publics", p("all.json"), "--out", p(f"shares{i}.json"))
        sent.append(json.loads((tmp_path / f"shares{i}.json").read_text()))
    keys = {}
    for j in range(1, N + 1):
        (tmp_path / f"inbox{j}.json").write_text(json.dumps(_inbox(sent, j)))
        text = run("finish", "--secret", p(f"secret{j}.json"), "--publics", p("all.json"), "--shares",
                   p(f"inbox{j}.json"))
        keys[j] = text.split("verification key ")[1].split()[0]
        assert stat.S_IMODE((tmp_path / f"secret{j}.json").stat().st_mode) == 0o600
    election = _election(manifest, publics)
    assert [t["verification_key"] for t in trustee.trustees_json(manifest.hash(), publics, T)["trustees"]] == \
        [keys[j] for j in range(1, N + 1)]
    (tmp_path / "election.json").write_bytes(canonical.dumps(election))
    aggregates, totals = _aggregates(manifest, Point.from_hex(election["public_key"]))
    (tmp_path / "aggregates.json").write_bytes(canonical.dumps(aggregates))
    entries = []
    for j in (1, 3):
        run("decrypt", "--secret", p(f"secret{j}.json"), "--election", p("election.json"), "--aggregates",
            p("aggregates.json"), "--out", p(f"share{j}.json"))
        entries.append(json.loads((tmp_path / f"share{j}.json").read_text()))
    from ballot_crypto.tally import Aggregates

    result = combine(manifest, canonical.hash_json(election), Aggregates.from_json(aggregates), entries,
                     {j: Point.from_hex(k) for j, k in keys.items()}, T)
    assert [list(q["counts"].values()) for q in result["questions"]] == totals
    # errors: one line, exit 1 for bad content, 2 for unreadable files, never a traceback
    (tmp_path / "bad.json").write_text(json.dumps([publics[0], dict(publics[1], proofs=publics[0]["proofs"]),
                                                   publics[2]]))
    text = run("shares", "--secret", p("secret1.json"), "--publics", p("bad.json"), "--out", p("x.json"), expect=1)
    assert text.strip() == "ballot-crypto trustee shares: trustee 2: a proof of a commitment does not verify"
    text = run("decrypt", "--secret", p("secret1.json"), "--election", p("missing.json"), "--aggregates",
               p("aggregates.json"), "--out", p("x.json"), expect=2)
    assert text.startswith("ballot-crypto trustee decrypt: cannot read election") and text.count("\n") == 1
    (tmp_path / "garbage.json").write_text("{not json")
    run("finish", "--secret", p("secret1.json"), "--publics", p("garbage.json"), "--shares", p("inbox1.json"),
        expect=2)
    (tmp_path / "other.json").write_bytes(canonical.dumps(dict(aggregates, questions=aggregates["questions"][1:])))
    assert "the aggregates are for another election" in run(
        "decrypt", "--secret", p("secret2.json"), "--election", p("election.json"), "--aggregates", p("other.json"),
        "--out", p("x.json"), expect=1)
    assert "not a valid ballot-trustee-secret/1" in run(
        "finish", "--secret", p("all.json"), "--publics", p("all.json"), "--shares", p("inbox1.json"), expect=1)
    assert "Traceback" not in output
    for j in range(1, N + 1):
        secret = json.loads((tmp_path / f"secret{j}.json").read_text())
        for key in ("coefficients", "transport_secret", "share"):
            values = secret[key] if isinstance(secret[key], list) else [secret[key]]
            assert all(v not in output for v in values)
