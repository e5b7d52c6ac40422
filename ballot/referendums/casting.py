"""Casting a ballot onto the bulletin board, and the register of who has voted (docs/decisions/0002, Casting).

The ballot is verified (checks 7-10 of docs/election-record.md section 4) outside the write transaction; the
append runs in one short transaction under the board lock (``box.lock_board``) and commits before the receipt is
signed. The register row (member, channel, the credential's index encrypted to the trustees) is written in a
transaction of its own afterwards, so the box and the register share no transaction, key, time or order.
Nothing here logs or records the member together with the ballot: refusals log the check number only, and no audit
event is written per cast (its time would date the public, ordered board positions).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from litestar.datastructures import State
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.exceptions import BallotError, Conflict, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.referendums.acts import close_election, open_election
from ballot.referendums.box import credential_index, crypto_election, lock_board
from ballot.referendums.ceremony import board_signing_key
from ballot.referendums.credentials import election_salt
from ballot.referendums.models import BoardEntry, Election, ElectionState, ElectorateEntry, VoterRegister
from ballot.settings import Settings
from ballot.web.ratelimit import RateLimiter, get_limiter
from ballot_crypto import canonical, credentials
from ballot_crypto.ballots import InvalidBallot, encrypt_ballot, sign_ballot, signed_message, verify_ballot
from ballot_crypto.board import RECEIPT_DOMAIN, chain_hash
from ballot_crypto.elgamal import encrypt
from ballot_crypto.errors import InvalidEncoding
from ballot_crypto.group import Point

__all__ = ["AlreadyCast", "BallotRefused", "cast_ballot", "cast_choices", "cast_limiter", "close_election",
           "open_election"]

log = logging.getLogger(__name__)

CAST_LIMIT = 20
"""Casts (and attempts) per account within CAST_WINDOW seconds."""
CAST_WINDOW = 600.0
_APPEND_ATTEMPTS = 5


class BallotRefused(BallotError):
    """The box refuses a ballot; ``check`` is the number of the failed check (docs/election-record.md 4)."""

    status_code = 422

    def __init__(self, message: str, check: int) -> None:
        super().__init__(message)
        self.check = check


class AlreadyCast(Conflict):
    """This credential (or member) has voted and the statute does not allow revoting."""


def cast_limiter(state: State) -> RateLimiter:
    """The application's per-account rate limiter for casting."""
    return get_limiter(state, "referendums:cast", CAST_LIMIT, CAST_WINDOW)


def _check_window(election: Election, now: datetime) -> None:
    if election.state != ElectionState.OPEN:
        raise Conflict(_("This ballot is not open for voting."))
    if now < election.opens_at or now >= election.closes_at:
        raise Conflict(_("Voting is only possible between the opening and the close."))


async def _check_voter(session: AsyncSession, election: Election, member_id: int) -> None:
    entry = await session.get(ElectorateEntry, (election.id, member_id))
    if entry is None:
        raise PermissionDenied(_("You are not in the electorate of this ballot."))
    registered = await session.get(VoterRegister, (election.id, member_id))
    if registered is not None and registered.channel == "postal":
        raise AlreadyCast(_("You have already voted by post."))
    if registered is not None and not election.revoting:
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


