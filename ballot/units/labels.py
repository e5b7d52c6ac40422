"""Translated names of unit kinds and body types, as the pages show them."""

from __future__ import annotations

from babel.support import LazyProxy

from ballot.i18n import lazy_gettext
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


def unit_kind(unit: Unit) -> str:
    """``Landesverband``, ``Vorstand`` (for a board body), ``Interessengruppe`` ..."""
    if unit.kind == UnitKind.BODY and unit.body_type is not None:
        return str(BODY_TYPES[unit.body_type])
    return str(UNIT_KINDS[unit.kind])
