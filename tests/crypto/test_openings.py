"""Joint opening of sealed references (ballot_crypto.openings, `ballot-crypto trustee open`): shares, strict
validation of the request, combination, and the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ballot_crypto import canonical, record, trustee
from ballot_crypto.cli import main
from ballot_crypto.elgamal import encrypt
from ballot_crypto.errors import CryptoError
from ballot_crypto.group import Point, deterministic_rng
from ballot_crypto.openings import (
    answer_problem,
    combine_openings,
    excluded_positions,
    opening_context,
    parse_ciphertexts,
    request_json,
)
from ballot_crypto.sample import sample_manifest
from ballot_crypto.threshold import DecryptionShare, verify_decryption_share

N = 12


@pytest.fixture(scope="module")
def setup() -> dict[str, Any]:
    rng = deterministic_rng(b"tests/crypto/openings")
    manifest = sample_manifest("referendum", 1, rng)
    m = manifest.to_json()
    context = canonical.hash_json(m)
    made = {i: trustee.init(context, i, 2, 3, rng=rng, manifest=m) for i in (1, 2, 3)}
    publics = [made[i][0] for i in (1, 2, 3)]
    sent = [s for i in (1, 2, 3) for s in trustee.make_shares(made[i][1], publics, rng=rng)]
    finished = {i: trustee.finish(made[i][1], publics, [s for s in sent if s["to"] == i])[0] for i in (1, 2, 3)}
    trustees_doc = trustee.trustees_json(context, publics, 2)
    election = record.election_json(m, trustees_doc, [rng(32).hex() for _ in range(N)], trustee.public_key(publics),
                                    rng(32).hex())
    fingerprint = canonical.hash_json(election)
    key = Point.from_hex(trustee.public_key(publics))
    request = request_json(fingerprint, [encrypt(key, i, rng=rng)[0].to_json() for i in (3, 0, 11)])
    keys = {t["index"]: Point.from_hex(t["verification_key"]) for t in trustees_doc["trustees"]}
    return {"finished": finished, "unfinished": made[1][1], "election": election, "fingerprint": fingerprint,
            "request": request, "keys": keys, "key": key}


def _indices(setup: dict[str, Any], who: tuple[int, ...]) -> list[int]:
    answers = [trustee.open_references(setup["finished"][i], setup["fingerprint"], setup["request"]) for i in who]
    return combine_openings(setup["fingerprint"], parse_ciphertexts(setup["request"]["ciphertexts"]), answers,
                            setup["keys"], 2, N)


def test_any_two_trustees_open_the_indices(setup: dict[str, Any]) -> None:
    first = _indices(setup, (1, 2))
    assert sorted(first) == [0, 3, 11]
    assert _indices(setup, (2, 3)) == first == _indices(setup, (1, 2, 3))
    with pytest.raises(CryptoError, match="at least 2 distinct trustees"):
        _indices(setup, (1,))


def test_an_opening_share_is_no_decryption_share(setup: dict[str, Any]) -> None:
    answer = trustee.open_references(setup["finished"][1], setup["fingerprint"], setup["request"])
    ct = parse_ciphertexts(setup["request"]["ciphertexts"])[0]
    share = DecryptionShare.from_json({"trustee": 1, **answer["shares"][0]})
    assert verify_decryption_share(opening_context(setup["fingerprint"]), setup["keys"][1], ct, share)
    assert not verify_decryption_share(setup["fingerprint"], setup["keys"][1], ct, share)


def test_answers_are_checked_strictly(setup: dict[str, Any]) -> None:
    cts = parse_ciphertexts(setup["request"]["ciphertexts"])
    answer = trustee.open_references(setup["finished"][1], setup["fingerprint"], setup["request"])
    assert answer_problem(setup["fingerprint"], setup["keys"][1], cts, answer) is None
    assert "proof does not verify" in str(answer_problem(setup["fingerprint"], setup["keys"][2], cts, answer))
    assert "one share per requested" in str(answer_problem(setup["fingerprint"], setup["keys"][1], cts[:2], answer))
    bad = json.loads(json.dumps(answer))
    bad["shares"][1]["factor"] = "01" + "00" * 31  # the identity is never a factor
    assert "share 1" in str(answer_problem(setup["fingerprint"], setup["keys"][1], cts, bad))
    bad = dict(answer, extra=1)
    assert "an answer is" in str(answer_problem(setup["fingerprint"], setup["keys"][1], cts, bad))


def test_an_index_outside_the_credential_list_is_refused(setup: dict[str, Any]) -> None:
    request = request_json(setup["fingerprint"], [encrypt(setup["key"], N, rng=deterministic_rng(b"x"))[0].to_json()])
    answers = [trustee.open_references(setup["finished"][i], setup["fingerprint"], request) for i in (1, 2)]
    with pytest.raises(CryptoError, match=r"does not open to a credential index in \[0, 11\]"):
        combine_openings(setup["fingerprint"], parse_ciphertexts(request["ciphertexts"]), answers, setup["keys"], 2, N)


@pytest.mark.parametrize(("change", "words"), [
    ("election", "another election"), ("unsorted", "sorted by alpha"), ("twice", "listed twice"),
    ("identity", "identity"), ("empty", "a list of 1 to"), ("extra", "a request is"),
])
def test_malformed_requests_are_refused(setup: dict[str, Any], change: str, words: str) -> None:
    request = json.loads(json.dumps(setup["request"]))
    if change == "election":
        request["election"] = "ab" * 32
    elif change == "unsorted":
        request["ciphertexts"].reverse()
    elif change == "twice":
        request["ciphertexts"].append(request["ciphertexts"][-1])
    elif change == "identity":
        request["ciphertexts"][0]["beta"] = "01" + "00" * 31
    elif change == "empty":
        request["ciphertexts"] = []
    else:
        request["note"] = "x"
    with pytest.raises(CryptoError, match=words) as caught:
        trustee.open_references(setup["finished"][1], setup["fingerprint"], request)
    assert str(caught.value).startswith("trustee 1: malformed opening request")


def test_the_secret_and_the_election_must_fit(setup: dict[str, Any]) -> None:
    with pytest.raises(CryptoError, match="ceremony is not finished"):
        trustee.open_references(setup["unfinished"], setup["fingerprint"], setup["request"])
    other = dict(setup["election"], board_key="cd" * 32)
    with pytest.raises(CryptoError, match="does not match the election fingerprint"):
        trustee.open_references(setup["finished"][1], setup["fingerprint"], setup["request"], election=other)


def test_excluded_positions_follow_the_sorted_list() -> None:
    credentials = ["cc", "aa", "bb"]
    assert excluded_positions([0, 2, 1], credentials, {"aa": 4, "cc": 9}) == [4, 9, None]


def _files(tmp_path: Path, setup: dict[str, Any], secret: dict[str, Any], request: Any) -> list[str]:
    for name, value in (("secret", secret), ("election", setup["election"]), ("request", request)):
        (tmp_path / f"{name}.json").write_text(json.dumps(value))
    return ["trustee", "open", "--secret", str(tmp_path / "secret.json"), "--election",
            str(tmp_path / "election.json"), "--request", str(tmp_path / "request.json"), "--out",
            str(tmp_path / "out.json")]


def test_the_command_writes_the_answer(setup: dict[str, Any], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_files(tmp_path, setup, setup["finished"][2], setup["request"])) == 0
    answer = json.loads((tmp_path / "out.json").read_text())
    cts = parse_ciphertexts(setup["request"]["ciphertexts"])
    assert answer["index"] == 2 and answer_problem(setup["fingerprint"], setup["keys"][2], cts, answer) is None
    assert "opening shares of trustee 2 for 3 sealed reference(s)" in capsys.readouterr().out


def test_the_command_names_the_reason_and_exits_non_zero(setup: dict[str, Any], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    request = dict(setup["request"], election="00" * 32)
    assert main(_files(tmp_path, setup, setup["finished"][1], request)) == 1
    err = capsys.readouterr().err
    assert "ballot-crypto trustee open: trustee 1: malformed opening request" in err and "Traceback" not in err
    args = _files(tmp_path, setup, setup["finished"][1], setup["request"])
    (tmp_path / "request.json").write_text("{not json")
    assert main(args) == 2
    assert "ballot-crypto trustee open:" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()
