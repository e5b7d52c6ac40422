"""Postal voting (Briefwahl): the committee's append-only log of paper ballot entries.

Postal voters themselves are rows of ``voter_register`` with channel "postal" (no time, no order, no ballot).
Paper ballots (Stimmzettel) are entered only after the close, anonymously: an entry names who entered it and when,
never a member. A correction is a new entry of kind "void" naming the entry it cancels; nothing is ever updated.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ballot.db import Base, UTCDateTime, utcnow

PAPER = "paper"
"""One opened paper ballot: ``content`` is its answers (crypto/ballot_crypto/postal.py ``paper_problem``)."""
TOTALS = "totals"
"""The counted totals of all paper ballots: ``content`` is ``{"ballots": P, "totals": [...]}``."""
VOID = "void"
"""Cancels the entry ``target_id`` (a correction)."""


class PostalEntry(Base):
    """One entry of the paper-ballot log of an election."""

    __tablename__ = "postal_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    content: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("postal_entries.id", ondelete="RESTRICT"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OpeningUpload(Base):
    """A trustee's opening shares for the sealed references of members whose postal vote replaces their online
    vote (postal precedence "postal"; docs/election-record.md 3.15), verified on upload: ``{"index", "shares"}``."""

    __tablename__ = "opening_uploads"

    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), primary_key=True)
    trustee_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    shares: Mapped[dict[str, Any]] = mapped_column(JSON)
