"""Per-candidate yes/no/abstain elections in the web app: the board's form asks for the seats, the manifest
carries the election process, the tally decides under the election rules, and the result page, the protocol
PDF and the booth show candidates, yes / no / abstain and who is elected (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from ballot.exceptions import ValidationFailed
from ballot.referendums.acts import close_election, open_election
from ballot.referendums.board.services import lock_election
from ballot.referendums.booth.casting import cast_ballot
from ballot.referendums.booth.services import questions_of
from ballot.referendums.box import outcome_of
from ballot.referendums.models import Election, ElectionState
from ballot.referendums.record.tally import finalize, submit_decryption
from ballot.referendums.trustees.ceremony import finish_ceremony
from ballot.referendums.trustees.inprocess import run_key_ceremony
from ballot.settings import Settings
from ballot.statutes.services import store_version
from ballot_crypto import canonical, trustee
from tests.factories import csrf_token
from tests.referendums.box_helpers import ABSTAIN, BLANK, NO, YES, MemorySink, Ready, make_ballot
from tests.referendums.conftest import NOW, STATUTE, World
from tests.referendums.test_pages_board import good_form, login
from tests.referendums.test_pdfs import pdf_text

Client = AsyncTestClient[Litestar]
ELECTION_RULES = '\n[election]\nparagraph = "§ 15"\n[election.majority]\nparagraph = "§ 15 Abs. 2"\n'


def candidate(qid: str, name: str, seats: int = 2) -> dict[str, Any]:
    return {"id": qid, "kind": "yes_no_abstain", "min": 0, "max": 1, "process": "election", "subject": None,
            "seats": seats, "text": {"de": name, "en": name},
            "options": [{"id": o, "label": {"de": o, "en": o}, "max": 1} for o in ("yes", "no", "abstain")]}


CANDIDATES = [candidate("c1", "Anna Arendt"), candidate("c2", "Berta Brecht"), candidate("c3", "Carla Cohn")]


async def test_the_form_asks_for_the_seats_beside_the_field(client: Client, world: World) -> None:
    slug = world.tree.federal.slug
    await login(client, world, world.board)
    token = await csrf_token(client, f"/units/{slug}/ballots/new")
    for seats in ("", "4", "zwei"):
        response = await client.post(f"/units/{slug}/ballots/new", follow_redirects=False, data=good_form(
            world, token, kind="election", method="yes_no_abstain", candidates="Anna\nBerta\nCarla", seats=seats))
        assert response.status_code == 422, seats
        assert 'id="f-seats-error"' in response.text and "Enter a whole number from 1 to 3." in response.text
    assert (await world.db.scalars(select(Election))).first() is None
    response = await client.post(f"/units/{slug}/ballots/new", follow_redirects=False, data=good_form(
        world, token, kind="election", method="yes_no_abstain", candidates="Anna\nBerta\nCarla", seats="2"))
    assert response.status_code == 303
    election = (await world.db.scalars(select(Election))).one()
    assert [(q["kind"], q["process"], q["seats"], q["text"]["de"]) for q in election.questions] == [
        ("yes_no_abstain", "election", 2, "Anna"), ("yes_no_abstain", "election", 2, "Berta"),
        ("yes_no_abstain", "election", 2, "Carla")]


async def test_the_service_refuses_inconsistent_candidates(world: World) -> None:
    mixed = [candidate("c1", "Anna", 1), candidate("c2", "Berta", 2)]
    with pytest.raises(ValidationFailed) as caught:
        await world.create(kind="election", questions=mixed)
    assert "the same seats" in caught.value.errors["questions"]
    with pytest.raises(ValidationFailed) as caught:
        await world.create(kind="election", questions=[candidate("c1", "Anna", 2)])
    assert "has 1 to 1 seats, not 2" in caught.value.errors["questions"]


async def _ready(world: World, settings: Settings) -> Ready:
    await store_version(world.db, world.tree.federal, STATUTE + ELECTION_RULES)
    election = await world.create(kind="election", questions=CANDIDATES)
    election = await lock_election(world.db, world.board, election, NOW)
    secrets = await run_key_ceremony(world.db, election, world.trustees)
    sink = MemorySink()
    await finish_ceremony(world.db, settings, world.board, election, NOW, sink)
    await world.db.commit()
    return Ready(election, secrets, sink.issued)


async def _tally(world: World, settings: Settings, plan: list[list[list[int]]]) -> Ready:
    ready = await _ready(world, settings)
    election = ready.election
    await open_election(world.db, world.board, election, election.opens_at)
    for member_id, choices in zip(ready.voters(), plan, strict=False):
        ballot = make_ballot(election, ready.credentials[member_id], choices)
        await cast_ballot(world.db, settings, election, member_id, ballot, ready.during)
    await close_election(world.db, world.board, election, election.closes_at)
    outcome = await outcome_of(world.db, election)
    assert outcome is not None
    for index in (1, 2):
        share = trustee.decrypt(ready.secrets[index - 1], bytes.fromhex(str(election.fingerprint)),
                                canonical.loads(outcome.aggregates_json))
        await submit_decryption(world.db, world.trustees[index - 1], election, share)
    await finalize(world.db, settings, election, ready.after)  # the record is verified before it is published
    await world.db.commit()
    assert election.state == ElectionState.TALLIED
    return ready


# Anna: 3 yes 1 no -> qualified; Berta: 2 yes 2 no -> a tie is no majority; Carla: 2 yes 1 no 1 abstain -> qualified
PLAN = [[YES, YES, YES], [YES, NO, ABSTAIN], [YES, YES, YES], [NO, NO, NO]]


async def test_tally_decides_under_the_election_rules_and_the_pages_show_it(
        client: Client, world: World, settings: Settings, tmp_path: Path) -> None:
    assert len(world.members) >= len(PLAN)
    ready = await _tally(world, settings, PLAN)
    outcome = await outcome_of(world.db, ready.election)
    assert outcome is not None
    evaluation = json.loads(str(outcome.evaluation_json))
    decisions = [q["decision"] for q in evaluation["questions"]]
    assert decisions[0] == decisions[1] == decisions[2]
    joint = decisions[0]
    assert (joint["process"], joint["outcome"], joint["elected"]) == ("election", "elected", ["c1", "c3"])
    assert joint["trail"][-1]["paragraph"] == "§ 15 Abs. 2"

    await login(client, world, world.board)
    page = (await client.get(f"/ballots/{ready.election.uuid}/result")).text
    assert page.count("Election of candidates: yes / no / abstain for each candidate") == 1
    assert "Elected: Anna Arendt, Carla Cohn" in page
    rows = page[page.index("Votes per candidate and result"):]
    anna, berta, carla = (rows[rows.index(n):rows.index("</tr>", rows.index(n))]
                          for n in ("Anna Arendt", "Berta Brecht", "Carla Cohn"))
    assert ">elected<" in anna and "not elected" in berta and ">elected<" in carla
    assert "not qualified" in berta and "qualified" in anna
    assert "§ 15 Abs. 2" in page and "Rule trail" in page
    assert "c1" not in page.split("Rule trail", 1)[1].split("</table>", 1)[0]  # names, not question ids

    pdf = await client.get(f"/ballots/{ready.election.uuid}/protocol.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content, tmp_path)
    if text is not None:
        flat = " ".join(text.split())
        assert "Elected: Anna Arendt, Carla Cohn" in flat and "not elected" in flat and "§ 15 Abs. 2" in flat
        assert "Berta Brecht" in flat and "not qualified" in flat


async def test_blank_ballots_and_nobody_elected(client: Client, world: World, settings: Settings) -> None:
    ready = await _tally(world, settings, [[NO, NO, NO], [BLANK, BLANK, BLANK], [ABSTAIN, NO, YES]])
    outcome = await outcome_of(world.db, ready.election)
    assert outcome is not None
    joint = json.loads(str(outcome.evaluation_json))["questions"][0]["decision"]
    assert (joint["outcome"], joint["elected"], joint["binding"]) == ("runoff", [], True)
    seats = next(c for c in joint["trail"] if c["name"] == "seats")
    assert seats["inputs"]["qualified"] == []  # Carla: 1 yes, 1 no: not more than half of yes + no
    carla = next(c for c in joint["trail"] if c["name"] == "candidate" and c["inputs"]["candidate"] == "c3")
    assert (carla["inputs"]["yes"], carla["inputs"]["no"], carla["inputs"]["invalid"], carla["inputs"]["majority"]) \
        == (1, 1, 1, "tie")
    await login(client, world, world.board)
    page = (await client.get(f"/ballots/{ready.election.uuid}/result")).text
    assert "Nobody is elected." in page


async def test_the_booth_names_the_candidate(client: Client, world: World, settings: Settings) -> None:
    ready = await _ready(world, settings)
    await open_election(world.db, world.board, ready.election, ready.election.opens_at)
    await world.db.commit()
    views = questions_of(ready.election)
    assert [v.text for v in views] == ["Candidate: Anna Arendt", "Candidate: Berta Brecht", "Candidate: Carla Cohn"]
    assert [o.label for o in views[0].options] == ["Yes", "No", "Abstention"]
