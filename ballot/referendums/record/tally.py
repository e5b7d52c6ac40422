"""Decryption shares and the published outcome (docs/decisions/0002, Close, tally, record).

Each trustee uploads its entry of decryption.json for the stored aggregates; every share's DLEQ proof is checked
against the trustee's verification key on upload. With at least t valid uploads, :func:`finalize` combines them,
evaluates the frozen statute, writes the election record (a ZIP), runs the independent verifier (ballot_audit) on
it and publishes only a record that passes every check. With postal voting, the result is the decrypted online
result plus the committee's paper-ballot totals (postal.py), recorded in postal.json. Under postal precedence
"postal", decryption waits for the joint opening of sealed references (postal/openings.py), whose aggregates
leave out the online ballots of members who also voted by post; the openings go into openings.json.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import Conflict, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.referendums.box import board_entries, crypto_election, entry_json, frozen_rules, outcome_of, unit_of
from ballot.referendums.models import (
    DecryptionUpload,
    Election,
    ElectionOutcome,
    ElectionState,
    ElectionTrustee,
    PublicCredential,
)
from ballot.referendums.postal.openings import decryption_blocker, openings_document
from ballot.referendums.postal.services import postal_document, postal_rules
from ballot.referendums.trustees.ceremony import board_signing_key, trustees_document
from ballot.settings import Settings
from ballot_audit.verify import verify
from ballot_crypto import canonical, record, schema
from ballot_crypto.ballots import signed_message
from ballot_crypto.board import HEAD_DOMAIN
from ballot_crypto.errors import CryptoError
from ballot_crypto.evaluation import evaluation_json
from ballot_crypto.group import Point
from ballot_crypto.postal import combined_result, statute_precedence
from ballot_crypto.proofs import DleqProof
from ballot_crypto.tally import Aggregates, combine
from ballot_crypto.threshold import DecryptionShare, verify_decryption_share

log = logging.getLogger(__name__)


class RecordRejected(Conflict):
    """The written record did not pass the verifier; nothing was published. ``checks``: the failed numbers."""

    def __init__(self, message: str, checks: list[int]) -> None:
        super().__init__(message)
        self.checks = checks


def _problems(election: Election, aggregates: Aggregates, key: Point, entry: Any) -> str | None:
    """None when ``entry`` is a well-formed decryption.json entry whose every share verifies."""
    try:
        schema.check({"trustees": [entry]}, schema.FILES["decryption.json"])
    except CryptoError as exc:
        return str(exc)
    fingerprint = bytes.fromhex(str(election.fingerprint))
    if len(entry["questions"]) != len(aggregates.questions):
        return "one entry per question is needed"
    for agg, question in zip(aggregates.questions, entry["questions"], strict=True):
        if question["question"] != agg.question:
            return f"expected question {agg.question!r}"
        if (question["blank"] is None) != (agg.blank is None) or len(question["choices"]) != len(agg.choices):
            return f"question {agg.question}: the shares do not match the aggregates"
        raw = question["choices"] + ([] if agg.blank is None else [question["blank"]])
        for i, (ct, share) in enumerate(zip(agg.ciphertexts(), raw, strict=True)):
            try:
                parsed = DecryptionShare(entry["index"], Point.from_hex(share["factor"], allow_identity=True),
                                         DleqProof.from_json(share["proof"]))
            except CryptoError as exc:
                return f"question {agg.question}[{i}]: {exc}"
            if not verify_decryption_share(fingerprint, key, ct, parsed):
                return f"question {agg.question}[{i}]: the proof does not verify"
    return None


async def submit_decryption(session: AsyncSession, principal: Principal | None, election: Election,
                            entry: dict[str, Any], now: datetime | None = None) -> DecryptionUpload:
    """Store the caller's decryption shares (trustee of ``entry["index"]``, state closed, openings settled, every
    proof verified)."""
    principal = authorize(principal, Action.ELECTION_KEYS, await unit_of(session, election))
    trustee = await session.scalar(select(ElectionTrustee).where(
        ElectionTrustee.election_id == election.id, ElectionTrustee.account_id == principal.account_id))
    if trustee is None or not isinstance(entry, dict) or entry.get("index") != trustee.index:
        raise PermissionDenied(_("Only the trustee of this index may upload these decryption shares."))
    if election.state != ElectionState.CLOSED:
        raise Conflict(_("Decryption shares are accepted only after the close and before the result."))
    if await session.get(DecryptionUpload, (election.id, trustee.index)) is not None:
        raise Conflict(_("Your decryption shares are already stored."))
    blocker = await decryption_blocker(session, election, now or utcnow())
    if blocker is not None:
        raise Conflict(blocker)
    outcome = await outcome_of(session, election)
    if outcome is None or trustee.verification_key is None:
        raise Conflict(_("This ballot has no aggregates to decrypt."))
    aggregates = Aggregates.from_json(json.loads(outcome.aggregates_json))
    problem = _problems(election, aggregates, Point.from_hex(trustee.verification_key), entry)
    if problem is not None:
        log.info("decryption shares refused: election %s, trustee %d (check 15)", election.uuid, trustee.index)
        raise ValidationFailed({"shares": _("The decryption shares do not verify: %(problem)s", problem=problem)})
    upload = DecryptionUpload(election_id=election.id, trustee_index=trustee.index, shares=entry)
    session.add(upload)
    record_event(session, "referendums:decryption:upload", account_id=principal.account_id,
                 unit_id=election.unit_id, election=election.uuid, trustee=trustee.index)
    await session.flush()
    return upload


async def _record_content(session: AsyncSession, settings: Settings, election: Election,
                          outcome: ElectionOutcome, entries: list[dict[str, Any]],
                          trustees: list[ElectionTrustee]) -> record.RecordContent:
    crypto = crypto_election(election)
    rules, statute = await frozen_rules(session, election)
    aggregates = Aggregates.from_json(json.loads(outcome.aggregates_json))
    keys = {t.index: Point.from_hex(str(t.verification_key)) for t in trustees}
    online = combine(crypto.manifest, crypto.fingerprint, aggregates, entries, keys, election.threshold)
    postal = await postal_document(session, election, crypto.manifest, statute_precedence(statute, crypto.manifest))
    result = combined_result(online, postal)
    openings = await openings_document(session, election)
    board_rows = await board_entries(session, election)
    credentials = list((await session.scalars(select(PublicCredential.credential).where(
        PublicCredential.election_id == election.id))).all())
    head = {"count": election.board_count, "election": str(election.fingerprint),
            "head": election.board_head or str(election.fingerprint)}
    signature = board_signing_key(settings, election).sign(signed_message(HEAD_DOMAIN, head)).signature
    return record.RecordContent(
        election=json.loads(str(election.election_json)), manifest=json.loads(str(election.manifest_json)),
        statute=statute, trustees=trustees_document(election, trustees), credentials=credentials,
        entries=[entry_json(row) for row in board_rows],
        board={"count": head["count"], "head": head["head"], "signature": signature.hex()},
        aggregates=aggregates.to_json(), decryption={"trustees": entries}, result=result,
        evaluation=evaluation_json(crypto.manifest, rules, len(credentials), len(board_rows) + postal["ballots"],
                                   result), postal=postal, openings=openings)


def write_and_verify(content: record.RecordContent, processes: int | None = 1) -> tuple[str, bytes, list[int]]:
    """Write the record as a ZIP (in a temporary folder), verify it; (record hash, bytes, failed checks)."""
    with tempfile.TemporaryDirectory(prefix="ballot-record-") as folder:
        path = Path(folder) / "record.zip"
        record_hash = record.write_record(path, content, as_zip=True)
        report = verify(path, processes=processes)
        return record_hash, path.read_bytes(), sorted(report.failed_checks())


async def finalize(session: AsyncSession, settings: Settings, election: Election, now: datetime, *,
                   processes: int | None = 1) -> ElectionOutcome:
    """closed -> tallied: combine >= t shares, evaluate the statute, write and verify the record, publish it.

    The verifier runs in a thread (``processes`` > 1 or None: with worker processes, for the command line).
    Flushes; the caller commits."""
    if election.state != ElectionState.CLOSED:
        raise Conflict(_("Only a closed ballot can be tallied."))
    if election.postal and now < (await postal_rules(session, election)).grace_end:
        raise Conflict(_("Postal votes may still arrive until the end of the statute's grace period; the result "
                         "is computed after it, once the paper ballots are entered."))
    outcome = await outcome_of(session, election)
    uploads = list((await session.scalars(select(DecryptionUpload).where(
        DecryptionUpload.election_id == election.id).order_by(DecryptionUpload.trustee_index))).all())
    if outcome is None or len(uploads) < election.threshold:
        raise Conflict(_("At least %(threshold)d trustees must upload their decryption shares first.",
                         threshold=election.threshold))
    trustees = list((await session.scalars(select(ElectionTrustee).where(
        ElectionTrustee.election_id == election.id).order_by(ElectionTrustee.index))).all())
    content = await _record_content(session, settings, election, outcome, [u.shares for u in uploads], trustees)
    record_hash, data, failed = await asyncio.to_thread(write_and_verify, content, processes)
    if failed:
        log.error("election record refused by the verifier: election %s, failed checks %s", election.uuid, failed)
        raise RecordRejected(_("The election record did not pass verification (checks %(checks)s); nothing was "
                               "published.", checks=", ".join(map(str, failed))), failed)
    outcome.result_json = canonical.dumps(content.result).decode()
    outcome.evaluation_json = canonical.dumps(content.evaluation).decode()
    outcome.record_sha256, outcome.record_zip = record_hash, data
    election.state, election.tallied_at = ElectionState.TALLIED, now
    record_event(session, "referendums:election:tally", unit_id=election.unit_id, election=election.uuid,
                 record_sha256=record_hash, trustees=[u.trustee_index for u in uploads])
    await session.flush()
    return outcome
