"""Threads and posts: list, read, start, reply, edit with history. Every function checks :mod:`access` first;
a thread the principal may not read is NotFound (its existence is not revealed)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.audit.services import record_event
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.discussions import access
from ballot.discussions.attachments import Upload, store_uploads
from ballot.discussions.models import MAX_DEPTH, Attachment, Post, PostRevision, Thread, Visibility
from ballot.discussions.rendering import render
from ballot.exceptions import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.ratelimit import RateLimiter
from ballot.settings import Settings
from ballot.units.models import Unit

MAX_TITLE = 200
MAX_BODY = 20_000
PER_PAGE = 20
#: Posts per page of a thread (a thread of 2,000 replies renders in pages; see docs/performance.md).
POSTS_PER_PAGE = 100


@dataclass(frozen=True)
class ThreadRow:
    """A thread in a list, with its unit and the author's display name."""

    thread: Thread
    unit: Unit
    author: str


@dataclass(frozen=True)
class ThreadPage:
    """One page of a unit's threads (pinned first, then by last activity)."""

    rows: list[ThreadRow]
    page: int
    pages: int
    total: int


@dataclass
class PostView:
    """A post as the thread page shows it."""

    post: Post
    author: str
    attachments: list[Attachment] = field(default_factory=list)
    is_mine: bool = False


def author_name(name: str | None) -> str:
    """The display name of a post's author (an account deleted since: "Former member")."""
    return name or _("Former member")


_author_name = author_name


