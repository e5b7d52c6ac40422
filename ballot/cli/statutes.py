"""``ballot statutes``: validate rules files and evaluate a decision under them (no database needed)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ballot_crypto.evaluation import load_statute
from ballot_crypto.statutes import (
    PROCESS_KINDS,
    Counts,
    Decision,
    Statute,
    StatuteError,
    evaluate,
    evaluate_election,
)

_COUNT = click.IntRange(min=0)


def load_file(name: str) -> Statute:
    """Load a rules file; ``extends`` names a parent file relative to the extending file's folder."""
    try:
        return load_statute(Path(name))
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise click.ClickException(f"{name}: cannot read the file ({reason})") from exc


@click.group("statutes")
def statutes() -> None:
    """Statute rules files (TOML): validate them and evaluate decisions (docs/statutes.md)."""


@statutes.command("check")
@click.argument("files", nargs=-1, required=True)
def check(files: tuple[str, ...]) -> None:
    """Validate rules FILES; list every problem with its file and key; exit 1 if any."""
    failed = False
    for name in files:
        try:
            statute = load_file(name)
        except StatuteError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        except click.ClickException as exc:
            failed = True
            click.echo(exc.format_message(), err=True)
            continue
        click.echo(f"{name}: ok (sha256 {statute.sha256})")
    if failed:
        raise SystemExit(1)


def _candidates(values: tuple[str, ...]) -> dict[str, int]:
    votes: dict[str, int] = {}
    for value in values:
        name, sep, count = value.rpartition("=")
        if not sep or not name or not count.isdigit() or name in votes:
            raise click.BadParameter(f"{value!r}: use NAME=VOTES, each name once", param_hint="--candidate")
        votes[name] = int(count)
    return votes


@statutes.command("evaluate")
@click.argument("file")
@click.option("--process", "process", type=click.Choice(PROCESS_KINDS), default="referendum", show_default=True)
@click.option("--eligible", type=_COUNT, required=True, help="Number of eligible voters.")
@click.option("--yes", type=_COUNT, help="Yes votes (referendum, survey).")
@click.option("--no", type=_COUNT, help="No votes (referendum, survey).")
@click.option("--abstain", type=_COUNT, default=0, show_default=True, help="Abstentions.")
@click.option("--invalid", type=_COUNT, default=0, show_default=True, help="Invalid ballots.")
@click.option("--present", type=_COUNT, help="Members present (base 'present'); default: ballots cast.")
@click.option("--subject", help="Subject of the vote, e.g. statute or programme.")
@click.option("--lot", type=click.Choice(["yes", "no"]), help="Result of a lot already drawn after a tie.")
@click.option("--candidate", "candidates", multiple=True, help="Election: NAME=VOTES, once per candidate.")
def evaluate_command(file: str, process: str, eligible: int, yes: int | None, no: int | None, abstain: int,
                     invalid: int, present: int | None, subject: str | None, lot: str | None,
                     candidates: tuple[str, ...]) -> None:
    """Evaluate counts under FILE's rules and print the decision (binding, outcome, trail) as JSON."""
    try:
        statute = load_file(file)
    except StatuteError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from exc
    decision: Decision
    try:
        if process == "election":
            if not candidates:
                raise click.UsageError("--process election needs --candidate NAME=VOTES (one per candidate)")
            decision = evaluate_election(statute.rules, eligible, _candidates(candidates), abstain, invalid)
        else:
            if yes is None or no is None:
                raise click.UsageError(f"--process {process} needs --yes and --no")
            counts = Counts(yes, no, abstain, invalid, present)
            drawn = None if lot is None else lot == "yes"
            decision = evaluate(statute.rules, process, eligible, counts, subject, drawn)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    out = {"statute": {"sha256": statute.sha256, "files": [s.name for s in statute.sources]}, **decision.to_json()}
    click.echo(json.dumps(out, indent=2, ensure_ascii=False))


def register(group: click.Group) -> None:
    """Add ``ballot statutes`` to the ``ballot`` command."""
    group.add_command(statutes)
