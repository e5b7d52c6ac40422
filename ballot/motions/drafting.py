"""Motions: create, read, edit together with co-authors (every save is a new version; a save based on an older
version is refused with the diff), and the version history."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.audit.services import record_event
from ballot.authz.loader import load_principal
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.motions import access
from ballot.motions.consultations import get_consultation
from ballot.motions.lines import normalise
from ballot.motions.models import Consultation, Motion, MotionAuthor, MotionKind, MotionVersion, State
from ballot.motions.numbering import insert_numbered
from ballot.units.models import Unit

MAX_TITLE = 200
MAX_BODY = 100_000
MAX_REASON = 20_000


class EditConflict(Conflict):
    """Someone saved a newer version since the editor opened the form; ``diff`` shows what changed meanwhile."""

    def __init__(self, message: str, diff: list[str], current: MotionVersion) -> None:
        super().__init__(message)
        self.diff = diff
        self.current = current


@dataclass(frozen=True)
class MotionRef:
    """A motion with its consultation and unit."""

    motion: Motion
    consultation: Consultation
    unit: Unit


def code(motion: Motion) -> str:
    """The motion's short name, e.g. ``A3`` (``GO1`` for a procedural motion)."""
    return f"{'GO' if motion.kind == MotionKind.PROCEDURAL else 'A'}{motion.number}"


