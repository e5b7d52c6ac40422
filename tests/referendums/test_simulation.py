"""``ballot simulate-referendum``: the service layer end to end, on both backends and through the command (E2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from litestar import Litestar

from ballot.referendums.simulation.services import Options, simulate
from ballot.settings import Settings, get_settings
from ballot_audit.verify import verify

ROOT = Path(__file__).resolve().parents[2]


async def test_simulation_on_both_backends(app: Litestar, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "sim" / "record.zip"
    messages: list[str] = []
    summary = await simulate(app.state.db_factory, settings, Options(voters=8, revote_share=0.25, seed=3,
                                                                     processes=1), out, messages.append)
    truth = json.loads((out.parent / "truth.json").read_text())
    assert truth["eligible"] == 8 and truth["cast"] == 10 and truth["ballots"] == 8
    report = verify(out, processes=1)
    assert report.ok, [v.line() for v in report.failures]
    assert report.summary["result"] == truth["questions"] and summary["truth"] == truth
    assert any(m.startswith("ballots: 10/10") for m in messages)


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603


def test_command_on_a_temporary_sqlite_database(tmp_path: Path) -> None:
    env = {**os.environ, "BALLOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'sim.sqlite3'}",
           "BALLOT_VAR_DIR": str(tmp_path), "BALLOT_ENV": "development"}
    bin_dir = Path(sys.executable).parent
    run(env, str(bin_dir / "ballot"), "db", "upgrade")
    out = tmp_path / "out" / "record.zip"
    done = run(env, str(bin_dir / "ballot"), "simulate-referendum", "--voters", "12", "--out", str(out), "--seed", "5",
               "--processes", "1")
    assert done.returncode == 0, done.stderr
    assert "ballots: " in done.stderr and json.loads(done.stdout)["truth"]["eligible"] == 12
    audit = run(env, str(bin_dir / "ballot-audit"), "verify", str(out))
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert (out.parent / "truth.json").exists()


def test_threshold_above_trustees_is_a_usage_error() -> None:
    from ballot.cli import cli

    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["simulate-referendum", "--voters", "3", "--out", "x.zip", "--trustees", "2",
                                      "--threshold", "3"])
    assert result.exit_code == 2 and "--threshold" in result.output
