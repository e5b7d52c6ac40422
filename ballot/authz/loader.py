"""Build a :class:`Principal` from the database: one query for the account, one for grants, one for groups."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.models import RoleGrant
from ballot.authz.principal import Grant, Principal
from ballot.members.models import GroupMembership, Member
from ballot.units.models import Unit


async def load_principal(session: AsyncSession, account_id: int) -> Principal | None:
    """The principal for an active account, or None when the account is missing or deactivated."""
    row = (
        await session.execute(
            select(Account, Unit.path)
            .outerjoin(Member, Member.id == Account.member_id)
            .outerjoin(Unit, Unit.id == Member.home_unit_id)
            .where(Account.id == account_id)
        )
    ).first()
    if row is None or not row[0].is_active:
        return None
    account, home_path = row
    grants = (
        await session.execute(
            select(RoleGrant.role, Unit.id, Unit.path)
            .join(Unit, Unit.id == RoleGrant.unit_id)
            .where(RoleGrant.account_id == account.id)
        )
    ).all()
    groups: frozenset[int] = frozenset()
    if account.member_id is not None:
        groups = frozenset(
            (
                await session.scalars(
                    select(GroupMembership.unit_id).where(GroupMembership.member_id == account.member_id)
                )
            ).all()
        )
    return Principal(
        account_id=account.id,
        display_name=account.display_name,
        email=account.email,
        member_id=account.member_id,
        home_unit_path=home_path or "",
        group_unit_ids=groups,
        grants=tuple(Grant(role=role, unit_id=uid, unit_path=path) for role, uid, path in grants),
        locale=account.locale,
    )
