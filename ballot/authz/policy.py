"""The authorisation policy: which role may do what, where. Services call :func:`authorize`; templates only
ask :func:`is_allowed` to decide what to show."""

from __future__ import annotations

import enum

from ballot.authz.models import Role
from ballot.authz.principal import Principal
from ballot.exceptions import NotAuthenticated, PermissionDenied
from ballot.i18n import gettext as _
from ballot.units.models import Unit


class Action(enum.StrEnum):
    """Actions on a unit (the target unit decides where a role must be held)."""

    UNIT_VIEW = "unit.view"
    MEMBERS_LIST = "members.list"
    MEMBER_VIEW = "member.view"
    MEMBER_EDIT = "member.edit"
    MEMBER_INVITE = "member.invite"
    MEMBERS_IMPORT = "members.import"
    MEMBERS_EXPORT = "members.export"
    STATISTICS_VIEW = "statistics.view"
    ROLES_GRANT = "roles.grant"
    AUDIT_LOG_VIEW = "audit_log.view"
    MODERATE = "moderate"
    CONDUCT_EDIT = "conduct.edit"
    ELECTION_KEYS = "election.keys"
    ELECTION_MANAGE = "election.manage"
    POSTAL_ENTER = "postal.enter"
    STATUTE_VIEW = "statute.view"
    STATUTE_EDIT = "statute.edit"
    MOTIONS_MANAGE = "motions.manage"
    SURVEY_MANAGE = "survey.manage"
    POLL_MANAGE = "poll.manage"


#: Roles that also hold in every unit below the one they were granted in.
INHERITED_ROLES = frozenset({Role.BOARD, Role.MODERATOR, Role.AUDITOR, Role.ADMIN})

#: Which roles allow an action. ``None`` in the set means "every logged-in account".
POLICY: dict[Action, frozenset[Role | None]] = {
    Action.UNIT_VIEW: frozenset({None}),
    Action.MEMBERS_LIST: frozenset({Role.BOARD, Role.ADMIN}),
    Action.MEMBER_VIEW: frozenset({Role.BOARD, Role.ADMIN}),
    Action.MEMBER_EDIT: frozenset({Role.ADMIN}),
    Action.MEMBER_INVITE: frozenset({Role.BOARD, Role.ADMIN}),
    Action.MEMBERS_IMPORT: frozenset({Role.ADMIN}),
    Action.MEMBERS_EXPORT: frozenset({Role.ADMIN}),
    Action.STATISTICS_VIEW: frozenset({Role.BOARD, Role.ELECTION_COMMITTEE, Role.AUDITOR, Role.ADMIN}),
    Action.ROLES_GRANT: frozenset({Role.ADMIN}),
    Action.AUDIT_LOG_VIEW: frozenset({Role.AUDITOR, Role.ADMIN}),
    Action.MODERATE: frozenset({Role.MODERATOR, Role.ADMIN}),
    Action.CONDUCT_EDIT: frozenset({Role.BOARD, Role.MODERATOR, Role.ADMIN}),
    Action.ELECTION_KEYS: frozenset({Role.ELECTION_COMMITTEE}),
    Action.ELECTION_MANAGE: frozenset({Role.BOARD, Role.ADMIN}),
    Action.POSTAL_ENTER: frozenset({Role.ELECTION_COMMITTEE}),
    Action.STATUTE_VIEW: frozenset({None}),
    Action.STATUTE_EDIT: frozenset({Role.ADMIN}),
    Action.MOTIONS_MANAGE: frozenset({Role.BOARD, Role.ADMIN}),
    Action.SURVEY_MANAGE: frozenset({Role.BOARD, Role.ADMIN}),
    Action.POLL_MANAGE: frozenset({Role.BOARD, Role.ADMIN}),
}


def holds_role(principal: Principal, role: Role, unit: Unit) -> bool:
    """True when ``principal`` holds ``role`` in ``unit`` directly or, for inherited roles, above it."""
    for grant in principal.grants:
        if grant.role != role:
            continue
        if grant.unit_id == unit.id:
            return True
        if role in INHERITED_ROLES and unit.path.startswith(grant.unit_path):
            return True
    return False


def is_allowed(principal: Principal | None, action: Action, unit: Unit) -> bool:
    """Whether ``principal`` may perform ``action`` in ``unit``."""
    if principal is None:
        return False
    allowed = POLICY[action]
    if None in allowed:
        return True
    return any(role is not None and holds_role(principal, role, unit) for role in allowed)


def authorize(principal: Principal | None, action: Action, unit: Unit) -> Principal:
    """Raise unless allowed; return the principal (narrowed to not-None) for convenience."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    if not is_allowed(principal, action, unit):
        raise PermissionDenied(_("You are not allowed to do this here."))
    return principal
