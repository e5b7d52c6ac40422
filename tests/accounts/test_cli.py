"""The account and token commands, against a SQLite database prepared by ``ballot db upgrade``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ballot.accounts.models import Account, ApiToken
from ballot.accounts.tokens import hash_token
from ballot.authz.models import RoleGrant
from ballot.cli import cli
from ballot.db import create_engine, create_session_factory
from ballot.members.models import DuesStatus, Member
from ballot.settings import get_settings
from ballot.units.models import UnitKind
from ballot.units.services import create_unit


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated SQLite database with a federal unit ``bund`` and member ``M1``; settings read from the env."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("BALLOT_DATABASE_URL", url)
    monkeypatch.setenv("BALLOT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("BALLOT_ARGON2_MEMORY_KIB", "8192")
    monkeypatch.setenv("BALLOT_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("BALLOT_ARGON2_PARALLELISM", "1")
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output

    async def seed() -> None:
        engine = create_engine(url)
        async with create_session_factory(engine)() as session:
            unit = await create_unit(session, "Bund", UnitKind.FEDERAL, slug="bund")
            from datetime import date

            session.add(
                Member(
                    number="M1",
                    given_name="Ada",
                    family_name="Lovelace",
                    email="ada@example.org",
                    home_unit_id=unit.id,
                    joined_on=date(2020, 1, 1),
                    dues_status=DuesStatus.PAID,
                )
            )
            await session.commit()
        await engine.dispose()

    asyncio.run(seed())
    yield url
    get_settings.cache_clear()


def _query(url: str, statement):  # type: ignore[no-untyped-def]
    async def run():  # type: ignore[no-untyped-def]
        engine = create_engine(url)
        async with create_session_factory(engine)() as session:
            rows = (await session.scalars(statement)).all()
        await engine.dispose()
        return rows

    return asyncio.run(run())


def test_accounts_create_with_member_password_and_roles(cli_db: str) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "accounts",
            "create",
            "--email",
            "Ada@Example.org",
            "--name",
            "Ada",
            "--member-number",
            "M1",
            "--password-stdin",
            "--role",
            "board",
            "--unit",
            "bund",
            "--role",
            "admin",
            "--unit",
            "bund",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    account = _query(cli_db, select(Account))[0]
    assert account.email == "ada@example.org" and account.member_id is not None
    assert account.password_hash and account.password_hash.startswith("$argon2id$")
    assert sorted(g.role for g in _query(cli_db, select(RoleGrant))) == ["admin", "board"]


@pytest.mark.parametrize(
    ("args", "stdin", "problem"),
    [
        (["--email", "not-an-email", "--name", "X"], None, "email"),
        (["--email", "x@example.org", "--name", "X", "--member-number", "NOPE"], None, "NOPE"),
        (["--email", "x@example.org", "--name", "X", "--role", "board", "--unit", "nowhere"], None, "nowhere"),
        (["--email", "x@example.org", "--name", "X", "--role", "board"], None, "--unit"),
        (["--email", "x@example.org", "--name", "X", "--password-stdin"], "short\n", "password"),
        (["--email", "x@example.org", "--name", "X", "--role", "king", "--unit", "bund"], None, "king"),
    ],
)
def test_accounts_create_bad_input(cli_db: str, args: list[str], stdin: str | None, problem: str) -> None:
    result = CliRunner().invoke(cli, ["accounts", "create", *args], input=stdin)
    assert result.exit_code in {1, 2}, result.output  # 2: click's own usage errors
    assert problem.lower() in result.output.lower()
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _query(cli_db, select(Account)) == []


def test_duplicate_account_is_refused(cli_db: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["accounts", "create", "--email", "x@example.org", "--name", "X"]).exit_code == 0
    result = runner.invoke(cli, ["accounts", "create", "--email", "X@example.org", "--name", "Y"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_tokens_create_list_revoke(cli_db: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["accounts", "create", "--email", "bot@example.org", "--name", "Bot"]).exit_code == 0
    created = runner.invoke(cli, ["tokens", "create", "bot@example.org", "--name", "nightly export"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    row = _query(cli_db, select(ApiToken))[0]
    assert row.token_hash == hash_token(token) and row.name == "nightly export"

    listed = runner.invoke(cli, ["tokens", "list", "bot@example.org"])
    assert listed.exit_code == 0 and "nightly export" in listed.stdout and "active" in listed.stdout
    assert token not in listed.output

    revoked = runner.invoke(cli, ["tokens", "revoke", str(row.id)])
    assert revoked.exit_code == 0
    assert _query(cli_db, select(ApiToken))[0].revoked_at is not None
    assert "revoked" in runner.invoke(cli, ["tokens", "list", "bot@example.org"]).stdout


@pytest.mark.parametrize(
    "args",
    [
        ["tokens", "create", "nobody@example.org", "--name", "x"],
        ["tokens", "list", "nobody@example.org"],
        ["tokens", "revoke", "999"],
        ["tokens", "revoke", "abc"],
    ],
)
def test_token_commands_bad_input(cli_db: str, args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in {1, 2}
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
