"""Live thread pages: after a reply, an edit or a moderation decision is committed, the post's id goes out on the
thread's channel (:mod:`ballot.live`); every open page of the thread gets the post rendered for its own viewer
(read access checked again per message), as an htmx out-of-band swap: a new post is appended, a changed one replaced."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from jinja2 import Environment
from litestar.datastructures import State
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot import live
from ballot.accounts.models import Account
from ballot.authz.principal import Principal
from ballot.discussions import access
from ballot.discussions.models import Attachment, Post, Thread
from ballot.i18n import use_locale
from ballot.units.models import Unit

log = logging.getLogger(__name__)

NEW = "new"
CHANGED = "changed"
FRAGMENT = "discussions/_live.html"


def channel(thread_id: int) -> str:
    """The live channel of a thread."""
    return f"discussion:{thread_id}"


async def announce(state: State, session: AsyncSession, post: Post, kind: str) -> None:
    """Commit ``session`` (so other workers can read the post), then tell the thread's open pages. A failure to
    publish is logged, never raised: the post is stored, and a reload shows it."""
    thread_id, post_id = post.thread_id, post.id
    await session.commit()
    try:
        await live.publish(state, channel(thread_id), json.dumps({"post": post_id, "kind": kind}))
    except Exception as exc:
        log.warning("discussions: live update for post %s not sent (%s)", post_id, type(exc).__name__)


def renderer(state: State, env: Environment, principal: Principal | None, thread_id: int, locale: str,
             after: int = 0) -> Callable[[str], Awaitable[str | None]]:
    """The SSE ``render`` callback of one viewer: the posts of a message (``{"post": id}`` or ``{"posts": [ids]}``)
    as that viewer may see them, or None when there is nothing they may see. New posts up to ``after`` (the highest
    id when the page was rendered) are skipped: the page has them already (the stream may start before the message
    of a post the page already shows arrives)."""
    template = env.get_template(FRAGMENT)

    async def render(data: str) -> str | None:
        try:
            message = json.loads(data)
            ids = [int(p) for p in message["posts"]] if "posts" in message else [int(message["post"])]
            kind = str(message["kind"])
        except (ValueError, KeyError, TypeError):
            return None
        if kind == NEW:
            ids = [post_id for post_id in ids if post_id > after]
        async with state.db_factory() as session:
            contexts = [await fragment_context(session, principal, thread_id, post_id) for post_id in ids[:200]]
        with use_locale(locale):
            parts = [template.render(kind=kind, **context) for context in contexts if context is not None]
        return "".join(parts) or None

    return render


async def fragment_context(session: AsyncSession, principal: Principal | None, thread_id: int, post_id: int
                           ) -> dict[str, Any] | None:
    """What ``_post.html`` needs for one post, or None when the viewer may not read it."""
    row = (await session.execute(
        select(Post, Thread, Unit, Account.display_name).join(Thread, Thread.id == Post.thread_id)
        .join(Unit, Unit.id == Thread.unit_id).outerjoin(Account, Account.id == Post.author_id)
        .where(Post.id == post_id, Post.thread_id == thread_id))).first()
    if row is None:
        return None
    post, thread, unit, name = row
    if not access.may_read(principal, thread, unit):
        return None
    from ballot.discussions.services import PostView, author_name

    files = list((await session.scalars(
        select(Attachment).where(Attachment.post_id == post.id).order_by(Attachment.id))).all())
    mine = principal is not None and post.author_id == principal.account_id
    return {"view": PostView(post, author_name(name), files, mine), "thread": thread, "unit": unit,
            "principal": principal, "can_reply": access.may_post(principal, thread, unit),
            "is_moderator": access.may_moderate(principal, unit)}