async def _append(session: AsyncSession, election: Election, ballot: dict[str, Any], tracker: str,
                  now: datetime) -> BoardEntry:
    """Append under the board lock and commit; retried when SQLite reports a lost race."""
    credential = ballot["credential"]
    for attempt in range(_APPEND_ATTEMPTS):
        try:
            await lock_board(session, election)
            _check_window(election, now)
            taken = await session.scalar(select(BoardEntry.position).where(
                BoardEntry.election_id == election.id, BoardEntry.tracker == tracker))
            if taken is not None:
                raise _refuse(election, 11)
            earlier = await session.scalar(select(BoardEntry).where(
                BoardEntry.election_id == election.id, BoardEntry.credential == credential,
                BoardEntry.superseded_by.is_(None)))
            if earlier is not None and not election.revoting:
                raise AlreadyCast(_("This credential has already voted; this ballot does not allow changing a "
                                    "vote."))
            position = election.board_count + 1
            previous = election.board_head or str(election.fingerprint)
            entry = BoardEntry(election_id=election.id, position=position, credential=credential, tracker=tracker,
                               previous=previous, chain=chain_hash(position, previous, tracker),
                               ballot=canonical.dumps(ballot).decode(), superseded_by=None)
            if earlier is not None:
                earlier.superseded_by = position
            session.add(entry)
            election.board_count, election.board_head = position, entry.chain
            # No audit event here: a timestamp per cast would date every board position (decision 0002).
            await session.commit()
            return entry
        except (IntegrityError, OperationalError) as exc:
            await session.rollback()
            if attempt + 1 == _APPEND_ATTEMPTS:
                raise Conflict(_("The ballot box is busy. Please try again.")) from exc
            log.info("board append retried: election %s (%s)", election.uuid, type(exc).__name__)
            await asyncio.sleep(0.01 * (attempt + 1))
        except BallotError:
            await session.commit()  # a refusal changed nothing: end the lock without expiring the caller's objects
            raise
        except BaseException:
            await session.rollback()
            raise
    raise AssertionError("unreachable")


async def _register(session: AsyncSession, election: Election, member_id: int, index: int) -> None:
    """Mark the member as having voted online (own transaction; no time, no position, the credential sealed)."""
    assert election.public_key is not None
    try:
        sealed, _randomness = encrypt(Point.from_hex(election.public_key), index)
        row = await session.get(VoterRegister, (election.id, member_id))
        if row is None:
            session.add(VoterRegister(election_id=election.id, member_id=member_id, channel="online",
                                      sealed_ref=sealed.to_json()))
        elif row.channel == "online":
            row.sealed_ref = sealed.to_json()
        await session.commit()
    except IntegrityError:
        await session.rollback()  # a simultaneous cast of the same member wrote the row first
        await session.refresh(election)
    except Exception:  # the ballot is committed: the voter gets the receipt; the operator sees the lost mark
        await session.rollback()
        log.error("register mark not written (the ballot itself is stored): election %s", election.uuid)


def _receipt(settings: Settings, election: Election, entry: BoardEntry) -> dict[str, Any]:
    """docs/election-record.md 3.8: {"chain","election","position","tracker"} signed by the board key."""
    payload = {"chain": entry.chain, "election": str(election.fingerprint), "position": entry.position,
               "tracker": entry.tracker}
    signature = board_signing_key(settings, election).sign(signed_message(RECEIPT_DOMAIN, payload)).signature
    return {**payload, "signature": signature.hex()}


async def cast_ballot(session: AsyncSession, settings: Settings, election: Election, member_id: int,
                      ballot: dict[str, Any], now: datetime, *, limiter: RateLimiter | None = None) -> dict[str, Any]:
    """Verify and append ``ballot`` for ``member_id``; return the signed receipt once the entry is committed.

    ``election`` must be loaded in ``session``; the function commits (any pending work of the caller too).
    Raises PermissionDenied (not in the electorate), Conflict / AlreadyCast (state, window, revoting, postal
    vote), BallotRefused (invalid ballot, foreign credential, replay), RateLimited.
    """
    if limiter is not None:
        limiter.hit(f"member:{member_id}")
    _check_window(election, now)
    await _check_voter(session, election, member_id)
    crypto = crypto_election(election)
    index = await credential_index(session, election)
    if session.in_transaction():
        await session.commit()
    try:
        tracker = await asyncio.to_thread(verify_ballot, crypto, ballot)
    except InvalidBallot as exc:
        raise _refuse(election, _check_number(exc)) from None
    position = index.get(ballot["credential"])
    if position is None:
        raise _refuse(election, 8)
    entry = await _append(session, election, ballot, tracker, now)
    receipt = _receipt(settings, election, entry)
    await _register(session, election, member_id, position)
    return receipt


async def cast_choices(session: AsyncSession, settings: Settings, election: Election, member_id: int,
                       credential_text: str, choices: Sequence[Sequence[int]], now: datetime, *,
                       limiter: RateLimiter | None = None) -> dict[str, Any]:
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
    return await cast_ballot(session, settings, election, member_id, ballot, now)
