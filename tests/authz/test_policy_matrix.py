"""Every role on every action, in the unit where it was granted, below it, beside it and above it.

The expectations are written out by hand (not derived from ``POLICY``), so a change to the policy must be
reflected here on purpose.
"""

from __future__ import annotations

import pytest

from ballot.authz.models import Role
from ballot.authz.policy import POLICY, Action, authorize, is_allowed
from ballot.authz.principal import Grant, Principal
from ballot.exceptions import NotAuthenticated, PermissionDenied
from ballot.units.models import Unit, UnitKind

FEDERAL = Unit(id=1, slug="bund", name="Bund", kind=UnitKind.FEDERAL, path="/1/")
STATE = Unit(id=2, slug="land-a", name="Land A", kind=UnitKind.STATE, path="/1/2/")
LOCAL = Unit(id=4, slug="ort-a", name="Ort A", kind=UnitKind.LOCAL, path="/1/2/3/4/")
OTHER_STATE = Unit(id=5, slug="land-b", name="Land B", kind=UnitKind.STATE, path="/1/5/")
TARGETS = {"same": STATE, "below": LOCAL, "beside": OTHER_STATE, "above": FEDERAL}

# For each action: the roles that may act, and where: "S" = only in the unit of the grant, "SB" = there and below.
# "everyone" = every logged-in account anywhere.
EXPECTED: dict[Action, dict[str, str] | str] = {
    Action.UNIT_VIEW: "everyone",
    Action.MEMBERS_LIST: {"board": "SB", "admin": "SB"},
    Action.MEMBER_VIEW: {"board": "SB", "admin": "SB"},
    Action.MEMBER_EDIT: {"admin": "SB"},
    Action.MEMBER_INVITE: {"board": "SB", "admin": "SB"},
    Action.MEMBERS_IMPORT: {"admin": "SB"},
    Action.MEMBERS_EXPORT: {"admin": "SB"},
    Action.STATISTICS_VIEW: {"board": "SB", "election_committee": "S", "auditor": "SB", "admin": "SB"},
    Action.ROLES_GRANT: {"admin": "SB"},
    Action.AUDIT_LOG_VIEW: {"auditor": "SB", "admin": "SB"},
    Action.MODERATE: {"moderator": "SB", "admin": "SB"},
    Action.CONDUCT_EDIT: {"board": "SB", "moderator": "SB", "admin": "SB"},
    Action.ELECTION_KEYS: {"election_committee": "S"},
    Action.ELECTION_MANAGE: {"board": "SB", "admin": "SB"},
    Action.POSTAL_ENTER: {"election_committee": "S"},
    Action.STATUTE_VIEW: "everyone",
    Action.STATUTE_EDIT: {"admin": "SB"},
    Action.MOTIONS_MANAGE: {"board": "SB", "admin": "SB"},
    Action.SURVEY_MANAGE: {"board": "SB", "admin": "SB"},
    Action.POLL_MANAGE: {"board": "SB", "admin": "SB"},
}

ROLE_NAMES = ["none", *[role.value for role in Role]]


def principal_with(role_name: str) -> Principal:
    grants = () if role_name == "none" else (Grant(role=Role(role_name), unit_id=STATE.id, unit_path=STATE.path),)
    return Principal(
        account_id=7, display_name="Test", email="t@example.org", member_id=7, home_unit_path=LOCAL.path, grants=grants
    )


def expected(action: Action, role_name: str, where: str) -> bool:
    rule = EXPECTED[action]
    if rule == "everyone":
        return True
    scope = rule.get(role_name, "")  # type: ignore[union-attr]
    return (where == "same" and "S" in scope) or (where == "below" and "B" in scope)


def test_every_action_has_an_expectation() -> None:
    assert set(EXPECTED) == set(Action) == set(POLICY)


@pytest.mark.parametrize("where", list(TARGETS))
@pytest.mark.parametrize("role_name", ROLE_NAMES)
@pytest.mark.parametrize("action", list(Action))
def test_matrix(action: Action, role_name: str, where: str) -> None:
    principal = principal_with(role_name)
    unit = TARGETS[where]
    should = expected(action, role_name, where)
    assert is_allowed(principal, action, unit) is should
    if should:
        assert authorize(principal, action, unit) is principal
    else:
        with pytest.raises(PermissionDenied):
            authorize(principal, action, unit)


@pytest.mark.parametrize("action", list(Action))
def test_anonymous_is_asked_to_log_in(action: Action) -> None:
    assert is_allowed(None, action, STATE) is False
    with pytest.raises(NotAuthenticated):
        authorize(None, action, STATE)


def test_a_grant_on_a_sibling_with_a_common_prefix_does_not_leak() -> None:
    """Unit 1/2/ must not contain 1/23/: paths end with a slash for this reason."""
    sibling = Unit(id=23, slug="land-c", name="Land C", kind=UnitKind.STATE, path="/1/23/")
    assert not is_allowed(principal_with("board"), Action.MEMBERS_LIST, sibling)