def check_text(title: str | None, body: str) -> dict[str, str]:
    """Errors per field for a title (None: no title asked) and a body."""
    errors: dict[str, str] = {}
    if title is not None:
        if not title.strip():
            errors["title"] = _("Please enter a title.")
        elif len(title) > MAX_TITLE:
            errors["title"] = _("The title has at most %(number)s characters.", number=MAX_TITLE)
    if not body.strip():
        errors["body"] = _("Please write something.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("A post has at most %(number)s characters.", number=MAX_BODY)
    return errors


def ensure_logged_in(principal: Principal | None) -> Principal:
    """The principal; NotAuthenticated (a redirect to the login) for visitors."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    return principal


async def list_threads(session: AsyncSession, principal: Principal | None, unit: Unit, page: int = 1) -> ThreadPage:
    """The threads of ``unit`` the principal may read, pinned first, then the most recently active."""
    condition = (Thread.unit_id == unit.id) & access.visible_clause(principal, Unit.path)
    total = int(await session.scalar(
        select(func.count(Thread.id)).join(Unit, Unit.id == Thread.unit_id).where(condition)) or 0)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(1, page), pages)
    rows = (await session.execute(
        select(Thread, Unit, Account.display_name)
        .join(Unit, Unit.id == Thread.unit_id)
        .outerjoin(Account, Account.id == Thread.author_id)
        .where(condition)
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    )).all()
    return ThreadPage([ThreadRow(t, u, _author_name(name)) for t, u, name in rows], page, pages, total)


async def get_thread(session: AsyncSession, principal: Principal | None, thread_id: int) -> tuple[Thread, Unit]:
    """The thread and its unit, when the principal may read it."""
    row = (await session.execute(
        select(Thread, Unit).join(Unit, Unit.id == Thread.unit_id).where(Thread.id == thread_id))).first()
    if row is None or not access.may_read(principal, row[0], row[1]):
        if principal is None:  # visitors log in first, whether the thread exists or not
            raise NotAuthenticated(_("Please log in first."))
        raise NotFound(_("This discussion does not exist."))
    return row[0], row[1]


async def get_post(session: AsyncSession, principal: Principal | None, post_id: int) -> tuple[Post, Thread, Unit]:
    """A post with its thread and unit, when the principal may read the thread."""
    post = await session.get(Post, post_id)
    if post is None:
        raise NotFound(_("This post does not exist."))
    thread, unit = await get_thread(session, principal, post.thread_id)
    return post, thread, unit


@dataclass(frozen=True)
class Outline:
    """A thread's posts in reading order (each post followed by its replies), without their texts: enough to page,
    to count unread posts and to find the page of a post."""

    order: list[int]
    authors: dict[int, int | None]
    hidden: set[int]

    def pages(self) -> int:
        return max(1, math.ceil(len(self.order) / POSTS_PER_PAGE))

    def page_of(self, post_id: int) -> int:
        """The page showing ``post_id`` (1 when it is not in the thread)."""
        try:
            return self.order.index(post_id) // POSTS_PER_PAGE + 1
        except ValueError:
            return 1


async def thread_outline(session: AsyncSession, thread: Thread) -> Outline:
    """Ids, parents, authors and hidden flags of every post (one light query), in reading order."""
    rows = (await session.execute(
        select(Post.id, Post.parent_id, Post.author_id, Post.hidden)
        .where(Post.thread_id == thread.id).order_by(Post.id))).all()
    children: dict[int | None, list[int]] = {}
    for post_id, parent_id, _author, _hidden in rows:
        children.setdefault(parent_id, []).append(post_id)
    order: list[int] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        post_id = stack.pop()
        order.append(post_id)
        stack.extend(reversed(children.get(post_id, [])))
    return Outline(order, {r[0]: r[2] for r in rows}, {r[0] for r in rows if r[3]})


async def thread_posts(session: AsyncSession, principal: Principal | None, thread: Thread, page: int | None = None,
                       outline: Outline | None = None) -> list[PostView]:
    """The thread's posts in reading order: each post followed by its replies (depth first, oldest first); with
    ``page``, only the :data:`POSTS_PER_PAGE` posts of that page (texts are loaded for those only)."""
    outline = outline or await thread_outline(session, thread)
    ids = outline.order
    if page is not None:
        ids = ids[(page - 1) * POSTS_PER_PAGE:page * POSTS_PER_PAGE]
    if not ids:
        return []
    wanted = select(Post, Account.display_name).outerjoin(Account, Account.id == Post.author_id)
    wanted = wanted.where(Post.thread_id == thread.id) if page is None else wanted.where(Post.id.in_(ids))
    rows = (await session.execute(wanted)).all()
    files: dict[int, list[Attachment]] = {}
    attachments = select(Attachment).order_by(Attachment.id)
    attachments = (attachments.join(Post, Post.id == Attachment.post_id).where(Post.thread_id == thread.id)
                   if page is None else attachments.where(Attachment.post_id.in_(ids)))
    for attachment in (await session.scalars(attachments)).all():
        files.setdefault(attachment.post_id, []).append(attachment)
    me = principal.account_id if principal else None
    views = {post.id: PostView(post, _author_name(name), files.get(post.id, []),
                               me is not None and post.author_id == me) for post, name in rows}
    return [views[post_id] for post_id in ids if post_id in views]


async def create_thread(
    session: AsyncSession,
    principal: Principal | None,
    unit: Unit,
    *,
    title: str,
    body: str,
    visibility: str,
    settings: Settings,
    uploads: Sequence[Upload] = (),
    subject: tuple[str, int] | None = None,
    limiter: RateLimiter | None = None,
) -> Thread:
    """Start a thread in ``unit`` with its opening post; ValidationFailed names each bad field."""
    principal = ensure_logged_in(principal)
    if not access.may_start(principal, unit):
        raise PermissionDenied(_("Only members of this unit can start a discussion here."))
    errors = check_text(title, body)
    choices = access.visibility_choices(unit)
    chosen = next((v for v in choices if v.value == visibility), None)
    if chosen is None:
        errors["visibility"] = _("Please choose who can read the discussion.")
    if errors:
        raise ValidationFailed(errors)
    assert chosen is not None
    scope = access.scope_of(unit, chosen)
    if scope is None:
        raise ValidationFailed({"visibility": _("Please choose who can read the discussion.")})
    if limiter is not None:
        limiter.hit(f"account:{principal.account_id}")
    now = utcnow()
    thread = Thread(unit_id=unit.id, scope_unit_id=scope, visibility=chosen, title=title.strip(),
                    author_id=principal.account_id, subject_kind=subject[0] if subject else None,
                    subject_id=subject[1] if subject else None, pinned=False, closed=False, reply_count=0,
                    created_at=now, last_activity_at=now)
    session.add(thread)
    await session.flush()
    post = await _add_post(session, principal, thread, None, body, settings, uploads, title=thread.title)
    record_event(session, "discussions:thread:create", account_id=principal.account_id, unit_id=unit.id,
                 thread=thread.id, post=post.id)
    return thread


async def check_reply(session: AsyncSession, principal: Principal | None, thread: Thread, unit: Unit, *,
                      parent_id: int | None, body: str, limiter: RateLimiter | None = None) -> tuple[Principal, Post]:
    """Everything a reply must pass (reading only): the right to post, the text, the parent (a reply deeper than
    MAX_DEPTH attaches to the deepest allowed ancestor), the rate limit. Returns the principal and the parent."""
    principal = ensure_logged_in(principal)
    if not access.may_post(principal, thread, unit):
        if thread.closed:
            raise PermissionDenied(_("This discussion is closed: no new replies."))
        raise PermissionDenied(_("Only members of this unit can reply here."))
    parent = await session.get(Post, parent_id) if parent_id is not None else await opening_post(session, thread)
    errors = check_text(None, body)
    if parent is None or parent.thread_id != thread.id:
        errors["parent"] = _("The post you are replying to does not exist.")
    if errors:
        raise ValidationFailed(errors)
    assert parent is not None
    while parent.depth >= MAX_DEPTH and parent.parent_id is not None:
        above = await session.get(Post, parent.parent_id)
        if above is None:
            break
        parent = above
    if limiter is not None:
        limiter.hit(f"account:{principal.account_id}")
    return principal, parent


async def reply(
    session: AsyncSession,
    principal: Principal | None,
    thread: Thread,
    unit: Unit,
    *,
    parent_id: int | None,
    body: str,
    settings: Settings,
    uploads: Sequence[Upload] = (),
    limiter: RateLimiter | None = None,
) -> Post:
    """Reply to ``parent_id`` (or to the opening post) in ``session``'s transaction (the web form goes through the
    group commit of :mod:`ballot.discussions.writer` instead, with the same checks)."""
    principal, parent = await check_reply(session, principal, thread, unit, parent_id=parent_id, body=body,
                                          limiter=limiter)
    post = await _add_post(session, principal, thread, parent, body, settings, uploads)
    await session.execute(update(Thread).where(Thread.id == thread.id).values(
        reply_count=Thread.reply_count + 1, last_activity_at=post.created_at))
    await session.refresh(thread)
    return post


async def opening_post(session: AsyncSession, thread: Thread) -> Post | None:
    """The thread's first post."""
    return await session.scalar(
        select(Post).where(Post.thread_id == thread.id, Post.parent_id.is_(None)).order_by(Post.id).limit(1))


