"""No post leaks to a member outside the thread's unit or group: through the list, the thread page, replies,
attachments, search and the moderation log; visitors see public threads only."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.discussions import access, services
from ballot.discussions.search import search
from ballot.exceptions import NotFound, PermissionDenied
from tests.discussions.conftest import World, login, send


async def test_unit_thread_reaches_members_below_and_nobody_beside(world: World) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Landesparteitag Hessen",
                                body="Geheimer Plan zur Haushaltsdebatte")
    tree = world.tree
    for account in (world.hessen, world.hessen2, world.moderator, world.board):
        await services.get_thread(world.db, await world.principal(account), thread.id)
    for account in (world.sachsen, world.grouped):
        with pytest.raises(NotFound):
            await services.get_thread(world.db, await world.principal(account), thread.id)
        listing = await services.list_threads(world.db, await world.principal(account), tree.state_a)
        assert listing.rows == []
        assert await search(world.db, await world.principal(account), "Haushaltsdebatte") == []
    assert [h.thread_id for h in await search(world.db, await world.principal(world.hessen2), "Haushaltsdebatte")] \
        == [thread.id]
    assert await search(world.db, None, "Haushaltsdebatte") == []


async def test_group_thread_only_for_the_group(world: World) -> None:
    thread = await world.thread(world.grouped, world.tree.group, title="AG intern", body="Nur für die AG Digitales",
                                visibility="group")
    assert thread.scope_unit_id == world.tree.group.id
    await services.get_thread(world.db, await world.principal(world.grouped), thread.id)
    for account in (world.sachsen, world.hessen, world.moderator):
        with pytest.raises(NotFound):
            await services.get_thread(world.db, await world.principal(account), thread.id)
        assert await search(world.db, await world.principal(account), "Digitales") == []
    assert len(await search(world.db, await world.principal(world.grouped), "Digitales")) == 1


async def test_group_thread_for_the_parent_unit(world: World) -> None:
    thread = await world.thread(world.grouped, world.tree.group, title="AG offen", visibility="unit")
    assert thread.scope_unit_id == world.tree.federal.id
    await services.get_thread(world.db, await world.principal(world.hessen), thread.id)


async def test_only_members_start_threads_and_public_threads_are_read_only_for_outsiders(world: World) -> None:
    with pytest.raises(PermissionDenied):
        await world.thread(world.sachsen, world.tree.state_a)
    with pytest.raises(PermissionDenied):
        await world.thread(world.hessen, world.tree.group)
    public = await world.thread(world.hessen, world.tree.state_a, title="Offene Frage", visibility="public")
    await services.get_thread(world.db, None, public.id)
    unit = world.tree.state_a
    assert access.may_read(await world.principal(world.sachsen), public, unit)
    assert not access.may_post(await world.principal(world.sachsen), public, unit)
    with pytest.raises(PermissionDenied):
        await world.reply(world.sachsen, public, "Ich auch")
    await world.reply(world.hessen2, public, "Antwort aus Kassel")


async def test_pages_hide_the_thread_from_outsiders(world: World, client: AsyncTestClient[Litestar]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Vertraulich Hessen",
                                body="Inhalt nur für Hessen")
    reply = await world.reply(world.hessen2, thread, "Zustimmung aus Kassel")
    await world.factory.commit()
    await login(client, world.factory, world.sachsen)
    for path in (f"/discussions/{thread.id}", f"/discussions/{thread.id}/reply",
                 f"/discussions/posts/{reply.id}/history", f"/discussions/posts/{reply.id}/report",
                 f"/discussions/posts/{reply.id}/edit"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "Vertraulich" not in response.text and "Kassel" not in response.text
    listing = await client.get(f"/units/{world.tree.state_a.slug}/discussions")
    assert listing.status_code == 200 and "Vertraulich" not in listing.text
    found = await client.get("/discussions/search", params={"q": "Inhalt"})
    assert found.status_code == 200 and "Vertraulich" not in found.text
    posted = await send(client, f"/discussions/{thread.id}/reply", {"body": "Eingeschmuggelt"})
    assert posted.status_code == 404
    await login(client, world.factory, world.hessen2)
    page = await client.get(f"/discussions/{thread.id}")
    assert page.status_code == 200 and "Inhalt nur für Hessen" in page.text


async def test_visitors_are_sent_to_the_login_for_members_threads(world: World,
                                                                  client: AsyncTestClient[Litestar]) -> None:
    members_only = await world.thread(world.hessen, world.tree.state_a, title="Intern")
    public = await world.thread(world.hessen, world.tree.state_a, title="Für alle", body="Öffentlich lesbar",
                                visibility="public")
    await world.factory.commit()
    client.cookies.set("lang", "en")
    hidden = await client.get(f"/discussions/{members_only.id}", follow_redirects=False)
    assert hidden.status_code in (302, 303) and hidden.headers["location"].startswith("/login")
    missing = await client.get("/discussions/999999", follow_redirects=False)
    assert missing.status_code == hidden.status_code  # a visitor cannot tell a hidden thread from a missing one
    shown = await client.get(f"/discussions/{public.id}")
    assert shown.status_code == 200 and "Öffentlich lesbar" in shown.text
    listing = await client.get(f"/units/{world.tree.state_a.slug}/discussions")
    assert "Für alle" in listing.text and "Intern" not in listing.text


async def test_attachment_of_a_hidden_thread_is_not_served(world: World, client: AsyncTestClient[Litestar]) -> None:
    await login(client, world.factory, world.hessen)
    response = await send(client, f"/units/{world.tree.state_a.slug}/discussions/new",
                          {"title": "Mit Anhang", "body": "Siehe Datei", "visibility": "unit"},
                          files=[("attachments", ("plan.txt", b"Haushaltsplan 2027", "text/plain"))])
    assert response.status_code == 200, response.text
    link = response.text.split('href="/discussions/attachments/')[1].split('"')[0]
    own = await client.get(f"/discussions/attachments/{link}")
    assert own.status_code == 200 and own.content == b"Haushaltsplan 2027"
    await login(client, world.factory, world.sachsen)
    assert (await client.get(f"/discussions/attachments/{link}")).status_code == 404
