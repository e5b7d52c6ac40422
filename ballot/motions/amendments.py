"""Amendments: proposed as an edited copy of the motion's current text (the changes are computed word by word),
shown as a redline of the affected paragraphs with their line reference; collisions between amendments on the
same version are flagged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.audit.services import record_event
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import NotFound, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.motions import access
from ballot.motions.amend import Change, Segment, collisions, diff, redline, span
from ballot.motions.drafting import MAX_REASON, MotionRef, before_deadline, code, get_motion, version
from ballot.motions.lines import Line, line_range, line_reference, normalise, number_lines, paragraph_spans
from ballot.motions.models import Amendment, Motion, MotionKind, MotionVersion, State
from ballot.motions.numbering import insert_numbered

#: Motion states that accept amendments.
OPEN_FOR_AMENDMENTS = frozenset({State.SUBMITTED, State.ADMITTED, State.RECOMMENDATION})


@dataclass
class AmendmentView:
    """An amendment as pages and the motion book show it."""

    amendment: Amendment
    code: str
    author: str
    lines: tuple[int, int]
    reference: str
    segments: list[Segment]
    outdated: bool
    collides_with: list[str] = field(default_factory=list)


def changes_of(amendment: Amendment) -> list[Change]:
    """The amendment's changes as values."""
    return [Change.from_json(item) for item in amendment.changes]


def amendment_code(motion: Motion, amendment: Amendment) -> str:
    """``Ä2 zu A1`` (the word is translated)."""
    return _("Amendment %(number)s to %(motion)s", number=amendment.number, motion=code(motion))


def window(body: str, changes: list[Change]) -> tuple[int, int]:
    """The paragraphs that hold the changes: the part of the text a redline shows."""
    first, last = span(changes)
    spans = paragraph_spans(body) or [(0, len(body))]
    start = max((s for s, _e in spans if s <= first), default=0)
    end = min((e for _s, e in spans if e >= last), default=len(body))
    return start, max(end, start)


def view_of(motion: Motion, amendment: Amendment, base: MotionVersion, lines: list[Line], author: str,
            line_length: int) -> AmendmentView:
    """Line reference and redline of one amendment against its base version."""
    changes = changes_of(amendment)
    first, last = span(changes)
    numbers = line_range(lines, first, last)
    start, end = window(base.body, changes)
    return AmendmentView(amendment, amendment_code(motion, amendment), author, numbers,
                         line_reference(*numbers, prefix=_("l.")), redline(base.body, changes, start, end),
                         amendment.base_version != motion.version)


async def amendment_views(session: AsyncSession, motion: Motion, line_length: int,
                          visible_drafts_of: int | None = None) -> list[AmendmentView]:
    """Every amendment of ``motion`` with line references, redlines and the collisions among those that are still
    open on the same version."""
    rows = (await session.execute(
        select(Amendment, Account.display_name).outerjoin(Account, Account.id == Amendment.author_id)
        .where(Amendment.motion_id == motion.id).order_by(Amendment.number))).all()
    bases: dict[int, tuple[MotionVersion, list[Line]]] = {}
    views: list[AmendmentView] = []
    for amendment, name in rows:
        if amendment.base_version not in bases:
            base = await version(session, motion, amendment.base_version)
            bases[amendment.base_version] = (base, number_lines(base.body, line_length))
        base, lines = bases[amendment.base_version]
        views.append(view_of(motion, amendment, base, lines, name or _("Former member"), line_length))
    live = [v for v in views if v.amendment.state not in (State.WITHDRAWN, State.REJECTED, State.MERGED)]
    by_version: dict[int, dict[int, list[Change]]] = {}
    for v in live:
        by_version.setdefault(v.amendment.base_version, {})[v.amendment.id] = changes_of(v.amendment)
    codes = {v.amendment.id: v for v in views}
    for group in by_version.values():
        for a, b in collisions(group):
            codes[a].collides_with.append(codes[b].code)
            codes[b].collides_with.append(codes[a].code)
    return views


async def create_amendment(session: AsyncSession, principal: Principal | None, ref: MotionRef, *, base_version: int
                           | None, body: str, reason: str, now: datetime | None = None) -> Amendment:
    """An amendment from the motion text as the member edited it (members of the unit, before the deadline)."""
    principal = access.ensure_member(principal, ref.unit)
    motion = ref.motion
    now = now or utcnow()
    if motion.kind == MotionKind.PROCEDURAL or motion.state not in OPEN_FOR_AMENDMENTS:
        raise PermissionDenied(_("This motion does not accept amendments."))
    errors: dict[str, str] = {}
    if not before_deadline(ref.consultation.amendment_deadline, now):
        errors["body"] = _("The deadline for amendments has passed.")
    if base_version != motion.version:
        errors["body"] = _("The motion has changed since you opened the form: please start again from the "
                           "current version.")
    if len(reason) > MAX_REASON:
        errors["reason"] = _("The reason has at most %(number)s characters.", number=MAX_REASON)
    current = await version(session, motion)
    changes = diff(current.body, normalise(body)) if not errors else []
    if not errors and not changes:
        errors["body"] = _("The text is unchanged: change the words you want to amend.")
    if errors:
        raise ValidationFailed(errors)

    async def next_number() -> int:
        return int(await session.scalar(select(func.coalesce(func.max(Amendment.number), 0)).where(
            Amendment.motion_id == motion.id)) or 0) + 1

    amendment = await insert_numbered(session, next_number, lambda number: Amendment(
        motion_id=motion.id, number=number, base_version=motion.version, changes=[c.to_json() for c in changes],
        reason=reason.strip(), state=State.SUBMITTED, author_id=principal.account_id, created_at=now))
    record_event(session, "motions:amendment:create", account_id=principal.account_id, unit_id=ref.unit.id,
                 motion=motion.id, amendment=amendment.id)
    return amendment


async def get_amendment(session: AsyncSession, principal: Principal | None,
                        amendment_id: int) -> tuple[Amendment, MotionRef]:
    """An amendment with its motion."""
    amendment = await session.get(Amendment, amendment_id)
    if amendment is None:
        access.logged_in(principal)
        raise NotFound(_("This amendment does not exist."))
    return amendment, await get_motion(session, principal, amendment.motion_id)
