"""Discussion threads in a unit or group, their posts (nested replies), edit history, attachments, reports,
the public moderation log and the code of conduct per unit."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from ballot.db import Base, UTCDateTime, utcnow
from ballot.discussions import search_schema

#: Replies nest at most this deep (the opening post is depth 0); deeper replies attach to the deepest allowed parent.
MAX_DEPTH = 3


class Visibility(enum.StrEnum):
    """Who may read a thread."""

    UNIT = "unit"  # members of the (territorial) unit, counted upwards from their home unit
    GROUP = "group"  # members of the group or body the thread belongs to
    PUBLIC = "public"  # everyone, also visitors without an account


class SubjectKind(enum.StrEnum):
    """What a thread can be attached to (motions, amendments and surveys will add theirs)."""

    ELECTION = "election"


class Thread(Base):
    """A discussion thread. ``scope_unit_id`` is the unit whose members form the audience (for ``UNIT``: the
    territorial unit, a group's parent for a group thread; for ``GROUP``: the group)."""

    __tablename__ = "discussion_threads"
    __table_args__ = (Index("ix_discussion_threads_subject", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    scope_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    visibility: Mapped[Visibility] = mapped_column(Enum(Visibility, native_enum=False, length=16))
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    subject_kind: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Post(Base):
    """The opening post (``parent_id`` None, depth 0) or a reply. ``body`` is the author's Markdown; ``body_html``
    its sanitised rendering. ``title_text`` repeats the thread title on the opening post (for full-text search)."""

    __tablename__ = "discussion_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_threads.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    title_text: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision_count: Mapped[int] = mapped_column(Integer, default=1)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    hidden_rule: Mapped[str] = mapped_column(String(200), default="")


class PostRevision(Base):
    """One version of a post (number 1 is the original); the newest equals the post's current text."""

    __tablename__ = "discussion_post_revisions"
    __table_args__ = (UniqueConstraint("post_id", "number", name="uq_discussion_post_revisions_post_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(Base):
    """A file attached to a post, stored under the var dir as ``storage_key`` (random, never the file name)."""

    __tablename__ = "discussion_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PostReport(Base):
    """A member's report of a post. The reporter is kept to stop repeated reports; no page ever shows it."""

    __tablename__ = "discussion_reports"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id", name="uq_discussion_reports_post_reporter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ModerationAction(enum.StrEnum):
    """What the moderation team did (the public log's entries)."""

    HIDE = "hide"
    RESTORE = "restore"
    CLOSE = "close"
    REOPEN = "reopen"
    PIN = "pin"
    UNPIN = "unpin"


class ModerationEvent(Base):
    """One entry of a unit's public moderation log: what, when, under which rule, why. Neither the moderator
    (the security audit log has them) nor any reporter is stored here."""

    __tablename__ = "discussion_moderation_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("discussion_threads.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("discussion_posts.id", ondelete="CASCADE"))
    action: Mapped[ModerationAction] = mapped_column(Enum(ModerationAction, native_enum=False, length=16))
    rule: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CodeOfConduct(Base):
    """One version of a unit's code of conduct (the highest number is in force)."""

    __tablename__ = "discussion_codes_of_conduct"
    __table_args__ = (UniqueConstraint("unit_id", "version", name="uq_discussion_codes_of_conduct_unit_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotifyMode(enum.StrEnum):
    """How a member hears of new posts in what they subscribed to."""

    IMMEDIATE = "immediate"  # one mail per new post
    DIGEST = "digest"  # one mail a day with everything new
    OFF = "off"  # no mail (subscriptions still mark threads as followed)


class NotificationPreference(Base):
    """A member's notification choice. ``digest_until``: the digest covered posts up to this time (the watermark
    that makes the daily digest idempotent); set when the choice is made, so a first digest starts from there."""

    __tablename__ = "discussion_notification_preferences"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    mode: Mapped[NotifyMode] = mapped_column(Enum(NotifyMode, native_enum=False, length=16))
    digest_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadSubscription(Base):
    """A member follows a thread (new replies are notified)."""

    __tablename__ = "discussion_thread_subscriptions"
    __table_args__ = (UniqueConstraint("account_id", "thread_id", name="uq_discussion_thread_subscriptions_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_threads.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UnitSubscription(Base):
    """A member follows a unit's discussion area (every new thread there is notified)."""

    __tablename__ = "discussion_unit_subscriptions"
    __table_args__ = (UniqueConstraint("account_id", "unit_id", name="uq_discussion_unit_subscriptions_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadRead(Base):
    """How far a member has read a thread: every post with a higher id is new to them (the unread marker)."""

    __tablename__ = "discussion_thread_reads"
    __table_args__ = (UniqueConstraint("account_id", "thread_id", name="uq_discussion_thread_reads_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_threads.id", ondelete="CASCADE"), index=True)
    last_post_id: Mapped[int] = mapped_column(Integer, default=0)


event.listen(Post.__table__, "after_create", search_schema.install)
