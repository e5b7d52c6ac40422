"""Casting a ballot onto the bulletin board, and the register of who has voted (docs/decisions/0002, Casting).

The ballot is verified (checks 7-10 of docs/election-record.md section 4) outside the write transaction; the
append runs in one short transaction under the board lock (``box.lock_board``), grouped with the other casts
waiting at that moment (``appender``), and commits before the receipt is signed. The register row (member,
channel, the credential's index encrypted to the trustees) is written in a transaction of its own afterwards, so
the box and the register share no transaction, key, time or order.
Nothing here logs or records the member together with the ballot: refusals log the check number only, and no audit
event is written per cast (its time would date the public, ordered board positions).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.ratelimit import RateLimiter
from ballot.referendums.acts import close_election, open_election
from ballot.referendums.booth.appender import (
    AlreadyCast,
    Appended,
    BallotRefused,
    BoardAppender,
    Cast,
    append_batch,
    window_problem,
)
from ballot.referendums.box import credential_index, crypto_election
from ballot.referendums.credentials import election_salt
from ballot.referendums.models import Election, ElectorateEntry, VoterRegister
from ballot.referendums.trustees.ceremony import board_signing_key
from ballot.settings import Settings
from ballot_crypto import credentials
from ballot_crypto.ballots import InvalidBallot, encrypt_ballot, sign_ballot, signed_message, verify_ballot
from ballot_crypto.board import RECEIPT_DOMAIN
from ballot_crypto.elgamal import encrypt
from ballot_crypto.errors import InvalidEncoding
from ballot_crypto.group import Point

__all__ = ["AlreadyCast", "BallotRefused", "cast_ballot", "cast_choices", "close_election",
           "open_election"]

log = logging.getLogger(__name__)

CAST_LIMIT = 20
"""Casts (and attempts) per account within CAST_WINDOW seconds."""
CAST_WINDOW = 600.0



def _check_window(election: Election, now: datetime) -> None:
    problem = window_problem(election, now)
    if problem is not None:
        raise problem


async def _check_voter(session: AsyncSession, election: Election, member_id: int) -> None:
    """The member is in the electorate and may (still) vote online; one query for the electorate and register."""
    row = (await session.execute(
        select(ElectorateEntry.member_id, VoterRegister.channel)
        .outerjoin(VoterRegister, (VoterRegister.election_id == ElectorateEntry.election_id)
                   & (VoterRegister.member_id == ElectorateEntry.member_id))
        .where(ElectorateEntry.election_id == election.id, ElectorateEntry.member_id == member_id))).first()
    if row is None:
        raise PermissionDenied(_("You are not in the electorate of this ballot."))
    channel = row[1]
    if channel == "postal":
        raise AlreadyCast(_("You have already voted by post."))
    if channel is not None and not election.revoting:
        raise AlreadyCast(_("You have already voted; this ballot does not allow changing a vote."))


def _check_number(exc: InvalidBallot) -> int:
    text = str(exc)
    if "signature" in text:
        return 9
    if "range proof" in text:
        return 10
    return 7


def _refuse(election: Election, check: int) -> BallotRefused:
    log.info("ballot refused: election %s, check %d", election.uuid, check)
    if check == 8:
        return BallotRefused(_("This credential does not belong to this ballot."), check)
    if check == 11:
        return BallotRefused(_("This ballot is already on the board."), check)
    return BallotRefused(_("The ballot is not valid (check %(check)d); nothing was stored.", check=check), check)


def _receipt(settings: Settings, election: Election, entry: Appended) -> dict[str, Any]:
    """docs/election-record.md 3.8: {"chain","election","position","tracker"} signed by the board key."""
    payload = {"chain": entry.chain, "election": str(election.fingerprint), "position": entry.position,
               "tracker": entry.tracker}
    signature = board_signing_key(settings, election).sign(signed_message(RECEIPT_DOMAIN, payload)).signature
    return {**payload, "signature": signature.hex()}


def _verified(crypto: Any, ballot: dict[str, Any], index: dict[str, int], public_key: str
              ) -> tuple[str, dict[str, str]]:
    """(tracker, sealed reference) of a valid ballot: checks 7-10, then the credential's index sealed to the
    trustees; BallotRefused otherwise. Runs in a worker thread."""
    try:
        tracker = verify_ballot(crypto, ballot)
    except InvalidBallot as exc:
        raise BallotRefused("", _check_number(exc)) from None
    position = index.get(ballot["credential"])
    if position is None:
        raise BallotRefused("", 8)
    sealed, _randomness = encrypt(Point.from_hex(public_key), position)
    return tracker, sealed.to_json()


async def cast_ballot(session: AsyncSession, settings: Settings, election: Election, member_id: int,
                      ballot: dict[str, Any], now: datetime, *, limiter: RateLimiter | None = None,
                      appender: BoardAppender | None = None) -> dict[str, Any]:
    """Verify and append ``ballot`` for ``member_id``; return the signed receipt once the entry is committed.

    ``election`` must be loaded in ``session``; the function commits (any pending work of the caller too). With
    an ``appender`` (the web application's) the ballot joins the next group commit; without one it is written in
    ``session`` on its own. Raises PermissionDenied (not in the electorate), Conflict / AlreadyCast (state,
    window, revoting, postal vote), BallotRefused (invalid ballot, foreign credential, replay), RateLimited.
    """
    if limiter is not None:
        limiter.hit(f"member:{member_id}")
    _check_window(election, now)
    await _check_voter(session, election, member_id)
    crypto = crypto_election(election)
    index = await credential_index(session, election)
    if session.in_transaction():
        await session.commit()
    assert election.public_key is not None
    try:
        tracker, sealed = await asyncio.to_thread(_verified, crypto, ballot, index, election.public_key)
    except BallotRefused as exc:
        raise _refuse(election, exc.check) from None
    cast = Cast(election.id, ballot, tracker, member_id, sealed, now)
    try:
        if appender is not None:
            entry = await appender.append(cast)
        else:
            await append_batch(session, [cast])
            await session.refresh(election)  # a retried or failed write rolled back and expired it
            if isinstance(cast.outcome, BaseException):
                raise cast.outcome
            assert cast.outcome is not None
            entry = cast.outcome
    except BallotRefused as exc:
        raise _refuse(election, exc.check) from None
    return _receipt(settings, election, entry)


async def cast_choices(session: AsyncSession, settings: Settings, election: Election, member_id: int,
                       credential_text: str, choices: Sequence[Sequence[int]], now: datetime, *,
                       limiter: RateLimiter | None = None, appender: BoardAppender | None = None) -> dict[str, Any]:
    """The path without JavaScript: the server derives the key from the typed credential, encrypts, proves and
    signs ``choices`` (per question, the votes per option), casts, and forgets the credential and the choices."""
    if limiter is not None:
        limiter.hit(f"member:{member_id}")
    _check_window(election, now)
    crypto = crypto_election(election)
    salt = election_salt(election)

    def make() -> dict[str, Any]:
        key = credentials.signing_key(credential_text, salt)
        unsigned, _secrets = encrypt_ballot(crypto, bytes(key.verify_key), choices)
        return sign_ballot(unsigned, key)

    try:
        ballot = await asyncio.to_thread(make)
    except InvalidEncoding as exc:
        raise ValidationFailed({"credential": _("The credential is not valid: %(reason)s", reason=str(exc))}) \
            from None
    except InvalidBallot as exc:
        raise ValidationFailed({"choices": _("These choices are not a valid answer: %(reason)s",
                                             reason=str(exc))}) from None
    return await cast_ballot(session, settings, election, member_id, ballot, now, appender=appender)
