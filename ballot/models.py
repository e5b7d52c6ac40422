"""Import every model so that ``Base.metadata`` is complete (Alembic and tests use this)."""

from ballot.accounts.models import Account, ApiToken, AuthSession, OneTimeToken
from ballot.audit.models import AuditEvent
from ballot.authz.models import RoleGrant
from ballot.db import Base
from ballot.discussions.models import (
    Attachment,
    CodeOfConduct,
    ModerationEvent,
    Post,
    PostReport,
    PostRevision,
    Thread,
)
from ballot.mail.models import DevMail
from ballot.members.models import ConsentEvent, GroupMembership, Member
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
from ballot.referendums.postal_models import PostalEntry
from ballot.statutes.models import StatuteSnapshot, StatuteVersion
from ballot.units.models import Unit

__all__ = [
    "Account",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "AuthSession",
    "Base",
    "BoardEntry",
    "CodeOfConduct",
    "ConsentEvent",
    "DecryptionUpload",
    "DevMail",
    "Election",
    "ElectionOutcome",
    "ElectionTrustee",
    "ElectorateEntry",
    "GroupMembership",
    "Member",
    "ModerationEvent",
    "OneTimeToken",
    "Post",
    "PostReport",
    "PostRevision",
    "PostalEntry",
    "PublicCredential",
    "RoleGrant",
    "SealedShare",
    "StatuteSnapshot",
    "StatuteVersion",
    "Thread",
    "Unit",
    "VoterRegister",
]
