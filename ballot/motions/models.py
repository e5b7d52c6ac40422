"""Consultations (Antragsberatungen), motions with append-only versions, authors, amendments, supports and the
workflow history."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ballot.db import Base, UTCDateTime, utcnow


class MotionKind(enum.StrEnum):
    """A motion on the subject, or a procedural motion (Geschäftsordnungsantrag: no supporters needed)."""

    MOTION = "motion"
    PROCEDURAL = "procedural"


class State(enum.StrEnum):
    """Workflow states of motions and amendments (ballot/motions/workflow.py says which moves are allowed)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ADMITTED = "admitted"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"
    RECOMMENDATION = "recommendation"
    ADOPTED = "adopted"
    ADOPTED_AS_AMENDED = "adopted_as_amended"
    REJECTED = "rejected"
    MERGED = "merged"


class TargetKind(enum.StrEnum):
    """What a support or a workflow step is about."""

    MOTION = "motion"
    AMENDMENT = "amendment"


class Consultation(Base):
    """A round of motions in a unit (e.g. for a party convention) with its line length and deadlines."""

    __tablename__ = "motion_consultations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    line_length: Mapped[int] = mapped_column(Integer, default=80)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    amendment_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    workflow: Mapped[str] = mapped_column(String(32), default="default")  # the template, or "custom"
    #: The workflow (ballot/motions/workflow.py ``Rules.to_json``); None: the template named by ``workflow``.
    workflow_rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Motion(Base):
    """A motion; its text lives in :class:`MotionVersion` (``version`` is the current number). ``election_uuid``
    links the binding ballot (ballot/referendums) that decides it, when the board chose one."""

    __tablename__ = "motions"
    __table_args__ = (
        UniqueConstraint("consultation_id", "kind", "number", name="uq_motions_consultation_kind_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("motion_consultations.id", ondelete="CASCADE"),
                                                 index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[MotionKind] = mapped_column(Enum(MotionKind, native_enum=False, length=16))
    state: Mapped[State] = mapped_column(Enum(State, native_enum=False, length=24))
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    election_uuid: Mapped[str | None] = mapped_column(String(36))  # decided by this binding ballot
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="SET NULL"))  # member survey
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MotionVersion(Base):
    """One version of a motion's text (append-only). ``merge_record`` lists merged amendments and editor's choices."""

    __tablename__ = "motion_versions"
    __table_args__ = (UniqueConstraint("motion_id", "number", name="uq_motion_versions_motion_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    merge_record: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MotionAuthor(Base):
    """An initiator or co-author of a motion (they may edit the draft)."""

    __tablename__ = "motion_authors"
    __table_args__ = (UniqueConstraint("motion_id", "account_id", name="uq_motion_authors_motion_account"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    initiator: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Amendment(Base):
    """Tracked changes (``changes``: ``[{start, end, new}]``) against version ``base_version`` of a motion."""

    __tablename__ = "motion_amendments"
    __table_args__ = (UniqueConstraint("motion_id", "number", name="uq_motion_amendments_motion_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    base_version: Mapped[int] = mapped_column(Integer)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[State] = mapped_column(Enum(State, native_enum=False, length=24))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    election_uuid: Mapped[str | None] = mapped_column(String(36))  # decided by this binding ballot
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="SET NULL"))  # member survey
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Support(Base):
    """A member's support of a motion or an amendment (withdrawing deletes it)."""

    __tablename__ = "motion_supports"
    __table_args__ = (UniqueConstraint("target_kind", "target_id", "account_id",
                                       name="uq_motion_supports_target_account"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_kind: Mapped[TargetKind] = mapped_column(Enum(TargetKind, native_enum=False, length=16))
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkflowStep(Base):
    """One move of a motion or amendment from one state to another (append-only history). A decision at a
    convention carries its counts."""

    __tablename__ = "motion_workflow_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_kind: Mapped[TargetKind] = mapped_column(Enum(TargetKind, native_enum=False, length=16))
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    from_state: Mapped[State] = mapped_column(Enum(State, native_enum=False, length=24))
    to_state: Mapped[State] = mapped_column(Enum(State, native_enum=False, length=24))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    votes_yes: Mapped[int | None] = mapped_column(Integer)
    votes_no: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    #: The page of the survey or ballot result the decision was taken from (ballot/motions/decisions.py).
    result_url: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommentAnchor(Base):
    """Where a comment (a post of the motion's line-comment thread, ballot/discussions) points: a line of a version
    of the motion. Deleting the post deletes the anchor."""

    __tablename__ = "motion_comment_anchors"

    post_id: Mapped[int] = mapped_column(ForeignKey("discussion_posts.id", ondelete="CASCADE"), primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    line: Mapped[int] = mapped_column(Integer)
