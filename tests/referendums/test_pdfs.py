"""The PDF documents of binding ballots over HTTP: credential letters answered once to the board's "finish" act,
the minutes of the opening and the result protocol.

The PDFs' text is read back with ``pdftotext`` (poppler-utils); without it the text assertions are skipped."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from ballot.accounts.models import Account
from ballot.db import Base
from ballot.referendums.board.services import lock_election
from ballot.referendums.booth.casting import close_election
from ballot.referendums.box import outcome_of
from ballot.referendums.credentials import election_salt
from ballot.referendums.models import Election, ElectionState, ElectorateEntry, PublicCredential
from ballot.referendums.record.tally import finalize, submit_decryption
from ballot.referendums.trustees.inprocess import run_key_ceremony
from ballot.settings import Settings
from ballot_crypto import canonical, credentials, trustee
from tests.factories import csrf_token
from tests.referendums.box_helpers import NO, YES, cast, ready_election
from tests.referendums.conftest import NOW, World
from tests.referendums.test_pages_board import Client, at, login, reload

PDFTOTEXT = shutil.which("pdftotext")
CREDENTIAL = re.compile(r"\b[0-9A-Z]{5}\s*-\s*[0-9A-Z]{5}\s*-\s*[0-9A-Z]{5}\s*-\s*[0-9A-Z]{5}\b")


def pdf_text(data: bytes, tmp_path: Path) -> str | None:
    """The PDF's text, or None when pdftotext is not installed."""
    assert data.startswith(b"%PDF-")
    if PDFTOTEXT is None:
        return None
    source = tmp_path / "document.pdf"
    source.write_bytes(data)
    return subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True,  # noqa: S603
                          text=True).stdout


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


async def _ceremony_done(world: World) -> Election:
    election = await lock_election(world.db, world.board, await world.create(), NOW)
    await run_key_ceremony(world.db, election, world.trustees)
    await world.db.commit()
    return election


async def _all_database_text(world: World) -> str:
    """Every row of every table as text (to look for secrets)."""
    parts = []
    for table in Base.metadata.sorted_tables:
        for row in (await world.db.execute(select(table))).all():
            parts.append(repr(tuple(row)))
    return "\n".join(parts)


async def test_finish_answers_the_letters_once_and_stores_no_secret(
        client: Client, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    offline = next(m for m in world.members if not m.email)
    offline.street, offline.postal_code, offline.city = "Hauptstraße 7", "10115", "Berlin"
    offline_id, name = offline.id, offline.full_name
    await world.db.commit()
    election = await _ceremony_done(world)
    await login(client, world, world.board)
    at(monkeypatch, NOW + timedelta(minutes=5))
    confirm = await client.get(f"/ballots/{election.uuid}/act/finish")
    assert "a PDF with 1 letter is downloaded, once" in confirm.text
    assert "cannot be produced again" in confirm.text
    token = await csrf_token(client, f"/ballots/{election.uuid}")
    done = await client.post(f"/ballots/{election.uuid}/act/finish", data={"_csrf_token": token},
                             follow_redirects=False)
    assert done.status_code == 200, done.text[:500]
    assert done.headers["content-type"].startswith("application/pdf")
    assert done.headers["content-disposition"].startswith("attachment;")
    assert done.headers["cache-control"] == "no-store"
    election = await reload(world, election)
    assert election.state == ElectionState.READY
    entry = await world.db.get(ElectorateEntry, (election.id, offline_id))
    assert entry is not None and entry.delivery == "letter"

    published = set((await world.db.scalars(
        select(PublicCredential.credential).where(PublicCredential.election_id == election.id))).all())
    assert len(published) == election.eligible_count
    text = pdf_text(done.content, tmp_path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the letter's text cannot be read back")
    assert name in text
    assert "Hauptstraße 7" in text and "10115 Berlin" in text
    found = CREDENTIAL.findall(text)
    assert len(found) == 1
    secret = squeezed(found[0])
    public = credentials.public_credential(secret, election_salt(election)).hex()
    assert public in published
    stored = await _all_database_text(world)
    assert secret not in stored and secret.replace("-", "") not in stored


async def test_finish_without_letters_redirects(client: Client, world: World,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    for member in world.members:
        member.email = member.email or "offline@example.org"
    await world.db.commit()
    election = await _ceremony_done(world)
    await login(client, world, world.board)
    at(monkeypatch, NOW + timedelta(minutes=5))
    confirm = await client.get(f"/ballots/{election.uuid}/act/finish")
    assert "is downloaded, once" not in confirm.text
    token = await csrf_token(client, f"/ballots/{election.uuid}")
    done = await client.post(f"/ballots/{election.uuid}/act/finish", data={"_csrf_token": token},
                             follow_redirects=False)
    assert done.status_code == 303


async def test_minutes_and_protocol(client: Client, world: World, settings: Settings, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    ready = await ready_election(world, settings)
    uuid = ready.election.uuid
    await login(client, world, world.board)
    assert (await client.get(f"/ballots/{uuid}/minutes/opening.pdf")).status_code == 404
    token = await csrf_token(client, f"/ballots/{uuid}")
    at(monkeypatch, ready.during)
    opened = await client.post(f"/ballots/{uuid}/act/open", data={"_csrf_token": token}, follow_redirects=False)
    assert opened.status_code == 303
    ready.election = await reload(world, ready.election)
    assert "/minutes/opening.pdf" in (await client.get(f"/ballots/{uuid}")).text

    await login(client, world, world.member)  # every viewer of the ballot may read the minutes
    minutes = await client.get(f"/ballots/{uuid}/minutes/opening.pdf")
    assert minutes.status_code == 200 and minutes.headers["content-type"].startswith("application/pdf")
    board = await world.db.get(Account, world.board.account_id)
    assert board is not None
    text = pdf_text(minutes.content, tmp_path)
    if text is not None:
        assert "Minutes of the opening" in text and board.display_name in text
        assert str(ready.election.fingerprint) in squeezed(text)
        assert str(ready.election.statute_sha256) in squeezed(text)
        assert "Shall the statute change?" in text

    assert (await client.get(f"/ballots/{uuid}/protocol.pdf")).status_code == 404
    v = ready.voters()
    for member_id, choice in [(v[0], YES), (v[1], NO), (v[2], YES)]:
        await cast(world, settings, ready, member_id, choice)
    await close_election(world.db, world.board, ready.election, ready.after)
    outcome = await outcome_of(world.db, ready.election)
    assert outcome is not None
    for index in (1, 2):
        share = trustee.decrypt(ready.secrets[index - 1], bytes.fromhex(str(ready.election.fingerprint)),
                                canonical.loads(outcome.aggregates_json))
        await submit_decryption(world.db, world.trustees[index - 1], ready.election, share)
    outcome = await finalize(world.db, settings, ready.election, ready.after)
    await world.db.commit()
    assert "/protocol.pdf" in (await client.get(f"/ballots/{uuid}/result")).text
    protocol = await client.get(f"/ballots/{uuid}/protocol.pdf")
    assert protocol.status_code == 200 and protocol.headers["content-type"].startswith("application/pdf")
    text = pdf_text(protocol.content, tmp_path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the protocol's text cannot be read back")
    assert "Result protocol" in text and "Decision" in text and "Rule trail" in text
    assert str(outcome.record_sha256) in squeezed(text)
    assert "ballot-audit verify" in text
