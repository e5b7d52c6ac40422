"""Reports, the moderators' queue, hiding and restoring posts, closing and pinning threads, and the unit's public
moderation log. The public log names what happened, when, under which rule and why: never a reporter, never the
individual moderator (the security audit log keeps who acted, for accountability inside the party)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.discussions import access
from ballot.discussions.models import ModerationAction, ModerationEvent, Post, PostReport, Thread
from ballot.exceptions import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.units.models import Unit

MAX_REASON = 1000
MAX_RULE = 200
THREAD_ACTIONS = (ModerationAction.CLOSE, ModerationAction.REOPEN, ModerationAction.PIN, ModerationAction.UNPIN)


@dataclass(frozen=True)
class QueueItem:
    """A reported post with the reasons given (no reporters) and its thread."""

    post: Post
    thread: Thread
    author: str
    reasons: list[str]


@dataclass(frozen=True)
class LogEntry:
    """One public log entry; ``thread`` is None when the reader may not read that thread."""

    event: ModerationEvent
    thread: Thread | None


def check_decision(rule: str, reason: str) -> dict[str, str]:
    """Errors per field for a moderation decision: both a rule and a reason are required."""
    errors: dict[str, str] = {}
    if not rule.strip():
        errors["rule"] = _("Name the rule of the code of conduct.")
    elif len(rule) > MAX_RULE:
        errors["rule"] = _("At most %(number)s characters.", number=MAX_RULE)
    if not reason.strip():
        errors["reason"] = _("Give a reason; the author and every reader see it.")
    elif len(reason) > MAX_REASON:
        errors["reason"] = _("At most %(number)s characters.", number=MAX_REASON)
    return errors


async def report_post(session: AsyncSession, principal: Principal | None, post: Post, thread: Thread, unit: Unit,
                      reason: str) -> PostReport:
    """Report a post the principal can read. One open report per person and post."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    if not access.may_read(principal, thread, unit):
        raise PermissionDenied(_("You are not allowed to do this here."))
    if not reason.strip():
        raise ValidationFailed({"reason": _("Please say what is wrong with this post.")})
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": _("At most %(number)s characters.", number=MAX_REASON)})
    existing = await session.scalar(select(PostReport).where(
        PostReport.post_id == post.id, PostReport.reporter_id == principal.account_id))
    if existing is not None:
        if existing.resolved_at is None:
            raise Conflict(_("You have already reported this post; the moderators will look at it."))
        existing.reason, existing.created_at, existing.resolved_at = reason.strip(), utcnow(), None
        await session.flush()
        return existing
    report = PostReport(post_id=post.id, reporter_id=principal.account_id, reason=reason.strip(), created_at=utcnow())
    session.add(report)
    await session.flush()
    return report


async def queue(session: AsyncSession, principal: Principal | None, unit: Unit) -> list[QueueItem]:
    """Posts with open reports in ``unit`` and below, oldest report first (moderators only)."""
    authorize(principal, Action.MODERATE, unit)
    rows = (await session.execute(
        select(PostReport.post_id, PostReport.reason)
        .join(Post, Post.id == PostReport.post_id).join(Thread, Thread.id == Post.thread_id)
        .join(Unit, Unit.id == Thread.unit_id)
        .where(PostReport.resolved_at.is_(None), Unit.path.startswith(unit.path))
        .order_by(PostReport.created_at, PostReport.id)
    )).all()
    reasons: dict[int, list[str]] = {}
    for post_id, reason in rows:
        reasons.setdefault(post_id, []).append(reason)
    if not reasons:
        return []
    posts = (await session.execute(
        select(Post, Thread, Account.display_name).join(Thread, Thread.id == Post.thread_id)
        .outerjoin(Account, Account.id == Post.author_id).where(Post.id.in_(list(reasons))))).all()
    found = {post.id: (post, thread, name) for post, thread, name in posts}
    return [QueueItem(found[pid][0], found[pid][1], found[pid][2] or _("Former member"), reasons[pid])
            for pid in reasons if pid in found]


async def open_report_count(session: AsyncSession, unit: Unit) -> int:
    """Open reports in ``unit`` and below (for the moderators' link)."""
    return int(await session.scalar(
        select(func.count(PostReport.id)).join(Post, Post.id == PostReport.post_id)
        .join(Thread, Thread.id == Post.thread_id).join(Unit, Unit.id == Thread.unit_id)
        .where(PostReport.resolved_at.is_(None), Unit.path.startswith(unit.path))) or 0)


