"""``ballot members import|export``: the member registry as CSV (and JSON for export)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.cli.runtime import run_with_session
from ballot.i18n import gettext as _
from ballot.i18n import ngettext, use_locale
from ballot.members.exporter import export_members
from ballot.members.importer import ImportReport, import_members
from ballot.members.registry_csv import ImportFileError
from ballot.settings import get_settings

#: Exit codes of ``members import``.
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


@click.group("members")
def members() -> None:
    """The member registry."""


@members.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change, without writing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Import (upsert by member number) the registry entries in FILE.csv.

    Columns are named in the header (English or German names, comma or semicolon separated, UTF-8).
    A file with any bad row imports nothing: every bad row is listed as "line N: reason" and the exit code is 1.
    Exit code 2 means the file could not be read.
    """
    with use_locale(get_settings().default_locale):
        _import(file, dry_run)


def _import(file: Path, dry_run: bool) -> None:
    try:
        data = file.read_bytes()
    except OSError as exc:
        click.echo(_("Cannot read %(file)s: %(error)s", file=str(file), error=exc.strerror or str(exc)), err=True)
        sys.exit(EXIT_UNREADABLE)

    async def work(session: AsyncSession) -> ImportReport:
        return await import_members(session, io.BytesIO(data), dry_run=dry_run)

    try:
        report = run_with_session(work)
    except ImportFileError as exc:
        click.echo(f"{file}: {exc.message}", err=True)
        sys.exit(EXIT_UNREADABLE)
    for error in report.errors:
        click.echo(str(error), err=True)
    click.echo(report.summary(), err=not report.ok)
    if not report.ok:
        sys.exit(EXIT_INVALID)


@members.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True, help="Output format."
)
@click.option(
    "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write to FILE (default: stdout)."
)
def export_command(fmt: str, output: Path | None) -> None:
    """Export every registry entry (CSV with the import columns, or JSON)."""
    with use_locale(get_settings().default_locale):
        _export(fmt, output)


def _export(fmt: str, output: Path | None) -> None:

    async def work(session: AsyncSession) -> int:
        if output is None:
            return await export_members(session, sys.stdout, format="json" if fmt == "json" else "csv")
        with output.open("w", encoding="utf-8", newline="") as stream:
            return await export_members(session, stream, format="json" if fmt == "json" else "csv")

    count = run_with_session(work)
    if output is not None:
        click.echo(
            ngettext(
                "%(num)s member written to %(file)s.", "%(num)s members written to %(file)s.", count, file=str(output)
            )
        )


def register(group: click.Group) -> None:
    group.add_command(members)
