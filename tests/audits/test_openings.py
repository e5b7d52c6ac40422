"""Check 22 (openings.json) and its part in check 14, on a record with joint openings, and tampered copies."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ballot_audit import canonical
from ballot_crypto.elgamal import Ciphertext, encrypt
from ballot_crypto.group import Point
from tests.audits.openings_record import build
from tests.audits.tamper import assert_fails, check, entries, read, reseal, write


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    return build(tmp_path_factory.mktemp("openings"))


@pytest.fixture
def opened(built: tuple[Path, dict[str, Any]], tmp_path: Path) -> Path:
    return Path(shutil.copytree(built[0], tmp_path / "record"))


def test_the_record_with_openings_passes_every_check(opened: Path, built: tuple[Path, dict[str, Any]]) -> None:
    report = check(opened)
    assert report.ok, [v for v in report.failures]
    doc = read(opened, "openings.json")
    assert [o["excluded"] for o in doc["openings"]] == built[1]["excluded"]
    assert sorted(p for p in built[1]["excluded"] if p is not None) == [1, 4]
    assert None in built[1]["excluded"]  # the reference whose credential has no entry excludes nothing
    assert any(v.check == 22 and v.ok and "2 counted entries excluded" in v.message for v in report.items)
    assert any(v.check == 14 and v.ok and "2 counted ballots" in v.message for v in report.items)


def test_a_record_without_openings_lists_none(record: Path) -> None:
    assert read(record, "openings.json") == {"format": "ballot-openings/1", "openings": [], "trustees": []}
    report = check(record)
    assert any(v.check == 22 and v.ok and "no sealed reference" in v.message for v in report.items)


def test_a_wrong_proof_fails(opened: Path) -> None:
    doc = read(opened, "openings.json")
    proof = doc["trustees"][0]["shares"][1]["proof"]
    proof["response"], proof["challenge"] = proof["challenge"], proof["response"]
    write(opened, "openings.json", doc)
    reseal(opened)
    assert_fails(check(opened), 22, "trustee 1, opening 1", "proof does not verify")


def test_a_decryption_share_is_no_opening_share(opened: Path) -> None:
    """A factor with a proof made in the decryption context (F) does not verify as an opening share."""
    doc = read(opened, "openings.json")
    doc["trustees"][0]["shares"][0] = read(opened, "decryption.json")["trustees"][0]["questions"][0]["choices"][0]
    write(opened, "openings.json", doc)
    reseal(opened)
    assert_fails(check(opened), 22, "trustee 1, opening 0", "proof does not verify")


def test_a_wrong_index_fails(opened: Path) -> None:
    doc = read(opened, "openings.json")
    target = next(o for o in doc["openings"] if o["excluded"] is None)
    target["index"] = (target["index"] + 1) % 5
    write(opened, "openings.json", doc)
    reseal(opened)
    assert_fails(check(opened), 22, "opening", "do not decrypt the ciphertext to index")


def test_an_entry_excluded_that_was_not_opened_fails(opened: Path) -> None:
    """The forger drops position 3 (a member who only voted online) from the aggregates and claims an opening."""
    doc = read(opened, "openings.json")
    target = next(o for o in doc["openings"] if o["excluded"] is None)
    target["excluded"] = 3
    write(opened, "openings.json", doc)
    _drop_from_aggregates(opened, 3)
    reseal(opened)
    report = check(opened)
    assert_fails(report, 22, "opening", "excluded is 3, but credential")


def test_an_opened_entry_still_counted_fails(opened: Path) -> None:
    """The server opens a reference but leaves the member's online ballot in the aggregates."""
    doc = read(opened, "openings.json")
    target = next(o for o in doc["openings"] if o["excluded"] == 4)
    target["excluded"] = None
    write(opened, "openings.json", doc)
    _add_to_aggregates(opened, 4)
    reseal(opened)
    report = check(opened)
    assert_fails(report, 22, "opening", "excluded is None, but credential")
    assert not any(v.check == 14 and not v.ok for v in report.items)  # the aggregates are consistent with the lie


def test_aggregates_that_still_count_an_excluded_entry_fail_check_14(opened: Path) -> None:
    _add_to_aggregates(opened, 4)
    reseal(opened)
    report = check(opened)
    assert_fails(report, 14, "aggregates.json", "counted entries")
    assert_fails(report, 22, "openings.json", "of which 2 are excluded")


def test_openings_beyond_the_postal_voters_fail(opened: Path) -> None:
    postal = read(opened, "postal.json")
    postal["voters"] = 2
    postal["papers"], postal["ballots"] = postal["papers"][:2], 2
    write(opened, "postal.json", postal)
    reseal(opened)
    assert_fails(check(opened), 22, "openings.json", "3 openings, but only 2 postal voters")


def test_openings_need_postal_precedence(record: Path) -> None:
    doc = read(record, "openings.json")
    key = Point.from_hex(read(record, "election.json")["public_key"])
    doc["openings"] = [{"ciphertext": encrypt(key, 0)[0].to_json(), "index": 0, "excluded": None}]
    write(record, "openings.json", doc)
    reseal(record)
    report = check(record)
    assert_fails(report, 22, "openings.json", "only under postal precedence")
    assert_fails(report, 22, "openings.json", "need at least 2 distinct indices")


def test_an_identity_ciphertext_cannot_be_opened(opened: Path) -> None:
    doc = read(opened, "openings.json")
    doc["openings"][0]["ciphertext"] = Ciphertext.zero().to_json()
    write(opened, "openings.json", doc)
    reseal(opened)
    assert_fails(check(opened), 22, "opening 0", "proof does not verify")


def _aggregate_shift(record: Path, position: int, sign: int) -> None:
    entry = next(e for e in entries(record) if e["position"] == position)
    aggregates = read(record, "aggregates.json")
    for agg, answer in zip(aggregates["questions"], entry["ballot"]["answers"], strict=True):
        sums = []
        for total, ct in zip(agg["choices"], answer["choices"], strict=True):
            a, b = Ciphertext.from_json(total), Ciphertext.from_json(ct)
            c = a + b if sign > 0 else Ciphertext(a.alpha - b.alpha, a.beta - b.beta)
            sums.append(c.to_json())
        agg["choices"] = sums
    aggregates["ballots"] += sign
    (record / "aggregates.json").write_bytes(canonical.encode(aggregates))


def _add_to_aggregates(record: Path, position: int) -> None:
    _aggregate_shift(record, position, 1)


def _drop_from_aggregates(record: Path, position: int) -> None:
    _aggregate_shift(record, position, -1)
