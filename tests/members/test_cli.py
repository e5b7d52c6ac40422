"""The ``ballot`` command for the registry and the demo, on a migrated temporary SQLite database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ballot.cli import cli
from ballot.settings import get_settings

HEADER = "number,given_name,family_name,unit,joined_on,dues_status\n"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("BALLOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.delenv("BALLOT_DATABASE_SCHEMA", raising=False)
    monkeypatch.setenv("BALLOT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("BALLOT_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("BALLOT_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("BALLOT_ARGON2_MEMORY_KIB", "8192")
    monkeypatch.setenv("BALLOT_ARGON2_PARALLELISM", "1")
    get_settings.cache_clear()
    runner = CliRunner()
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    yield runner
    get_settings.cache_clear()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_twice_then_export_and_import(runner: CliRunner, tmp_path: Path) -> None:
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert "300 members" in first.output and "demo-passwort-2026" in first.output
    assert "vorstand@demo.example" in first.output
    second = runner.invoke(cli, ["demo"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert "admin@demo.example" in second.output

    exported = runner.invoke(cli, ["members", "export", "--format", "json"])
    assert exported.exit_code == 0
    assert json.loads(exported.stdout)["count"] == 300
    target = tmp_path / "registry.csv"
    assert runner.invoke(cli, ["members", "export", "--output", str(target)]).exit_code == 0
    again = runner.invoke(cli, ["members", "import", str(target)])
    assert again.exit_code == 0, again.output
    assert "300 unchanged" in again.output


def test_import_dry_run_then_real(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    good = write(tmp_path / "good.csv", HEADER + "900001,Lina,Haddad,ov-koeln-nippes,2024-02-01,paid\n")
    dry = runner.invoke(cli, ["members", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "1 created" in dry.output and "Dry run" in dry.output
    real = runner.invoke(cli, ["members", "import", str(good)])
    assert real.exit_code == 0 and "1 created" in real.output
    repeat = runner.invoke(cli, ["members", "import", str(good)])
    assert "1 unchanged" in repeat.output


def test_invalid_file_exits_1_listing_every_bad_row(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    bad = write(
        tmp_path / "bad.csv",
        HEADER + "1,Ana,Silva,nirgendwo,2024-02-01,paid\n2,Jan,Wolf,bundesverband,01.02.2024,paid\n"
        "3,Eva,Roth,ov-koeln-nippes,30.02.2024,paid\n",
    )
    result = runner.invoke(cli, ["members", "import", str(bad)])
    assert result.exit_code == 1
    assert "line 2: " in result.output and "line 4: " in result.output
    assert "line 3: " not in result.output
    assert "Nothing was imported" in result.output


def test_unreadable_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    missing = runner.invoke(cli, ["members", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2
    empty = runner.invoke(cli, ["members", "import", str(write(tmp_path / "empty.csv", ""))])
    assert empty.exit_code == 2 and "empty" in empty.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes("number;Nachname\n1;Müller\n".encode("latin-1"))
    assert runner.invoke(cli, ["members", "import", str(latin)]).exit_code == 2


def test_demo_says_where_mail_lands_and_how_to_log_in_with_two_factor(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: ``make run`` (``ballot demo``) says that voting codes land in the loopback-only dev mailbox."""
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    mailbox = f"development mailbox at {get_settings().base_url}/dev/mail"
    assert mailbox in first.output and "only to this computer" in first.output
    assert "voting codes" in first.output
    assert "need two-factor log-in" in first.output and "BALLOT_REQUIRE_TWO_FACTOR=0" in first.output

    monkeypatch.setenv("BALLOT_REQUIRE_TWO_FACTOR", "0")
    get_settings.cache_clear()
    again = runner.invoke(cli, ["demo"])
    assert again.exit_code == 0, again.output
    assert mailbox in again.output  # also when nothing new was loaded
    assert "Two-factor log-in is not required" in again.output and "need two-factor" not in again.output
