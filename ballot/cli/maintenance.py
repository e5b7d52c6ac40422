"""``ballot maintenance purge``: apply the retention rules (run it daily, e.g. from cron or a systemd timer).
``ballot maintenance run-due``: send due announcements (run it every few minutes, or let the app do it) and the
daily discussion digests (each member's once a day, after 06:00 Berlin time)."""

from __future__ import annotations

import click

from ballot.accounts.retention import PurgeReport, purge
from ballot.cli.runtime import run_with_session
from ballot.db import utcnow
from ballot.discussions.notifications import DigestRun, run_digests
from ballot.discussions.notifications import describe as describe_digests
from ballot.referendums.announcements.runner import Done, run_due
from ballot.settings import Settings, get_settings


@click.group("maintenance")
def maintenance() -> None:
    """Routine upkeep."""


@maintenance.command("purge")
def purge_command() -> None:
    """Delete expired sessions and links; remove client addresses from audit events past their retention."""
    days = get_settings().ip_retention_days
    report: PurgeReport = run_with_session(lambda session: purge(session, utcnow(), days))
    click.echo(
        f"removed {report.sessions} expired sessions, {report.tokens} expired links, "
        f"client addresses from {report.addresses} audit events older than {days} days"
    )


@maintenance.command("run-due")
def run_due_command() -> None:
    """Announce every ballot whose announcement time has come; resume interrupted announcement mails."""
    settings = get_settings()
    done: list[Done] = run_with_session(lambda session: run_due(session, settings, utcnow()))
    failed = False
    for item in done:
        click.echo(f"ballot {item.election}: {item.mails} mails, {item.letters} letters to print, "
                   f"{item.waiting} waiting, {item.unknown} with unknown delivery")
        if item.error:
            failed = True
            click.echo(f"ballot {item.election}: stopped: {item.error}", err=True)
    if not done:
        click.echo("nothing due")
    digests = send_digests(settings)
    for line in describe_digests(digests):
        click.echo(line)
    for error in digests.errors[:5]:
        click.echo(f"discussion digest: stopped: {error}", err=True)
    if failed or digests.failed:
        raise SystemExit(1)


def send_digests(settings: Settings) -> DigestRun:
    """The daily discussion digests that are due (``run-due`` sends them after the announcements)."""
    result: DigestRun = run_with_session(lambda session: run_digests(session, settings, utcnow()))
    return result


def register(group: click.Group) -> None:
    group.add_command(maintenance)
