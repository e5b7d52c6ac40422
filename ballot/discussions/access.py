"""Who may read, post in and moderate a thread: one set of rules for pages, search and the moderation log.

Readers: a ``PUBLIC`` thread is for everyone (also visitors without an account); a ``UNIT`` thread for the members
of its scope unit (membership counts upwards from the home unit); a ``GROUP`` thread for the members of its group
or body. Moderators (``Action.MODERATE`` in the thread's unit) read every thread of their units.
Participants (may start threads and reply): members of the thread's audience; for a public thread the members of
its unit (everyone else reads). Moderators may take part too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_

from ballot.authz.policy import INHERITED_ROLES, POLICY, Action, is_allowed
from ballot.authz.principal import Principal
from ballot.discussions.models import Thread, Visibility
from ballot.units.models import Unit, UnitKind


def home_unit_ids(principal: Principal | None) -> list[int]:
    """The principal's home unit and every unit above it (their territorial memberships)."""
    if principal is None:
        return []
    return [int(part) for part in principal.home_unit_path.strip("/").split("/") if part]


def is_unit_member(principal: Principal | None, unit: Unit) -> bool:
    """Member of ``unit``: below it by home unit (territorial units) or seated in it (groups and bodies)."""
    if principal is None:
        return False
    if unit.is_territorial:
        return bool(principal.home_unit_path) and principal.home_unit_path.startswith(unit.path)
    return unit.id in principal.group_unit_ids


def may_moderate(principal: Principal | None, unit: Unit) -> bool:
    """Moderators (and admins) of ``unit`` or a unit above it."""
    return is_allowed(principal, Action.MODERATE, unit)


def scope_of(unit: Unit, visibility: Visibility) -> int | None:
    """The unit whose members form a thread's audience (None: this visibility is impossible in ``unit``)."""
    if visibility == Visibility.GROUP:
        return None if unit.is_territorial else unit.id
    if unit.is_territorial:
        return unit.id
    return unit.parent_id


def may_read(principal: Principal | None, thread: Thread, unit: Unit) -> bool:
    """Whether ``principal`` may read ``thread`` (in ``unit``)."""
    if thread.visibility == Visibility.PUBLIC or may_moderate(principal, unit):
        return True
    if principal is None:
        return False
    if thread.visibility == Visibility.GROUP:
        return thread.scope_unit_id in principal.group_unit_ids
    return thread.scope_unit_id in home_unit_ids(principal)


def may_start(principal: Principal | None, unit: Unit) -> bool:
    """Whether ``principal`` may start a thread in ``unit``."""
    return is_unit_member(principal, unit) or may_moderate(principal, unit)


def may_post(principal: Principal | None, thread: Thread, unit: Unit) -> bool:
    """Whether ``principal`` may reply in ``thread`` (closed threads: moderators only)."""
    if principal is None:
        return False
    if may_moderate(principal, unit):
        return True
    if thread.closed:
        return False
    if thread.visibility == Visibility.PUBLIC:
        return is_unit_member(principal, unit)
    return may_read(principal, thread, unit)


def visible_clause(principal: Principal | None, unit_path: Any) -> ColumnElement[bool]:
    """SQL condition on :class:`Thread` (``unit_path``: the thread's unit path column) matching ``may_read``."""
    conditions: list[ColumnElement[bool]] = [Thread.visibility == Visibility.PUBLIC]
    if principal is not None:
        homes = home_unit_ids(principal)
        if homes:
            conditions.append((Thread.visibility == Visibility.UNIT) & Thread.scope_unit_id.in_(homes))
        if principal.group_unit_ids:
            conditions.append(
                (Thread.visibility == Visibility.GROUP) & Thread.scope_unit_id.in_(sorted(principal.group_unit_ids))
            )
        for grant in principal.grants:
            if grant.role not in POLICY[Action.MODERATE]:
                continue
            if grant.role in INHERITED_ROLES:
                conditions.append(unit_path.startswith(grant.unit_path))
            else:
                conditions.append(Thread.unit_id == grant.unit_id)
    return or_(*conditions) if conditions else false()


def visibility_choices(unit: Unit) -> list[Visibility]:
    """The visibilities a thread in ``unit`` may have (groups and bodies also allow group-only threads)."""
    if unit.kind in (UnitKind.GROUP, UnitKind.BODY):
        return [Visibility.GROUP, Visibility.UNIT, Visibility.PUBLIC]
    return [Visibility.UNIT, Visibility.PUBLIC]

