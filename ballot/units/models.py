"""The unit tree: federal > state > district > local, plus bodies and interest groups hanging off a unit."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ballot.db import Base, UTCDateTime, utcnow


class UnitKind(enum.StrEnum):
    """What a unit is. The first four form the territorial tree; bodies and groups attach to one of them."""

    FEDERAL = "federal"
    STATE = "state"
    DISTRICT = "district"
    LOCAL = "local"
    BODY = "body"
    GROUP = "group"


TERRITORIAL_KINDS = (UnitKind.FEDERAL, UnitKind.STATE, UnitKind.DISTRICT, UnitKind.LOCAL)
CHILD_KIND = {
    UnitKind.FEDERAL: UnitKind.STATE,
    UnitKind.STATE: UnitKind.DISTRICT,
    UnitKind.DISTRICT: UnitKind.LOCAL,
}


class BodyType(enum.StrEnum):
    """What a body (Gremium) does."""

    BOARD = "board"
    ELECTION_COMMITTEE = "election_committee"
    ARBITRATION = "arbitration"
    OTHER = "other"


class Unit(Base):
    """A node of the organisation. ``path`` is the materialised path of ids, e.g. ``/1/3/7/``."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=16))
    body_type: Mapped[BodyType | None] = mapped_column(Enum(BodyType, native_enum=False, length=24))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    path: Mapped[str] = mapped_column(String(400), index=True, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="raise")

    @property
    def is_territorial(self) -> bool:
        return self.kind in TERRITORIAL_KINDS

    def contains(self, other: Unit) -> bool:
        """True when ``other`` is this unit or lies below it in the tree."""
        return other.path.startswith(self.path)

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit (inclusive)."""
        return [int(part) for part in self.path.strip("/").split("/") if part]
