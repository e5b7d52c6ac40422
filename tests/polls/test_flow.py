"""The presenter's and the participants' pages over HTTP: create a session, add questions (errors beside the
fields), open, answer on the phone page, results only once revealed, join code and QR code."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from ballot.polls.models import PollQuestion, PollSession, QuestionState
from tests.polls.conftest import World, login, send

Client = AsyncTestClient[Litestar]


async def _create(client: Client, world: World, guests: bool = False) -> PollSession:
    await login(client, world.factory, world.board)
    data = {"title": "Kreisparteitag"} | ({"allow_guests": "1"} if guests else {})
    response = await send(client, "/units/landesverband-hessen/polls/new", data)
    assert response.status_code in (302, 303), response.text
    session = await world.db.scalar(select(PollSession).where(PollSession.title == "Kreisparteitag"))
    assert session is not None and response.headers["location"] == f"/polls/{session.id}"
    return session


async def _add(client: Client, session: PollSession, **values: str) -> int:
    response = await send(client, f"/polls/{session.id}/questions", values)
    return response.status_code


async def test_presenter_creates_and_runs_a_poll(client: Client, world: World) -> None:
    await login(client, world.factory, world.board)
    empty = await send(client, "/units/landesverband-hessen/polls/new", {"title": ""})
    assert empty.status_code == 422 and 'id="f-title-error"' in empty.text and "Please enter a title." in empty.text
    session = await _create(client, world)
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", session.code)

    bad = await send(client, f"/polls/{session.id}/questions", {"kind": "single", "prompt": "Farbe?", "options": "Rot"})
    assert bad.status_code == 422 and 'id="f-options-error"' in bad.text and "at least two options" in bad.text
    assert "Farbe?" in bad.text  # the typed values come back
    assert await _add(client, session, kind="single", prompt="Welche Farbe?", options="Rot\nGrün\nBlau") == 302
    assert await _add(client, session, kind="yes_no", prompt="Pause jetzt?") == 302
    questions = (await world.db.scalars(select(PollQuestion).order_by(PollQuestion.position))).all()
    assert [q.state for q in questions] == [QuestionState.WAITING, QuestionState.WAITING]

    screen = await client.get(f"/polls/{session.id}/present")
    assert screen.status_code == 200 and session.code in screen.text
    assert '<svg role="img"' in screen.text and "poll-qr" in screen.text  # the QR code, inline
    assert f"/p/{session.code}" in screen.text
    assert "The first question comes in a moment." in screen.text

    assert (await send(client, f"/polls/{session.id}/questions/{questions[0].id}/open", {})).status_code == 302
    assert (await send(client, f"/polls/{session.id}/questions/{questions[1].id}/open", {})).status_code == 302
    await world.db.refresh(questions[0])
    await world.db.refresh(questions[1])
    assert (questions[0].state, questions[1].state) == (QuestionState.CLOSED, QuestionState.OPEN)  # one at a time
    again = await send(client, f"/polls/{session.id}/questions/{questions[0].id}/open", {})
    assert again.status_code == 409 and "already asked" in again.text
    unknown = await send(client, f"/polls/{session.id}/questions/{questions[0].id}/explode", {})
    assert unknown.status_code == 409


async def test_member_joins_answers_once_and_sees_results_when_revealed(client: Client, world: World) -> None:
    session = await world.session()
    question = await world.question(session)
    await login(client, world.factory, world.hessen)

    join = await client.get(f"/p?code={session.code.lower()[:3]}-{session.code.lower()[3:]}", follow_redirects=False)
    assert join.status_code in (302, 303) and join.headers["location"] == f"/p/{session.code}"
    unknown = await client.get("/p?code=ZZZZZZ" if session.code != "ZZZZZZ" else "/p?code=YYYYYY")
    assert unknown.status_code == 404 and 'id="f-code-error"' in unknown.text
    page = await client.get(f"/p/{session.code}")
    assert page.status_code == 200 and "Welche Farbe?" in page.text and 'name="choice"' in page.text

    empty = await send(client, f"/p/{session.code}", {"question": str(question.id)}, page=f"/p/{session.code}")
    assert empty.status_code == 422 and "Please choose an option." in empty.text and 'id="f-choice-error"' in empty.text
    bad = await send(client, f"/p/{session.code}", {"question": str(question.id), "choice": "7"})
    assert bad.status_code == 422 and "does not exist" in bad.text
    ok = await send(client, f"/p/{session.code}", {"question": str(question.id), "choice": "1"})
    assert ok.status_code == 303
    after = await client.get(f"/p/{session.code}")
    assert "Thank you, your answer is counted." in after.text and 'name="choice"' not in after.text
    assert "The results appear here when the presenter shows them." in after.text and "<desc" not in after.text
    twice = await send(client, f"/p/{session.code}", {"question": str(question.id), "choice": "2"})
    assert twice.status_code == 409 and "You have already answered this question." in twice.text

    await login(client, world.factory, world.board)
    assert (await send(client, f"/polls/{session.id}/questions/{question.id}/reveal", {})).status_code == 302
    await login(client, world.factory, world.hessen)
    revealed = await client.get(f"/p/{session.code}")
    assert "<desc" in revealed.text and "Grün: 1" in revealed.text and "Rot: 0" in revealed.text
    assert "<table>" in revealed.text  # the table beside the bars

    await login(client, world.factory, world.board)
    await send(client, f"/polls/{session.id}/questions/{question.id}/close", {})
    await login(client, world.factory, world.hessen2)
    closed = await send(client, f"/p/{session.code}", {"question": str(question.id), "choice": "0"})
    assert closed.status_code == 409 and "This question is closed" in closed.text


async def test_only_presenters_manage(client: Client, world: World) -> None:
    session = await world.session()
    question = await world.question(session, open_it=False)
    await login(client, world.factory, world.hessen)
    assert (await client.get("/units/landesverband-hessen/polls/new")).status_code == 403
    assert (await client.get(f"/polls/{session.id}")).status_code == 403
    assert (await client.get(f"/polls/{session.id}/present")).status_code == 403
    assert (await send(client, f"/polls/{session.id}/questions/{question.id}/open", {})).status_code == 403
    listing = await client.get("/units/landesverband-hessen/polls")
    assert listing.status_code == 200 and "Join a poll" in listing.text and "New poll session" not in listing.text
    unit_page = await client.get("/units/landesverband-hessen")
    assert 'href="/units/landesverband-hessen/polls"' in unit_page.text
