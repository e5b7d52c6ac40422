"""The key ceremony through ballot_crypto.trustee, tampering, finishing, credentials and secrecy in storage."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from ballot.audit.models import AuditEvent
from ballot.exceptions import Conflict, PermissionDenied, ValidationFailed
from ballot.mail.models import DevMail
from ballot.members.models import Member
from ballot.models import Base
from ballot.referendums.board.services import lock_election
from ballot.referendums.common import manifest_context
from ballot.referendums.credentials import MailCredentialSink, election_salt
from ballot.referendums.models import Election, ElectionState, ElectorateEntry, PublicCredential
from ballot.referendums.trustees.ceremony import (
    board_signing_key,
    confirm_trustee,
    finish_ceremony,
    sealed_shares_for,
    submit_sealed_shares,
    submit_trustee_public,
)
from ballot.settings import Settings
from ballot_crypto import canonical, trustee
from ballot_crypto.credentials import public_credential
from ballot_crypto.errors import CryptoError
from ballot_crypto.record import credentials_bytes
from tests.referendums.conftest import NOW, World


class MemorySink:
    """Keeps the credentials in memory (for the test only) and says "email"."""

    def __init__(self) -> None:
        self.issued: dict[int, str] = {}

    async def deliver(self, member: Member, credential_text: str) -> str:
        self.issued[member.id] = credential_text
        return "email"


async def locked(world: World) -> Election:
    election = await world.create()
    return await lock_election(world.db, world.board, election, NOW)


async def publics_in(world: World, election: Election) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    context = manifest_context(election)
    pairs = [trustee.init(context, i, 2, 3) for i in (1, 2, 3)]
    for principal, (public, _secret) in zip(world.trustees, pairs, strict=True):
        await submit_trustee_public(world.db, principal, election, public)
    return [p for p, _ in pairs], [s for _, s in pairs]


async def ceremony(world: World, election: Election) -> list[dict[str, Any]]:
    """Run the whole ceremony up to the confirmations; returns the trustees' finished secrets."""
    publics, secrets = await publics_in(world, election)
    for principal, secret in zip(world.trustees, secrets, strict=True):
        await submit_sealed_shares(world.db, principal, election, trustee.make_shares(secret, publics))
    done = []
    for principal, secret in zip(world.trustees, secrets, strict=True):
        received = await sealed_shares_for(world.db, principal, election)
        finished, vk = trustee.finish(secret, publics, received)
        row = await confirm_trustee(world.db, principal, election, vk)
        assert row.confirmed and row.verification_key == vk
        done.append(finished)
    return done


async def test_whole_ceremony_to_ready(world: World, settings: Settings) -> None:
    election = await locked(world)
    await ceremony(world, election)
    sink = MemorySink()
    await finish_ceremony(world.db, settings, world.board, election, NOW, sink)
    assert election.state == ElectionState.READY
    entries = (await world.db.scalars(select(ElectorateEntry))).all()
    stored = sorted((await world.db.scalars(select(PublicCredential.credential))).all())
    assert election.eligible_count == len(entries) == len(stored) == len(sink.issued) == 9
    assert {e.member_id for e in entries} == set(sink.issued)
    assert all(e.delivery == "email" for e in entries)
    salt = election_salt(election)
    assert sorted(public_credential(c, salt).hex() for c in sink.issued.values()) == stored
    document = canonical.loads(election.election_json or "")
    assert canonical.hash_json_hex(document) == election.fingerprint
    assert document["board_key"] == bytes(board_signing_key(settings, election).verify_key).hex()
    assert document["credentials"] == canonical.sha256_hex(credentials_bytes(stored))
    assert document["manifest"] == manifest_context(election).hex()
    assert document["public_key"] == election.public_key
    with pytest.raises(Conflict):
        await finish_ceremony(world.db, settings, world.board, election, NOW, sink)
    tags = {t for t in (await world.db.scalars(select(AuditEvent.tag))).all()}
    assert "referendums:election:ready" in tags


async def test_nothing_secret_is_stored(world: World, settings: Settings) -> None:
    election = await locked(world)
    secrets = await ceremony(world, election)
    sink = MemorySink()
    await finish_ceremony(world.db, settings, world.board, election, NOW, sink)
    await world.db.commit()
    needles = [*sink.issued.values(), *(c.replace("-", "") for c in sink.issued.values())]
    needles += [c for s in secrets for c in s["coefficients"]] + [s["transport_secret"] for s in secrets]
    await _assert_absent(world, needles, skip=set())


async def _assert_absent(world: World, needles: list[str], skip: set[str]) -> None:
    for table in Base.metadata.sorted_tables:
        if table.name in skip:
            continue
        for row in (await world.db.execute(select(table))).all():
            text = " ".join(str(value) for value in row)
            assert not any(n in text for n in needles), f"secret found in {table.name}"


