"""Re-issuing every credential before the opening: new list, new fingerprint, old credentials void, the record
still verifies; refused once the ballot is open; the board's act over HTTP with the letters PDF answered once."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from ballot.exceptions import Conflict, PermissionDenied
from ballot.mail.models import DevMail
from ballot.referendums.announcements.reissue import reissue_credentials
from ballot.referendums.booth.casting import BallotRefused, cast_ballot, close_election, open_election
from ballot.referendums.box import outcome_of
from ballot.referendums.credentials import election_salt
from ballot.referendums.models import Election, ElectionState, PublicCredential
from ballot.referendums.record.tally import finalize, submit_decryption
from ballot.settings import Settings
from ballot_crypto import canonical, credentials, trustee
from ballot_crypto.record import credentials_bytes
from tests.factories import csrf_token
from tests.referendums.box_helpers import YES, MemorySink, make_ballot, ready_election
from tests.referendums.conftest import World
from tests.referendums.test_pages_board import Client, at, login, reload
from tests.referendums.test_pdfs import CREDENTIAL, pdf_text, squeezed


async def _public(world: World, election_id: int) -> set[str]:
    return set((await world.db.scalars(select(PublicCredential.credential)
                                       .where(PublicCredential.election_id == election_id))).all())


async def test_reissue_replaces_the_list_and_voids_the_old_credentials(world: World, settings: Settings) -> None:
    ready = await ready_election(world, settings)
    election = ready.election
    election_id, old_fingerprint = election.id, election.fingerprint
    old_public = await _public(world, election_id)
    with pytest.raises(PermissionDenied):
        await reissue_credentials(world.db, settings, world.member, election, MemorySink())
    await world.db.rollback()
    fresh = await world.db.get(Election, election_id)
    assert fresh is not None
    election = fresh
    sink = MemorySink()
    await reissue_credentials(world.db, settings, world.board, election, sink)
    await world.db.commit()
    election = await reload(world, election)

    assert sorted(sink.issued) == ready.voters()
    new_public = await _public(world, election.id)
    assert len(new_public) == election.eligible_count == len(old_public) and not new_public & old_public
    salt = election_salt(election)
    assert {credentials.public_credential(c, salt).hex() for c in sink.issued.values()} == new_public
    assert election.fingerprint != old_fingerprint
    document = json.loads(str(election.election_json))
    assert document["credentials"] == canonical.sha256_hex(credentials_bytes(new_public))
    assert canonical.hash_json_hex(document) == election.fingerprint

    # The ballot opens with the new list: an old credential is refused, a new one is accepted ...
    await open_election(world.db, world.board, election, election.opens_at)
    during = election.opens_at + timedelta(hours=1)
    voter = ready.voters()[0]
    with pytest.raises(BallotRefused):
        await cast_ballot(world.db, settings, election, voter,
                          make_ballot(election, ready.credentials[voter], [YES]), during)
    await world.db.rollback()
    fresh = await world.db.get(Election, election_id)
    assert fresh is not None
    election = fresh
    for member_id in ready.voters()[:2]:
        await cast_ballot(world.db, settings, election, member_id,
                          make_ballot(election, sink.issued[member_id], [YES]), during)
    # ... and the published record (self-verified by ballot_audit before it is published) proves the result.
    await close_election(world.db, world.board, election, election.closes_at + timedelta(minutes=1))
    outcome = await outcome_of(world.db, election)
    assert outcome is not None
    for index in (1, 2):
        share = trustee.decrypt(ready.secrets[index - 1], bytes.fromhex(str(election.fingerprint)),
                                canonical.loads(outcome.aggregates_json))
        await submit_decryption(world.db, world.trustees[index - 1], election, share)
    outcome = await finalize(world.db, settings, election, election.closes_at + timedelta(minutes=2))
    assert outcome.record_sha256 and json.loads(str(outcome.result_json))["ballots"] == 2

    with pytest.raises(Conflict, match="can no longer be re-issued"):
        await reissue_credentials(world.db, settings, world.board, election, MemorySink())


async def test_board_reissues_over_http_and_gets_the_new_letters_once(
        client: Client, world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ready = await ready_election(world, settings)
    uuid = ready.election.uuid
    old_public, old_fingerprint = await _public(world, ready.election.id), ready.election.fingerprint
    await login(client, world, world.board)
    at(monkeypatch, ready.election.opens_at - timedelta(days=2))
    detail = await client.get(f"/ballots/{uuid}")
    assert "Re-issue all voting credentials" in detail.text
    confirm = await client.get(f"/ballots/{uuid}/reissue")
    assert confirm.status_code == 200 and "Every earlier credential of this ballot becomes void" in confirm.text
    token = await csrf_token(client, f"/ballots/{uuid}")
    done = await client.post(f"/ballots/{uuid}/reissue", data={"_csrf_token": token}, follow_redirects=False)
    assert done.status_code == 200, done.text[:300]
    assert done.headers["content-type"].startswith("application/pdf")
    assert done.headers["content-disposition"].startswith("attachment;")
    election = await reload(world, ready.election)
    assert election.state == ElectionState.READY and election.fingerprint != old_fingerprint
    new_public = await _public(world, election.id)
    assert not new_public & old_public

    mails = list((await world.db.scalars(select(DevMail))).all())
    # Each member reads the mail in their own language (German unless they chose English).
    assert mails and all(m.subject.startswith("Ihr neuer Stimmcode") for m in mails)
    assert all("Der Stimmcode, den Sie früher erhalten haben, ist ungültig" in m.body for m in mails)
    for mail in mails:
        found = CREDENTIAL.findall(mail.body)
        assert len(found) == 1
        assert credentials.public_credential(squeezed(found[0]), election_salt(election)).hex() in new_public
    text = pdf_text(done.content, tmp_path)
    if text is not None:
        assert "früher erhalten haben, ist" in " ".join(text.split())
        found = CREDENTIAL.findall(text)
        assert len(found) == 1
        assert credentials.public_credential(squeezed(found[0]), election_salt(election)).hex() in new_public


async def test_after_the_opening_the_page_says_why_no_reissue(client: Client, world: World, settings: Settings,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    ready = await ready_election(world, settings)
    await open_election(world.db, world.board, ready.election, ready.election.opens_at)
    uuid = ready.election.uuid
    await login(client, world, world.board)
    at(monkeypatch, ready.during)
    detail = await client.get(f"/ballots/{uuid}")
    assert "/reissue" not in detail.text and "can no longer be re-issued" in detail.text
    page = await client.get(f"/ballots/{uuid}/reissue")
    assert "does not know which public credential belongs to whom" in page.text
    assert "vote by post" in page.text and 'action="/ballots/' not in page.text
    token = await csrf_token(client, f"/ballots/{uuid}")
    refused = await client.post(f"/ballots/{uuid}/reissue", data={"_csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 409 and "can no longer be re-issued" in refused.text
