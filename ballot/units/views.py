"""Unit pages: the tree of units, and one unit with its sub-units, bodies, groups and board."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from litestar import get
from litestar.params import FromPath
from litestar.response import Template
from litestar.types import ControllerRouterHandler
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.policy import Action, authorize, is_allowed
from ballot.members.models import GroupMembership, Member
from ballot.units.labels import unit_kind
from ballot.units.models import BodyType, Unit, UnitKind
from ballot.units.services import all_units, ancestors, children, get_unit, member_count
from ballot.web.access import require_login
from ballot.web.deps import DB, CurrentPrincipal


@dataclass
class TreeNode:
    """A territorial unit with its territorial children, for the nested list."""

    unit: Unit
    children: list[TreeNode] = field(default_factory=list)


@dataclass(frozen=True)
class Seat:
    """A member's seat in a body, for display (name and function only)."""

    name: str
    function: str


def build_tree(units: Sequence[Unit]) -> list[TreeNode]:
    """Nest territorial units by parent (``units`` in path order, so parents come first)."""
    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for unit in units:
        if not unit.is_territorial:
            continue
        node = TreeNode(unit)
        nodes[unit.id] = node
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent.children if parent else roots).append(node)
    return roots


async def seats_of(session: AsyncSession, bodies: Sequence[Unit]) -> dict[int, list[Seat]]:
    """The current members of each body, by body id (names and functions)."""
    seats: dict[int, list[Seat]] = {body.id: [] for body in bodies}
    if not bodies:
        return seats
    rows = (
        await session.execute(
            select(GroupMembership.unit_id, GroupMembership.function, Member.given_name, Member.family_name)
            .join(Member, Member.id == GroupMembership.member_id)
            .where(GroupMembership.unit_id.in_(list(seats)), Member.left_on.is_(None))
            .order_by(GroupMembership.function == "", Member.family_name, Member.given_name)
        )
    ).all()
    for unit_id, function, given, family in rows:
        seats[unit_id].append(Seat(name=f"{given} {family}", function=function))
    return seats


async def group_sizes(session: AsyncSession, groups: Sequence[Unit]) -> dict[int, int]:
    """Number of members per group or body id."""
    if not groups:
        return {}
    rows = await session.execute(
        select(GroupMembership.unit_id, func.count(GroupMembership.id))
        .where(GroupMembership.unit_id.in_([g.id for g in groups]))
        .group_by(GroupMembership.unit_id)
    )
    return {unit_id: int(count) for unit_id, count in rows.all()}


@get("/units", name="units")
async def unit_tree(db: DB, principal: CurrentPrincipal) -> Template:
    """Every territorial unit as nested lists."""
    principal = require_login(principal)
    roots = build_tree(await all_units(db))
    if roots:
        authorize(principal, Action.UNIT_VIEW, roots[0].unit)
    home_ids = {int(p) for p in principal.home_unit_path.strip("/").split("/") if p}
    return Template(
        template_name="units/tree.html",
        context={"roots": roots, "unit_kind": unit_kind, "home_ids": home_ids},
    )


@get("/units/{slug:str}", name="unit")
async def unit_page(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """One unit: breadcrumbs, sub-units, bodies with their members, groups, the board, the member count."""
    principal = require_login(principal)
    unit = await get_unit(db, slug)
    authorize(principal, Action.UNIT_VIEW, unit)
    parents = await ancestors(db, unit)
    kids = await children(db, unit)
    sub_units = [u for u in kids if u.is_territorial]
    bodies = [u for u in kids if u.kind == UnitKind.BODY]
    groups = [u for u in kids if u.kind == UnitKind.GROUP]
    shown_bodies = [*bodies, unit] if unit.kind == UnitKind.BODY else bodies
    seats = await seats_of(db, shown_bodies)
    board = next((b for b in bodies if b.body_type == BodyType.BOARD), None)
    context: dict[str, Any] = {
        "unit": unit,
        "kind": unit_kind(unit),
        "parents": parents,
        "sub_units": sub_units,
        "bodies": [b for b in bodies if b is not board],
        "board": board,
        "seats": seats,
        "groups": groups,
        "group_sizes": await group_sizes(db, groups),
        "member_count": await member_count(db, unit),
        "can_list_members": unit.is_territorial and is_allowed(principal, Action.MEMBERS_LIST, unit),
        "unit_kind": unit_kind,
    }
    return Template(template_name="units/unit.html", context=context)


routes: list[ControllerRouterHandler] = [unit_tree, unit_page]
