"""Role grants: an account holds a role in a unit."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ballot.db import Base, UTCDateTime, utcnow
from ballot.units.models import Unit


class Role(enum.StrEnum):
    """Roles a unit can grant. Being a member is not a grant: it follows from the registry."""

    BOARD = "board"
    ELECTION_COMMITTEE = "election_committee"
    MODERATOR = "moderator"
    AUDITOR = "auditor"
    ADMIN = "admin"


class RoleGrant(Base):
    """``account`` holds ``role`` in ``unit`` (and, for inherited roles, in every unit below it)."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("account_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=24))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="raise")
