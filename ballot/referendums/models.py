"""Binding referendums and elections (docs/decisions/0002-binding-ballot-architecture.md).

Secrecy in storage: the bulletin board (``board_entries``) holds no member, account or time; the register of who
has voted (``voter_register``) holds no time, no order and no credential in clear; the public credential list holds
no member. The register and the credential list are stored without a row id on SQLite, so no insertion counter
exists.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from ballot.db import Base, UTCDateTime, utcnow
from ballot.unordered import reserve_update_space


class ElectionKind(enum.StrEnum):
    """A referendum (Mitgliederentscheid: questions with yes / no / abstain) or an election of candidates."""

    REFERENDUM = "referendum"
    ELECTION = "election"


class ElectionState(enum.StrEnum):
    """The lifecycle; a state only moves forward (decision 0002, Lifecycle)."""

    DRAFT = "draft"
    CEREMONY = "ceremony"
    READY = "ready"
    OPEN = "open"
    CLOSED = "closed"
    TALLIED = "tallied"


class Election(Base):
    """One binding ballot of a unit. ``questions`` are manifest questions (docs/election-record.md 3.3)."""

    __tablename__ = "elections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[ElectionKind] = mapped_column(Enum(ElectionKind, native_enum=False, length=16))
    state: Mapped[ElectionState] = mapped_column(
        Enum(ElectionState, native_enum=False, length=16), default=ElectionState.DRAFT
    )
    title_de: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    announcement_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    trustee_count: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[int] = mapped_column(Integer)
    # Fixed when the draft is locked (state ceremony):
    statute_snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("statute_snapshots.id", ondelete="RESTRICT"))
    statute_sha256: Mapped[str | None] = mapped_column(String(64))
    revoting: Mapped[bool] = mapped_column(Boolean, default=True)
    postal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # Briefwahl offered
    # Fixed when the ceremony ends and the electorate is frozen (state ready):
    public_key: Mapped[str | None] = mapped_column(String(64))
    eligible_count: Mapped[int | None] = mapped_column(Integer)
    manifest_json: Mapped[str | None] = mapped_column(Text)
    election_json: Mapped[str | None] = mapped_column(Text)
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    # The bulletin board's head, updated under a row lock with every accepted ballot:
    board_count: Mapped[int] = mapped_column(Integer, default=0)
    board_head: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tallied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The announcement (Bekanntmachung): when it was made; each electorate entry records how it went out.
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ElectionTrustee(Base):
    """A member of the election committee holding trustee ``index`` (1..n) for one election."""

    __tablename__ = "election_trustees"
    __table_args__ = (
        UniqueConstraint("election_id", "index", name="uq_election_trustees_index"),
        UniqueConstraint("election_id", "account_id", name="uq_election_trustees_account"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), index=True)
    index: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="RESTRICT"))
    transport_key: Mapped[str | None] = mapped_column(String(64))
    commitments: Mapped[list[str] | None] = mapped_column(JSON)
    proofs: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    verification_key: Mapped[str | None] = mapped_column(String(64))
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)


class SealedShare(Base):
    """A DKG share from trustee ``from_index`` to ``to_index``, sealed to the recipient's transport key.
    The server only relays it: it cannot open it."""

    __tablename__ = "sealed_shares"
    __table_args__ = (UniqueConstraint("election_id", "from_index", "to_index", name="uq_sealed_shares_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), index=True)
    from_index: Mapped[int] = mapped_column(Integer)
    to_index: Mapped[int] = mapped_column(Integer)
    sealed: Mapped[str] = mapped_column(Text)


class ElectorateEntry(Base):
    """A member of the frozen electorate, and how the credential reached them (never the credential)."""

    __tablename__ = "electorate"
    __table_args__ = ({"sqlite_with_rowid": False},)

    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), primary_key=True)
    delivery: Mapped[str | None] = mapped_column(String(8))
    # How the announcement went out: None (not yet), "pending" (claimed for sending), "email", "letter".
    announcement: Mapped[str | None] = mapped_column(String(8))


class PublicCredential(Base):
    """One public voting credential (an Ed25519 key), with no member and no order of issue."""

    __tablename__ = "public_credentials"
    __table_args__ = ({"sqlite_with_rowid": False},)

    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), primary_key=True)
    credential: Mapped[str] = mapped_column(String(64), primary_key=True)


class BoardEntry(Base):
    """An accepted ballot on the bulletin board (docs/election-record.md 3.7): no member, account or time."""

    __tablename__ = "board_entries"
    __table_args__ = (UniqueConstraint("election_id", "tracker", name="uq_board_entries_tracker"),)

    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    credential: Mapped[str] = mapped_column(String(64), index=True)
    tracker: Mapped[str] = mapped_column(String(64))
    previous: Mapped[str] = mapped_column(String(64))
    chain: Mapped[str] = mapped_column(String(64))
    ballot: Mapped[str] = mapped_column(Text)
    superseded_by: Mapped[int | None] = mapped_column(Integer)


class VoterRegister(Base):
    """Who has voted, and how (online / postal): no time, no order, no credential in clear.
    ``sealed_ref`` is the credential's index in the sorted public list, encrypted to the trustees (decision 0002).

    One row per member of the frozen electorate exists from the freeze on (``channel`` None: not voted), written
    in random order; a vote marks it in place. The close rewrites the election's voters in random order and drops
    the unmarked rows (:mod:`ballot.referendums.register`)."""

    __tablename__ = "voter_register"
    __table_args__ = ({"sqlite_with_rowid": False},)

    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), primary_key=True)
    channel: Mapped[str | None] = mapped_column(String(8))  # None: not voted (yet)
    sealed_ref: Mapped[dict[str, str] | None] = mapped_column(JSON)


reserve_update_space(VoterRegister.__table__)


class DecryptionUpload(Base):
    """A trustee's decryption shares for the aggregates, as in decryption.json (verified on upload)."""

    __tablename__ = "decryption_uploads"

    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), primary_key=True)
    trustee_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    shares: Mapped[dict[str, Any]] = mapped_column(JSON)


class ElectionOutcome(Base):
    """The published outcome: result, statute evaluation and the election record (a verified ZIP)."""

    __tablename__ = "election_outcomes"

    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), primary_key=True)
    aggregates_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str | None] = mapped_column(Text)
    evaluation_json: Mapped[str | None] = mapped_column(Text)
    record_sha256: Mapped[str | None] = mapped_column(String(64))
    record_zip: Mapped[bytes | None] = mapped_column(LargeBinary)
