"""Live thread updates: what each viewer's stream renders (read access checked per viewer and per message, hidden
posts as their moderation note), the stream endpoint's access check, and the publishing after a reply."""

from __future__ import annotations

import json

from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot import live
from ballot.discussions import live as discussion_live
from ballot.discussions import moderation
from tests.discussions.conftest import World, login, send


def _render(app: Litestar, world: World, principal: object, thread_id: int):  # type: ignore[no-untyped-def]
    return discussion_live.renderer(app.state, app.template_engine.engine, principal, thread_id, "en")  # type: ignore[arg-type]


async def test_new_post_is_rendered_for_readers_only(app: Litestar, world: World) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Hessen intern")
    reply = await world.reply(world.hessen2, thread, "Eine <script>alert(1)</script> **Antwort**")
    await world.factory.commit()
    message = json.dumps({"post": reply.id, "kind": "new"})
    html = await _render(app, world, await world.principal(world.hessen), thread.id)(message)
    assert html is not None
    assert 'hx-swap-oob="beforeend:#live-posts"' in html and f'id="post-{reply.id}"' in html
    assert "<strong>Antwort</strong>" in html and "<script>" not in html
    assert "New reply by" in html
    assert await _render(app, world, await world.principal(world.sachsen), thread.id)(message) is None
    assert await _render(app, world, None, thread.id)(message) is None
    # a new post the page showed already (up to ``after``) is not added again; a change to it still comes
    render_after = discussion_live.renderer(app.state, app.template_engine.engine,  # type: ignore[union-attr]
                                            await world.principal(world.hessen), thread.id, "en", after=reply.id)
    assert await render_after(message) is None
    assert await render_after(json.dumps({"post": reply.id, "kind": "changed"})) is not None
    # a post id of another thread, or garbage, renders nothing
    other = await world.thread(world.hessen, world.tree.state_a, title="Anderes")
    await world.factory.commit()
    assert await _render(app, world, await world.principal(world.hessen), other.id)(message) is None
    assert await _render(app, world, await world.principal(world.hessen), thread.id)("not json") is None


async def test_hidden_post_update_shows_the_note_not_the_text(app: Litestar, world: World) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a)
    reply = await world.reply(world.hessen2, thread, "Beleidigender Satz")
    unit = world.tree.state_a
    await moderation.set_hidden(world.db, await world.principal(world.moderator), reply, thread, unit, hidden=True,
                                rule="§ 2 Respekt", reason="Beleidigung")
    await world.factory.commit()
    message = json.dumps({"post": reply.id, "kind": "changed"})
    reader = await _render(app, world, await world.principal(world.hessen), thread.id)(message)
    assert reader is not None and 'hx-swap-oob="outerHTML"' in reader
    assert "Beleidigung" in reader and "Beleidigender Satz" not in reader
    author = await _render(app, world, await world.principal(world.hessen2), thread.id)(message)
    assert author is not None and "Beleidigender Satz" in author  # the author may unfold their hidden text


async def test_stream_endpoint_checks_read_access(world: World, client: AsyncTestClient[Litestar]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Vertraulich")
    await world.factory.commit()
    await login(client, world.factory, world.sachsen)
    assert (await client.get(f"/discussions/{thread.id}/live")).status_code == 404
    page = await client.get(f"/discussions/{thread.id}")
    assert page.status_code == 404


async def test_thread_page_connects_and_reply_is_published(app: Litestar, world: World,
                                                           client: AsyncTestClient[Litestar]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a)
    await world.factory.commit()
    await login(client, world.factory, world.hessen2)
    page = await client.get(f"/discussions/{thread.id}")
    assert f'sse-connect="/discussions/{thread.id}/live?after=' in page.text
    assert "/static/vendor/htmx-ext-sse/sse.min.js" in page.text
    assert (await client.get("/static/vendor/htmx-ext-sse/sse.min.js")).status_code == 200
    async with live.subscribe(app.state, discussion_live.channel(thread.id)) as events:
        response = await send(client, f"/discussions/{thread.id}/reply", {"body": "Live!", "parent": ""},
                              page=f"/discussions/{thread.id}")
        assert response.status_code == 200 and "Live!" in response.text
        message = json.loads(await anext(events))
    assert message["kind"] == "new"
    html = await _render(app, world, await world.principal(world.hessen), thread.id)(json.dumps(message))
    assert html is not None and "Live!" in html
