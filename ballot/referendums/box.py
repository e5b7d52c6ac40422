"""Shared helpers of the ballot box (E2): the election's crypto view, the board lock, the credential index.

Credentials, manifest, key and fingerprint are fixed once an election is ready, so their parsed forms are cached
per process, keyed by the fingerprint.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.exceptions import Conflict, NotFound
from ballot.i18n import gettext as _
from ballot.referendums.models import BoardEntry, Election, ElectionOutcome, PublicCredential
from ballot.statutes.models import StatuteSnapshot
from ballot.statutes.services import snapshot_rules
from ballot.units.models import Unit
from ballot_crypto import ballots
from ballot_crypto.group import Point
from ballot_crypto.manifest import Manifest
from ballot_crypto.statutes import Rules

_CACHE_SIZE = 16
_crypto: OrderedDict[str, ballots.Election] = OrderedDict()
_indices: OrderedDict[str, dict[str, int]] = OrderedDict()


def _remember(cache: OrderedDict[str, Any], key: str, value: Any) -> None:
    cache[key] = value
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)


def crypto_election(election: Election) -> ballots.Election:
    """What encryption and verification need: manifest, joint key, fingerprint (the election must be ready)."""
    if not election.fingerprint or not election.public_key or not election.manifest_json:
        raise Conflict(_("This ballot has no key yet."))
    cached = _crypto.get(election.fingerprint)
    if cached is None:
        manifest = Manifest.from_json(json.loads(election.manifest_json))
        cached = ballots.Election(manifest, Point.from_hex(election.public_key), bytes.fromhex(election.fingerprint))
        _remember(_crypto, election.fingerprint, cached)
    return cached


async def credential_index(session: AsyncSession, election: Election) -> dict[str, int]:
    """Each public credential (hex) with its index in the sorted public list (sorted in Python: byte order)."""
    assert election.fingerprint is not None
    cached = _indices.get(election.fingerprint)
    if cached is None:
        rows = await session.scalars(select(PublicCredential.credential)
                                     .where(PublicCredential.election_id == election.id))
        cached = {credential: i for i, credential in enumerate(sorted(rows.all()))}
        _remember(_indices, election.fingerprint, cached)
    return cached


async def dialect(session: AsyncSession) -> str:
    return (await session.connection()).dialect.name


async def lock_board(session: AsyncSession, election: Election) -> None:
    """Take the board lock and reload the election row (state, count, head) inside the write transaction.

    PostgreSQL: ``SELECT ... FOR UPDATE`` on the election row. SQLite: a no-op UPDATE of the row as the first
    statement, which begins the transaction with the database's write lock (waiting up to ``busy_timeout``), the
    same as ``BEGIN IMMEDIATE``; the board's primary key (election, position) guards against a lost race.
    """
    if await dialect(session) == "postgresql":
        await session.refresh(election, with_for_update=True)
        return
    await session.execute(update(Election).where(Election.id == election.id)
                          .values(board_count=Election.board_count)
                          .execution_options(synchronize_session=False))
    await session.refresh(election)


async def unit_of(session: AsyncSession, election: Election) -> Unit:
    unit = await session.get(Unit, election.unit_id)
    if unit is None:
        raise NotFound(_("This unit does not exist."))
    return unit


async def frozen_rules(session: AsyncSession, election: Election) -> tuple[Rules, dict[str, Any]]:
    """The frozen statute rules and statute.json (the snapshot's canonical rules document)."""
    snapshot = await session.get(StatuteSnapshot, election.statute_snapshot_id)
    if snapshot is None:
        raise Conflict(_("This ballot has no frozen statute."))
    return snapshot_rules(snapshot), json.loads(snapshot.rules_json)


async def outcome_of(session: AsyncSession, election: Election) -> ElectionOutcome | None:
    return await session.get(ElectionOutcome, election.id)


async def board_entries(session: AsyncSession, election: Election) -> list[BoardEntry]:
    """Every board entry in board order."""
    rows = await session.scalars(select(BoardEntry).where(BoardEntry.election_id == election.id)
                                 .order_by(BoardEntry.position))
    return list(rows.all())


def entry_json(entry: BoardEntry) -> dict[str, Any]:
    """A line of ballots.jsonl (docs/election-record.md 3.7)."""
    return {"position": entry.position, "ballot": json.loads(entry.ballot), "tracker": entry.tracker,
            "previous": entry.previous, "chain": entry.chain, "superseded_by": entry.superseded_by}