def check_text(title: str, body: str, reason: str) -> dict[str, str]:
    """Errors per field of a motion text."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Please enter a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("The title has at most %(number)s characters.", number=MAX_TITLE)
    if not body.strip():
        errors["body"] = _("Please write the text of the motion.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("The text has at most %(number)s characters.", number=MAX_BODY)
    if len(reason) > MAX_REASON:
        errors["reason"] = _("The reason has at most %(number)s characters.", number=MAX_REASON)
    return errors


def before_deadline(deadline: datetime | None, now: datetime) -> bool:
    """True when there is no deadline or it has not passed."""
    return deadline is None or now <= deadline


async def create_motion(session: AsyncSession, principal: Principal | None, consultation: Consultation, unit: Unit,
                        *, title: str, body: str, reason: str, kind: str = MotionKind.MOTION.value,
                        now: datetime | None = None) -> Motion:
    """A new draft (version 1) with the principal as initiator."""
    principal = access.ensure_member(principal, unit)
    now = now or utcnow()
    errors = check_text(title, body, reason)
    chosen = next((k for k in MotionKind if k.value == kind), None)
    if chosen is None:
        errors["kind"] = _("Please choose the kind of motion.")
    if chosen != MotionKind.PROCEDURAL and not before_deadline(consultation.deadline, now):
        errors["title"] = _("The deadline for motions has passed.")
    if errors:
        raise ValidationFailed(errors)
    assert chosen is not None

    async def next_number() -> int:
        return int(await session.scalar(select(func.coalesce(func.max(Motion.number), 0)).where(
            Motion.consultation_id == consultation.id, Motion.kind == chosen)) or 0) + 1

    motion = await insert_numbered(session, next_number, lambda number: Motion(
        consultation_id=consultation.id, number=number, kind=chosen, state=State.DRAFT, title=title.strip(),
        version=1, created_at=now))
    session.add(MotionVersion(motion_id=motion.id, number=1, title=motion.title, body=normalise(body),
                              reason=reason.strip(), author_id=principal.account_id, created_at=now))
    session.add(MotionAuthor(motion_id=motion.id, account_id=principal.account_id, initiator=True, created_at=now))
    record_event(session, "motions:motion:create", account_id=principal.account_id, unit_id=unit.id,
                 motion=motion.id)
    await session.flush()
    return motion


async def get_motion(session: AsyncSession, principal: Principal | None, motion_id: int) -> MotionRef:
    """A motion with its consultation and unit (logged-in accounts; drafts only for their authors and managers)."""
    motion = await session.get(Motion, motion_id)
    if motion is None:
        access.logged_in(principal)
        raise NotFound(_("This motion does not exist."))
    consultation, unit = await get_consultation(session, principal, motion.consultation_id)
    if motion.state == State.DRAFT and principal is not None and not access.is_manager(principal, unit) \
            and principal.account_id not in await author_ids(session, motion):
        raise NotFound(_("This motion does not exist."))
    return MotionRef(motion, consultation, unit)


async def author_ids(session: AsyncSession, motion: Motion) -> set[int]:
    """The accounts that may edit the draft."""
    return set((await session.scalars(select(MotionAuthor.account_id).where(
        MotionAuthor.motion_id == motion.id))).all())


async def authors(session: AsyncSession, motion: Motion) -> list[tuple[str, bool]]:
    """Display names of the authors (initiators first) with the initiator flag."""
    rows = (await session.execute(
        select(Account.display_name, MotionAuthor.initiator).join(Account, Account.id == MotionAuthor.account_id)
        .where(MotionAuthor.motion_id == motion.id).order_by(MotionAuthor.initiator.desc(), MotionAuthor.id))).all()
    return [(name, bool(initiator)) for name, initiator in rows]


async def version(session: AsyncSession, motion: Motion, number: int | None = None) -> MotionVersion:
    """Version ``number`` (default: the current one)."""
    found = await session.scalar(select(MotionVersion).where(
        MotionVersion.motion_id == motion.id, MotionVersion.number == (number or motion.version)))
    if found is None:
        raise NotFound(_("This version does not exist."))
    return found


async def versions(session: AsyncSession, motion: Motion) -> list[MotionVersion]:
    """Every version, newest first."""
    return list((await session.scalars(select(MotionVersion).where(MotionVersion.motion_id == motion.id)
                                       .order_by(MotionVersion.number.desc()))).all())


def text_diff(old: MotionVersion, new: MotionVersion) -> list[str]:
    """A line diff of title, text and reason between two versions."""
    def lines(v: MotionVersion) -> list[str]:
        return [v.title, "", *v.body.split("\n"), "", *v.reason.split("\n")]
    return list(difflib.unified_diff(lines(old), lines(new), f"v{old.number}", f"v{new.number}", lineterm="", n=2))


async def _conflict(session: AsyncSession, motion: Motion, base_version: int) -> EditConflict:
    current = await version(session, motion)
    old = await version(session, motion, base_version)
    return EditConflict(_("Someone else saved version %(number)s while you were editing. Your text was not saved: "
                          "compare the changes below and edit the current version.", number=current.number),
                        text_diff(old, current), current)


async def edit_motion(session: AsyncSession, principal: Principal | None, ref: MotionRef, *, base_version: int | None,
                      title: str, body: str, reason: str) -> MotionVersion:
    """Save a new version (authors, while the motion is a draft). ``base_version`` is the version the editor started
    from; when someone saved in between, EditConflict carries the diff between that and the current version."""
    principal = access.logged_in(principal)
    motion = ref.motion
    if principal.account_id not in await author_ids(session, motion):
        raise PermissionDenied(_("Only the authors can edit the motion."))
    if motion.state != State.DRAFT:
        raise PermissionDenied(_("The motion has been submitted: its text can no longer be edited."))
    errors = check_text(title, body, reason)
    if base_version is None or not 1 <= base_version <= motion.version:
        errors["base_version"] = _("The form is incomplete: please open the editor again.")
    if errors:
        raise ValidationFailed(errors)
    assert base_version is not None
    current = await version(session, motion)
    if base_version != motion.version:
        raise await _conflict(session, motion, base_version)
    body, title, reason = normalise(body), title.strip(), reason.strip()
    if (title, body, reason) == (current.title, current.body, current.reason):
        return current
    new = MotionVersion(motion_id=motion.id, number=motion.version + 1, title=title, body=body, reason=reason,
                        author_id=principal.account_id, created_at=utcnow())
    try:
        async with session.begin_nested():
            session.add(new)
    except IntegrityError:  # a co-author saved the same version number a moment earlier
        await session.refresh(motion)
        raise await _conflict(session, motion, base_version) from None
    motion.version, motion.title = new.number, title
    record_event(session, "motions:motion:edit", account_id=principal.account_id, unit_id=ref.unit.id,
                 motion=motion.id, version=motion.version)
    await session.flush()
    return new


async def add_coauthor(session: AsyncSession, principal: Principal | None, ref: MotionRef, email: str) -> str:
    """Add the member with login ``email`` as a co-author (initiators, while a draft); their name."""
    principal = access.logged_in(principal)
    initiators = set((await session.scalars(select(MotionAuthor.account_id).where(
        MotionAuthor.motion_id == ref.motion.id, MotionAuthor.initiator.is_(True)))).all())
    if principal.account_id not in initiators:
        raise PermissionDenied(_("Only the initiator can invite co-authors."))
    if ref.motion.state != State.DRAFT:
        raise PermissionDenied(_("Co-authors can only be added to a draft."))
    account = await session.scalar(select(Account).where(Account.email == email.strip().lower()))
    other = await load_principal(session, account.id) if account is not None and account.is_active else None
    if other is None or not access.may_take_part(other, ref.unit):
        raise ValidationFailed({"email": _("No member of this unit has an account with this e-mail address.")})
    if other.account_id in await author_ids(session, ref.motion):
        raise ValidationFailed({"email": _("This member is already an author.")})
    session.add(MotionAuthor(motion_id=ref.motion.id, account_id=other.account_id, initiator=False,
                             created_at=utcnow()))
    record_event(session, "motions:motion:coauthor", account_id=principal.account_id, unit_id=ref.unit.id,
                 motion=ref.motion.id, coauthor=other.account_id)
    await session.flush()
    return other.display_name


async def motions_of(session: AsyncSession, principal: Principal | None, consultation: Consultation,
                     unit: Unit) -> list[Motion]:
    """The consultation's motions the principal may see (drafts: their own; managers: all), by kind and number."""
    rows = list((await session.scalars(select(Motion).where(Motion.consultation_id == consultation.id)
                                       .order_by(Motion.kind, Motion.number))).all())
    if principal is not None and access.is_manager(principal, unit):
        return rows
    mine: set[int] = set()
    if principal is not None:
        mine = set((await session.scalars(select(MotionAuthor.motion_id).where(
            MotionAuthor.account_id == principal.account_id))).all())
    return [m for m in rows if m.state != State.DRAFT or m.id in mine]
