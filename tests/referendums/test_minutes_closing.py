"""The minutes of the closing (PDF): who closed and when, the box's final count and chain head, how many members
voted (online / by post), the electorate and the statute; none before the close; linked once closed. The opening
minutes name the final public credential list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update

from ballot.accounts.models import Account
from ballot.referendums.models import VoterRegister
from ballot.settings import Settings
from tests.factories import csrf_token
from tests.referendums.box_helpers import NO, YES, cast, open_ready
from tests.referendums.conftest import World
from tests.referendums.test_pages_board import Client, at, login, reload
from tests.referendums.test_pdfs import pdf_text, squeezed


async def test_closing_minutes(client: Client, world: World, settings: Settings, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    ready = await open_ready(world, settings)
    uuid = ready.election.uuid
    v = ready.voters()
    for member_id, choice in [(v[0], YES), (v[1], NO), (v[0], NO)]:  # the first voter revotes
        await cast(world, settings, ready, member_id, choice)
    # A postal vote in the register (entered by the committee; the postal path itself is another feature).
    await world.db.execute(update(VoterRegister).where(
        VoterRegister.election_id == ready.election.id, VoterRegister.member_id == v[2]).values(channel="postal"))
    await world.db.commit()
    await login(client, world, world.board)
    assert (await client.get(f"/ballots/{uuid}/minutes/closing.pdf")).status_code == 404
    assert "/minutes/closing.pdf" not in (await client.get(f"/ballots/{uuid}")).text

    at(monkeypatch, ready.after)
    token = await csrf_token(client, f"/ballots/{uuid}")
    closed = await client.post(f"/ballots/{uuid}/act/close", data={"_csrf_token": token}, follow_redirects=False)
    assert closed.status_code == 303
    election = await reload(world, ready.election)
    assert "/minutes/closing.pdf" in (await client.get(f"/ballots/{uuid}")).text

    await login(client, world, world.member)  # every viewer of the ballot may read the minutes
    minutes = await client.get(f"/ballots/{uuid}/minutes/closing.pdf")
    assert minutes.status_code == 200 and minutes.headers["content-type"].startswith("application/pdf")
    text = pdf_text(minutes.content, tmp_path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the minutes' text cannot be read back")
    board = await world.db.get(Account, world.board.account_id)
    assert board is not None
    assert "Minutes of the closing" in text and board.display_name in text
    assert str(election.board_head) in squeezed(text)
    assert str(election.statute_sha256) in squeezed(text) and "Testsatzung" in text
    lines = [line.strip() for line in text.splitlines() if line.strip()]

    def value(label: str) -> str:
        return lines[lines.index(label) + 1]

    assert value("Entries on the bulletin board") == "3"
    assert value("counted (not replaced)") == "2"
    assert value("Eligible members").replace(",", "") == str(election.eligible_count)
    assert value("Members who voted").startswith("3")
    assert value("of whom online") == "2" and value("of whom by post") == "1"


async def test_opening_minutes_name_the_final_credential_list(client: Client, world: World, settings: Settings,
                                                              tmp_path: Path) -> None:
    ready = await open_ready(world, settings)
    await login(client, world, world.board)
    minutes = await client.get(f"/ballots/{ready.election.uuid}/minutes/opening.pdf")
    text = pdf_text(minutes.content, tmp_path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    listed = json.loads(str(ready.election.election_json))["credentials"]
    assert "Public credential list" in text and listed in squeezed(text)
