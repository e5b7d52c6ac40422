"""Reading and building the unit tree. Every function that reveals data checks the policy first."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.principal import Principal
from ballot.exceptions import NotFound, ValidationFailed
from ballot.i18n import gettext as _
from ballot.members.models import GroupMembership, Member
from ballot.units.models import CHILD_KIND, BodyType, Unit, UnitKind


def slugify(text: str) -> str:
    """``Kreisverband Frankfurt am Main`` -> ``kreisverband-frankfurt-am-main`` (umlauts transliterated)."""
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = text.replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


async def create_unit(
    session: AsyncSession,
    name: str,
    kind: UnitKind,
    parent: Unit | None = None,
    *,
    slug: str | None = None,
    body_type: BodyType | None = None,
    description: str = "",
) -> Unit:
    """Add a unit below ``parent``, checking that the tree keeps its shape (federal > state > district > local)."""
    errors: dict[str, str] = {}
    if parent is None and kind != UnitKind.FEDERAL:
        errors["parent"] = _("Only the federal unit has no parent.")
    if parent is not None:
        if kind == UnitKind.FEDERAL:
            errors["kind"] = _("A federal unit cannot have a parent.")
        elif kind in CHILD_KIND.values() and CHILD_KIND.get(parent.kind) != kind:
            errors["kind"] = _(
                "A %(kind)s unit cannot be placed below a %(parent)s unit.", kind=kind, parent=parent.kind
            )
        elif kind in (UnitKind.BODY, UnitKind.GROUP) and not parent.is_territorial:
            errors["parent"] = _("Bodies and groups belong to a territorial unit.")
    if (kind == UnitKind.BODY) != (body_type is not None):
        errors["body_type"] = _("A body needs a body type; other units have none.")
    if not name.strip():
        errors["name"] = _("Please enter a name.")
    if errors:
        raise ValidationFailed(errors)
    unit = Unit(
        name=name.strip(),
        kind=kind,
        parent_id=parent.id if parent else None,
        slug=slug or slugify(name),
        body_type=body_type,
        description=description,
    )
    session.add(unit)
    await session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    await session.flush()
    return unit


async def get_unit(session: AsyncSession, slug: str) -> Unit:
    """The unit with ``slug``; NotFound otherwise."""
    unit = await session.scalar(select(Unit).where(Unit.slug == slug))
    if unit is None:
        raise NotFound(_("This unit does not exist."))
    return unit


async def children(session: AsyncSession, unit: Unit) -> Sequence[Unit]:
    """Direct children (sub-units, bodies, groups), ordered by kind and name."""
    return (await session.scalars(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.kind, Unit.name))).all()


async def ancestors(session: AsyncSession, unit: Unit) -> Sequence[Unit]:
    """The units above ``unit``, from the root down (not including ``unit``)."""
    ids = unit.ancestor_ids()[:-1]
    if not ids:
        return []
    found = {u.id: u for u in (await session.scalars(select(Unit).where(Unit.id.in_(ids)))).all()}
    return [found[i] for i in ids if i in found]


async def all_units(session: AsyncSession) -> Sequence[Unit]:
    """Every unit, in tree order (by materialised path)."""
    return (await session.scalars(select(Unit).order_by(Unit.path))).all()


async def member_count(session: AsyncSession, unit: Unit) -> int:
    """Members whose home unit is ``unit`` or below it; for groups and bodies, their members."""
    if unit.is_territorial:
        query = (
            select(func.count(Member.id))
            .join(Unit, Unit.id == Member.home_unit_id)
            .where(Unit.path.startswith(unit.path), Member.left_on.is_(None))
        )
    else:
        query = select(func.count(GroupMembership.id)).where(GroupMembership.unit_id == unit.id)
    return int(await session.scalar(query) or 0)


async def units_of(session: AsyncSession, principal: Principal) -> Sequence[Unit]:
    """The principal's home unit with everything above it, then their bodies and groups."""
    ids = [int(part) for part in principal.home_unit_path.strip("/").split("/") if part]
    ids += sorted(principal.group_unit_ids)
    if not ids:
        return []
    found = {u.id: u for u in (await session.scalars(select(Unit).where(Unit.id.in_(ids)))).all()}
    return [found[i] for i in ids if i in found]
