"""The joint opening of sealed references under postal precedence "postal" (docs/board.md, "Briefwahl").

A member who voted online and then sent a Wahlschein has a register row with channel "postal" that still holds the
online cast's ``sealed_ref`` (the credential's index, encrypted under the trustees' joint key): such a row is "to
open". Nothing else is ever opened: the request holds exactly these ciphertexts, sorted by their bytes (an order
that says nothing about members), and only after the period for postal votes has ended (no new row can appear).

Steps after the close and the grace period, before any decryption share is accepted:

1. ``opening_request``: the request file for the trustees (``ballot-crypto trustee open``, or the browser).
2. ``submit_opening``: each answer is verified (a DLEQ proof per ciphertext against VK_j, context F || "opening").
   With the t-th valid answer the server combines them, recovers each index by a discrete-log search over the
   credential list, maps it to the credential, and replaces the aggregates computed at the close by the sum of the
   counted entries minus the counted entries of these credentials (a credential without a counted entry excludes
   nothing; the record says so).
3. The trustees then decrypt these aggregates (tally.py); finalize writes openings.json with
   :func:`openings_document`.

The gross aggregates of the close are never decrypted under this precedence: tally.py refuses decryption shares
until this module says the openings are settled (:func:`decryption_blocker`).
"""

from __future__ import annotations

import enum
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.exceptions import Conflict, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.referendums.box import board_entries, crypto_election, lock_board, outcome_of, unit_of
from ballot.referendums.models import Election, ElectionState, ElectionTrustee, PublicCredential, VoterRegister
from ballot.referendums.postal.models import OpeningUpload
from ballot.referendums.postal.services import POSTAL, postal_rules
from ballot_crypto import canonical
from ballot_crypto.errors import CryptoError
from ballot_crypto.group import Point
from ballot_crypto.openings import (
    answer_problem,
    combine_openings,
    empty_openings,
    excluded_positions,
    openings_json,
    parse_ciphertexts,
    request_json,
    sort_key,
)
from ballot_crypto.tally import aggregate

log = logging.getLogger(__name__)


class Openings(enum.StrEnum):
    """Where the openings of a ballot stand."""

    NONE = "none"
    """Not postal precedence "postal" (or no postal voting): nothing is ever opened."""
    PENDING = "pending"
    """Postal precedence "postal", before the end of the period for postal votes: rows may still appear."""
    REQUESTED = "requested"
    """References to open exist; fewer than t trustees have answered."""
    SETTLED = "settled"
    """Nothing to open, or t answers combined and the aggregates replaced: decryption may start."""


@dataclass(frozen=True)
class OpeningStatus:
    state: Openings
    references: int
    answered: list[int]


async def references_to_open(session: AsyncSession, election: Election) -> list[dict[str, str]]:
    """The sealed references of register rows marked "to open" (channel postal, sealed_ref kept), sorted."""
    rows = await session.scalars(select(VoterRegister.sealed_ref).where(
        VoterRegister.election_id == election.id, VoterRegister.channel == POSTAL,
        VoterRegister.sealed_ref.is_not(None)))
    return sorted((dict(r) for r in rows.all() if r), key=sort_key)


async def _answers(session: AsyncSession, election: Election) -> list[OpeningUpload]:
    return list((await session.scalars(select(OpeningUpload).where(OpeningUpload.election_id == election.id)
                                       .order_by(OpeningUpload.trustee_index))).all())


async def opening_status(session: AsyncSession, election: Election, now: datetime) -> OpeningStatus:
    """Where the openings stand (see :class:`Openings`)."""
    if not election.postal or election.statute_snapshot_id is None:
        return OpeningStatus(Openings.NONE, 0, [])
    rules = await postal_rules(session, election)
    if rules.precedence != POSTAL:
        return OpeningStatus(Openings.NONE, 0, [])
    if election.state not in (ElectionState.CLOSED, ElectionState.TALLIED):
        return OpeningStatus(Openings.PENDING, 0, [])
    answered = [u.trustee_index for u in await _answers(session, election)]
    if election.state == ElectionState.TALLIED or len(answered) >= election.threshold:
        return OpeningStatus(Openings.SETTLED, len(await references_to_open(session, election)), answered)
    if now < rules.grace_end:
        return OpeningStatus(Openings.PENDING, 0, answered)
    references = len(await references_to_open(session, election))
    return OpeningStatus(Openings.REQUESTED if references else Openings.SETTLED, references, answered)


async def decryption_blocker(session: AsyncSession, election: Election, now: datetime) -> str | None:
    """Why decryption shares cannot be accepted yet because of openings (None when they can)."""
    status = await opening_status(session, election, now)
    if status.state == Openings.PENDING:
        return _("Under the statute a postal vote replaces an online vote: the trustees decrypt only after the "
                 "period for postal votes, once the sealed references of members who voted both ways are opened.")
    if status.state == Openings.REQUESTED:
        return _("The sealed references of members who voted online and by post must be opened first "
                 "(%(answered)s of %(threshold)s trustees have answered).", answered=len(status.answered),
                 threshold=election.threshold)
    return None


