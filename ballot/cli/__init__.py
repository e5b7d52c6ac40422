"""The ``ballot`` command: serve, migrate, demo data, the member registry and API tokens."""

from __future__ import annotations

import click

from ballot.cli import db, demo, maintenance, members, referendums, serve, statutes, tokens


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Member portal: ballots and deliberation for parties and associations."""


for module in (serve, db, demo, members, tokens, statutes, maintenance, referendums):
    module.register(cli)


def main() -> None:
    """Console-script entry point."""
    cli()
