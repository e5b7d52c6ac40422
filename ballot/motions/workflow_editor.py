"""The board defines a consultation's workflow in the browser: the states in use, the allowed steps and, per step, the
roles that may make it. The workflow can be changed only until the first motion of the consultation is written
(afterwards the history of every motion must keep meaning what it said: the change is refused, not versioned).

Form fields: ``states`` (repeated, a state value each) and ``t:<from>:<to>`` (repeated, a role each).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.principal import Principal
from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.motions import access, workflow
from ballot.motions.models import Consultation, Motion, State
from ballot.motions.workflow import BODY_PREFIX, CLOSED, EDITABLE_STATES, ROLES, Rules, Transition
from ballot.units.models import Unit, UnitKind

#: Source states the editor offers (no step can follow a final state).
SOURCES = tuple(s for s in EDITABLE_STATES if s not in CLOSED)
#: Target states the editor offers (nothing leads back to the draft).
TARGETS = tuple(s for s in EDITABLE_STATES if s != State.DRAFT)


@dataclass(frozen=True)
class Submitted:
    """What the editor form sent."""

    states: frozenset[State]
    transitions: tuple[Transition, ...]


async def bodies_of(session: AsyncSession, unit: Unit) -> dict[int, str]:
    """Bodies (Gremien, e.g. an Antragskommission) attached to ``unit`` or a unit above it: id -> name."""
    rows = (await session.execute(select(Unit.id, Unit.name).where(
        Unit.kind == UnitKind.BODY, Unit.parent_id.in_(unit.ancestor_ids())).order_by(Unit.name))).all()
    return {unit_id: name for unit_id, name in rows}


def role_choices(bodies: dict[int, str]) -> list[tuple[str, str]]:
    """Every role the editor offers, with its label."""
    roles = [*ROLES, *(f"{BODY_PREFIX}{unit_id}" for unit_id in bodies)]
    return [(role, workflow.role_label(role, bodies)) for role in roles]


async def motion_count(session: AsyncSession, consultation: Consultation) -> int:
    """How many motions (drafts included) the consultation has."""
    return int(await session.scalar(select(func.count(Motion.id)).where(
        Motion.consultation_id == consultation.id)) or 0)


def read_form(items: Iterable[tuple[str, str]]) -> Submitted:
    """The chosen states and steps; unknown states and pairs are ignored (the form offers no others)."""
    known = {s.value: s for s in EDITABLE_STATES}
    states: set[State] = set()
    roles: dict[tuple[State, State], set[str]] = {}
    for key, value in items:
        if key == "states" and value in known:
            states.add(known[value])
        elif key.startswith("t:") and key.count(":") == 2:
            _t, source, target = key.split(":")
            if source in known and target in known:
                roles.setdefault((known[source], known[target]), set()).add(value)
    return Submitted(frozenset(states), tuple(Transition(s, t, frozenset(r)) for (s, t), r in roles.items()))


def form_values(rules: Rules) -> dict[str, set[str]]:
    """The editor's checked boxes for ``rules``: ``states`` and ``t:<from>:<to>`` -> roles."""
    values: dict[str, set[str]] = {"states": {s.value for s in rules.states}}
    for t in rules.transitions:
        values[f"t:{t.source.value}:{t.target.value}"] = set(t.roles)
    return values


async def save_workflow(session: AsyncSession, principal: Principal | None, consultation: Consultation, unit: Unit,
                        submitted: Submitted) -> Rules:
    """Store the workflow (managers, while the consultation has no motion); ValidationFailed names each bad field."""
    principal = access.ensure_manager(principal, unit)
    if await motion_count(session, consultation):
        raise PermissionDenied(_("The consultation already has motions: its workflow can no longer be changed."))
    errors = workflow.validate(submitted.states, submitted.transitions)
    allowed = {role for role, _label in role_choices(await bodies_of(session, unit))}
    for t in submitted.transitions:
        if not t.roles <= allowed:
            errors.setdefault(f"t-{t.source.value}", _("Please choose among the roles offered."))
    if errors:
        raise ValidationFailed(errors)
    rules = Rules(submitted.states, submitted.transitions)
    consultation.workflow_rules = rules.to_json()
    consultation.workflow = next((name for name, template in workflow.TEMPLATES.items()
                                  if template.to_json() == consultation.workflow_rules), workflow.CUSTOM)
    record_event(session, "motions:consultation:workflow", account_id=principal.account_id, unit_id=unit.id,
                 consultation=consultation.id)
    await session.flush()
    return rules
