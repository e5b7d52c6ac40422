"""Page-level helper: pages need a logged-in account (what it may see is decided by the policy)."""

from __future__ import annotations

from ballot.authz.principal import Principal
from ballot.exceptions import NotAuthenticated
from ballot.i18n import gettext as _


def require_login(principal: Principal | None) -> Principal:
    """Return the principal; anonymous visitors get NotAuthenticated (a redirect to /login?next=...)."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    return principal
