"""``ballot demo``: load the demo organisation once and print the demo logins."""

from __future__ import annotations

import sys

import click
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.passwords import PasswordHasher
from ballot.cli.runtime import run_with_session
from ballot.demo.ballot import load_demo_ballot
from ballot.demo.data import FEDERAL_SLUG, DemoResult, load_demo
from ballot.exceptions import Conflict
from ballot.i18n import gettext as _
from ballot.i18n import use_locale
from ballot.settings import Settings, get_settings


@click.command("demo")
def demo() -> None:
    """Load demo data (a fictional party, about 300 members, one login per role). Safe to run again."""
    settings = get_settings()
    with use_locale(settings.default_locale):
        _demo(settings)


def _demo(settings: Settings) -> None:

    async def work(session: AsyncSession) -> DemoResult:
        return await load_demo(session, PasswordHasher(settings.password))

    try:
        result = run_with_session(work)
    except Conflict as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    if result.created:
        click.echo(
            _(
                "Demo data loaded: %(units)s units, %(members)s members, %(seats)s seats in bodies and groups, "
                "%(accounts)s logins.",
                units=result.units,
                members=result.members,
                seats=result.seats,
                accounts=result.accounts,
            )
        )
    elif result.statutes:
        click.echo(_("Demo data was already loaded; the demo statutes have been added."))
    else:
        click.echo(_("Demo data is already loaded; nothing changed."))
    click.echo(_("Demo logins (password for all: %(password)s):", password=result.password))
    for login in result.logins:
        click.echo(f"  {login.email:<30} {_(login.role)}")
    _explain_two_factor(settings)
    click.echo(
        _(
            "No mail leaves this machine in development: login links, voting codes and other mail land in the "
            "development mailbox at %(mailbox)s, which answers only to this computer (a loopback address).",
            mailbox=f"{settings.base_url}/dev/mail",
        )
    )
    if result.created:
        election = run_with_session(lambda session: load_demo_ballot(session, settings, FEDERAL_SLUG))
        if election is not None:
            click.echo(
                _(
                    "A demo ballot is open: %(url)s. Every member's voting code is in the development mailbox at "
                    "%(mailbox)s; the trustees' secret files are in %(folder)s.",
                    url=f"{settings.base_url}/ballots/{election.uuid}",
                    mailbox=f"{settings.base_url}/dev/mail",
                    folder=settings.var_dir / "demo-trustees" / election.uuid,
                )
            )


def _explain_two_factor(settings: Settings) -> None:
    if settings.login.require_two_factor:
        click.echo(
            _(
                "Board, election committee and admin logins need two-factor log-in: on the first log-in the site "
                "shows a QR code; scan it with an authenticator app on your phone (or enter the key shown by hand) "
                "and type the code. To try the demo without it, start with BALLOT_REQUIRE_TWO_FACTOR=0."
            )
        )
    else:
        click.echo(_("Two-factor log-in is not required (BALLOT_REQUIRE_TWO_FACTOR=0)."))


def register(group: click.Group) -> None:
    group.add_command(demo)
