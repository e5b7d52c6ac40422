"""Human-readable, translated names for the enums the pages show (unit kinds, roles, dues, consents)."""

from __future__ import annotations

from babel.support import LazyProxy

from ballot.authz.models import Role
from ballot.authz.policy import INHERITED_ROLES
from ballot.i18n import lazy_gettext
from ballot.members.models import ConsentKind, DuesStatus, Gender, MemberClass
from ballot.units.models import BodyType, Unit, UnitKind

UNIT_KINDS: dict[UnitKind, LazyProxy] = {
    UnitKind.FEDERAL: lazy_gettext("Federal association"),
    UnitKind.STATE: lazy_gettext("State association"),
    UnitKind.DISTRICT: lazy_gettext("District association"),
    UnitKind.LOCAL: lazy_gettext("Local association"),
    UnitKind.BODY: lazy_gettext("Body"),
    UnitKind.GROUP: lazy_gettext("Interest group"),
}

BODY_TYPES: dict[BodyType, LazyProxy] = {
    BodyType.BOARD: lazy_gettext("Board"),
    BodyType.ELECTION_COMMITTEE: lazy_gettext("Election committee"),
    BodyType.ARBITRATION: lazy_gettext("Arbitration committee"),
    BodyType.OTHER: lazy_gettext("Other body"),
}

ROLES: dict[Role, LazyProxy] = {
    Role.BOARD: lazy_gettext("Board member"),
    Role.ELECTION_COMMITTEE: lazy_gettext("Election committee member"),
    Role.MODERATOR: lazy_gettext("Moderator"),
    Role.AUDITOR: lazy_gettext("Auditor"),
    Role.ADMIN: lazy_gettext("Administrator"),
}

DUES: dict[DuesStatus, LazyProxy] = {
    DuesStatus.PAID: lazy_gettext("Paid"),
    DuesStatus.DUE: lazy_gettext("Due"),
    DuesStatus.OVERDUE: lazy_gettext("Overdue"),
    DuesStatus.EXEMPT: lazy_gettext("Exempt"),
}

MEMBER_CLASSES: dict[MemberClass, LazyProxy] = {
    MemberClass.FULL: lazy_gettext("Full member"),
    MemberClass.SUPPORTING: lazy_gettext("Supporting member"),
    MemberClass.GUEST: lazy_gettext("Guest member"),
}

GENDERS: dict[Gender, LazyProxy] = {
    Gender.FEMALE: lazy_gettext("female"),
    Gender.MALE: lazy_gettext("male"),
    Gender.DIVERSE: lazy_gettext("diverse"),
    Gender.UNSPECIFIED: lazy_gettext("not specified"),
}

#: Title and explanation of each consent, shown beside its checkbox.
CONSENTS: dict[ConsentKind, tuple[LazyProxy, LazyProxy]] = {
    ConsentKind.NEWSLETTER: (
        lazy_gettext("Newsletter"),
        lazy_gettext("Receive the party's newsletter by email, at most a few times a month."),
    ),
    ConsentKind.DISCUSSION_MAIL: (
        lazy_gettext("Discussion notifications"),
        lazy_gettext("Receive emails about new posts in discussions you follow, and digests."),
    ),
    ConsentKind.CONTACT_VISIBLE: (
        lazy_gettext("Contact details visible to members"),
        lazy_gettext("Members of your units may see your email address and phone number."),
    ),
}


def unit_kind(unit: Unit) -> str:
    """``Landesverband``, ``Vorstand`` (for a board body), ``Interessengruppe`` ..."""
    if unit.kind == UnitKind.BODY and unit.body_type is not None:
        return str(BODY_TYPES[unit.body_type])
    return str(UNIT_KINDS[unit.kind])


def role_name(role: Role) -> str:
    return str(ROLES[role])


def is_inherited(role: Role) -> bool:
    """Whether ``role`` also holds in every unit below the one it was granted in."""
    return role in INHERITED_ROLES
