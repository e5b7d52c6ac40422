"""Registry entries (kept in sync with the party's member administration), group seats and consents."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ballot.db import Base, UTCDateTime, utcnow
from ballot.units.models import Unit


class DuesStatus(enum.StrEnum):
    """Membership dues (Beitrag) as the registry reports them."""

    PAID = "paid"
    DUE = "due"
    OVERDUE = "overdue"
    EXEMPT = "exempt"


class MemberClass(enum.StrEnum):
    """Kinds of membership a statute can tell apart."""

    FULL = "full"
    SUPPORTING = "supporting"
    GUEST = "guest"


class Gender(enum.StrEnum):
    """As recorded in the registry; statutes use it for quotas (e.g. women supporters, list places)."""

    FEMALE = "female"
    MALE = "male"
    DIVERSE = "diverse"
    UNSPECIFIED = "unspecified"


class Member(Base):
    """One registry entry. An account (login) is separate and optional."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    street: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    gender: Mapped[Gender] = mapped_column(
        Enum(Gender, native_enum=False, length=16), default=Gender.UNSPECIFIED
    )
    home_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    dues_status: Mapped[DuesStatus] = mapped_column(Enum(DuesStatus, native_enum=False, length=16))
    member_class: Mapped[MemberClass] = mapped_column(
        Enum(MemberClass, native_enum=False, length=16), default=MemberClass.FULL
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    home_unit: Mapped[Unit] = relationship(lazy="raise")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def is_active_on(self, day: date) -> bool:
        """A member counts from ``joined_on`` until the day before ``left_on``."""
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


class GroupMembership(Base):
    """A member's seat in a body (Gremium) or membership of an interest group."""

    __tablename__ = "group_memberships"
    __table_args__ = (UniqueConstraint("member_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    function: Mapped[str] = mapped_column(String(100), default="")
    since: Mapped[date | None] = mapped_column(Date)

    unit: Mapped[Unit] = relationship(lazy="raise")


class ConsentKind(enum.StrEnum):
    """What a member can consent to (GDPR Art. 6(1)(a)); statutory notices need no consent."""

    NEWSLETTER = "newsletter"
    DISCUSSION_MAIL = "discussion_mail"
    CONTACT_VISIBLE = "contact_visible"


class ConsentEvent(Base):
    """Append-only log of consents given and withdrawn; the latest event per kind is the current state."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(Enum(ConsentKind, native_enum=False, length=32))
    granted: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(40), default="profile")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
