"""Comments anchored to a line of a motion version. A comment is a post of the motion's discussion thread
(ballot/discussions: the first thread about the motion, started by the first comment when there is none; readable
as the thread's visibility says, moderated there); :class:`CommentAnchor` (a table of the motions package) says
which line of which version it is about. The motion page lists the comments on the current version beside their
paragraph; comments on earlier versions stay in the thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.principal import Principal
from ballot.discussions import access as discussion_access
from ballot.discussions import services as discussions
from ballot.discussions.models import Post, Thread, Visibility
from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.motions import access
from ballot.motions.drafting import MotionRef, code, version
from ballot.motions.lines import Line, number_lines
from ballot.motions.models import CommentAnchor, MotionVersion
from ballot.settings import Settings

SUBJECT = "motion"


@dataclass(frozen=True)
class Comment:
    """One comment as shown beside its paragraph."""

    post_id: int
    thread_id: int
    line: int
    author: str
    body: str


async def motion_thread(session: AsyncSession, ref: MotionRef) -> Thread | None:
    """The motion's discussion thread (the oldest thread about it)."""
    return await session.scalar(select(Thread).where(Thread.subject_kind == SUBJECT, Thread.subject_id == ref.motion.id)
                                .order_by(Thread.id).limit(1))


async def may_comment(session: AsyncSession, principal: Principal | None, ref: MotionRef) -> bool:
    """Members of the unit, while the motion's thread (if any) takes replies from them."""
    if not access.may_take_part(principal, ref.unit):
        return False
    thread = await motion_thread(session, ref)
    return thread is None or discussion_access.may_post(principal, thread, ref.unit)


async def comments_by_paragraph(session: AsyncSession, principal: Principal | None, ref: MotionRef,
                                current: MotionVersion, lines: list[Line]) -> dict[int, list[Comment]]:
    """The visible comments on ``current``, by paragraph index, in line order then oldest first."""
    if principal is None:
        return {}
    rows = (await session.execute(
        select(CommentAnchor.line, Post, Thread, Account.display_name)
        .join(Post, Post.id == CommentAnchor.post_id).join(Thread, Thread.id == Post.thread_id)
        .outerjoin(Account, Account.id == Post.author_id)
        .where(CommentAnchor.motion_id == ref.motion.id, CommentAnchor.version == current.number,
               Post.hidden.is_(False))
        .order_by(CommentAnchor.line, Post.id))).all()
    paragraph_of = {line.number: line.paragraph for line in lines}
    found: dict[int, list[Comment]] = {}
    for line, post, thread, name in rows:
        if line not in paragraph_of or not discussion_access.may_read(principal, thread, ref.unit):
            continue
        found.setdefault(paragraph_of[line], []).append(
            Comment(post.id, thread.id, line, discussions.author_name(name), post.body))
    return found


async def add_comment(session: AsyncSession, principal: Principal | None, ref: MotionRef, *, line: int | None,
                      body: str, settings: Settings) -> Post:
    """Post a comment on ``line`` of the current version; ValidationFailed names ``line`` or ``body``."""
    principal = access.ensure_member(principal, ref.unit)
    current = await version(session, ref.motion)
    count = len(number_lines(current.body, ref.consultation.line_length))
    errors = discussions.check_text(None, body)
    if line is None or not 1 <= line <= count:
        errors["line"] = _("Please choose a line between 1 and %(count)s.", count=count)
    if errors:
        raise ValidationFailed(errors)
    assert line is not None
    thread = await motion_thread(session, ref)
    if thread is None:
        thread = await discussions.create_thread(
            session, principal, ref.unit, title=f"{code(ref.motion)}: {ref.motion.title}"[:200], body=body,
            visibility=Visibility.UNIT.value, settings=settings, subject=(SUBJECT, ref.motion.id))
        post = await discussions.opening_post(session, thread)
        assert post is not None
    else:
        if not discussion_access.may_post(principal, thread, ref.unit):
            raise PermissionDenied(_("The discussion of this motion is closed."))
        post = await discussions.reply(session, principal, thread, ref.unit, parent_id=None, body=body,
                                       settings=settings)
    session.add(CommentAnchor(post_id=post.id, motion_id=ref.motion.id, version=current.number, line=line))
    await session.flush()
    return post
