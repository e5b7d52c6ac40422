"""A valid record verifies, as a directory and as a ZIP archive, through the API and the command line."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from ballot_audit.cli import main
from ballot_audit.report import CHECKS, RECORD_CHECKS
from tests.audits.tamper import check, read

VECTOR = Path(__file__).parents[1] / "vectors" / "record" / "record"


def _zip(record: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(record.iterdir()):
            archive.write(path, path.name)
    return target


def test_valid_directory_passes_every_check(revote_record: Path) -> None:
    report = check(revote_record)
    assert report.ok, [v.line() for v in report.failures]
    assert {v.check for v in report.items if v.ok} == set(RECORD_CHECKS)
    truth = json.loads((revote_record.parent / "truth.json").read_bytes())
    assert report.summary["result"] == truth["questions"]
    assert report.summary["counted"] == truth["ballots"] and report.summary["cast"] == truth["cast"]


def test_valid_zip_passes(record: Path, tmp_path: Path) -> None:
    report = check(_zip(record, tmp_path / "record.zip"))
    assert report.ok, [v.line() for v in report.failures]


def test_valid_record_without_revoting_passes(once: Path) -> None:
    assert check(once).ok


@pytest.mark.skipif(not VECTOR.is_dir(), reason="the record test vector is not there")
def test_vector_record_with_every_question_kind_passes() -> None:
    report = check(VECTOR)
    assert report.ok, [v.line() for v in report.failures]
    expected = json.loads((VECTOR.parent / "expected.json").read_bytes())
    assert report.summary["election"] == expected["fingerprint"]


def test_cli_prints_summary_and_exits_0(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(record), "--processes", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("VALID")
    assert read(record, "index.json")["election"] in out
    assert "record hash" in out


def test_cli_json_report(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(record), "--json", "--processes", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["failures"] == 0
    assert {v["check"] for v in report["verifications"]} == set(RECORD_CHECKS)
    assert set(report["verifications"][0]) == {"ok", "check", "check_name", "location", "message"}
    assert all(v["check_name"] == CHECKS[v["check"]] for v in report["verifications"])


def test_worker_processes_give_the_same_report(record: Path) -> None:
    from ballot_audit import board
    from ballot_audit.verify import verify

    limit, board.POOL_THRESHOLD = board.POOL_THRESHOLD, 0
    try:
        pooled = verify(record, processes=2)
    finally:
        board.POOL_THRESHOLD = limit
    assert pooled.ok and pooled.summary == check(record).summary
