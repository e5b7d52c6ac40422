"""Helpers for the account tests: posting forms with the CSRF token, reading the development mailbox."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.mail.models import DevMail
from tests.factories import csrf_token

Client = AsyncTestClient[Litestar]


async def post_form(client: Client, path: str, data: dict[str, Any], *, csrf_from: str = "/login") -> Any:
    """POST ``data`` with a valid CSRF token (fetched from ``csrf_from`` when the client has none yet)."""
    token = client.cookies.get("csrftoken") or await csrf_token(client, csrf_from)
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


async def last_mail(db: AsyncSession, to: str) -> DevMail | None:
    return await db.scalar(select(DevMail).where(DevMail.recipient == to).order_by(DevMail.id.desc()).limit(1))


async def mails_to(db: AsyncSession, to: str) -> list[DevMail]:
    return list((await db.scalars(select(DevMail).where(DevMail.recipient == to).order_by(DevMail.id))).all())


def link_in(mail: DevMail, prefix: str) -> str:
    """The path of the first link starting with ``prefix`` in ``mail`` (query included)."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[^\s]*)", mail.body)
    assert match, f"no {prefix} link in the mail"
    return match.group(1)


async def reload(db: AsyncSession, account: Account) -> Account:
    """The account as stored now (read again, not from the session's cache)."""
    account_id = inspect(account).identity[0]
    fresh = await db.get(Account, account_id, populate_existing=True)
    assert fresh is not None
    return fresh


@pytest.fixture
async def english(client: Client) -> Client:
    """The client with English chosen (assertions read English texts whatever catalogs are compiled)."""
    client.cookies.set("lang", "en")
    return client
