"""``ballot accounts create`` and ``ballot tokens create|list|revoke``: account and API-token administration.

Bad input ends with a message naming the problem and exit code 1, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.api_tokens import create_api_token, list_api_tokens, revoke_api_token
from ballot.accounts.models import Account
from ballot.accounts.services import create_account, find_account
from ballot.audit.services import record_event
from ballot.authz.models import Role, RoleGrant
from ballot.cli.runtime import run_with_session
from ballot.exceptions import BallotError, NotFound, ValidationFailed
from ballot.members.models import Member
from ballot.settings import get_settings
from ballot.units.models import Unit

T = TypeVar("T")


async def _account(session: AsyncSession, email: str) -> Account:
    account = await find_account(session, email)
    if account is None:
        raise ValidationFailed({"email": f"no account with address {email!r}"})
    return account


def _run(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction; service errors become a one-line message and exit code 1."""
    try:
        return run_with_session(work)
    except ValidationFailed as exc:
        raise click.ClickException("; ".join(f"{field}: {message}" for field, message in exc.errors.items())) from None
    except BallotError as exc:
        raise click.ClickException(exc.message or type(exc).__name__) from None


@click.group("accounts")
def accounts() -> None:
    """Accounts (logins)."""


@accounts.command("create")
@click.option("--email", required=True, help="Login email address.")
@click.option("--name", required=True, help="Display name.")
@click.option("--member-number", default=None, help="Link the account to this registry entry.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (else: login links only).")
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]), help="Role to grant.")
@click.option("--unit", "units", multiple=True, help="Unit slug for the --role at the same position.")
def accounts_create(
    email: str,
    name: str,
    member_number: str | None,
    password_stdin: bool,
    roles: tuple[str, ...],
    units: tuple[str, ...],
) -> None:
    """Create an account, optionally linked to a member and with roles (--role board --unit kv-kassel ...)."""
    if len(roles) != len(units):
        raise click.UsageError("give one --unit for every --role (in the same order)")
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("no password on standard input")
    settings = get_settings()

    async def work(session: AsyncSession) -> int:
        member = None
        if member_number:
            member = await session.scalar(select(Member).where(Member.number == member_number))
            if member is None:
                raise ValidationFailed({"member-number": f"no member with number {member_number!r}"})
        account = await create_account(
            session, settings, email=email, display_name=name, member=member, password=password
        )
        for role, slug in zip(roles, units, strict=True):
            unit = await session.scalar(select(Unit).where(Unit.slug == slug))
            if unit is None:
                raise ValidationFailed({"unit": f"no unit with slug {slug!r}"})
            session.add(RoleGrant(account_id=account.id, unit_id=unit.id, role=Role(role)))
            record_event(session, "authz:role:granted", account_id=account.id, unit_id=unit.id, role=role, via="cli")
        await session.flush()
        return account.id

    account_id = _run(work)
    grants = ", ".join(f"{r}@{u}" for r, u in zip(roles, units, strict=True)) or "no roles"
    click.echo(f"account {account_id} created for {email.strip().lower()} ({grants})")
    if password is None:
        click.echo("no password set: the account logs in with emailed login links")


@click.group("tokens")
def tokens() -> None:
    """API tokens for scripts."""


@tokens.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for (e.g. the script's name).")
def tokens_create(email: str, name: str) -> None:
    """Create an API token for the account EMAIL and print it (shown only this once)."""

    async def work(session: AsyncSession) -> tuple[int, str]:
        account = await _account(session, email)
        row, token = await create_api_token(session, account.id, name)
        return row.id, token

    token_id, token = _run(work)
    click.echo(f"token {token_id} created; it is shown only now:", err=True)
    click.echo(token)


@tokens.command("list")
@click.argument("email")
def tokens_list(email: str) -> None:
    """List the API tokens of the account EMAIL (never the tokens themselves)."""

    async def work(session: AsyncSession) -> list[str]:
        account = await _account(session, email)
        lines = []
        for row in await list_api_tokens(session, account.id):
            state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
            used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
            lines.append(f"{row.id}\t{row.name}\tcreated {row.created_at:%Y-%m-%d %H:%M}\tlast used {used}\t{state}")
        return lines

    lines = _run(work)
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo("no tokens", err=True)


@tokens.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke the API token with id TOKEN_ID."""

    async def work(session: AsyncSession) -> None:
        try:
            await revoke_api_token(session, token_id, account_id=None)
        except NotFound:
            raise ValidationFailed({"token": f"no token with id {token_id}"}) from None

    _run(work)
    click.echo(f"token {token_id} revoked")


def register(group: click.Group) -> None:
    group.add_command(accounts)
    group.add_command(tokens)
