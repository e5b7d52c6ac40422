"""The board's pages of binding ballots over HTTP (runs on SQLite and PostgreSQL): the unit's list, the form for a
new ballot, the detail page, the formal acts through their POST forms, the result and the record download.

The client asks for English (``lang`` cookie). The acts take ``now`` from ``views_board.utcnow``; the tests replace
it to move through the schedule."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from ballot.accounts.models import Account
from ballot.authz.principal import Principal
from ballot.referendums.board import views as views_board
from ballot.referendums.box import outcome_of
from ballot.referendums.common import LOCAL_ZONE
from ballot.referendums.models import Election, ElectionState
from ballot.referendums.record.tally import submit_decryption
from ballot.referendums.trustees.inprocess import run_key_ceremony
from ballot.settings import Settings
from ballot_crypto import canonical, trustee
from tests.factories import csrf_token
from tests.referendums.box_helpers import ABSTAIN, NO, YES, cast, open_ready, ready_election
from tests.referendums.conftest import NOW, World

Client = AsyncTestClient[Litestar]


async def login(client: Client, world: World, principal: Principal) -> None:
    account = await world.db.get(Account, principal.account_id)
    assert account is not None
    await world.factory.login(client, account)
    client.cookies.set("lang", "en")


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(views_board, "utcnow", lambda: moment)


def local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M")


async def count_elections(world: World) -> int:
    return int(await world.db.scalar(select(func.count()).select_from(Election)) or 0)


async def reload(world: World, election: Election) -> Election:
    election_id = election.id
    await world.db.commit()
    world.db.expire_all()
    fresh = await world.db.get(Election, election_id)
    assert fresh is not None
    return fresh


# --- list and detail ------------------------------------------------------------------------------------------


async def test_anonymous_is_sent_to_login(client: Client, world: World) -> None:
    election = await world.create()
    await world.db.commit()
    for path in ("/units/" + world.tree.federal.slug + "/ballots", "/ballots/" + election.uuid,
                 "/units/" + world.tree.federal.slug + "/ballots/new"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code in {302, 303, 307}, path
        assert response.headers["location"].startswith("/login")


async def test_list_and_detail_for_board_and_member(client: Client, world: World, settings: Settings) -> None:
    draft = await world.create(title_en="Draft motion", title_de="Entwurfsantrag")
    await world.db.commit()
    slug = world.tree.federal.slug
    await login(client, world, world.board)
    unit_page = (await client.get(f"/units/{slug}")).text
    assert f"/units/{slug}/ballots" in unit_page
    page = await client.get(f"/units/{slug}/ballots")
    assert page.status_code == 200
    assert "Draft motion" in page.text and "New ballot" in page.text and "Draft" in page.text
    detail = await client.get(f"/ballots/{draft.uuid}")
    assert detail.status_code == 200
    assert "Draft motion" in detail.text and "Shall the statute change?" in detail.text
    assert 'aria-current="step"' in detail.text and f"/ballots/{draft.uuid}/act/lock" in detail.text
    assert "Not yet frozen" in detail.text

    await login(client, world, world.member)
    listing = (await client.get(f"/units/{slug}/ballots")).text
    assert "Draft motion" not in listing and "New ballot" not in listing  # drafts are for the board
    assert (await client.get(f"/ballots/{draft.uuid}")).status_code == 404
    assert (await client.get(f"/units/{slug}/ballots/new")).status_code == 403
    assert (await client.get(f"/ballots/{draft.uuid}/act/lock")).status_code == 404


async def test_detail_of_an_open_ballot_shows_no_votes(client: Client, world: World, settings: Settings) -> None:
    ready = await open_ready(world, settings)
    await cast(world, settings, ready, ready.voters()[0], YES)
    await world.db.commit()
    await login(client, world, world.member)
    page = (await client.get(f"/ballots/{ready.election.uuid}")).text
    assert "1 entry" in page and ready.election.fingerprint in page
    assert str(ready.election.statute_sha256) in page
    assert "Statute change" in page
    assert (await client.get(f"/ballots/{ready.election.uuid}/result")).status_code == 404
    assert (await client.get(f"/ballots/{ready.election.uuid}/record.zip")).status_code in {403, 404}


# --- the create form ------------------------------------------------------------------------------------------


def good_form(world: World, token: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "_csrf_token": token, "action": "create", "kind": "referendum",
        "title_de": "Satzungsänderung", "title_en": "Statute change", "description": "Worum es geht.",
        "motion_count": "2", "motion_de_1": "Soll § 3 geändert werden?", "motion_en_1": "Shall § 3 change?",
        "motion_de_2": "", "motion_en_2": "",
        "announcement_at": local(NOW + timedelta(days=1)), "opens_at": local(NOW + timedelta(days=20)),
        "closes_at": local(NOW + timedelta(days=30)),
        "trustee": [str(a.id) for a in world.trustee_accounts], "threshold": "2",
    }
    data.update(overrides)
    return data


async def test_create_form_refuses_bad_input_beside_each_field(client: Client, world: World) -> None:
    slug = world.tree.federal.slug
    await login(client, world, world.board)
    form = await client.get(f"/units/{slug}/ballots/new")
    assert form.status_code == 200 and "Announce by" in form.text  # the statute's dates for the default opening
    token = client.cookies.get("csrftoken")
    bad = good_form(world, token, kind="", title_de="", title_en="", motion_de_1="", motion_en_1="Only English",
                    announcement_at="yesterday", opens_at="", closes_at="2026-13-45T99:00", trustee=[],
                    threshold="x")
    response = await client.post(f"/units/{slug}/ballots/new", data=bad, follow_redirects=False)
    assert response.status_code == 422
    page = response.text
    for name in ("kind", "title_de", "title_en", "announcement_at", "opens_at", "closes_at",
                 "trustee_account_ids", "threshold"):
        assert f'id="f-{name}-error"' in page, name
    assert await count_elections(world) == 0
    # a referendum: the German wording of a motion is missing
    response = await client.post(f"/units/{slug}/ballots/new", data=good_form(world, token, motion_de_1=""),
                                 follow_redirects=False)
    assert response.status_code == 422 and 'id="f-motion_de_1-error"' in response.text
    # the schedule against the statute (14 days' notice) and a trustee outside the committee
    response = await client.post(f"/units/{slug}/ballots/new", follow_redirects=False, data=good_form(
        world, token, opens_at=local(NOW + timedelta(days=3)), trustee=[str(world.board.account_id)]))
    assert response.status_code == 422
    assert 'id="f-announcement_at-error"' in response.text and 'id="f-trustee_account_ids-error"' in response.text
    # an election: no candidates, a bad number of seats
    response = await client.post(f"/units/{slug}/ballots/new", follow_redirects=False, data=good_form(
        world, token, kind="election", method="single", candidates="", seats="0"))
    assert response.status_code == 422 and 'id="f-candidates-error"' in response.text
    response = await client.post(f"/units/{slug}/ballots/new", follow_redirects=False, data=good_form(
        world, token, kind="election", method="approval", candidates="Anna\nBerta", seats="5", votes="9"))
    assert response.status_code == 422
    assert 'id="f-seats-error"' in response.text and 'id="f-votes-error"' in response.text
    assert await count_elections(world) == 0


async def test_create_form_without_csrf_is_refused(client: Client, world: World) -> None:
    slug = world.tree.federal.slug
    await login(client, world, world.board)
    await client.get(f"/units/{slug}/ballots/new")
    data = good_form(world, "")
    del data["_csrf_token"]
    response = await client.post(f"/units/{slug}/ballots/new", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert await count_elections(world) == 0


async def test_add_motion_and_deadlines_store_nothing(client: Client, world: World) -> None:
    slug = world.tree.federal.slug
    await login(client, world, world.board)
    token = await csrf_token(client, f"/units/{slug}/ballots/new")
    response = await client.post(f"/units/{slug}/ballots/new", data=good_form(world, token, action="add_motion"))
    assert response.status_code == 200 and 'name="motion_de_3"' in response.text
    assert "Shall § 3 change?" in response.text
    response = await client.post(f"/units/{slug}/ballots/new", data=good_form(world, token, action="deadlines"))
    assert response.status_code == 200 and "Earliest close" in response.text and "§ 12" in response.text
    assert await count_elections(world) == 0


@pytest.mark.parametrize(("method", "extra", "questions"), [
    ("single", {"seats": "1"}, 1),
    ("approval", {"seats": "2", "votes": "2"}, 1),
    ("yes_no_abstain", {"seats": "2"}, 3),
    ("cumulative", {"seats": "2", "votes": "5", "per_candidate": "3"}, 1),
])
async def test_create_an_election(client: Client, world: World, method: str, extra: dict[str, str],
                                  questions: int) -> None:
    slug = world.tree.federal.slug
    await login(client, world, world.board)
    token = await csrf_token(client, f"/units/{slug}/ballots/new")
    data = good_form(world, token, kind="election", method=method, candidates="Anna\nBerta\nCarla", **extra)
    response = await client.post(f"/units/{slug}/ballots/new", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    election = (await world.db.scalars(select(Election))).one()
    assert election.state == ElectionState.DRAFT and election.kind.value == "election"
    assert len(election.questions) == questions
    assert election.questions[0]["kind"] == method
    if method == "cumulative":
        assert election.questions[0]["max"] == 5 and election.questions[0]["options"][0]["max"] == 3


async def test_create_a_referendum(client: Client, world: World) -> None:
    slug = world.tree.federal.slug
    await login(client, world, world.board)
    token = await csrf_token(client, f"/units/{slug}/ballots/new")
    data = good_form(world, token, motion_de_2="Zweiter Antrag", motion_en_2="Second motion")
    response = await client.post(f"/units/{slug}/ballots/new", data=data, follow_redirects=False)
    assert response.status_code == 303
    election = (await world.db.scalars(select(Election))).one()
    assert response.headers["location"] == f"/ballots/{election.uuid}"
    assert election.state == ElectionState.DRAFT and election.threshold == 2
    assert [q["text"]["en"] for q in election.questions] == ["Shall § 3 change?", "Second motion"]
    assert election.opens_at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M") == data["opens_at"]
    page = (await client.get(response.headers["location"])).text
    assert "Second motion" in page and "Statute change" in page


# --- the formal acts ------------------------------------------------------------------------------------------


async def test_lock_through_its_form(client: Client, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    election = await world.create()
    await world.db.commit()
    await login(client, world, world.board)
    confirm = await client.get(f"/ballots/{election.uuid}/act/lock")
    assert confirm.status_code == 200 and "frozen for this ballot" in confirm.text
    token = client.cookies.get("csrftoken")
    refused = await client.post(f"/ballots/{election.uuid}/act/lock", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert (await reload(world, election)).state == ElectionState.DRAFT
    at(monkeypatch, NOW + timedelta(minutes=5))
    done = await client.post(f"/ballots/{election.uuid}/act/lock", data={"_csrf_token": token},
                             follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/ballots/{election.uuid}?done=lock"
    election = await reload(world, election)
    assert election.state == ElectionState.CEREMONY and election.statute_sha256
    page = (await client.get(done.headers["location"])).text
    assert "The ballot is locked" in page and str(election.statute_sha256) in page
    # a second lock: the service refuses, shown as a notice on the page
    again = await client.post(f"/ballots/{election.uuid}/act/lock", data={"_csrf_token": token})
    assert again.status_code == 409 and 'class="notice notice-error"' in again.text


async def test_member_cannot_perform_acts(client: Client, world: World, settings: Settings) -> None:
    ready = await ready_election(world, settings)
    await login(client, world, world.member)
    token = await csrf_token(client, f"/ballots/{ready.election.uuid}")
    response = await client.post(f"/ballots/{ready.election.uuid}/act/open", data={"_csrf_token": token})
    assert response.status_code == 403
    assert (await reload(world, ready.election)).state == ElectionState.READY


async def test_finish_ceremony_mails_credentials(client: Client, world: World,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from ballot.referendums.board.services import lock_election
    election = await lock_election(world.db, world.board, await world.create(), NOW)
    await login(client, world, world.board)
    token = await csrf_token(client, f"/ballots/{election.uuid}")
    early = await client.post(f"/ballots/{election.uuid}/act/finish", data={"_csrf_token": token})
    assert early.status_code == 409 and "Not every trustee has confirmed" in early.text
    await run_key_ceremony(world.db, election, world.trustees)
    await world.db.commit()
    at(monkeypatch, NOW + timedelta(minutes=5))
    done = await client.post(f"/ballots/{election.uuid}/act/finish", data={"_csrf_token": token},
                             follow_redirects=False)
    assert done.status_code == 200 and done.headers["content-type"].startswith("application/pdf")  # one letter
    election = await reload(world, election)
    assert election.state == ElectionState.READY and election.eligible_count
    from ballot.mail.models import DevMail
    mails = (await world.db.scalars(select(DevMail))).all()
    assert len(mails) >= 3 and all("Satzungsänderung" in m.subject or "Statute change" in m.subject for m in mails)


async def test_open_close_finalize_result_and_record(client: Client, world: World, settings: Settings,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    ready = await ready_election(world, settings)
    uuid = ready.election.uuid
    await login(client, world, world.board)
    confirm = await client.get(f"/ballots/{uuid}/act/open")
    assert "The ballot box is empty (0 entries)" in confirm.text
    assert f"{ready.election.eligible_count} eligible members" in confirm.text
    assert "Nothing about the ballot can change after it is opened." in confirm.text
    token = client.cookies.get("csrftoken")
    at(monkeypatch, NOW + timedelta(minutes=5))  # before the opening time: refused, shown on the page
    early = await client.post(f"/ballots/{uuid}/act/open", data={"_csrf_token": token})
    assert early.status_code == 409 and "before its opening time" in early.text
    at(monkeypatch, ready.during)
    opened = await client.post(f"/ballots/{uuid}/act/open", data={"_csrf_token": token}, follow_redirects=False)
    assert opened.status_code == 303
    ready.election = await reload(world, ready.election)
    v = ready.voters()
    for member_id, choice in [(v[0], YES), (v[1], NO), (v[2], YES), (v[3], ABSTAIN)]:
        await cast(world, settings, ready, member_id, choice)
    await world.db.commit()
    detail = (await client.get(f"/ballots/{uuid}")).text
    assert "4 entries" in detail and "Votes per option" not in detail
    assert (await client.get(f"/ballots/{uuid}/result")).status_code == 404
    at(monkeypatch, ready.after)
    closed = await client.post(f"/ballots/{uuid}/act/close", data={"_csrf_token": token}, follow_redirects=False)
    assert closed.status_code == 303
    ready.election = await reload(world, ready.election)
    assert ready.election.state == ElectionState.CLOSED
    assert (await client.get(f"/ballots/{uuid}/result")).status_code == 404
    refused = await client.post(f"/ballots/{uuid}/act/finalize", data={"_csrf_token": token})
    assert refused.status_code == 409 and "At least 2 trustees" in refused.text
    outcome = await outcome_of(world.db, ready.election)
    assert outcome is not None
    for index in (1, 3):
        share = trustee.decrypt(ready.secrets[index - 1], bytes.fromhex(str(ready.election.fingerprint)),
                                canonical.loads(outcome.aggregates_json))
        await submit_decryption(world.db, world.trustees[index - 1], ready.election, share)
    await world.db.commit()
    confirm = (await client.get(f"/ballots/{uuid}/act/finalize")).text
    assert "Decryption shares received: 2 of at least 2." in confirm
    done = await client.post(f"/ballots/{uuid}/act/finalize", data={"_csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    ready.election = await reload(world, ready.election)
    assert ready.election.state == ElectionState.TALLIED

    result = await client.get(f"/ballots/{uuid}/result")
    assert result.status_code == 200
    page = result.text
    outcome = await outcome_of(world.db, ready.election)
    assert outcome is not None and outcome.record_sha256 in page
    assert "Rule trail" in page and ("The decision is binding." in page or "not binding" in page)
    assert "50.0" in page  # two of four ballots said yes
    assert "ballot-audit verify" in page

    await login(client, world, world.member)
    page = (await client.get(f"/ballots/{uuid}/result")).text
    assert f"/ballots/{uuid}/record.zip" in page
    record = await client.get(f"/ballots/{uuid}/record.zip")
    assert record.status_code == 200 and record.headers["content-type"].startswith("application/zip")
    assert record.headers["content-disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(record.content)) as archive:
        names = archive.namelist()
        assert any(n.endswith("result.json") for n in names)
        result_name = next(n for n in names if n.endswith("result.json"))
        assert json.loads(archive.read(result_name))["ballots"] == 4
