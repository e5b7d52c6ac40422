"""Reading the member registry. Every function checks the policy before it reveals anything."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize, is_allowed
from ballot.authz.principal import Principal
from ballot.exceptions import NotAuthenticated, NotFound, ValidationFailed
from ballot.i18n import gettext as _
from ballot.members.models import DuesStatus, GroupMembership, Member, MemberClass
from ballot.members.records import FIELDS, changes_for, new_member, parse_record, units_by_slug
from ballot.units.models import Unit

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class MemberPage:
    """One page of a member list. ``page`` is 1-based; ``pages`` is at least 1."""

    items: Sequence[Member]
    total: int
    page: int
    pages: int
    per_page: int = 50

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _members_of(unit: Unit) -> Select[Member]:
    """Members whose home unit lies in ``unit``'s subtree; for a body or group, the members holding a seat in it."""
    home = Unit.__table__.alias("home")
    query = select(Member).join(home, home.c.id == Member.home_unit_id)
    if unit.is_territorial:
        return query.where(home.c.path.startswith(unit.path, autoescape=True))
    return query.join(GroupMembership, GroupMembership.member_id == Member.id).where(GroupMembership.unit_id == unit.id)


async def search_members(
    session: AsyncSession,
    principal: Principal | None,
    unit: Unit,
    *,
    query: str = "",
    dues: DuesStatus | None = None,
    member_class: MemberClass | None = None,
    sub_unit: Unit | None = None,
    include_former: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> MemberPage:
    """Search the members of ``unit`` (board or admin of the unit only).

    ``query`` matches number, given name, family name and email, case-insensitively; with several words, each
    word must match one of them. ``sub_unit`` narrows to home units below it. Members who have left are
    hidden unless ``include_former``. Ordered by family name, then given name, then number.
    """
    authorize(principal, Action.MEMBERS_LIST, unit)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    statement = _members_of(unit)
    conditions = []
    for word in query.split():
        pattern = f"%{_escape_like(word)}%"
        conditions.append(
            or_(
                Member.number.ilike(pattern, escape="\\"),
                Member.given_name.ilike(pattern, escape="\\"),
                Member.family_name.ilike(pattern, escape="\\"),
                Member.email.ilike(pattern, escape="\\"),
            )
        )
    if dues is not None:
        conditions.append(Member.dues_status == dues)
    if member_class is not None:
        conditions.append(Member.member_class == member_class)
    if not include_former:
        conditions.append(Member.left_on.is_(None))
    if sub_unit is not None:
        sub_ids = select(Unit.id).where(Unit.path.startswith(sub_unit.path, autoescape=True))
        conditions.append(Member.home_unit_id.in_(sub_ids))
    statement = statement.where(*conditions)

    total = int(await session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(page, pages))
    items = (
        await session.scalars(
            statement.options(joinedload(Member.home_unit))
            .order_by(Member.family_name, Member.given_name, Member.number)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    ).all()
    return MemberPage(items=items, total=total, page=page, pages=pages, per_page=per_page)


async def find_member(session: AsyncSession, number: str) -> Member | None:
    """The registry entry with ``number`` (home unit loaded), without any permission check: internal use only."""
    return await session.scalar(
        select(Member).options(joinedload(Member.home_unit)).where(Member.number == number.strip())
    )


async def get_member(session: AsyncSession, principal: Principal | None, number: str) -> Member:
    """One registry entry: the member themselves, or board/admin of the member's home unit (or above).

    A member that exists but is not visible gets the same answer as one that does not exist, so member numbers
    cannot be probed.
    """
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    member = await find_member(session, number)
    if member is None or (
        principal.member_id != member.id and not is_allowed(principal, Action.MEMBER_VIEW, member.home_unit)
    ):
        raise NotFound(_("This member does not exist or is not visible to you."))
    return member


async def upsert_member(
    session: AsyncSession, principal: Principal | None, number: str, values: Mapping[str, str | None]
) -> tuple[Member, bool]:
    """Create or replace the registry entry ``number`` from text ``values`` (admin of the old and new home unit).

    Validation is the importer's (:func:`ballot.members.importer.parse_record`); every field of the registry is
    set, so a missing optional field is cleared. Returns the entry and whether it was created.
    Raises ValidationFailed with one message per field.
    """
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    number = number.strip()
    member = await find_member(session, number)
    if member is not None:
        authorize(principal, Action.MEMBER_EDIT, member.home_unit)
    record = {name: (values.get(name) or "") for name in FIELDS}
    errors: dict[str, str] = {}
    if record["number"] and record["number"].strip() != number:
        errors["number"] = _("The member number in the body differs from the one in the address.")
    record["number"] = number
    units = await units_by_slug(session)
    parsed, field_errors = parse_record(record, units)
    errors.update(field_errors)
    if errors:
        raise ValidationFailed(errors)
    target = next(unit for unit in units.values() if unit.id == parsed["unit"])
    authorize(principal, Action.MEMBER_EDIT, target)
    created = member is None
    if member is None:
        member = new_member(parsed)
        session.add(member)
        changes: dict[str, object] = dict(parsed)
    else:
        changes = changes_for(member, parsed)
        for attribute, value in changes.items():
            setattr(member, attribute, value)
    await session.flush()
    if created or changes:
        record_event(
            session,
            "members:registry:create" if created else "members:registry:update",
            account_id=principal.account_id,
            unit_id=target.id,
            number=number,
            fields=sorted(name for name in changes if name != "number"),
        )
        await session.flush()
    loaded = await session.scalar(
        select(Member)
        .options(joinedload(Member.home_unit))
        .where(Member.id == member.id)
        .execution_options(populate_existing=True)
    )
    assert loaded is not None
    return loaded, created
