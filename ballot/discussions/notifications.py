"""Notification mails: at once for each new post (members who chose "immediately"), or one daily digest (members
who chose the digest; run by ``ballot maintenance run-due``). What a recipient may read is checked when the mail is
sent, with their current rights; hidden posts are never mailed. Every mail carries a one-click unsubscribe link
and the RFC 8058 headers.

The digest covers, per member, the posts between their watermark (``digest_until``) and the latest digest time
(:data:`DIGEST_HOUR` o'clock, Berlin time). A run first moves the watermark (a conditional update: two runs at once
never both send), then sends; a refused mail moves it back, so the next run tries again. Running twice is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ballot.accounts.models import Account
from ballot.authz.loader import load_principal
from ballot.authz.principal import Principal
from ballot.discussions import access
from ballot.discussions.models import (
    NotificationPreference,
    NotifyMode,
    Post,
    Thread,
    ThreadSubscription,
    UnitSubscription,
)
from ballot.discussions.unsubscribe import list_headers, unsubscribe_url
from ballot.exceptions import BallotError
from ballot.i18n import gettext, use_locale
from ballot.mail.mailer import render_mail, send_mail
from ballot.settings import Settings
from ballot.units.models import Unit

log = logging.getLogger(__name__)

#: The digest goes out once a day, covering everything up to this hour (Europe/Berlin).
DIGEST_HOUR = 6
BERLIN = ZoneInfo("Europe/Berlin")
EXCERPT_CHARS = 600
DIGEST_POSTS_PER_THREAD = 5


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a post's text for a plain-text mail."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def _link(settings: Settings, thread_id: int, post_id: int | None = None) -> str:
    return f"{settings.base_url}/discussions/{thread_id}" + (f"#post-{post_id}" if post_id else "")


# --- immediately ----------------------------------------------------------------------------------------------


async def immediate_recipients(session: AsyncSession, post: Post | None, thread_id: int, unit_id: int,
                               opening: bool) -> list[tuple[int, str]]:
    """(account, scope) for every follower who chose immediate mail: of the thread for a reply, of the unit for a new
    thread. The author is left out (known from ``post``; without it, by a subquery)."""
    if opening:
        column = UnitSubscription.account_id
        query = select(column).where(UnitSubscription.unit_id == unit_id)
        scope = f"unit:{unit_id}"
    else:
        column = ThreadSubscription.account_id
        query = select(column).where(ThreadSubscription.thread_id == thread_id)
        scope = f"thread:{thread_id}"
    query = query.join(NotificationPreference, NotificationPreference.account_id == column).where(
        NotificationPreference.mode == NotifyMode.IMMEDIATE)
    if post is not None and post.author_id is not None:
        query = query.where(column != post.author_id)
    return [(int(account_id), scope) for account_id in (await session.scalars(query.order_by(column))).all()]


async def notify_new_post(factory: async_sessionmaker[AsyncSession], settings: Settings, post_id: int) -> int:
    """Mail a new post to its immediate followers (after the response; failures are logged). Returns the mails sent.
    Costs one query when nobody chose immediate mail for it."""
    sent = 0
    try:
        async with factory() as session:
            row = (await session.execute(
                select(Post, Thread, Unit).join(Thread, Thread.id == Post.thread_id)
                .join(Unit, Unit.id == Thread.unit_id).where(Post.id == post_id))).first()
            if row is None:
                return 0
            post, thread, unit = row
            recipients = await immediate_recipients(session, post, thread.id, unit.id, post.parent_id is None)
            if not recipients:
                return 0
            author = (await session.scalar(select(Account.display_name).where(Account.id == post.author_id))
                      if post.author_id else None) or gettext("Former member")
        for account_id, scope in recipients:
            async with factory() as session:
                current = await session.get(Post, post_id)  # hidden meanwhile? then nobody gets it
                if current is None or current.hidden:
                    return sent
                principal = await load_principal(session, account_id)
                if principal is None or not access.may_read(principal, thread, unit):
                    continue
                await _send_post_mail(session, settings, principal, current, thread, unit, author, scope)
                await session.commit()
                sent += 1
    except (BallotError, OSError) as exc:
        log.warning("discussions: notification for post %s stopped (%s)", post_id, type(exc).__name__)
    return sent


async def _send_post_mail(session: AsyncSession, settings: Settings, principal: Principal, post: Post,
                          thread: Thread, unit: Unit, author: str, scope: str) -> None:
    url = unsubscribe_url(settings.base_url, settings.secret_key, principal.account_id, scope)
    locale = principal.locale or settings.default_locale
    new_thread = post.parent_id is None
    body = render_mail(settings, "discussion_post.txt", locale, name=principal.display_name, author=author,
                       title=thread.title, unit=unit.name, new_thread=new_thread, text=excerpt(post.body),
                       link=_link(settings, thread.id, post.id), unsubscribe=url,
                       settings_link=f"{settings.base_url}/me/discussions")
    with use_locale(locale):
        subject = (gettext("New discussion in %(unit)s: %(title)s", unit=unit.name, title=thread.title) if new_thread
                   else gettext("New reply: %(title)s", title=thread.title))
    await send_mail(session, settings, principal.email, subject[:300], body, headers=list_headers(url))


# --- daily digest ---------------------------------------------------------------------------------------------


def digest_cutoff(now: datetime) -> datetime:
    """The latest digest time at or before ``now`` (DIGEST_HOUR o'clock in Berlin), in UTC."""
    local = now.astimezone(BERLIN)
    cutoff = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if cutoff > local:
        cutoff = (local - timedelta(days=1)).replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return cutoff.astimezone(now.tzinfo)


@dataclass
class DigestRun:
    """What one run did: digests sent, members with nothing new, members whose mail failed (retried next run)."""

    sent: int = 0
    empty: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class DigestThread:
    """One followed thread in a digest: the first few new posts (with author names) and how many there are."""

    thread: Thread
    unit: Unit
    posts: list[tuple[Post, str]] = field(default_factory=list)
    total: int = 0
    new_thread: bool = False


async def digest_items(session: AsyncSession, principal: Principal, since: datetime, until: datetime
                       ) -> list[DigestThread]:
    """What is new for ``principal`` in (since, until]: replies in followed threads, new threads in followed units;
    only what they may read now, never hidden posts, never their own."""
    followed_threads = select(ThreadSubscription.thread_id).where(ThreadSubscription.account_id == principal.account_id)
    followed_units = select(UnitSubscription.unit_id).where(UnitSubscription.account_id == principal.account_id)
    rows = (await session.execute(
        select(Post, Thread, Unit, Account.display_name)
        .join(Thread, Thread.id == Post.thread_id).join(Unit, Unit.id == Thread.unit_id)
        .outerjoin(Account, Account.id == Post.author_id)
        .where(Post.created_at > since, Post.created_at <= until, Post.hidden.is_(False),
               (Post.author_id.is_(None)) | (Post.author_id != principal.account_id),
               ((Post.parent_id.is_not(None)) & Post.thread_id.in_(followed_threads))
               | ((Post.parent_id.is_(None)) & Thread.unit_id.in_(followed_units)))
        .order_by(Post.thread_id, Post.id))).all()
    grouped: dict[int, DigestThread] = {}
    for post, thread, unit, name in rows:
        if not access.may_read(principal, thread, unit):
            continue
        item = grouped.setdefault(thread.id, DigestThread(thread, unit))
        item.new_thread = item.new_thread or post.parent_id is None
        item.total += 1
        if len(item.posts) < DIGEST_POSTS_PER_THREAD:
            item.posts.append((post, name or gettext("Former member")))
    return list(grouped.values())


async def run_digests(session: AsyncSession, settings: Settings, now: datetime) -> DigestRun:
    """Send every due daily digest (commits per member)."""
    cutoff = digest_cutoff(now)
    run = DigestRun()
    due = (await session.execute(
        select(NotificationPreference.account_id, NotificationPreference.digest_until)
        .where(NotificationPreference.mode == NotifyMode.DIGEST,
               (NotificationPreference.digest_until.is_(None)) | (NotificationPreference.digest_until < cutoff))
        .order_by(NotificationPreference.account_id))).all()
    for account_id, since in due:
        claimed = await session.execute(
            update(NotificationPreference).where(
                NotificationPreference.account_id == account_id, NotificationPreference.mode == NotifyMode.DIGEST,
                NotificationPreference.digest_until.is_(None) if since is None
                else NotificationPreference.digest_until == since)
            .values(digest_until=cutoff))
        await session.commit()
        if not claimed.rowcount:  # type: ignore[attr-defined]  # another run took this member
            continue
        try:
            if await _send_digest(session, settings, account_id, since or cutoff - timedelta(days=1), cutoff):
                run.sent += 1
            else:
                run.empty += 1
            await session.commit()
        except BallotError as exc:
            await session.rollback()
            await session.execute(update(NotificationPreference).where(
                NotificationPreference.account_id == account_id, NotificationPreference.digest_until == cutoff)
                .values(digest_until=since))
            await session.commit()
            run.failed += 1
            run.errors.append(exc.message or type(exc).__name__)
            log.warning("discussions: digest for account %s not sent (%s)", account_id, type(exc).__name__)
    return run


async def _send_digest(session: AsyncSession, settings: Settings, account_id: int, since: datetime,
                       until: datetime) -> bool:
    principal = await load_principal(session, account_id)
    if principal is None:
        return False
    items = await digest_items(session, principal, since, until)
    if not items:
        return False
    url = unsubscribe_url(settings.base_url, settings.secret_key, account_id, "all")
    locale = principal.locale or settings.default_locale
    threads = [{"title": item.thread.title, "unit": item.unit.name, "total": item.total, "new_thread": item.new_thread,
                "link": _link(settings, item.thread.id, item.posts[0][0].id if item.posts else None),
                "posts": [{"author": name, "text": excerpt(post.body, 300)} for post, name in item.posts]}
               for item in items]
    body = render_mail(settings, "discussion_digest.txt", locale, name=principal.display_name, threads=threads,
                       unsubscribe=url, settings_link=f"{settings.base_url}/me/discussions")
    with use_locale(locale):
        subject = gettext("Discussions: what is new (%(count)s)", count=sum(t["total"] for t in threads))
    await send_mail(session, settings, principal.email, subject, body, headers=list_headers(url))
    return True


def describe(run: DigestRun) -> Sequence[str]:
    """Lines for the CLI."""
    return [f"discussion digests: {run.sent} sent, {run.empty} with nothing new, {run.failed} failed"]
