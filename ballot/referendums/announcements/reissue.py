"""Re-issuing every voting credential before the opening (the board's formal act, like the first issue).

The server never stores a credential, so a lost letters PDF or a broken mail run can only be mended by drawing
new credentials for the whole frozen electorate: the public credential list is replaced, and with it election.json
and the fingerprint (which hash the list). The electorate, the key and the manifest stay as they are; the opening
minutes and the record show the final list. After the opening this is impossible: the server cannot tell which
public credential belongs to whom, so it could neither void one member's credential nor replace all of them
without voiding ballots already cast.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.exceptions import Conflict
from ballot.i18n import gettext as _
from ballot.members.models import Member
from ballot.referendums.box import lock_board
from ballot.referendums.common import manifest_document, unit_of
from ballot.referendums.credentials import CredentialSink, issue_credentials
from ballot.referendums.models import (
    Election,
    ElectionState,
    ElectionTrustee,
    ElectorateEntry,
    PublicCredential,
)
from ballot.referendums.trustees.ceremony import board_signing_key, trustees_document
from ballot.settings import Settings
from ballot_crypto import canonical
from ballot_crypto.record import election_json


def reissue_refusal(election: Election) -> str | None:
    """Why the credentials cannot be re-issued now (None when they can)."""
    if election.state == ElectionState.READY:
        return None
    if election.state in (ElectionState.DRAFT, ElectionState.CEREMONY):
        return _("No credentials have been issued yet: they are issued when the key ceremony is finished.")
    return _("The ballot has been opened, so the credentials can no longer be re-issued: the server does not know "
             "which public credential belongs to whom, and new credentials would void ballots already cast. A "
             "member who lost their credential can vote by post where the statute offers it.")


async def reissue_credentials(session: AsyncSession, settings: Settings, principal: Principal | None,
                              election: Election, sink: CredentialSink) -> Election:
    """New credentials for the whole electorate through ``sink``; the public list, election.json and the
    fingerprint are replaced (flushed, under the board lock, so the ballot cannot open meanwhile)."""
    unit = await unit_of(session, election)
    principal = authorize(principal, Action.ELECTION_MANAGE, unit)
    await lock_board(session, election)
    reason = reissue_refusal(election)
    if reason is not None:
        raise Conflict(reason)
    if not election.public_key or not election.fingerprint:  # pragma: no cover - ready implies both
        raise Conflict(_("This ballot has no key yet."))
    members = list((await session.scalars(
        select(Member).join(ElectorateEntry, ElectorateEntry.member_id == Member.id)
        .where(ElectorateEntry.election_id == election.id).order_by(Member.id))).all())
    if len(members) != election.eligible_count:
        raise Conflict(_("The stored electorate does not match the eligible count; nothing was re-issued."))
    trustees = list((await session.scalars(select(ElectionTrustee).where(ElectionTrustee.election_id == election.id)
                                           .order_by(ElectionTrustee.index))).all())
    document_trustees = trustees_document(election, trustees)
    await session.execute(delete(PublicCredential).where(PublicCredential.election_id == election.id))
    credentials = await issue_credentials(session, election, members, sink)
    board_key = bytes(board_signing_key(settings, election).verify_key).hex()
    document = election_json(manifest_document(election), document_trustees, credentials, election.public_key,
                             board_key)
    previous = election.fingerprint
    election.election_json = canonical.dumps(document).decode()
    election.fingerprint = canonical.hash_json_hex(document)
    await session.flush()
    record_event(session, "referendums:election:reissue", account_id=principal.account_id, unit_id=unit.id,
                 election=election.uuid, previous_fingerprint=previous, fingerprint=election.fingerprint,
                 eligible=len(credentials))
    return election
