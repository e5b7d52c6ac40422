"""Threads and replies through the pages: nesting, quoting, edits with history, attachments, bad input beside
the fields, and the posting rate limit."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from ballot.discussions import services
from ballot.discussions.models import MAX_DEPTH, Post, PostRevision
from ballot.exceptions import PermissionDenied, ValidationFailed
from tests.discussions.conftest import World, login, send


async def test_replies_nest_to_the_maximum_depth(world: World) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a)
    parent = None
    depths = []
    for i in range(MAX_DEPTH + 2):
        parent = await world.reply(world.hessen2, thread, f"Ebene {i}", parent)
        depths.append(parent.depth)
    assert depths == [1, 2, 3, 3, 3]
    posts = await services.thread_posts(world.db, await world.principal(world.hessen), thread)
    assert [v.post.depth for v in posts] == [0, 1, 2, 3, 3, 3]
    assert thread.reply_count == MAX_DEPTH + 2


async def test_reading_order_is_depth_first(world: World) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a)
    a = await world.reply(world.hessen2, thread, "A")
    b = await world.reply(world.hessen2, thread, "B")
    a1 = await world.reply(world.hessen, thread, "A1", a)
    order = [v.post.id for v in await services.thread_posts(world.db, None, thread) if v.post.parent_id]
    assert order == [a.id, a1.id, b.id]


async def test_edit_keeps_every_version(world: World, client: AsyncTestClient[Litestar]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Alter Titel", body="Erste Fassung")
    await world.factory.commit()
    opening = await services.opening_post(world.db, thread)
    assert opening is not None
    await login(client, world.factory, world.hessen)
    saved = await send(client, f"/discussions/posts/{opening.id}/edit",
                       {"title": "Neuer Titel", "body": "Zweite Fassung"})
    assert saved.status_code == 200 and "Neuer Titel" in saved.text and "edited (2 versions)" in saved.text
    history = await client.get(f"/discussions/posts/{opening.id}/history")
    assert "Erste Fassung" in history.text and "Zweite Fassung" in history.text and "Alter Titel" in history.text
    await login(client, world.factory, world.hessen2)
    assert (await client.get(f"/discussions/posts/{opening.id}/edit")).status_code == 403
    refused = await send(client, f"/discussions/posts/{opening.id}/edit", {"title": "X", "body": "Übernommen"})
    assert refused.status_code == 403
    async with client.app.state.db_factory() as session:
        bodies = (await session.scalars(select(PostRevision.body).where(PostRevision.post_id == opening.id)
                                        .order_by(PostRevision.number))).all()
    assert bodies == ["Erste Fassung", "Zweite Fassung"]


async def test_reply_with_quote_and_htmx_partial(world: World, client: AsyncTestClient[Litestar]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, body="Wir brauchen mehr Radwege.")
    first = await world.reply(world.hessen2, thread, "Da stimme ich zu.")
    await world.factory.commit()
    await login(client, world.factory, world.hessen)
    form = await client.get(f"/discussions/{thread.id}/reply", params={"to": first.id, "quote": "1"})
    assert form.status_code == 200 and "&gt; Da stimme ich zu." in form.text and "<html" in form.text
    partial = await client.get(f"/discussions/{thread.id}/reply", params={"to": first.id},
                               headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.text and 'name="parent"' in partial.text
    posted = await send(client, f"/discussions/{thread.id}/reply",
                        {"parent": str(first.id), "body": "> Da stimme ich zu.\n\nIch auch."})
    assert posted.status_code == 200 and "<blockquote>" in posted.text and "Ich auch." in posted.text


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"title": "", "body": "Text", "visibility": "unit"}, "title", "Please enter a title."),
    ({"title": "x" * 201, "body": "Text", "visibility": "unit"}, "title", "at most 200 characters"),
    ({"title": "Titel", "body": "   ", "visibility": "unit"}, "body", "Please write something."),
    ({"title": "Titel", "body": "x" * 20001, "visibility": "unit"}, "body", "at most 20000 characters"),
    ({"title": "Titel", "body": "Text", "visibility": "everyone"}, "visibility", "Please choose who can read"),
    ({"title": "Titel", "body": "Text", "visibility": "group"}, "visibility", "Please choose who can read"),
    ({"title": ["a", "b"], "body": "Text"}, "visibility", "Please choose who can read"),
])
async def test_bad_thread_input_errors_beside_fields(world: World, client: AsyncTestClient[Litestar],
                                                     data: dict[str, object], field: str, message: str) -> None:
    await login(client, world.factory, world.hessen)
    response = await send(client, f"/units/{world.tree.state_a.slug}/discussions/new", data)  # type: ignore[arg-type]
    assert response.status_code == 422
    assert f'id="f-{field}-error"' in response.text and message in response.text
    async with client.app.state.db_factory() as session:
        assert (await session.scalars(select(Post))).all() == []


@pytest.mark.parametrize("parent", ["abc", "-1", "1.5", "99999999"])
async def test_bad_reply_parent(world: World, client: AsyncTestClient[Litestar], parent: str) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a)
    await world.factory.commit()
    await login(client, world.factory, world.hessen2)
    response = await send(client, f"/discussions/{thread.id}/reply", {"parent": parent, "body": "Hallo"})
    assert response.status_code == 422 and "The post you are replying to does not exist." in response.text


async def test_empty_reply_errors_beside_field(world: World, client: AsyncTestClient[Litestar]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a)
    await world.factory.commit()
    await login(client, world.factory, world.hessen2)
    response = await send(client, f"/discussions/{thread.id}/reply", {"body": ""})
    assert response.status_code == 422 and 'id="f-body-main-error"' in response.text


@pytest.mark.parametrize(("name", "content", "message"), [
    ("evil.html", b"<script>alert(1)</script>", "this file type is not allowed"),
    ("fake.pdf", b"<html>not a pdf</html>", "does not look like a PDF file"),
    ("big.txt", b"x" * 2001, "is too large"),
    ("binary.txt", b"\xff\xfe\x00", "is not a UTF-8 text file"),
    ("empty.png", b"", "is empty"),
])
async def test_attachment_limits(world: World, client: AsyncTestClient[Litestar], name: str, content: bytes,
                                 message: str) -> None:
    await login(client, world.factory, world.hessen)
    response = await send(client, f"/units/{world.tree.state_a.slug}/discussions/new",
                          {"title": "Anhang", "body": "Text", "visibility": "unit"},
                          files=[("attachments", (name, content, "application/octet-stream"))])
    assert response.status_code == 422 and message in response.text
    assert 'id="f-attachments-error"' in response.text


async def test_attachment_served_as_download(world: World, client: AsyncTestClient[Litestar]) -> None:
    await login(client, world.factory, world.hessen)
    pdf = b"%PDF-1.4\n%%EOF\n"
    response = await send(client, f"/units/{world.tree.state_a.slug}/discussions/new",
                          {"title": "Protokoll", "body": "Anbei", "visibility": "unit"},
                          files=[("attachments", ("../../Protokoll März.pdf", pdf, "text/html"))])
    assert response.status_code == 200
    link = response.text.split('href="/discussions/attachments/')[1].split('"')[0]
    download = await client.get(f"/discussions/attachments/{link}")
    assert download.content == pdf
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "Protokoll%20M%C3%A4rz.pdf" in download.headers["content-disposition"]
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in download.headers["content-security-policy"]


async def test_posting_rate_limit(world: World, client: AsyncTestClient[Litestar]) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a)
    await world.factory.commit()
    await login(client, world.factory, world.hessen2)
    for i in range(5):
        ok = await send(client, f"/discussions/{thread.id}/reply", {"body": f"Beitrag {i}"})
        assert ok.status_code == 200
    refused = await send(client, f"/discussions/{thread.id}/reply", {"body": "Einer zu viel"})
    assert refused.status_code == 429
    assert "Too many attempts. Please wait" in refused.text and "Einer zu viel" in refused.text  # text kept
    await login(client, world.factory, world.hessen)  # the limit is per account
    assert (await send(client, f"/discussions/{thread.id}/reply", {"body": "Andere Person"})).status_code == 200


async def test_closed_thread_refuses_replies_and_edits(world: World) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a)
    thread.closed = True
    with pytest.raises(PermissionDenied, match="closed"):
        await world.reply(world.hessen2, thread, "Noch was")
    opening = await services.opening_post(world.db, thread)
    assert opening is not None
    with pytest.raises(PermissionDenied):
        await services.edit_post(world.db, await world.principal(world.hessen), opening, thread,
                                 world.tree.state_a, body="Neu")
    with pytest.raises(ValidationFailed):
        await services.create_thread(world.db, await world.principal(world.hessen), world.tree.state_a, title="",
                                     body="", visibility="unit", settings=world.settings)
