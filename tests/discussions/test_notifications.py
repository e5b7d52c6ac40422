"""Following, notification mails (immediately and as a daily digest), one-click unsubscribe and unread markers.
Mails never carry what the recipient may not read at send time, nor hidden posts; every mail has the unsubscribe
link and the RFC 8058 headers; a second digest run sends nothing."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from ballot.accounts.models import Account
from ballot.db import utcnow
from ballot.discussions import moderation, notifications, subscriptions
from ballot.discussions.models import NotificationPreference, NotifyMode, Thread, ThreadSubscription
from ballot.discussions.unsubscribe import make_token, read_token
from ballot.mail.models import DevMail
from tests.discussions.conftest import World, login, send


@pytest.fixture
def sent_headers(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    """The extra headers of every notification mail (the development mailbox stores only the body)."""
    seen: list[dict[str, str]] = []
    original = notifications.send_mail

    async def spy(*args: Any, headers: dict[str, str] | None = None) -> None:
        seen.append(dict(headers or {}))
        await original(*args, headers=headers)

    monkeypatch.setattr(notifications, "send_mail", spy)
    return seen


async def _mode(world: World, account: Account) -> NotifyMode:
    found = await world.db.get(NotificationPreference, account.id, populate_existing=True)
    assert found is not None
    return found.mode


async def _mails(world: World, to: Account) -> list[DevMail]:
    return list((await world.db.scalars(select(DevMail).where(DevMail.recipient == to.email)
                                        .order_by(DevMail.id))).all())


async def _choose(world: World, account: Account, mode: NotifyMode) -> None:
    await subscriptions.set_mode(world.db, await world.principal(account), mode.value)


async def test_immediate_mail_for_a_reply_with_unsubscribe(world: World, client: AsyncTestClient[Litestar],
                                                           sent_headers: list[dict[str, str]]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Mobilität")
    await _choose(world, world.hessen2, NotifyMode.IMMEDIATE)
    await world.factory.commit()
    await login(client, world.factory, world.hessen2)
    page = f"/discussions/{thread.id}"
    followed = await send(client, f"/discussions/{thread.id}/follow", {"action": "follow"}, page=page)
    assert followed.status_code == 200 and "You follow this discussion." in followed.text
    await login(client, world.factory, world.hessen)
    await send(client, f"/discussions/{thread.id}/reply", {"body": "Mehr **Busse** für Kassel", "parent": ""},
               page=page)
    mails = await _mails(world, world.hessen2)
    assert len(mails) == 1
    assert "Mobilität" in mails[0].subject and "Mehr **Busse** für Kassel" in mails[0].body
    assert "/discussions/unsubscribe/" in mails[0].body
    assert await _mails(world, world.hessen) == []  # not to the author
    assert sent_headers[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = sent_headers[0]["List-Unsubscribe"].strip("<>")
    assert url.split("/discussions/unsubscribe/")[1] in mails[0].body
    # the link opens a page with one button; it does not name the thread (the holder may have lost access)
    client.cookies.clear()
    client.cookies.set("lang", "en")
    confirm = await client.get(url.replace(world.settings.base_url, ""))
    assert confirm.status_code == 200 and "the discussion you followed" in confirm.text
    assert "Mobilität" not in confirm.text
    # the mail client's one-click POST: no login, no CSRF token
    done = await client.post(url.replace(world.settings.base_url, ""), data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no longer" in done.text
    assert await world.db.scalar(select(ThreadSubscription).where(
        ThreadSubscription.account_id == world.hessen2.id)) is None


async def test_no_mail_beyond_what_the_recipient_may_read_nor_hidden(world: World) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Nur Hessen")
    for account in (world.sachsen, world.hessen2):
        await _choose(world, account, NotifyMode.IMMEDIATE)
        # as if they had followed it while allowed to read it (e.g. before moving to another state)
        world.db.add(ThreadSubscription(account_id=account.id, thread_id=thread.id))
    reply = await world.reply(world.hessen, thread, "Interna")
    await world.factory.commit()
    factory = world.db.bind  # the app's engine: a session factory on it
    from ballot.db import create_session_factory

    sessions = create_session_factory(factory)  # type: ignore[arg-type]
    assert await notifications.notify_new_post(sessions, world.settings, reply.id) == 1
    assert await _mails(world, world.sachsen) == []
    assert len(await _mails(world, world.hessen2)) == 1
    hidden = await world.reply(world.hessen, thread, "Beleidigung")
    await moderation.set_hidden(world.db, await world.principal(world.moderator), hidden, thread,
                                world.tree.state_a, hidden=True, rule="§ 2", reason="Ton")
    await world.factory.commit()
    assert await notifications.notify_new_post(sessions, world.settings, hidden.id) == 0
    assert len(await _mails(world, world.hessen2)) == 1


async def test_new_thread_mail_to_unit_followers(world: World) -> None:
    await _choose(world, world.hessen2, NotifyMode.IMMEDIATE)
    await subscriptions.follow_unit(world.db, await world.principal(world.hessen2), world.tree.state_a)
    thread = await world.thread(world.hessen, world.tree.state_a, title="Neue Idee", body="Lasst uns reden")
    post_id = (await world.db.scalar(select(Thread.id).where(Thread.id == thread.id)))
    from ballot.discussions.services import opening_post

    opening = await opening_post(world.db, thread)
    assert opening is not None and post_id
    await world.factory.commit()
    from ballot.db import create_session_factory

    sessions = create_session_factory(world.db.bind)  # type: ignore[arg-type]
    assert await notifications.notify_new_post(sessions, world.settings, opening.id) == 1
    mail = (await _mails(world, world.hessen2))[0]
    assert "Neue Idee" in mail.subject and "Lasst uns reden" in mail.body


async def test_daily_digest_is_idempotent_and_respects_visibility(world: World,
                                                                  sent_headers: list[dict[str, str]]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Haushalt 2027")
    for account in (world.hessen2, world.sachsen):
        await _choose(world, account, NotifyMode.DIGEST)
        world.db.add(ThreadSubscription(account_id=account.id, thread_id=thread.id))
    await world.db.execute(update(NotificationPreference).values(digest_until=utcnow() - timedelta(hours=1)))
    await world.reply(world.hessen, thread, "Erster Vorschlag")
    await world.reply(world.board, thread, "Zweiter Vorschlag")
    bad = await world.reply(world.hessen, thread, "Ausgeblendeter Text")
    await moderation.set_hidden(world.db, await world.principal(world.moderator), bad, thread, world.tree.state_a,
                                hidden=True, rule="§ 2", reason="Ton")
    await world.factory.commit()
    tomorrow = utcnow() + timedelta(days=1)
    english = dataclasses.replace(world.settings, default_locale="en")  # the members chose no language
    run = await notifications.run_digests(world.db, english, tomorrow)
    assert (run.sent, run.empty, run.failed) == (1, 1, 0)  # sachsen may not read the thread: nothing for them
    mails = await _mails(world, world.hessen2)
    assert len(mails) == 1
    body = mails[0].body
    assert "Haushalt 2027" in body and "Erster Vorschlag" in body and "Zweiter Vorschlag" in body
    assert "Ausgeblendeter" not in body and "/discussions/unsubscribe/" in body
    assert "2 new posts" in body
    assert await _mails(world, world.sachsen) == []
    assert sent_headers and sent_headers[0]["List-Unsubscribe"].startswith("<")
    again = await notifications.run_digests(world.db, english, tomorrow)
    assert (again.sent, again.empty) == (0, 0)
    assert len(await _mails(world, world.hessen2)) == 1


def test_digest_cutoff_is_six_in_berlin() -> None:
    from datetime import UTC, datetime

    assert notifications.digest_cutoff(datetime(2026, 11, 21, 7, 0, tzinfo=UTC)) == \
        datetime(2026, 11, 21, 5, 0, tzinfo=UTC)  # 06:00 CET
    assert notifications.digest_cutoff(datetime(2026, 11, 21, 4, 59, tzinfo=UTC)) == \
        datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
    assert notifications.digest_cutoff(datetime(2026, 7, 1, 4, 30, tzinfo=UTC)) == \
        datetime(2026, 7, 1, 4, 0, tzinfo=UTC)  # 06:00 CEST


def test_tokens_are_signed() -> None:
    token = make_token("k" * 40, 7, "thread:12")
    found = read_token("k" * 40, token)
    assert found is not None and (found.account_id, found.scope) == (7, "thread:12")
    assert read_token("x" * 40, token) is None
    _payload, mac = token.split(".")
    forged = make_token("x" * 40, 8, "thread:12").split(".")[0] + "." + mac
    assert read_token("k" * 40, forged) is None
    for junk in ("", "a", "a.b.c", "!!!.???", token + "x"):
        assert read_token("k" * 40, junk) is None
    with pytest.raises(ValueError):
        make_token("k" * 40, 7, "thread:abc")


async def test_unsubscribe_page_and_bad_token(world: World, client: AsyncTestClient[Litestar]) -> None:
    await _choose(world, world.hessen2, NotifyMode.IMMEDIATE)
    await world.factory.commit()
    client.cookies.set("lang", "en")
    token = make_token(world.settings.secret_key, world.hessen2.id, "all")
    page = await client.get(f"/discussions/unsubscribe/{token}")
    assert page.status_code == 200 and "all discussion mails" in page.text and "<form" in page.text
    assert await _mode(world, world.hessen2) == NotifyMode.IMMEDIATE
    done = await client.post(f"/discussions/unsubscribe/{token}")
    assert done.status_code == 200
    assert await _mode(world, world.hessen2) == NotifyMode.OFF
    bad = await client.post(f"/discussions/unsubscribe/{token[:-2]}xx")
    assert bad.status_code == 404 and "not valid" in bad.text


async def test_settings_page_errors_beside_the_field(world: World, client: AsyncTestClient[Litestar]) -> None:
    await login(client, world.factory, world.hessen)
    response = await send(client, "/me/discussions", {"mode": "hourly"}, page="/me/discussions")
    assert response.status_code == 422 and 'id="f-mode-error"' in response.text
    response = await send(client, "/me/discussions", {"mode": "immediate"}, page="/me/discussions")
    assert response.status_code == 200 and "has been saved" in response.text
    assert await _mode(world, world.hessen) == NotifyMode.IMMEDIATE
    profile = await client.get("/me")
    assert 'href="/me/discussions"' in profile.text


async def test_unread_marker_counts_and_jumps(world: World, client: AsyncTestClient[Litestar]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Ungelesen")
    await world.factory.commit()
    await login(client, world.factory, world.hessen)
    await client.get(f"/discussions/{thread.id}")  # read up to here
    first = await world.reply(world.hessen2, thread, "Neu eins")
    await world.reply(world.hessen2, thread, "Neu zwei")
    await world.reply(world.hessen, thread, "Meine eigene")  # one's own posts are never new
    await world.factory.commit()
    listing = await client.get(f"/units/{world.tree.state_a.slug}/discussions")
    assert "2 new" in listing.text and f'href="/discussions/{thread.id}#post-{first.id}"' in listing.text
    page = await client.get(f"/discussions/{thread.id}")
    assert f'href="/discussions/{thread.id}?page=1#post-{first.id}"' in page.text
    assert "2 new posts since your last visit" in page.text
    listing = await client.get(f"/units/{world.tree.state_a.slug}/discussions")
    assert "2 new" not in listing.text
    await login(client, world.factory, world.sachsen)  # may not read it: no marker, no count
    assert (await subscriptions.unread_counts(world.db, await world.principal(world.sachsen), [thread.id])) == {}


async def test_only_readers_follow(world: World, client: AsyncTestClient[Litestar]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Geheim")
    await world.factory.commit()
    await login(client, world.factory, world.sachsen)
    response = await send(client, f"/discussions/{thread.id}/follow", {"action": "follow"})
    assert response.status_code == 404
    response = await send(client, f"/units/{world.tree.state_a.slug}/discussions/follow", {"action": "follow"})
    assert response.status_code == 403


def test_cli_run_due_sends_the_digests(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from ballot.cli import maintenance

    monkeypatch.setattr(maintenance, "run_with_session", lambda work: [])
    monkeypatch.setattr(maintenance, "send_digests", lambda settings: notifications.DigestRun(
        sent=2, empty=1, failed=1, errors=["mail server down"]))
    result = CliRunner().invoke(maintenance.maintenance, ["run-due"])
    assert result.exit_code == 1  # a refused digest is retried by the next run: the operator sees it
    assert "discussion digests: 2 sent, 1 with nothing new, 1 failed" in result.output
    assert "stopped: mail server down" in result.output
