"""``ballot maintenance purge``: apply the retention rules (run it daily, e.g. from cron or a systemd timer)."""

from __future__ import annotations

import click

from ballot.audit.retention import PurgeReport, purge
from ballot.cli.runtime import run_with_session
from ballot.db import utcnow
from ballot.settings import get_settings


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


def register(group: click.Group) -> None:
    group.add_command(maintenance)
