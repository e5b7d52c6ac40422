"""Who may run a poll session and who may answer.

Presenters: ``Action.POLL_MANAGE`` in the session's unit (the board of the unit or of a unit above it, and admins;
see docs/polls.md). Participants: members of the unit (membership counts upwards from the home unit; for a group or
body, its seated members) and the presenters themselves; guests (anyone with the link or code, by device) only when
the session allows guests.
"""

from __future__ import annotations

from ballot.authz.policy import Action, authorize, is_allowed
from ballot.authz.principal import Principal
from ballot.exceptions import NotAuthenticated, PermissionDenied
from ballot.i18n import gettext as _
from ballot.polls.identity import Participant, device_participant, member_participant
from ballot.polls.models import PollSession
from ballot.units.models import Unit


def may_manage(principal: Principal | None, unit: Unit) -> bool:
    return is_allowed(principal, Action.POLL_MANAGE, unit)


def require_manager(principal: Principal | None, unit: Unit) -> Principal:
    return authorize(principal, Action.POLL_MANAGE, unit)


def is_unit_member(principal: Principal | None, unit: Unit) -> bool:
    """Member of ``unit``: below it by home unit (territorial units) or seated in it (groups and bodies)."""
    if principal is None:
        return False
    if unit.is_territorial:
        return bool(principal.home_unit_path) and principal.home_unit_path.startswith(unit.path)
    return unit.id in principal.group_unit_ids


def participant(
    secret: str, session: PollSession, unit: Unit, principal: Principal | None, device_id: str | None
) -> Participant | None:
    """The answering party, or None for a guest whose browser holds no valid device cookie (yet).

    Raises NotAuthenticated (log in first) or PermissionDenied when the visitor may not take part at all."""
    if principal is not None and (is_unit_member(principal, unit) or may_manage(principal, unit)):
        return member_participant(secret, principal.account_id)
    if session.allow_guests:
        return device_participant(secret, device_id) if device_id else None
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    raise PermissionDenied(_("This poll is for members of %(unit)s.", unit=unit.name))
