"""The demo organisation comes with discussions: a pinned public welcome, a members' thread with nested replies
and one hidden post in the public log, and the federal code of conduct."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.demo.data import load_demo
from ballot.discussions.models import CodeOfConduct, ModerationEvent, Post, Thread
from tests.factories import Factory


async def test_demo_discussions(db: AsyncSession, factory: Factory) -> None:
    await load_demo(db, factory.hasher)
    threads = (await db.scalars(select(Thread).order_by(Thread.id))).all()
    assert len(threads) >= 2 and threads[0].pinned and threads[0].visibility.value == "public"
    assert max(p.depth for p in (await db.scalars(select(Post))).all()) == 2
    assert await db.scalar(select(func.count(Post.id)).where(Post.hidden.is_(True))) == 1
    assert [e.action.value for e in (await db.scalars(select(ModerationEvent))).all()] == ["pin", "hide"]
    assert await db.scalar(select(func.count(CodeOfConduct.id))) == 1
