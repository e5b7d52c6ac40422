"""Comments anchored to a line: stored as posts of the motion's discussion thread, shown beside their paragraph
(without JS), errors beside the fields, hidden posts and other versions left out."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from ballot.discussions.models import Post, Thread
from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.motions import comments, drafting, steps
from ballot.motions.lines import number_lines
from ballot.motions.models import CommentAnchor
from tests.motions.conftest import BODY, World, login, send


async def test_comment_is_a_post_of_the_motion_thread_beside_its_paragraph(client: AsyncTestClient[Litestar],
                                                                             world: World) -> None:
    motion = await world.motion()
    await steps.move(world.db, await world.p(world.initiator), await world.ref(motion, world.initiator), "submitted")
    await world.factory.commit()
    last_line = len(number_lines(BODY, world.consultation.line_length))
    await login(client, world.factory, world.woman)
    page = f"/motions/{motion.id}"
    bad = await send(client, f"{page}/comments", {"line": "999", "comment": ""}, page=page)
    assert bad.status_code == 422
    assert 'id="f-line-error"' in bad.text and 'id="f-comment-error"' in bad.text
    first = await send(client, f"{page}/comments", {"line": str(last_line), "comment": "Woher kommt das Geld?"},
                       page=page)
    assert first.status_code == 200
    await login(client, world.factory, world.man)
    await send(client, f"{page}/comments", {"line": "1", "comment": "Guter Anfang."}, page=page)
    shown = (await client.get(page)).text
    # each comment sits after its own paragraph: the first paragraph's comment before line 2's paragraph text
    first_para = shown.index("Guter Anfang.")
    assert shown.index('id="line-1"') < first_para < shown.index("Dazu fordern wir")
    assert shown.index(f'id="line-{last_line}"') < shown.index("Woher kommt das Geld?")
    assert re.search(r"Line 1</strong> · Max Maurer: Guter Anfang\.", shown)
    threads = (await world.db.scalars(select(Thread).where(Thread.subject_kind == "motion",
                                                            Thread.subject_id == motion.id))).all()
    assert len(threads) == 1  # the first comment opened the thread, the second replied in it
    posts = (await world.db.scalars(select(Post).where(Post.thread_id == threads[0].id).order_by(Post.id))).all()
    assert [p.body for p in posts] == ["Woher kommt das Geld?", "Guter Anfang."]
    anchors = (await world.db.scalars(select(CommentAnchor).order_by(CommentAnchor.line))).all()
    assert [(a.line, a.version) for a in anchors] == [(1, 1), (last_line, 1)]


async def test_hidden_and_outdated_comments_are_not_shown(world: World) -> None:
    motion = await world.motion()
    ref = await world.ref(motion, world.initiator)
    post = await comments.add_comment(world.db, await world.p(world.woman), ref, line=1, body="Versteckt",
                                      settings=world.factory.settings)
    await comments.add_comment(world.db, await world.p(world.woman), ref, line=2, body="Alt",
                               settings=world.factory.settings)
    post.hidden = True
    await drafting.edit_motion(world.db, await world.p(world.initiator), ref, base_version=1, title="Neu",
                               body=BODY + "\n\nNeuer Absatz.", reason="")
    current = await drafting.version(world.db, motion)
    lines = number_lines(current.body, world.consultation.line_length)
    assert await comments.comments_by_paragraph(world.db, await world.p(world.man), ref, current, lines) == {}
    first = await drafting.version(world.db, motion, 1)
    old = await comments.comments_by_paragraph(world.db, await world.p(world.man), ref, first,
                                               number_lines(first.body, world.consultation.line_length))
    assert [c.body for group in old.values() for c in group] == ["Alt"]


async def test_only_members_of_the_unit_comment(world: World) -> None:
    motion = await world.motion()
    ref = await world.ref(motion)
    with pytest.raises(PermissionDenied):
        await comments.add_comment(world.db, await world.p(world.outsider), ref, line=1, body="Hallo",
                                   settings=world.factory.settings)
    with pytest.raises(ValidationFailed):
        await comments.add_comment(world.db, await world.p(world.woman), ref, line=0, body="Hallo",
                                   settings=world.factory.settings)
