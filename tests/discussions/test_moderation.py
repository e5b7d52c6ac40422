"""Reports, the queue, hiding and restoring with a reason in place of the post, closing and pinning, the public
log (never the reporter, never the moderator), and the code of conduct."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from ballot.authz.models import Role
from ballot.discussions import conduct, moderation, services
from ballot.discussions.models import ModerationEvent
from ballot.discussions.search import search
from ballot.exceptions import Conflict, PermissionDenied, ValidationFailed
from tests.discussions.conftest import World, login, send


async def test_report_hide_restore_and_public_log(world: World, client: AsyncTestClient[Litestar]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Verkehr")
    bad = await world.reply(world.hessen2, thread, "Beleidigung gegen Kandidatin")
    await world.factory.commit()
    reporter_name = (await world.principal(world.hessen)).display_name

    await login(client, world.factory, world.hessen)
    reported = await send(client, f"/discussions/posts/{bad.id}/report", {"reason": "Beleidigend, Regel 2"})
    assert reported.status_code == 200 and "nobody else learns that you reported it" in reported.text
    again = await send(client, f"/discussions/posts/{bad.id}/report", {"reason": "Nochmal"})
    assert again.status_code == 409
    assert (await send(client, f"/discussions/posts/{bad.id}/report", {"reason": " "})).status_code in (409, 422)
    assert (await client.get(f"/units/{world.tree.state_a.slug}/discussions/moderation")).status_code == 403

    await login(client, world.factory, world.moderator)
    queue = await client.get(f"/units/{world.tree.state_a.slug}/discussions/moderation")
    assert queue.status_code == 200 and "Beleidigend, Regel 2" in queue.text
    assert reporter_name not in queue.text
    incomplete = await send(client, f"/discussions/posts/{bad.id}/moderate", {"decision": "hide", "rule": "",
                                                                              "reason": ""})
    assert incomplete.status_code == 422
    assert 'id="f-rule-error"' in incomplete.text and 'id="f-reason-error"' in incomplete.text
    hidden = await send(client, f"/discussions/posts/{bad.id}/moderate",
                        {"decision": "hide", "rule": "§ 2 Respekt", "reason": "Persönlicher Angriff"})
    assert hidden.status_code == 200
    assert "Hidden by moderation: Persönlicher Angriff (rule: § 2 Respekt)" in hidden.text
    assert "No open reports." in (await client.get(f"/units/{world.tree.state_a.slug}/discussions/moderation")).text

    await login(client, world.factory, world.sachsen)  # a member elsewhere reads the public log
    log = await client.get(f"/units/{world.tree.state_a.slug}/discussions/log")
    assert log.status_code == 200 and "Post hidden" in log.text and "Persönlicher Angriff" in log.text
    assert "a discussion you cannot read" in log.text and "Verkehr" not in log.text
    assert reporter_name not in log.text and "Staff" not in log.text  # the moderator account is called "Staff"

    await login(client, world.factory, world.hessen2)  # the author sees the reason and their own text
    page = await client.get(f"/discussions/{thread.id}")
    assert "Hidden by moderation: Persönlicher Angriff" in page.text
    assert "only the author and the moderators see it" in page.text
    await login(client, world.factory, world.hessen)  # other readers see the reason only
    page = await client.get(f"/discussions/{thread.id}")
    assert "Hidden by moderation" in page.text and "Beleidigung gegen Kandidatin" not in page.text
    assert await search(world.db, await world.principal(world.hessen), "Beleidigung") == []

    await login(client, world.factory, world.moderator)
    restored = await send(client, f"/discussions/posts/{bad.id}/moderate",
                          {"decision": "restore", "rule": "§ 2 Respekt", "reason": "Nach Einspruch vertretbar"})
    assert restored.status_code == 200 and "Beleidigung gegen Kandidatin" in restored.text
    async with client.app.state.db_factory() as session:
        actions = (await session.scalars(select(ModerationEvent.action).order_by(ModerationEvent.id))).all()
    assert [a.value for a in actions] == ["hide", "restore"]


async def test_members_cannot_moderate(world: World, client: AsyncTestClient[Litestar]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a)
    post = await world.reply(world.hessen2, thread, "Text")
    await world.factory.commit()
    await login(client, world.factory, world.hessen)
    assert (await client.get(f"/discussions/posts/{post.id}/moderate")).status_code == 403
    refused = await send(client, f"/discussions/posts/{post.id}/moderate",
                         {"decision": "hide", "rule": "x", "reason": "y"})
    assert refused.status_code == 403
    assert (await send(client, f"/discussions/{thread.id}/moderate",
                       {"action": "close", "rule": "x", "reason": "y"})).status_code == 403


async def test_close_and_pin(world: World) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a)
    other = await world.thread(world.hessen, world.tree.state_a, title="Zweites")
    mod = await world.principal(world.moderator)
    with pytest.raises(ValidationFailed) as refused:
        await moderation.moderate_thread(world.db, mod, thread, world.tree.state_a, action="close", rule="",
                                         reason="Off topic")
    assert set(refused.value.errors) == {"rule"}
    with pytest.raises(ValidationFailed):
        await moderation.moderate_thread(world.db, mod, thread, world.tree.state_a, action="explode", rule="",
                                         reason="x")
    await moderation.moderate_thread(world.db, mod, thread, world.tree.state_a, action="close", rule="§ 5",
                                     reason="Erledigt")
    assert thread.closed
    with pytest.raises(PermissionDenied):
        await world.reply(world.hessen2, thread, "Noch was")
    await moderation.moderate_thread(world.db, mod, thread, world.tree.state_a, action="pin", rule="",
                                     reason="Wichtig")
    listing = await services.list_threads(world.db, await world.principal(world.hessen), world.tree.state_a)
    assert [r.thread.id for r in listing.rows] == [thread.id, other.id]
    with pytest.raises(PermissionDenied):
        await moderation.moderate_thread(world.db, await world.principal(world.hessen), thread, world.tree.state_a,
                                         action="unpin", rule="", reason="x")


async def test_moderator_of_another_state_cannot_hide(world: World) -> None:
    await world.factory.grant(world.sachsen, Role.MODERATOR,
                              world.tree.state_b)
    thread = await world.thread(world.hessen, world.tree.state_a, visibility="public")
    post = await world.reply(world.hessen2, thread, "Text")
    with pytest.raises(PermissionDenied):
        await moderation.set_hidden(world.db, await world.principal(world.sachsen), post, thread, world.tree.state_a,
                                    hidden=True, rule="x", reason="y")
    with pytest.raises(Conflict):
        await moderation.set_hidden(world.db, await world.principal(world.moderator), post, thread,
                                    world.tree.state_a, hidden=False, rule="x", reason="y")


async def test_code_of_conduct_versions(world: World, client: AsyncTestClient[Litestar]) -> None:
    await login(client, world.factory, world.hessen)
    assert (await client.get(f"/units/{world.tree.state_a.slug}/code-of-conduct/edit")).status_code == 403
    await login(client, world.factory, world.board)
    empty = await send(client, f"/units/{world.tree.state_a.slug}/code-of-conduct/edit", {"body": ""})
    assert empty.status_code == 422 and 'id="f-body-error"' in empty.text
    for text in ("§ 1 Respekt", "§ 1 Respekt\n\n§ 2 Keine Desinformation"):
        saved = await send(client, f"/units/{world.tree.state_a.slug}/code-of-conduct/edit", {"body": text})
        assert saved.status_code == 200
    assert "Keine Desinformation" in saved.text and "Earlier versions" in saved.text
    below, from_unit = await conduct.current(world.db, world.tree.local_a)
    assert below is not None and below.version == 2 and from_unit == world.tree.state_a.id
    await login(client, world.factory, world.hessen)
    inherited = await client.get(f"/units/{world.tree.local_a.slug}/code-of-conduct")
    assert "the code of Landesverband Hessen applies" in inherited.text
