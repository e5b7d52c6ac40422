"""Build a :class:`Principal` from the database in two queries: the account (with its home unit, or found through a
session), then its role grants and group memberships together."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.models import RoleGrant
from ballot.authz.principal import Grant, Principal
from ballot.members.models import GroupMembership, Member
from ballot.units.models import Unit


def account_query() -> Any:
    """Account and home unit path; callers add the join and condition that find the account."""
    return (select(Account, Unit.path)
            .outerjoin(Member, Member.id == Account.member_id)
            .outerjoin(Unit, Unit.id == Member.home_unit_id))


async def principal_of(session: AsyncSession, account: Account, home_path: str | None) -> Principal | None:
    """The principal of an already loaded account (None when deactivated): grants and groups in one query."""
    if not account.is_active:
        return None
    grants = (select(RoleGrant.role, Unit.id, Unit.path)
              .join(Unit, Unit.id == RoleGrant.unit_id)
              .where(RoleGrant.account_id == account.id))
    query = grants
    if account.member_id is not None:  # a group membership is a row without a role
        groups = (select(null(), GroupMembership.unit_id, literal(""))
                  .where(GroupMembership.member_id == account.member_id))
        query = union_all(grants, groups)  # type: ignore[assignment]
    rows = (await session.execute(query)).all()
    return Principal(
        account_id=account.id,
        display_name=account.display_name,
        email=account.email,
        member_id=account.member_id,
        home_unit_path=home_path or "",
        group_unit_ids=frozenset(uid for role, uid, _path in rows if role is None),
        grants=tuple(Grant(role=role, unit_id=uid, unit_path=path) for role, uid, path in rows if role is not None),
        locale=account.locale,
    )


async def load_principal(session: AsyncSession, account_id: int) -> Principal | None:
    """The principal for an active account, or None when the account is missing or deactivated."""
    row = (await session.execute(account_query().where(Account.id == account_id))).first()
    if row is None:
        return None
    return await principal_of(session, row[0], row[1])
