"""``ballot db upgrade``: apply the database migrations."""

from __future__ import annotations

import click

from ballot.migrations.runner import upgrade as run_upgrade
from ballot.settings import get_settings


@click.group("db")
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="heads", show_default=True, help="Target revision.")
def upgrade(revision: str) -> None:
    """Apply migrations (creates the SQLite file under ./var on first use)."""
    settings = get_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    run_upgrade(settings.database_url, revision, settings.database_schema)
    click.echo(f"database at revision {revision}")


def register(group: click.Group) -> None:
    group.add_command(db)
