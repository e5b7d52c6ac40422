"""The trustees' key ceremony (t of n) and the step to state ready (docs/decisions/0002, Key ceremony).

The server relays public data and sealed shares and verifies every proof; it never sees a trustee's secret.
Each trustee acts only for their own index (``Action.ELECTION_KEYS`` in the election's unit plus their
ElectionTrustee row); finishing is the board's step (``Action.ELECTION_MANAGE``).
"""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import datetime
from typing import Any

import nacl.signing
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.exceptions import Conflict, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.referendums.common import (
    advance,
    frozen_rules,
    local_date,
    manifest_context,
    manifest_document,
    require_state,
    unit_of,
)
from ballot.referendums.credentials import CredentialSink, issue_credentials
from ballot.referendums.electorate import freeze_electorate
from ballot.referendums.models import Election, ElectionState, ElectionTrustee, SealedShare
from ballot.settings import Settings
from ballot_crypto import canonical, trustee
from ballot_crypto.errors import CryptoError
from ballot_crypto.group import Point
from ballot_crypto.record import election_json
from ballot_crypto.threshold import joint_public_key, verification_key

_HEX = re.compile(r"[0-9a-f]+")
MAX_SEALED_CHARS = 1024


def board_signing_key(settings: Settings, election: Election) -> nacl.signing.SigningKey:
    """The election's bulletin-board key: seed = BLAKE2b-256(uuid, key=secret_key); never stored."""
    return _board_key(settings.secret_key, election.uuid)


@functools.lru_cache(maxsize=64)
def _board_key(secret_key: str, election_uuid: str) -> nacl.signing.SigningKey:
    """Derived once per process and election (the derivation costs a scalar multiplication per receipt)."""
    secret = secret_key.encode()
    if len(secret) > 64:  # BLAKE2b keys are at most 64 bytes
        secret = hashlib.blake2b(secret).digest()
    seed = hashlib.blake2b(election_uuid.encode(), key=secret, digest_size=32, person=b"ballot-board-key").digest()
    return nacl.signing.SigningKey(seed)


async def _trustees(session: AsyncSession, election: Election) -> list[ElectionTrustee]:
    query = select(ElectionTrustee).where(ElectionTrustee.election_id == election.id).order_by(ElectionTrustee.index)
    return list((await session.scalars(query)).all())


async def _own_row(session: AsyncSession, principal: Principal | None, election: Election) -> ElectionTrustee:
    """The caller's trustee row; PermissionDenied for anyone else."""
    principal = authorize(principal, Action.ELECTION_KEYS, await unit_of(session, election))
    row = await session.scalar(select(ElectionTrustee).where(ElectionTrustee.election_id == election.id,
                                                             ElectionTrustee.account_id == principal.account_id))
    if row is None:
        raise PermissionDenied(_("You are not a trustee of this ballot."))
    return row


def _public_of(row: ElectionTrustee) -> dict[str, Any]:
    return {"index": row.index, "transport_key": row.transport_key, "commitments": row.commitments,
            "proofs": row.proofs}


def _commitments(rows: list[ElectionTrustee]) -> list[list[Point]]:
    if any(row.commitments is None for row in rows):
        raise Conflict(_("Not every trustee has submitted their public key yet."))
    return [[Point.from_hex(c) for c in row.commitments or []] for row in rows]


async def submit_trustee_public(session: AsyncSession, principal: Principal | None, election: Election,
                                public: dict[str, Any]) -> ElectionTrustee:
    """Store the caller's public ceremony data (``trustee.init``'s public dict), verified against the manifest."""
    row = await _own_row(session, principal, election)
    require_state(election, ElectionState.CEREMONY)
    if row.commitments is not None:
        raise Conflict(_("Your public key is already stored; it cannot be replaced."))
    if not isinstance(public, dict) or public.get("index") != row.index:
        raise ValidationFailed({"public": _("This is not the public data of trustee %(index)s.", index=row.index)})
    problems = trustee.verify_public(manifest_context(election), public, election.threshold)
    if problems:
        raise ValidationFailed({"public": "; ".join(problems)})
    row.transport_key = public["transport_key"]
    row.commitments = list(public["commitments"])
    row.proofs = list(public["proofs"])
    await session.flush()
    record_event(session, "referendums:trustee:public", account_id=row.account_id, unit_id=election.unit_id,
                 election=election.uuid, index=row.index)
    return row