def _log(session: AsyncSession, unit: Unit, thread: Thread, post: Post | None, action: ModerationAction,
         rule: str, reason: str) -> ModerationEvent:
    event = ModerationEvent(unit_id=unit.id, thread_id=thread.id, post_id=post.id if post else None, action=action,
                            rule=rule.strip(), reason=reason.strip(), created_at=utcnow())
    session.add(event)
    return event


async def set_hidden(session: AsyncSession, principal: Principal | None, post: Post, thread: Thread, unit: Unit, *,
                     hidden: bool, rule: str, reason: str) -> ModerationEvent:
    """Hide (or restore) a post with a rule and a reason; resolves the post's open reports."""
    principal = authorize(principal, Action.MODERATE, unit)
    errors = check_decision(rule, reason)
    if errors:
        raise ValidationFailed(errors)
    if post.hidden == hidden:
        raise Conflict(_("This post is already hidden.") if hidden else _("This post is not hidden."))
    post.hidden = hidden
    post.hidden_rule, post.hidden_reason = (rule.strip(), reason.strip()) if hidden else ("", "")
    await session.execute(update(PostReport).where(PostReport.post_id == post.id, PostReport.resolved_at.is_(None))
                          .values(resolved_at=utcnow()))
    action = ModerationAction.HIDE if hidden else ModerationAction.RESTORE
    event = _log(session, unit, thread, post, action, rule, reason)
    record_event(session, f"discussions:post:{action.value}", account_id=principal.account_id, unit_id=unit.id,
                 post=post.id)
    await session.flush()
    return event


async def dismiss_reports(session: AsyncSession, principal: Principal | None, post: Post, unit: Unit) -> int:
    """Close the open reports of a post without acting on it (not in the public log: nothing was done)."""
    principal = authorize(principal, Action.MODERATE, unit)
    result = await session.execute(update(PostReport).where(
        PostReport.post_id == post.id, PostReport.resolved_at.is_(None)).values(resolved_at=utcnow()))
    record_event(session, "discussions:report:dismiss", account_id=principal.account_id, unit_id=unit.id,
                 post=post.id)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def moderate_thread(session: AsyncSession, principal: Principal | None, thread: Thread, unit: Unit, *,
                          action: str, rule: str, reason: str) -> ModerationEvent:
    """Close, reopen, pin or unpin a thread, with a reason (and the rule, for closing)."""
    principal = authorize(principal, Action.MODERATE, unit)
    chosen = next((a for a in THREAD_ACTIONS if a.value == action), None)
    errors: dict[str, str] = {}
    if chosen is None:
        errors["action"] = _("Please choose what to do.")
    if not reason.strip():
        errors["reason"] = _("Give a reason; the author and every reader see it.")
    elif len(reason) > MAX_REASON:
        errors["reason"] = _("At most %(number)s characters.", number=MAX_REASON)
    if len(rule) > MAX_RULE:
        errors["rule"] = _("At most %(number)s characters.", number=MAX_RULE)
    elif chosen == ModerationAction.CLOSE and not rule.strip():
        errors["rule"] = _("Name the rule of the code of conduct.")
    if errors:
        raise ValidationFailed(errors)
    assert chosen is not None
    if chosen in (ModerationAction.CLOSE, ModerationAction.REOPEN):
        thread.closed = chosen == ModerationAction.CLOSE
    else:
        thread.pinned = chosen == ModerationAction.PIN
    event = _log(session, unit, thread, None, chosen, rule, reason)
    record_event(session, f"discussions:thread:{chosen.value}", account_id=principal.account_id, unit_id=unit.id,
                 thread=thread.id)
    await session.flush()
    return event


async def public_log(session: AsyncSession, principal: Principal | None, unit: Unit, limit: int = 200
                     ) -> list[LogEntry]:
    """The unit's moderation log, newest first. Thread titles only where the reader may read the thread."""
    rows = (await session.execute(
        select(ModerationEvent, Thread).outerjoin(Thread, Thread.id == ModerationEvent.thread_id)
        .where(ModerationEvent.unit_id == unit.id)
        .order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc()).limit(limit))).all()
    return [LogEntry(event, thread if thread is not None and access.may_read(principal, thread, unit) else None)
            for event, thread in rows]


def action_label(action: ModerationAction) -> str:
    """What the moderation did, in words."""
    return {
        ModerationAction.HIDE: _("Post hidden"),
        ModerationAction.RESTORE: _("Post restored"),
        ModerationAction.CLOSE: _("Discussion closed"),
        ModerationAction.REOPEN: _("Discussion reopened"),
        ModerationAction.PIN: _("Discussion pinned"),
        ModerationAction.UNPIN: _("Discussion unpinned"),
    }[action]
