"""Translated names of the roles, and whether a role also holds in the units below."""

from __future__ import annotations

from babel.support import LazyProxy

from ballot.authz.models import Role
from ballot.authz.policy import INHERITED_ROLES
from ballot.i18n import lazy_gettext

ROLES: dict[Role, LazyProxy] = {
    Role.BOARD: lazy_gettext("Board member"),
    Role.ELECTION_COMMITTEE: lazy_gettext("Election committee member"),
    Role.MODERATOR: lazy_gettext("Moderator"),
    Role.AUDITOR: lazy_gettext("Auditor"),
    Role.ADMIN: lazy_gettext("Administrator"),
}


def role_name(role: Role) -> str:
    """The translated name of ``role``."""
    return str(ROLES[role])


def is_inherited(role: Role) -> bool:
    """Whether ``role`` also holds in every unit below the one it was granted in."""
    return role in INHERITED_ROLES