async def opening_request(session: AsyncSession, election: Election, now: datetime) -> dict[str, Any]:
    """The request file for ``ballot-crypto trustee open``; Conflict when nothing is to be opened now."""
    status = await opening_status(session, election, now)
    if status.state != Openings.REQUESTED:
        raise Conflict(_("No sealed reference is waiting to be opened."))
    return request_json(bytes.fromhex(str(election.fingerprint)), await references_to_open(session, election))


async def _keys(session: AsyncSession, election: Election) -> dict[int, Point]:
    rows = await session.scalars(select(ElectionTrustee).where(ElectionTrustee.election_id == election.id))
    return {t.index: Point.from_hex(t.verification_key) for t in rows.all() if t.verification_key}


async def submit_opening(session: AsyncSession, principal: Principal | None, election: Election,
                         answer: Any, now: datetime) -> OpeningUpload:
    """Store the caller's opening shares (trustee of ``answer["index"]``, every proof verified); with the t-th,
    combine and replace the aggregates. Flushes; the caller commits."""
    principal = authorize(principal, Action.ELECTION_KEYS, await unit_of(session, election))
    trustee = await session.scalar(select(ElectionTrustee).where(
        ElectionTrustee.election_id == election.id, ElectionTrustee.account_id == principal.account_id))
    if trustee is None or not isinstance(answer, dict) or answer.get("index") != trustee.index:
        raise PermissionDenied(_("Only the trustee of this index may upload these opening shares."))
    await lock_board(session, election)  # one combination, even when two trustees upload at once
    status = await opening_status(session, election, now)
    if status.state != Openings.REQUESTED:
        raise Conflict(_("No sealed reference is waiting to be opened."))
    if trustee.index in status.answered:
        raise Conflict(_("Your opening shares are already stored."))
    fingerprint = bytes.fromhex(str(election.fingerprint))
    references = await references_to_open(session, election)
    ciphertexts = parse_ciphertexts(references)
    assert trustee.verification_key is not None
    problem = answer_problem(fingerprint, Point.from_hex(trustee.verification_key), ciphertexts, answer)
    if problem is not None:
        log.info("opening shares refused: election %s, trustee %d (check 22)", election.uuid, trustee.index)
        raise ValidationFailed({"openings": _("The opening shares do not verify: %(problem)s", problem=problem)})
    upload = OpeningUpload(election_id=election.id, trustee_index=trustee.index,
                           shares={"index": trustee.index, "shares": answer["shares"]})
    session.add(upload)
    record_event(session, "referendums:openings:upload", account_id=principal.account_id,
                 unit_id=election.unit_id, election=election.uuid, trustee=trustee.index)
    await session.flush()
    if len(status.answered) + 1 >= election.threshold:
        document = await openings_document(session, election)
        await _replace_aggregates(session, election, document)
        record_event(session, "referendums:openings:combined", unit_id=election.unit_id, election=election.uuid,
                     opened=len(document["openings"]),
                     excluded=sum(1 for o in document["openings"] if o["excluded"] is not None))
        await session.flush()
    return upload


async def openings_document(session: AsyncSession, election: Election) -> dict[str, Any]:
    """openings.json (docs/election-record.md 3.15) from the stored answers; the empty document when nothing was
    opened. Raises Conflict when the stored answers do not combine (they were verified on upload)."""
    answers = await _answers(session, election)
    references = await references_to_open(session, election)
    if not answers or not references:
        return empty_openings()
    used = [u.shares for u in answers[:election.threshold]]
    credentials = sorted((await session.scalars(select(PublicCredential.credential).where(
        PublicCredential.election_id == election.id))).all())
    fingerprint = bytes.fromhex(str(election.fingerprint))
    try:
        indices = combine_openings(fingerprint, parse_ciphertexts(references), used,
                                   await _keys(session, election), election.threshold, len(credentials))
    except CryptoError as exc:
        log.error("openings do not combine: election %s: %s", election.uuid, exc)
        raise Conflict(_("The opening shares do not combine: %(problem)s", problem=str(exc))) from None
    counted = {row.credential: row.position for row in await board_entries(session, election)
               if row.superseded_by is None}
    return openings_json(references, used, indices, excluded_positions(indices, credentials, counted))


async def _replace_aggregates(session: AsyncSession, election: Election, document: dict[str, Any]) -> None:
    """The aggregates become the sum of the counted entries minus the excluded ones (never decrypted before)."""
    outcome = await outcome_of(session, election)
    if outcome is None:
        raise Conflict(_("This ballot has no aggregates."))
    excluded = {o["excluded"] for o in document["openings"] if o["excluded"] is not None}
    kept = (json.loads(row.ballot) for row in await board_entries(session, election)
            if row.superseded_by is None and row.position not in excluded)
    sums = aggregate(crypto_election(election).manifest, kept)
    outcome.aggregates_json = canonical.dumps(sums.to_json()).decode()


async def opening_count(session: AsyncSession, election: Election) -> int:
    """How many trustees have answered the opening request."""
    return await session.scalar(select(func.count()).select_from(OpeningUpload).where(
        OpeningUpload.election_id == election.id)) or 0