async def test_mail_sink_mails_credentials_and_counts_letters(world: World, settings: Settings) -> None:
    election = await locked(world)
    await ceremony(world, election)
    sink = MailCredentialSink(world.db, settings, election)
    await finish_ceremony(world.db, settings, world.board, election, NOW, sink)
    entries = (await world.db.scalars(select(ElectorateEntry))).all()
    assert (sink.mails, sink.letters) == (8, 1)
    assert sorted(e.delivery or "" for e in entries).count("letter") == 1
    mails = (await world.db.scalars(select(DevMail))).all()
    assert len(mails) == 8 and all("Satzungsänderung" in m.subject or "Statute change" in m.subject for m in mails)
    credentials = [line.strip() for m in mails for line in m.body.splitlines()
                   if line.startswith("    ") and line.count("-") == 3]
    assert len(set(credentials)) == 8
    await world.db.commit()
    await _assert_absent(world, credentials, skip={"dev_mail"})


async def test_trustees_act_only_for_their_own_index(world: World) -> None:
    election = await locked(world)
    context = manifest_context(election)
    public, _secret = trustee.init(context, 2, 2, 3)
    with pytest.raises(ValidationFailed):
        await submit_trustee_public(world.db, world.trustees[0], election, public)
    for principal in (world.board, world.member, world.admin):
        with pytest.raises(PermissionDenied):
            await submit_trustee_public(world.db, principal, election, public)
        with pytest.raises(PermissionDenied):
            await sealed_shares_for(world.db, principal, election)
    await submit_trustee_public(world.db, world.trustees[1], election, public)
    with pytest.raises(Conflict):
        await submit_trustee_public(world.db, world.trustees[1], election, public)


@pytest.mark.parametrize("part", ["commitments", "proofs", "transport_key", "context"])
async def test_tampered_public_is_rejected(world: World, part: str) -> None:
    election = await locked(world)
    context = manifest_context(election)
    public, _secret = trustee.init(bytes(32) if part == "context" else context, 1, 2, 3)
    other, _ = trustee.init(context, 1, 2, 3)
    if part == "commitments":
        public["commitments"][1] = other["commitments"][1]
    elif part == "proofs":
        public["proofs"][0] = other["proofs"][0]
    elif part == "transport_key":
        public["transport_key"] = "zz" * 32
    with pytest.raises(ValidationFailed):
        await submit_trustee_public(world.db, world.trustees[0], election, public)


async def test_shares_are_checked_for_shape_and_sender(world: World) -> None:
    election = await locked(world)
    publics, secrets = await publics_in(world, election)
    shares = trustee.make_shares(secrets[0], publics)
    bad_sets = [shares[:1], [{**shares[0], "from": 2}, shares[1]], [{**shares[0], "to": 3}, shares[1]],
                [{**shares[0], "sealed": "XYZ"}, shares[1]], [{**shares[0], "extra": 1}, shares[1]]]
    for bad in bad_sets:
        with pytest.raises(ValidationFailed):
            await submit_sealed_shares(world.db, world.trustees[0], election, bad)
    await submit_sealed_shares(world.db, world.trustees[0], election, shares)
    with pytest.raises(Conflict):
        await submit_sealed_shares(world.db, world.trustees[0], election, shares)
    assert [s["from"] for s in await sealed_shares_for(world.db, world.trustees[1], election)] == [1]


async def test_tampered_share_and_wrong_verification_key(world: World) -> None:
    election = await locked(world)
    publics, secrets = await publics_in(world, election)
    for i, (principal, secret) in enumerate(zip(world.trustees, secrets, strict=True)):
        shares = trustee.make_shares(secret, publics)
        if i == 0:  # trustee 1 sends trustee 2 a share sealed for trustee 3
            shares = [{**shares[0], "sealed": shares[1]["sealed"]}, shares[1]]
        await submit_sealed_shares(world.db, principal, election, shares)
    received = await sealed_shares_for(world.db, world.trustees[1], election)
    with pytest.raises(CryptoError):
        trustee.finish(secrets[1], publics, received)
    _, vk3 = trustee.finish(secrets[2], publics, await sealed_shares_for(world.db, world.trustees[2], election))
    with pytest.raises(ValidationFailed):
        await confirm_trustee(world.db, world.trustees[1], election, vk3)
    with pytest.raises(PermissionDenied):
        await confirm_trustee(world.db, world.member, election, vk3)


async def test_finish_needs_everything_and_the_board(world: World, settings: Settings) -> None:
    election = await world.create()
    with pytest.raises(Conflict):  # skipping the ceremony
        await finish_ceremony(world.db, settings, world.board, election, NOW, MemorySink())
    await lock_election(world.db, world.board, election, NOW)
    await publics_in(world, election)
    with pytest.raises(Conflict):
        await finish_ceremony(world.db, settings, world.board, election, NOW, MemorySink())
    with pytest.raises(PermissionDenied):
        await finish_ceremony(world.db, settings, world.trustees[0], election, NOW, MemorySink())
    assert election.state == ElectionState.CEREMONY


async def test_board_key_is_derived_not_stored(settings: Settings) -> None:
    a = Election(uuid="12345678-1234-5678-1234-567812345678")
    b = Election(uuid="12345678-1234-5678-1234-567812345679")
    assert bytes(board_signing_key(settings, a)) == bytes(board_signing_key(settings, a))
    assert bytes(board_signing_key(settings, a)) != bytes(board_signing_key(settings, b))
