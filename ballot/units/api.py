"""JSON API for the unit tree (under /api/v1): every logged-in account may read it."""

from __future__ import annotations

from collections.abc import Mapping

import msgspec
from litestar import get
from litestar.params import FromPath
from litestar.types import ControllerRouterHandler

from ballot.authz.policy import Action, authorize, is_allowed
from ballot.exceptions import NotAuthenticated
from ballot.i18n import gettext as _
from ballot.units.models import BodyType, Unit, UnitKind
from ballot.units.services import all_units, ancestors, children, get_unit
from ballot.web.deps import DB, CurrentPrincipal
from ballot.web.openapi import problems


class UnitOut(msgspec.Struct, kw_only=True):
    """A unit: territorial (federal, state, district, local), a body (Gremium) or an interest group."""

    slug: str
    name: str
    kind: UnitKind
    body_type: BodyType | None = None
    parent: str | None = msgspec.field(default=None)
    description: str = ""


class UnitDetail(UnitOut, kw_only=True):
    """A unit with the units above it (root first) and its direct children (sub-units, bodies, groups)."""

    ancestors: list[UnitOut] = msgspec.field(default_factory=list)
    children: list[UnitOut] = msgspec.field(default_factory=list)


def unit_out(unit: Unit, slugs: Mapping[int, str]) -> UnitOut:
    """``slugs`` maps unit ids to slugs (to name the parent)."""
    return UnitOut(
        slug=unit.slug,
        name=unit.name,
        kind=unit.kind,
        body_type=unit.body_type,
        parent=slugs.get(unit.parent_id) if unit.parent_id is not None else None,
        description=unit.description,
    )


@get("/units", operation_id="listUnits", summary="All units in tree order", responses=problems(400, 401, 422))
async def list_units(db: DB, principal: CurrentPrincipal) -> list[UnitOut]:
    """Every unit the account may see, ordered by position in the tree."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    units = await all_units(db)
    slugs = {unit.id: unit.slug for unit in units}
    return [unit_out(unit, slugs) for unit in units if is_allowed(principal, Action.UNIT_VIEW, unit)]


@get(
    "/units/{slug:str}",
    operation_id="getUnit",
    summary="One unit with its ancestors and children",
    responses=problems(400, 401, 404, 422),
)
async def unit_detail(slug: FromPath[str], db: DB, principal: CurrentPrincipal) -> UnitDetail:
    """The unit named by ``slug``."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    unit = await get_unit(db, slug)
    authorize(principal, Action.UNIT_VIEW, unit)
    above = list(await ancestors(db, unit))
    below = list(await children(db, unit))
    slugs = {u.id: u.slug for u in [*above, unit, *below]}
    base = unit_out(unit, slugs)
    return UnitDetail(
        **{name: getattr(base, name) for name in UnitOut.__struct_fields__},
        ancestors=[unit_out(u, slugs) for u in above],
        children=[unit_out(u, slugs) for u in below],
    )


routes: list[ControllerRouterHandler] = [list_units, unit_detail]
