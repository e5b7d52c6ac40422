"""Import every model so that ``Base.metadata`` is complete (Alembic and tests use this)."""

from ballot.accounts.models import Account, ApiToken, AuthSession, OneTimeToken
from ballot.audit.models import AuditEvent
from ballot.authz.models import RoleGrant
from ballot.db import Base
from ballot.discussions.models import (
    Attachment,
    CodeOfConduct,
    ModerationEvent,
    NotificationPreference,
    Post,
    PostReport,
    PostRevision,
    Thread,
    ThreadRead,
    ThreadSubscription,
    UnitSubscription,
)
from ballot.mail.models import DevMail
from ballot.members.models import ConsentEvent, GroupMembership, Member
from ballot.motions.models import (
    Amendment,
    Consultation,
    Motion,
    MotionAuthor,
    MotionVersion,
    Support,
    WorkflowStep,
)
from ballot.polls.models import PollAnswer, PollQuestion, PollSession
from ballot.referendums.models import (
    BoardEntry,
    DecryptionUpload,
    Election,
    ElectionOutcome,
    ElectionTrustee,
    ElectorateEntry,
    PublicCredential,
    SealedShare,
    VoterRegister,
)
from ballot.referendums.postal.models import PostalEntry
from ballot.statutes.models import StatuteSnapshot, StatuteVersion
from ballot.surveys.models import Survey, SurveyParticipation, SurveyRespondent, SurveyResponse
from ballot.units.models import Unit

__all__ = [
    "Account",
    "Amendment",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "AuthSession",
    "Base",
    "BoardEntry",
    "CodeOfConduct",
    "ConsentEvent",
    "Consultation",
    "DecryptionUpload",
    "DevMail",
    "Election",
    "ElectionOutcome",
    "ElectionTrustee",
    "ElectorateEntry",
    "GroupMembership",
    "Member",
    "ModerationEvent",
    "Motion",
    "MotionAuthor",
    "MotionVersion",
    "NotificationPreference",
    "OneTimeToken",
    "PollAnswer",
    "PollQuestion",
    "PollSession",
    "Post",
    "PostReport",
    "PostRevision",
    "PostalEntry",
    "PublicCredential",
    "RoleGrant",
    "SealedShare",
    "StatuteSnapshot",
    "StatuteVersion",
    "Support",
    "Survey",
    "SurveyParticipation",
    "SurveyRespondent",
    "SurveyResponse",
    "Thread",
    "ThreadRead",
    "ThreadSubscription",
    "Unit",
    "UnitSubscription",
    "VoterRegister",
    "WorkflowStep",
]