async def _add_post(session: AsyncSession, principal: Principal, thread: Thread, parent: Post | None, body: str,
                    settings: Settings, uploads: Sequence[Upload], *, title: str = "") -> Post:
    now = utcnow()
    post = Post(thread_id=thread.id, parent_id=parent.id if parent else None, depth=parent.depth + 1 if parent else 0,
                author_id=principal.account_id, title_text=title, body=body, body_html=render(body), created_at=now,
                revision_count=1, hidden=False, hidden_reason="", hidden_rule="")
    session.add(post)
    await session.flush()
    session.add(PostRevision(post_id=post.id, number=1, title=title, body=body, created_at=now))
    await store_uploads(session, settings, post, uploads)
    await session.flush()
    return post


async def edit_post(session: AsyncSession, principal: Principal | None, post: Post, thread: Thread, unit: Unit, *,
                    body: str, title: str | None = None) -> Post:
    """Change a post (the author only; not when hidden or the thread is closed); the old text stays in the history.
    ``title`` changes the thread's title too (opening post only)."""
    principal = ensure_logged_in(principal)
    if post.author_id != principal.account_id:
        raise PermissionDenied(_("Only the author can edit a post."))
    if post.hidden:
        raise PermissionDenied(_("A hidden post cannot be edited."))
    if thread.closed:
        raise PermissionDenied(_("This discussion is closed: no more edits."))
    is_opening = post.parent_id is None
    errors = check_text(title if is_opening else None, body)
    if errors:
        raise ValidationFailed(errors)
    new_title = title.strip() if is_opening and title is not None else post.title_text
    if body == post.body and new_title == post.title_text:
        return post
    now = utcnow()
    post.revision_count += 1
    session.add(PostRevision(post_id=post.id, number=post.revision_count, title=new_title, body=body, created_at=now))
    post.body, post.body_html, post.title_text, post.edited_at = body, render(body), new_title, now
    if is_opening:
        thread.title = new_title
    record_event(session, "discussions:post:edit", account_id=principal.account_id, unit_id=unit.id, post=post.id)
    await session.flush()
    return post


async def revisions(session: AsyncSession, principal: Principal | None, post: Post) -> list[PostRevision]:
    """Every version of a visible post, newest first (a hidden post's history: the author and moderators only)."""
    _thread, _unit = await get_thread(session, principal, post.thread_id)
    if post.hidden and not (principal and (post.author_id == principal.account_id
                                           or access.may_moderate(principal, _unit))):
        raise NotFound(_("This post was hidden by the moderation."))
    return list((await session.scalars(
        select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.number.desc()))).all())


def visibility_label(visibility: Visibility) -> str:
    """Who can read a thread, in words."""
    return {
        Visibility.UNIT: _("Members of the unit"),
        Visibility.GROUP: _("Members of the group"),
        Visibility.PUBLIC: _("Public"),
    }[visibility]
