"""Export the member registry as CSV (the importer's columns, so an export can be imported again) or JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import IO, Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.members.models import Member
from ballot.members.records import ATTRIBUTE, FIELDS
from ballot.units.models import Unit

ExportFormat = Literal["csv", "json"]


def member_record(member: Member) -> dict[str, str | None]:
    """One registry entry as the importer reads it: text values, dates as YYYY-MM-DD, the unit as its slug."""
    record: dict[str, str | None] = {}
    for name in FIELDS:
        value: Any = member.home_unit.slug if name == "unit" else getattr(member, ATTRIBUTE[name])
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        record[name] = value
    return record


async def registry(
    session: AsyncSession, principal: Principal | None = None, unit: Unit | None = None
) -> Sequence[Member]:
    """Every registry entry (those of ``unit``'s subtree when given), ordered by number.

    Without ``principal`` this is the operator's command-line export; with one, it must be allowed to export
    ``unit`` (or, without a unit, every root unit).
    """
    query = select(Member).options(joinedload(Member.home_unit)).order_by(Member.number)
    if unit is not None:
        query = query.join(Unit, Unit.id == Member.home_unit_id).where(Unit.path.startswith(unit.path))
    if principal is not None:
        targets = (
            [unit] if unit is not None else (await session.scalars(select(Unit).where(Unit.parent_id.is_(None)))).all()
        )
        for target in targets:
            authorize(principal, Action.MEMBERS_EXPORT, target)
    return (await session.scalars(query)).unique().all()


def write_csv(members: Sequence[Member], stream: IO[str]) -> None:
    """CSV with a header of the canonical column names, comma-separated, empty cells for missing values."""
    writer = csv.DictWriter(stream, fieldnames=list(FIELDS), lineterminator="\n")
    writer.writeheader()
    for member in members:
        writer.writerow({key: value or "" for key, value in member_record(member).items()})


def write_json(members: Sequence[Member], stream: IO[str]) -> None:
    """``{"exported_at": ..., "count": n, "members": [{...}, ...]}`` with null for missing values."""
    document = {
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "count": len(members),
        "members": [member_record(member) for member in members],
    }
    json.dump(document, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


async def export_members(
    session: AsyncSession,
    stream: IO[str],
    *,
    format: ExportFormat = "csv",
    principal: Principal | None = None,
    unit: Unit | None = None,
) -> int:
    """Write the registry to ``stream`` in ``format``; returns the number of entries written."""
    members = await registry(session, principal, unit)
    (write_json if format == "json" else write_csv)(members, stream)
    record_event(
        session,
        "members:registry:export",
        account_id=principal.account_id if principal else None,
        unit_id=unit.id if unit else None,
        format=format,
        count=len(members),
    )
    await session.flush()
    return len(members)
