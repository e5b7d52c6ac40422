"""Subscriptions (a thread, or every new thread of a unit), each member's notification choice, and read markers
("3 new", jump to the first unread post). Only members who may read a thread can follow it; following a unit
needs read access to at least its unit-wide threads (membership) or moderation there."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.discussions import access
from ballot.discussions.models import (
    NotificationPreference,
    NotifyMode,
    Post,
    Thread,
    ThreadRead,
    ThreadSubscription,
    UnitSubscription,
)
from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.units.models import Unit

#: The choice of a member who never chose (they subscribed to something, so they want to hear of it, once a day).
DEFAULT_MODE = NotifyMode.DIGEST


async def preference(session: AsyncSession, account_id: int) -> NotificationPreference:
    """The member's choice (the default, not stored, when they never chose)."""
    found = await session.get(NotificationPreference, account_id)
    if found is not None:
        return found
    return NotificationPreference(account_id=account_id, mode=DEFAULT_MODE, digest_until=None, updated_at=utcnow())


async def set_mode(session: AsyncSession, principal: Principal, raw: str) -> NotifyMode:
    """Store the member's choice; ValidationFailed for anything but the offered modes. Choosing the digest starts
    its period now (no digest of older posts)."""
    mode = next((m for m in NotifyMode if m.value == raw), None)
    if mode is None:
        raise ValidationFailed({"mode": _("Please choose how you want to be notified.")})
    now = utcnow()
    found = await session.get(NotificationPreference, principal.account_id)
    if found is None:
        session.add(NotificationPreference(account_id=principal.account_id, mode=mode, digest_until=now,
                                           updated_at=now))
    else:
        if mode == NotifyMode.DIGEST and found.mode != NotifyMode.DIGEST:
            found.digest_until = now
        found.mode, found.updated_at = mode, now
    await session.flush()
    return mode


async def _ensure_digest_start(session: AsyncSession, account_id: int) -> None:
    """A first subscription of a member who never chose: store the default, its digest period starting now."""
    if await session.get(NotificationPreference, account_id) is None:
        now = utcnow()
        session.add(NotificationPreference(account_id=account_id, mode=DEFAULT_MODE, digest_until=now, updated_at=now))
        await session.flush()


async def is_following(session: AsyncSession, principal: Principal | None, thread: Thread) -> bool:
    if principal is None:
        return False
    return await session.scalar(select(ThreadSubscription.id).where(
        ThreadSubscription.account_id == principal.account_id, ThreadSubscription.thread_id == thread.id)) is not None


async def follows_unit(session: AsyncSession, principal: Principal | None, unit: Unit) -> bool:
    if principal is None:
        return False
    return await session.scalar(select(UnitSubscription.id).where(
        UnitSubscription.account_id == principal.account_id, UnitSubscription.unit_id == unit.id)) is not None


async def follow_thread(session: AsyncSession, principal: Principal, thread: Thread, unit: Unit) -> None:
    """Follow ``thread`` (idempotent); the caller has checked read access through ``services.get_thread``."""
    if not access.may_read(principal, thread, unit):
        raise PermissionDenied(_("You cannot follow this discussion."))
    await _ensure_digest_start(session, principal.account_id)
    if not await is_following(session, principal, thread):
        try:
            async with session.begin_nested():
                session.add(ThreadSubscription(account_id=principal.account_id, thread_id=thread.id))
        except IntegrityError:  # a second tab was faster
            pass


async def unfollow_thread(session: AsyncSession, account_id: int, thread_id: int) -> bool:
    """Stop following a thread; True when there was something to stop."""
    result = await session.execute(delete(ThreadSubscription).where(
        ThreadSubscription.account_id == account_id, ThreadSubscription.thread_id == thread_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def follow_unit(session: AsyncSession, principal: Principal, unit: Unit) -> None:
    """Be notified of every new thread in ``unit`` (members and moderators of the unit only)."""
    if not (access.is_unit_member(principal, unit) or access.may_moderate(principal, unit)):
        raise PermissionDenied(_("Only members of this unit can follow its discussions."))
    await _ensure_digest_start(session, principal.account_id)
    if not await follows_unit(session, principal, unit):
        try:
            async with session.begin_nested():
                session.add(UnitSubscription(account_id=principal.account_id, unit_id=unit.id))
        except IntegrityError:
            pass


async def unfollow_unit(session: AsyncSession, account_id: int, unit_id: int) -> bool:
    result = await session.execute(delete(UnitSubscription).where(
        UnitSubscription.account_id == account_id, UnitSubscription.unit_id == unit_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def followed(session: AsyncSession, account_id: int) -> tuple[list[Thread], list[Unit]]:
    """The threads and units a member follows (for the settings page)."""
    threads = list((await session.scalars(
        select(Thread).join(ThreadSubscription, ThreadSubscription.thread_id == Thread.id)
        .where(ThreadSubscription.account_id == account_id).order_by(Thread.last_activity_at.desc()))).all())
    units = list((await session.scalars(
        select(Unit).join(UnitSubscription, UnitSubscription.unit_id == Unit.id)
        .where(UnitSubscription.account_id == account_id).order_by(Unit.name))).all())
    return threads, units


# --- read markers ---------------------------------------------------------------------------------------------


async def last_read(session: AsyncSession, principal: Principal | None, thread_id: int) -> int | None:
    """The highest post id the member has seen in the thread (None: never opened it, or a visitor)."""
    if principal is None:
        return None
    return await session.scalar(select(ThreadRead.last_post_id).where(
        ThreadRead.account_id == principal.account_id, ThreadRead.thread_id == thread_id))


async def mark_read(session: AsyncSession, principal: Principal | None, thread_id: int, up_to: int,
                    known: int | None) -> None:
    """Remember that the member has seen every post up to ``up_to`` (``known``: what :func:`last_read` said; nothing
    is written when that is already as far, so reading a thread again costs no write)."""
    if principal is None or up_to <= 0 or (known is not None and known >= up_to):
        return
    if known is not None:
        await session.execute(update(ThreadRead).where(
            ThreadRead.account_id == principal.account_id, ThreadRead.thread_id == thread_id,
            ThreadRead.last_post_id < up_to).values(last_post_id=up_to))
        return
    try:
        async with session.begin_nested():
            session.add(ThreadRead(account_id=principal.account_id, thread_id=thread_id, last_post_id=up_to))
    except IntegrityError:  # another tab was first
        pass


async def unread_counts(session: AsyncSession, principal: Principal | None, thread_ids: list[int]
                        ) -> dict[int, tuple[int, int]]:
    """Per opened thread: (number of new visible posts by others, id of the first of them). Threads never opened
    are left out (everything in them is new; the list does not count them)."""
    if principal is None or not thread_ids:
        return {}
    rows = (await session.execute(
        select(Post.thread_id, func.count(Post.id), func.min(Post.id))
        .join(ThreadRead, (ThreadRead.thread_id == Post.thread_id) & (ThreadRead.account_id == principal.account_id))
        .where(Post.thread_id.in_(thread_ids), Post.id > ThreadRead.last_post_id, Post.hidden.is_(False),
               (Post.author_id.is_(None)) | (Post.author_id != principal.account_id))
        .group_by(Post.thread_id))).all()
    return {int(tid): (int(count), int(first)) for tid, count, first in rows}
