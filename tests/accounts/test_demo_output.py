"""What ``ballot demo`` (run by ``make run``) tells the person trying it: where mail lands, and two-factor log-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ballot.cli import cli
from ballot.settings import get_settings


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("BALLOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}")
    monkeypatch.delenv("BALLOT_DATABASE_SCHEMA", raising=False)
    monkeypatch.setenv("BALLOT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("BALLOT_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("BALLOT_BASE_URL", "http://127.0.0.1:8123")
    for name, value in (("ARGON2_TIME_COST", "1"), ("ARGON2_MEMORY_KIB", "8192"), ("ARGON2_PARALLELISM", "1")):
        monkeypatch.setenv(f"BALLOT_{name}", value)
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    yield runner
    get_settings.cache_clear()


def test_demo_says_where_mail_lands_and_how_to_log_in_with_two_factor(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert "development mailbox at http://127.0.0.1:8123/dev/mail" in first.output
    assert "only to this computer" in first.output
    assert "voting code" in first.output.lower()
    assert "need two-factor log-in" in first.output and "BALLOT_REQUIRE_TWO_FACTOR=0" in first.output

    monkeypatch.setenv("BALLOT_REQUIRE_TWO_FACTOR", "0")
    get_settings.cache_clear()
    again = runner.invoke(cli, ["demo"])
    assert again.exit_code == 0, again.output
    assert "development mailbox at http://127.0.0.1:8123/dev/mail" in again.output  # also when nothing was loaded
    assert "Two-factor log-in is not required" in again.output and "need two-factor" not in again.output
