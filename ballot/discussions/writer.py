"""Group commit for replies from the web form: replies that arrive while a batch is being written wait, and the next
batch stores them all in one transaction with one durable commit (on SQLite every commit is an fsync and writers take
turns; one by one, 50 members posting at once would queue for the lock). The first waiting reply leads (writes the
batch), the others wait for their result; the write runs shielded, so a client that goes away cannot cut a batch
short. The checks (:func:`ballot.discussions.services.check_reply`) ran before, in the request; the batch's live
updates are staged in its transaction (:func:`ballot.live.publish_on_commit`), so they go out exactly when the posts
are readable. When a batch fails as a whole, its replies are written one by one, so one bad reply fails alone."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from litestar.datastructures import State
from sqlalchemy import select, update

from ballot import live
from ballot.db import utcnow
from ballot.discussions import live as discussion_live
from ballot.discussions.attachments import Upload, store_uploads
from ballot.discussions.models import (
    NotificationPreference,
    NotifyMode,
    Post,
    PostRevision,
    Thread,
    ThreadSubscription,
)
from ballot.discussions.rendering import render

log = logging.getLogger(__name__)

#: At most this many replies per transaction.
MAX_BATCH = 200


@dataclass
class Draft:
    """A checked reply waiting to be stored; ``future`` gets its post id."""

    thread_id: int
    parent_id: int
    depth: int
    author_id: int
    body: str
    uploads: Sequence[Upload] = ()
    future: asyncio.Future[Stored] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


@dataclass(frozen=True)
class Stored:
    """A committed reply: its id, and whether anyone follows its thread with immediate mail (then the caller
    schedules :func:`ballot.discussions.notifications.notify_new_post`; otherwise there is nothing to send)."""

    post_id: int
    notify: bool


class ReplyWriter:
    """One per app worker (and event loop): the queue of drafts and the lock that makes one batch at a time."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.waiting: list[Draft] = []
        self.lock = asyncio.Lock()

    async def add(self, draft: Draft) -> Stored:
        """Store ``draft`` (in this or a later batch); returns the new post once it is committed."""
        self.waiting.append(draft)
        async with self.lock:
            if not draft.future.done() and draft in self.waiting:
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                await asyncio.shield(asyncio.ensure_future(self._commit(batch)))
        return await draft.future

    async def _commit(self, batch: list[Draft]) -> None:
        try:
            await live.prepare(self.state)
            await self._write(batch)
        except Exception as exc:  # retried one by one below: each failure goes to its own reply
            if len(batch) == 1:
                if not batch[0].future.done():
                    batch[0].future.set_exception(exc)
                return
            log.warning("discussions: a batch of %s replies failed (%s), storing them one by one", len(batch),
                        type(exc).__name__)
            for draft in batch:
                await self._commit([draft])

    async def _write(self, batch: list[Draft]) -> None:
        settings = self.state.settings
        now = utcnow()
        async with self.state.db_factory() as session:
            posts = []
            for draft in batch:
                posts.append(Post(thread_id=draft.thread_id, parent_id=draft.parent_id, depth=draft.depth,
                                  author_id=draft.author_id, title_text="", body=draft.body,
                                  body_html=render(draft.body), created_at=now, revision_count=1, hidden=False,
                                  hidden_reason="", hidden_rule=""))
            session.add_all(posts)  # the first statement writes: SQLite's write lock from the start
            await session.flush()
            session.add_all([PostRevision(post_id=post.id, number=1, title="", body=post.body, created_at=now)
                             for post in posts])
            for post, draft in zip(posts, batch, strict=True):
                await store_uploads(session, settings, post, draft.uploads)
            by_thread: dict[int, list[int]] = {}
            for post in posts:
                by_thread.setdefault(post.thread_id, []).append(post.id)
            for thread_id, ids in sorted(by_thread.items()):
                await session.execute(update(Thread).where(Thread.id == thread_id).values(
                    reply_count=Thread.reply_count + len(ids), last_activity_at=now))
                await live.publish_on_commit(self.state, session, discussion_live.channel(thread_id),
                                             json.dumps({"posts": ids[:200], "kind": discussion_live.NEW}))
            followed = set((await session.scalars(
                select(ThreadSubscription.thread_id).distinct()
                .join(NotificationPreference, NotificationPreference.account_id == ThreadSubscription.account_id)
                .where(ThreadSubscription.thread_id.in_(sorted(by_thread)),
                       NotificationPreference.mode == NotifyMode.IMMEDIATE))).all())
            await session.commit()
        for post, draft in zip(posts, batch, strict=True):
            if not draft.future.done():
                draft.future.set_result(Stored(post.id, post.thread_id in followed))


def writer_of(state: State) -> ReplyWriter:
    """The worker's reply writer (created on first use)."""
    writer: ReplyWriter | None = state.get("discussion_writer")
    if writer is None:
        writer = state["discussion_writer"] = ReplyWriter(state)
    return writer
