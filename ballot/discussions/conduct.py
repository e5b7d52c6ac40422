"""The code of conduct of a unit: versioned (each save is a new version), written by its board or moderators.
A unit without one of its own shows the nearest one above it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.discussions.models import CodeOfConduct
from ballot.discussions.rendering import render
from ballot.exceptions import ValidationFailed
from ballot.i18n import gettext as _
from ballot.units.models import Unit

MAX_CONDUCT = 20_000


async def current(session: AsyncSession, unit: Unit) -> tuple[CodeOfConduct | None, int | None]:
    """The code in force for ``unit`` and the id of the unit it comes from (its own, or the nearest above)."""
    ids = unit.ancestor_ids()
    if not ids:
        return None, None
    rows = (await session.scalars(
        select(CodeOfConduct).where(CodeOfConduct.unit_id.in_(ids))
        .order_by(CodeOfConduct.unit_id, CodeOfConduct.version.desc()))).all()
    latest: dict[int, CodeOfConduct] = {}
    for row in rows:
        latest.setdefault(row.unit_id, row)
    for unit_id in reversed(ids):
        if unit_id in latest:
            return latest[unit_id], unit_id
    return None, None


async def versions(session: AsyncSession, unit: Unit) -> list[CodeOfConduct]:
    """Every version of the unit's own code, newest first."""
    return list((await session.scalars(select(CodeOfConduct).where(CodeOfConduct.unit_id == unit.id)
                                       .order_by(CodeOfConduct.version.desc()))).all())


async def save(session: AsyncSession, principal: Principal | None, unit: Unit, body: str) -> CodeOfConduct:
    """Store a new version of the unit's code of conduct."""
    principal = authorize(principal, Action.CONDUCT_EDIT, unit)
    if not body.strip():
        raise ValidationFailed({"body": _("Please write the code of conduct.")})
    if len(body) > MAX_CONDUCT:
        raise ValidationFailed({"body": _("At most %(number)s characters.", number=MAX_CONDUCT)})
    number = int(await session.scalar(
        select(func.max(CodeOfConduct.version)).where(CodeOfConduct.unit_id == unit.id)) or 0) + 1
    code = CodeOfConduct(unit_id=unit.id, version=number, body=body, body_html=render(body), created_at=utcnow())
    session.add(code)
    record_event(session, "discussions:conduct:save", account_id=principal.account_id, unit_id=unit.id,
                 version=number)
    await session.flush()
    return code
