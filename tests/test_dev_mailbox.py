"""The development mailbox: only in development and only to a loopback peer; a logged-in account sees its own mail,
or everyone's on request."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from litestar.types import ASGIApp, Receive, Scope, Send

from ballot.mail.models import DevMail


def _peer(app: Litestar, host: str) -> ASGIApp:
    """``app`` as seen from a connection whose peer address is ``host`` (the test client says "testclient")."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            scope = {**scope, "client": (host, 50000)}  # type: ignore[typeddict-item]
        await app(scope, receive, send)

    return asgi


async def _client(app: Litestar, host: str) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=_peer(app, host), base_url="http://127.0.0.1:8000") as test_client:  # type: ignore[arg-type]
        yield test_client


@pytest.fixture
async def loopback(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async for test_client in _client(app, "127.0.0.1"):
        yield test_client


async def test_no_mailbox_outside_development(loopback) -> None:  # type: ignore[no-untyped-def]
    assert (await loopback.get("/dev/mail")).status_code == 404


@pytest.mark.parametrize("host", ["192.0.2.7", "10.0.0.1", "2001:db8::1", "testclient", ""])
async def test_no_mailbox_for_a_remote_peer_even_in_development(app, settings, host) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = dataclasses.replace(settings, environment="development")
    async for test_client in _client(app, host):
        response = await test_client.get("/dev/mail?everyone=true", headers={"X-Forwarded-For": "127.0.0.1"})
        assert response.status_code == 404


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1"])
async def test_mailbox_answers_a_loopback_peer(app, settings, host) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = dataclasses.replace(settings, environment="development")
    async for test_client in _client(app, host):
        assert (await test_client.get("/dev/mail")).status_code == 200


async def test_mailbox_shows_my_mail(app, loopback, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = dataclasses.replace(settings, environment="development")
    tree = await factory.tree()
    me = await factory.account(await factory.member(tree.local_a))
    for i in range(60):
        db.add(DevMail(recipient=f"other{i}@example.org", subject=f"other {i}", body="x"))
    db.add(DevMail(recipient=me.email, subject="for me", body="code"))
    await factory.login(loopback, me)
    loopback.cookies.set("lang", "en")
    mine = await loopback.get("/dev/mail")
    assert mine.status_code == 200 and "for me" in mine.text and "other 5" not in mine.text
    everyone = await loopback.get("/dev/mail?everyone=true")
    assert "other 59" in everyone.text and "Showing the mail to your address" not in everyone.text
