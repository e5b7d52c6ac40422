"""Supporters: members of the unit support a motion or an amendment with one click (and may withdraw it) while it
awaits admission and the deadline has not passed. The statute's ``[motions]`` rules (number or share of the members,
women among them) decide whether the support suffices for admission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import PermissionDenied
from ballot.i18n import gettext as _
from ballot.members.models import Gender, GroupMembership, Member
from ballot.motions import access
from ballot.motions.drafting import before_deadline
from ballot.motions.models import Consultation, MotionKind, State, Support, TargetKind
from ballot.statutes.services import effective_rules
from ballot.units.models import Unit
from ballot_crypto.statutes import StatuteError, check_motion
from ballot_crypto.statutes.trail import Decision
from ballot_crypto.statutes.values import needed


@dataclass(frozen=True)
class Tally:
    """Support of one motion or amendment against the statute."""

    count: int
    women: int
    needed: int
    women_needed: int
    met: bool
    paragraph: str | None
    mine: bool
    decision: Decision | None
    statute_ok: bool = True


async def member_count(session: AsyncSession, unit: Unit) -> int:
    """Current members of ``unit`` (below it by home unit; seats for a group or body)."""
    if unit.is_territorial:
        return int(await session.scalar(select(func.count(Member.id)).join(Unit, Unit.id == Member.home_unit_id)
                                        .where(Unit.path.startswith(unit.path), Member.left_on.is_(None))) or 0)
    return int(await session.scalar(select(func.count(GroupMembership.id))
                                    .where(GroupMembership.unit_id == unit.id)) or 0)


async def tally(session: AsyncSession, principal: Principal | None, unit: Unit, kind: TargetKind, target_id: int,
                motion_kind: MotionKind = MotionKind.MOTION) -> Tally:
    """The count, the women among them, and whether the statute's threshold is met."""
    rows = (await session.execute(
        select(Support.account_id, Member.gender).join(Account, Account.id == Support.account_id)
        .outerjoin(Member, Member.id == Account.member_id)
        .where(Support.target_kind == kind, Support.target_id == target_id))).all()
    count = len(rows)
    women = sum(1 for _a, gender in rows if gender == Gender.FEMALE)
    mine = principal is not None and any(a == principal.account_id for a, _g in rows)
    if motion_kind == MotionKind.PROCEDURAL:
        return Tally(count, women, 0, 0, True, None, mine, None)
    try:
        statute = (await effective_rules(session, unit)).rules
    except StatuteError:  # stored versions that no longer fit together: nothing can be admitted until fixed
        return Tally(count, women, 0, 0, False, None, mine, None, statute_ok=False)
    rules = statute.motions
    members = await member_count(session, unit)
    decision = check_motion(statute, count, women, members)
    need = rules.supporters if rules.supporters > 0 else needed(rules.supporters_share, members)
    if rules.supporters > 0 and rules.supporters_share > 0:
        need = min(rules.supporters, needed(rules.supporters_share, members))
    return Tally(count, women, need, rules.women_supporters, decision.binding, rules.paragraph, mine, decision)


def _check_open(consultation: Consultation, state: State, deadline: datetime | None, now: datetime) -> None:
    if state != State.SUBMITTED:
        raise PermissionDenied(_("Support is only possible while a motion awaits admission."))
    if not before_deadline(deadline, now):
        raise PermissionDenied(_("The deadline for support has passed."))


async def set_support(session: AsyncSession, principal: Principal | None, unit: Unit, consultation: Consultation,
                      kind: TargetKind, target_id: int, state: State, author_ids: set[int], *, support: bool,
                      now: datetime | None = None) -> None:
    """Support (or withdraw the support of) a motion or an amendment; authors count as authors, not supporters."""
    principal = access.ensure_member(principal, unit)
    now = now or utcnow()
    deadline = consultation.deadline if kind == TargetKind.MOTION else consultation.amendment_deadline
    _check_open(consultation, state, deadline, now)
    if principal.account_id in author_ids:
        raise PermissionDenied(_("Authors cannot support their own motion."))
    existing = await session.scalar(select(Support.id).where(
        Support.target_kind == kind, Support.target_id == target_id, Support.account_id == principal.account_id))
    if support and existing is None:
        try:
            async with session.begin_nested():
                session.add(Support(target_kind=kind, target_id=target_id, account_id=principal.account_id,
                                    created_at=now))
        except IntegrityError:  # a second click was faster: the support is there
            pass
    elif not support and existing is not None:
        await session.execute(delete(Support).where(Support.id == existing))
    await session.flush()


async def supporter_names(session: AsyncSession, kind: TargetKind, target_id: int) -> list[str]:
    """The supporters' names in the order they supported (the motion book lists them)."""
    return list((await session.scalars(select(Account.display_name).join(Support, Support.account_id == Account.id)
                                       .where(Support.target_kind == kind, Support.target_id == target_id)
                                       .order_by(Support.id))).all())
