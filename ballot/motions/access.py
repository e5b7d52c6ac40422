"""Who may do what with motions. Reading needs a login; taking part (motions, amendments, support) needs
membership of the consultation's unit; managing (consultations, admission, decisions, merges) needs
``Action.MOTIONS_MANAGE`` there."""

from __future__ import annotations

from ballot.authz.models import Role
from ballot.authz.policy import Action, authorize, holds_role, is_allowed
from ballot.authz.principal import Principal
from ballot.discussions.access import is_unit_member
from ballot.exceptions import NotAuthenticated, PermissionDenied
from ballot.i18n import gettext as _
from ballot.motions.workflow import ADMIN, AUTHOR, BOARD, BODY_PREFIX
from ballot.units.models import Unit


def logged_in(principal: Principal | None) -> Principal:
    """The principal, or NotAuthenticated (a redirect to the login)."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    return principal


def is_manager(principal: Principal | None, unit: Unit) -> bool:
    """Board members and admins of the unit (or above)."""
    return is_allowed(principal, Action.MOTIONS_MANAGE, unit)


def ensure_manager(principal: Principal | None, unit: Unit) -> Principal:
    """The principal when they manage motions in ``unit``; PermissionDenied otherwise."""
    return authorize(principal, Action.MOTIONS_MANAGE, unit)


def may_take_part(principal: Principal | None, unit: Unit) -> bool:
    """Members of the unit write motions and amendments and support them."""
    return principal is not None and principal.is_member and is_unit_member(principal, unit)


def ensure_member(principal: Principal | None, unit: Unit) -> Principal:
    """The principal when a member of ``unit``; PermissionDenied otherwise."""
    principal = logged_in(principal)
    if not may_take_part(principal, unit):
        raise PermissionDenied(_("Only members of this unit can take part in this consultation."))
    return principal


def movers(principal: Principal | None, unit: Unit, author_ids: set[int]) -> set[str]:
    """The workflow roles (ballot/motions/workflow.py) ``principal`` holds for a motion or amendment written by
    ``author_ids`` in ``unit``: author, board, admin and ``body:<id>`` for each body or group they sit in."""
    found: set[str] = set()
    if principal is None:
        return found
    if principal.account_id in author_ids:
        found.add(AUTHOR)
    if holds_role(principal, Role.BOARD, unit):
        found.add(BOARD)
    if holds_role(principal, Role.ADMIN, unit):
        found.add(ADMIN)
    found.update(f"{BODY_PREFIX}{unit_id}" for unit_id in principal.group_unit_ids)
    return found
