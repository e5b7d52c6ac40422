"""Statute versions (append-only, one numbered series per unit) and frozen snapshots of resolved rules.

Neither table is ever updated or deleted by the application: a new statute text is a new version, and a process
keeps the snapshot (id and ``rules_sha256``) it was opened under.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ballot.db import Base, UTCDateTime, utcnow


class StatuteVersion(Base):
    """One version of a unit's rules file (TOML). ``version`` counts 1, 2, 3 ... per unit."""

    __tablename__ = "statute_versions"
    __table_args__ = (UniqueConstraint("unit_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class StatuteSnapshot(Base):
    """Resolved rules frozen for a unit: canonical JSON, its content hash, and the versions it came from.

    ``sources_json`` is a JSON array of ``{"unit_id", "unit_slug", "unit_name", "version", "text_sha256"}``, root
    first (empty when only the default rules apply). ``fingerprint`` (SHA-256 over unit, rules hash and sources)
    makes freezing the same state twice return the same snapshot.
    """

    __tablename__ = "statute_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    rules_sha256: Mapped[str] = mapped_column(String(64), index=True)
    rules_json: Mapped[str] = mapped_column(Text)
    sources_json: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
