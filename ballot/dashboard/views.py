"""The overview page ("Übersicht"): my units, my roles, what is open for me, quick links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import get
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from sqlalchemy import select

from ballot.authz.labels import is_inherited, role_name
from ballot.authz.policy import Action, is_allowed
from ballot.db import utcnow
from ballot.referendums.models import ElectionState
from ballot.referendums.queries import ballots_for_member, trusteeships
from ballot.units.labels import unit_kind
from ballot.units.models import Unit
from ballot.units.services import units_of
from ballot.web.deps import DB, CurrentPrincipal


@dataclass(frozen=True)
class RoleEntry:
    """A role held in a unit, for display."""

    unit: Unit
    role: str
    inherited: bool


@get("/", name="dashboard")
async def dashboard(db: DB, principal: CurrentPrincipal) -> Template | Redirect:
    """Logged out: go to the login page. Logged in: the overview."""
    if principal is None:
        return Redirect(path="/login")
    my_units = await units_of(db, principal)
    home_chain = [u for u in my_units if u.is_territorial]
    memberships = [u for u in my_units if not u.is_territorial]

    grant_units: dict[int, Unit] = {}
    if principal.grants:
        ids = sorted({g.unit_id for g in principal.grants})
        grant_units = {u.id: u for u in (await db.scalars(select(Unit).where(Unit.id.in_(ids)))).all()}
    roles = sorted(
        (
            RoleEntry(unit=grant_units[g.unit_id], role=role_name(g.role), inherited=is_inherited(g.role))
            for g in principal.grants
            if g.unit_id in grant_units
        ),
        key=lambda entry: (entry.unit.path, entry.role),
    )
    member_lists = [
        unit for unit in sorted(grant_units.values(), key=lambda u: u.path)
        if unit.is_territorial and is_allowed(principal, Action.MEMBERS_LIST, unit)
    ]
    now = utcnow()
    open_ballots = [e for e in await ballots_for_member(db, principal) if e.closes_at > now]
    context: dict[str, Any] = {
        "principal": principal,
        "open_ballots": open_ballots,
        "open_state": ElectionState.OPEN,
        "now": now,
        "trusteeships": await trusteeships(db, principal),
        "home_chain": list(reversed(home_chain)),
        "memberships": memberships,
        "roles": roles,
        "member_lists": member_lists,
        "home_unit": home_chain[-1] if home_chain else None,
        "unit_kind": unit_kind,
    }
    return Template(template_name="dashboard/index.html", context=context)


routes: list[ControllerRouterHandler] = [dashboard]
