"""Who is acting: an account with its registry entry's units and its role grants, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from ballot.authz.models import Role


@dataclass(frozen=True)
class Grant:
    """A role held in the unit with materialised path ``unit_path``."""

    role: Role
    unit_id: int
    unit_path: str


@dataclass(frozen=True)
class Principal:
    """The acting account. ``home_unit_path`` is empty for an account without a registry entry."""

    account_id: int
    display_name: str
    email: str
    member_id: int | None = None
    home_unit_path: str = ""
    group_unit_ids: frozenset[int] = field(default_factory=frozenset)
    grants: tuple[Grant, ...] = ()
    locale: str | None = None

    @property
    def is_member(self) -> bool:
        return self.member_id is not None

    def roles(self) -> set[Role]:
        """Every role held anywhere."""
        return {grant.role for grant in self.grants}