async def submit_sealed_shares(session: AsyncSession, principal: Principal | None, election: Election,
                               shares: list[dict[str, Any]]) -> None:
    """Store the caller's sealed shares ``[{"from": i, "to": j, "sealed": hex}]``, one for every other trustee.
    Every trustee's public data must be in first (the shares are sealed to their transport keys)."""
    row = await _own_row(session, principal, election)
    require_state(election, ElectionState.CEREMONY)
    rows = await _trustees(session, election)
    _commitments(rows)
    existing = await session.scalar(select(SealedShare.id).where(SealedShare.election_id == election.id,
                                                                 SealedShare.from_index == row.index).limit(1))
    if existing is not None:
        raise Conflict(_("Your shares are already stored; they cannot be replaced."))
    others = sorted(r.index for r in rows if r.index != row.index)
    problem = None
    if not isinstance(shares, list) or not all(isinstance(s, dict) and set(s) == {"from", "to", "sealed"}
                                               for s in shares):
        problem = _("Expected a list of shares with the keys from, to and sealed.")
    elif any(s["from"] != row.index for s in shares):
        problem = _("Every share must come from your index %(index)s.", index=row.index)
    elif sorted(s["to"] for s in shares if isinstance(s["to"], int)) != others:
        problem = _("Send exactly one share to every other trustee.")
    elif not all(isinstance(s["sealed"], str) and len(s["sealed"]) <= MAX_SEALED_CHARS
                 and _HEX.fullmatch(s["sealed"]) and len(s["sealed"]) % 2 == 0 for s in shares):
        problem = _("A sealed share is lowercase hex.")
    if problem:
        raise ValidationFailed({"shares": problem})
    session.add_all(SealedShare(election_id=election.id, from_index=row.index, to_index=s["to"], sealed=s["sealed"])
                    for s in shares)
    await session.flush()
    record_event(session, "referendums:trustee:shares", account_id=row.account_id, unit_id=election.unit_id,
                 election=election.uuid, index=row.index)


async def sealed_shares_for(session: AsyncSession, principal: Principal | None,
                            election: Election) -> list[dict[str, Any]]:
    """The sealed shares addressed to the caller, ``[{"from", "to", "sealed"}]`` ordered by sender."""
    row = await _own_row(session, principal, election)
    query = (select(SealedShare).where(SealedShare.election_id == election.id, SealedShare.to_index == row.index)
             .order_by(SealedShare.from_index))
    return [{"from": s.from_index, "to": s.to_index, "sealed": s.sealed} for s in (await session.scalars(query))]


async def confirm_trustee(session: AsyncSession, principal: Principal | None, election: Election,
                          verification_key: str) -> ElectionTrustee:
    """Confirm the caller's verification key (must equal ``threshold.verification_key`` of all commitments),
    after the caller has received a share from every other trustee."""
    row = await _own_row(session, principal, election)
    require_state(election, ElectionState.CEREMONY)
    if row.confirmed:
        raise Conflict(_("You have already confirmed your key."))
    rows = await _trustees(session, election)
    commitments = _commitments(rows)
    received = len(await sealed_shares_for(session, principal, election))
    if received != len(rows) - 1:
        raise Conflict(_("Not every trustee has sent you a share yet."))
    expected = expected_verification_key(commitments, row.index)
    if verification_key != expected:
        raise ValidationFailed({"verification_key": _(
            "This verification key does not match the published commitments: a share you received may be wrong.")})
    row.verification_key = expected
    row.confirmed = True
    await session.flush()
    record_event(session, "referendums:trustee:confirm", account_id=row.account_id, unit_id=election.unit_id,
                 election=election.uuid, index=row.index, verification_key=expected)
    return row


def expected_verification_key(commitments: list[list[Point]], index: int) -> str:
    """VK_index computed from every trustee's commitments (docs/election-record.md 3.4)."""
    return str(verification_key(commitments, index).hex())


def trustees_document(election: Election, trustees: list[ElectionTrustee]) -> dict[str, Any]:
    """trustees.json (docs/election-record.md 3.4) from the stored rows (all publics in, proofs re-verified)."""
    try:
        document = trustee.trustees_json(manifest_context(election), [_public_of(r) for r in trustees],
                                         election.threshold)
    except CryptoError as exc:
        raise Conflict(str(exc)) from None
    return document


async def finish_ceremony(session: AsyncSession, settings: Settings, principal: Principal | None,
                          election: Election, now: datetime, sink: CredentialSink) -> Election:
    """All trustees confirmed: joint key, electorate frozen, credentials issued through ``sink``, election.json
    and fingerprint written; state ceremony -> ready. Only the board / admin (ELECTION_MANAGE)."""
    unit = await unit_of(session, election)
    principal = authorize(principal, Action.ELECTION_MANAGE, unit)
    require_state(election, ElectionState.CEREMONY)
    if now >= election.opens_at:
        raise Conflict(_("The opening time has passed; this ballot cannot be prepared any more."))
    rows = await _trustees(session, election)
    if len(rows) != election.trustee_count or not all(r.confirmed for r in rows):
        raise Conflict(_("Not every trustee has confirmed their key yet."))
    trustees = trustees_document(election, rows)
    if [t["verification_key"] for t in trustees["trustees"]] != [r.verification_key for r in rows]:
        raise Conflict(_("The stored verification keys do not match the commitments."))
    public_key = joint_public_key(_commitments(rows)).hex()
    rules = await frozen_rules(session, election)
    members = await freeze_electorate(session, election, rules, local_date(election.opens_at), local_date(now))
    if not members:
        raise Conflict(_("Nobody is eligible for this ballot."))
    credentials = await issue_credentials(session, election, members, sink)
    board_key = bytes(board_signing_key(settings, election).verify_key).hex()
    document = election_json(manifest_document(election), trustees, credentials, public_key, board_key)
    election.public_key = public_key
    election.eligible_count = len(credentials)
    election.election_json = canonical.dumps(document).decode()
    election.fingerprint = canonical.hash_json_hex(document)
    advance(election, ElectionState.READY)
    await session.flush()
    record_event(session, "referendums:election:ready", account_id=principal.account_id, unit_id=unit.id,
                 election=election.uuid, fingerprint=election.fingerprint, eligible=len(credentials),
                 public_key=public_key)
    return election
