"""The election record: writer and reader (dir and zip), error locations, and the fixed-seed test vector.

Regenerate the vector after an intended format change with: .venv/bin/python tests/crypto/test_record.py
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ballot_crypto import canonical
from ballot_crypto.evaluation import default_statute
from ballot_crypto.record import FILES, INDEX, RecordError, open_record, read_record
from ballot_crypto.simulate import Options, simulate

VECTOR = Path(__file__).resolve().parents[1] / "vectors" / "record"
VECTOR_OPTIONS = Options(voters=5, questions=4, trustees=2, threshold=2, revote_share=0.4, seed=1, kind="election")


def expected_of(record_dir: Path, record_hash: str) -> dict[str, Any]:
    """expected.json: the hashes, the result and a few proofs with the statements they prove."""
    record, entries = read_record(record_dir)
    election = record.documents["election.json"]
    fingerprint = canonical.hash_json_hex(election)
    first = entries[0]["ballot"]
    answer = first["answers"][1]
    trustee = record.documents["trustees.json"]["trustees"][0]
    share = record.documents["decryption.json"]["trustees"][0]
    return {
        "record_hash": record_hash,
        "fingerprint": fingerprint,
        "manifest_sha256": election["manifest"],
        "board_head": record.documents["board.json"]["head"],
        "result": record.documents["result.json"],
        "statute_sha256": record.manifest.statute_sha256 if record.manifest else "",
        "decisions": [{"question": q["question"], "binding": q["decision"]["binding"],
                       "outcome": q["decision"]["outcome"], "paragraph": q["decision"]["trail"][-1]["paragraph"]}
                      for q in record.documents["evaluation.json"]["questions"]],
        "first_tracker": entries[0]["tracker"],
        "range_proof": {"context": fingerprint + first["credential"], "public_key": election["public_key"],
                        "ciphertext": answer["choices"][0], "lo": 0, "hi": 1, "proof": answer["choice_proofs"][0]},
        "schnorr_proof": {"context": election["manifest"], "trustee": 1, "k": 0,
                          "public": trustee["commitments"][0], "proof": trustee["proofs"][0]},
        "decryption_share": {"context": fingerprint, "trustee": share["index"],
                             "verification_key": trustee["verification_key"],
                             "ciphertext": record.documents["aggregates.json"]["questions"][0]["choices"][0],
                             "share": share["questions"][0]["choices"][0]},
    }


def regenerate(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    record_hash, _ = simulate(VECTOR_OPTIONS, target / "record")
    (target / "expected.json").write_bytes(canonical.dumps(expected_of(target / "record", record_hash)) + b"\n")


def test_vector_regenerates_byte_for_byte(tmp_path: Path) -> None:
    regenerate(tmp_path)
    names = [*FILES, INDEX]
    for name in names:
        assert (tmp_path / "record" / name).read_bytes() == (VECTOR / "record" / name).read_bytes(), name
    for name in ("truth.json", "expected.json"):
        assert (tmp_path / name).read_bytes() == (VECTOR / name).read_bytes(), name
    expected = canonical.loads((VECTOR / "expected.json").read_bytes()[:-1])
    assert open_record(VECTOR / "record").record_hash == expected["record_hash"]
    statute = (VECTOR / "record" / "statute.json").read_bytes()
    assert canonical.sha256_hex(statute) == expected["statute_sha256"] == default_statute().sha256


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("record")
    simulate(Options(voters=6, questions=2, revote_share=0.5, seed=7, kind="election", processes=1), base / "dir")
    return base / "dir"


def test_round_trip_dir_and_zip(small: Path, tmp_path: Path) -> None:
    record, entries = read_record(small)
    archive = tmp_path / "record.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in [*FILES, INDEX]:
            zf.write(small / name, name)
    zipped, zipped_entries = read_record(archive)
    assert zipped.record_hash == record.record_hash
    assert zipped.documents == record.documents
    assert zipped.credentials == record.credentials
    assert zipped_entries == entries
    assert [e["position"] for e in entries] == list(range(1, len(entries) + 1))
    assert record.manifest is not None and len(record.manifest.questions) == 2
    assert len(record.credentials) == 6


def _copy(small: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(small, target)
    return target


def _rehash(record: Path) -> None:
    index = canonical.loads((record / INDEX).read_bytes())
    for entry in index["files"]:
        data = (record / entry["name"]).read_bytes()
        entry["sha256"], entry["bytes"] = canonical.sha256_hex(data), len(data)
    (record / INDEX).write_bytes(canonical.dumps(index))


def _edit_line(path: Path, number: int, edit: Any) -> None:
    lines = path.read_bytes().split(b"\n")
    lines[number - 1] = edit(lines[number - 1])
    path.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda r: _edit_line(r / "ballots.jsonl", 2, lambda b: b.replace(b'{"ballot":', b'{ "ballot":')),
         "ballots.jsonl, line 2: not in canonical encoding"),
        (lambda r: _edit_line(r / "ballots.jsonl", 3, lambda b: b.replace(b'"superseded_by"', b'"superseded"')),
         "ballots.jsonl, line 3: $: missing keys ['superseded_by']"),
        (lambda r: _edit_line(r / "credentials.jsonl", 1, lambda b: b.replace(b'":"', b'":"0')),
         "credentials.jsonl, line 1: $.credential: expected 32 bytes"),
        (lambda r: (r / "ballots.jsonl").write_bytes((r / "ballots.jsonl").read_bytes()[:-1]),
         "not terminated by LF"),
        (lambda r: (r / "result.json").write_bytes(b'{"ballots":1.5}'), "result.json: number 1.5 is not an integer"),
        (lambda r: (r / "board.json").write_bytes(b'{"count":1}'), "board.json: $: missing keys"),
        (lambda r: (r / "manifest.json").write_bytes(canonical.dumps({"format": "x"})), "manifest.json: manifest"),
        (lambda r: (r / "statute.json").write_bytes(b'{"format":"ballot-statute/1","rules":{}}'),
         "statute.json: SHA-256 differs from the manifest's statute_sha256"),
        (lambda r: (r / "statute.json").write_bytes(b'{"rules":{}}'), "statute.json: $: missing keys ['format']"),
    ],
)
def test_reader_names_file_and_line(small: Path, tmp_path: Path, tamper: Any, message: str) -> None:
    record = _copy(small, tmp_path)
    tamper(record)
    _rehash(record)
    with pytest.raises(RecordError) as info:
        read_record(record)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda r: (r / "result.json").write_bytes(b"{}"), "result.json: size or SHA-256 differs"),
        (lambda r: (r / "extra.txt").write_bytes(b""), "unknown files ['extra.txt']"),
        (lambda r: (r / "board.json").unlink(), "missing files ['board.json']"),
        (lambda r: (r / INDEX).write_bytes((r / INDEX).read_bytes().replace(b"record/1", b"record/9")),
         "index.json: format"),
    ],
)
def test_reader_rejects_broken_index(small: Path, tmp_path: Path, tamper: Any, message: str) -> None:
    record = _copy(small, tmp_path)
    tamper(record)
    with pytest.raises(RecordError, match=None) as info:
        open_record(record)
    assert message in str(info.value)


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_zip_with_a_name_twice(small: Path, tmp_path: Path) -> None:
    archive = tmp_path / "twice.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in [*FILES, INDEX, "result.json"]:
            zf.write(small / name, name)
    with pytest.raises(RecordError, match="twice"):
        open_record(archive)


def test_not_a_record(tmp_path: Path) -> None:
    (tmp_path / "file.zip").write_bytes(b"not a zip")
    with pytest.raises(RecordError, match="neither a record directory nor a ZIP"):
        open_record(tmp_path / "file.zip")


if __name__ == "__main__":
    regenerate(VECTOR)
    print(f"regenerated {VECTOR}", file=sys.stderr)
