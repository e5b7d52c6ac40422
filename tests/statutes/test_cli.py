"""``ballot statutes check`` and ``ballot statutes evaluate`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import click
from click.testing import CliRunner

from ballot.cli.statutes import register
from tests.statutes.helpers import EXAMPLES


def cli() -> click.Group:
    group = click.Group("ballot")
    register(group)
    return group


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli(), ["statutes", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_check_examples_ok() -> None:
    files = [str(p) for p in sorted(EXAMPLES.glob("*.toml"))]
    code, out, _ = run("check", *files)
    assert code == 0 and out.count(": ok (sha256 ") == len(files) == 5


def test_check_lists_every_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[referendum.quorum]\nparticipation = 0.2\non_miss = "maybe"\n[referendum.deadlines]\n'
                   'voting_min = "2 months"\n', encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text("", encoding="utf-8")
    code, out, err = run("check", str(good), str(bad), str(tmp_path / "missing.toml"))
    assert code == 1
    assert f"{good}: ok" in out
    assert f"{bad}: referendum.quorum.participation:" in err
    assert f"{bad}: referendum.quorum.on_miss:" in err
    assert f"{bad}: referendum.deadlines.voting_min: bad duration '2 months'" in err
    assert "missing.toml: cannot read the file" in err


def test_check_follows_extends(tmp_path: Path) -> None:
    (tmp_path / "state.toml").write_text('[referendum.quorum]\nparticipation = "1/5"\n', encoding="utf-8")
    (tmp_path / "district.toml").write_text('extends = "state.toml"\n', encoding="utf-8")
    (tmp_path / "orphan.toml").write_text('extends = "nowhere.toml"\n', encoding="utf-8")
    assert run("check", str(tmp_path / "district.toml"))[0] == 0
    code, _, err = run("check", str(tmp_path / "orphan.toml"))
    assert code == 1 and "orphan.toml: extends: parent 'nowhere.toml' not found" in err


def test_evaluate_prints_decision_json() -> None:
    code, out, _ = run("evaluate", str(EXAMPLES / "verein.toml"), "--process", "referendum", "--eligible", "200",
                       "--yes", "75", "--no", "25", "--abstain", "50", "--subject", "statute")
    assert code == 0
    data = json.loads(out)
    assert (data["binding"], data["outcome"]) == (True, "adopted")
    majority = next(c for c in data["trail"] if c["name"] == "majority")
    assert majority["paragraph"] == "§ 33 Abs. 1 Satz 1 BGB" and majority["inputs"]["fraction"] == "3/4"
    assert set(majority) == {"name", "inputs", "result", "paragraph"}
    assert len(data["statute"]["sha256"]) == 64


def test_evaluate_quorum_missed_and_lot() -> None:
    code, out, _ = run("evaluate", str(EXAMPLES / "spd.toml"), "--eligible", "1000", "--yes", "149", "--no", "40",
                       "--abstain", "10")
    assert code == 0 and json.loads(out)["outcome"] == "invalid" and json.loads(out)["binding"] is False


def test_evaluate_election() -> None:
    code, out, _ = run("evaluate", str(EXAMPLES / "verein.toml"), "--process", "election", "--eligible", "100",
                       "--candidate", "Ada=30", "--candidate", "Bo=20")
    assert code == 0 and json.loads(out)["elected"] == ["Ada"]


def test_bad_arguments_exit_2_without_traceback() -> None:
    spd = str(EXAMPLES / "spd.toml")
    for args in (["evaluate", spd, "--eligible", "10", "--yes", "20", "--no", "0"],
                 ["evaluate", spd, "--eligible", "10", "--yes", "1"],
                 ["evaluate", spd, "--eligible", "-1", "--yes", "1", "--no", "1"],
                 ["evaluate", spd, "--eligible", "ten", "--yes", "1", "--no", "1"],
                 ["evaluate", spd, "--process", "poll", "--eligible", "10", "--yes", "1", "--no", "1"],
                 ["evaluate", spd, "--process", "election", "--eligible", "10"],
                 ["evaluate", spd, "--process", "election", "--eligible", "10", "--candidate", "Ada"],
                 ["check"]):
        code, _, err = run(*args)
        assert code == 2 and "Traceback" not in err and "Error" in err, args


def test_evaluate_bad_statute_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[x]\n", encoding="utf-8")
    code, _, err = run("evaluate", str(bad), "--eligible", "10", "--yes", "1", "--no", "1")
    assert code == 1 and f"{bad}: x: unknown key" in err
    code, _, err = run("evaluate", str(tmp_path / "none.toml"), "--eligible", "10", "--yes", "1", "--no", "1")
    assert code == 1 and "cannot read" in err
