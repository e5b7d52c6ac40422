"""The survey pages over HTTP: the board's form (errors beside fields, preview, create), answering (errors beside
each question, once only), turnout, results only after the close, and the exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from ballot.db import utcnow
from ballot.surveys import services
from ballot.surveys.models import Survey, SurveyResponse
from tests.factories import csrf_token
from tests.surveys.conftest import QUESTIONS, VALID_FORM, World

Client = AsyncTestClient[Litestar]


def with_token(form: dict[str, list[str]], token: str | None) -> dict[str, Any]:
    return {**form, "_csrf_token": token or ""}


async def test_board_form_shows_errors_preview_and_creates(world: World, client: Client) -> None:
    await world.factory.login(client, world.board_account)
    slug = world.tree.state_a.slug
    token = await csrf_token(client, f"/units/{slug}/surveys/new")
    bad = await client.post(f"/units/{slug}/surveys/new", data={
        "_csrf_token": token, "action": "create", "title": "", "mode": "anonymous", "opens_at": "gestern",
        "closes_at": "", "questions": "a | single | A?\n- only one"})
    assert bad.status_code == 422
    for name in ("title", "opens_at", "closes_at", "questions"):
        assert f'id="f-{name}-error"' in bad.text, name
    preview = await client.post(f"/units/{slug}/surveys/new", data={
        "_csrf_token": token, "action": "preview", "title": "T", "mode": "named", "questions": QUESTIONS})
    assert preview.status_code == 200
    assert "Preview: what members will see" in preview.text and "Named: the board sees your name" in preview.text
    assert 'data-show-if="topic"' in preview.text
    closes = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    created = await client.post(f"/units/{slug}/surveys/new", data={
        "_csrf_token": token, "action": "create", "title": "Umfrage", "mode": "anonymous",
        "opens_at": (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "closes_at": closes,
        "questions": QUESTIONS, "breakdown": "1"}, follow_redirects=False)
    assert created.status_code in (302, 303), created.text
    assert created.headers["location"].startswith("/surveys/")


async def test_members_cannot_create(world: World, client: Client) -> None:
    await world.factory.login(client, world.accounts[0])
    response = await client.get(f"/units/{world.tree.state_a.slug}/surveys/new")
    assert response.status_code == 403


async def test_answering_with_errors_then_once(world: World, client: Client) -> None:
    survey = await world.survey(mode="pseudonymous")
    await world.factory.login(client, world.accounts[0])
    page = await client.get(f"/surveys/{survey.id}")
    assert page.status_code == 200
    assert "Pseudonymous: your answers are stored under a code" in page.text  # the mode, before answering
    assert "Results are published when the survey closes." in page.text
    token = client.cookies.get("csrftoken")
    bad = dict(VALID_FORM, **{"q-happy": ["9"], "q-news": ["vielleicht"]})
    bad.pop("q-topic")
    response = await client.post(f"/surveys/{survey.id}", data=with_token(bad, token))
    assert response.status_code == 422
    for qid, message in (("topic", "Please answer this question."), ("happy", "Please choose a value from 1 to 5."),
                         ("news", "Please choose yes, no or abstain.")):
        assert f'<p class="field-error" id="f-{qid}-error">{message}</p>' in response.text
    assert 'value="2" selected' in response.text  # what was entered stays entered
    good = await client.post(f"/surveys/{survey.id}", data=with_token(VALID_FORM, token),
                             follow_redirects=False)
    assert good.status_code in (302, 303)
    again = await client.post(f"/surveys/{survey.id}", data=with_token(VALID_FORM, token))
    assert again.status_code == 409 and "already answered" in again.text
    assert await world.db.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    turnout = await client.get(f"/surveys/{survey.id}/turnout")
    assert "Turnout: 1 of 9 members have answered." in turnout.text and "<html" not in turnout.text


async def test_outsiders_do_not_see_the_survey(world: World, client: Client) -> None:
    survey = await world.survey()
    outsider = await world.factory.account(await world.factory.member(world.tree.local_b))
    await world.factory.login(client, outsider)
    assert (await client.get(f"/surveys/{survey.id}")).status_code == 404


async def test_results_only_after_the_close_and_exports(world: World, client: Client) -> None:
    survey = await world.survey(mode="named")
    await world.factory.login(client, world.accounts[0])
    token = await csrf_token(client, f"/surveys/{survey.id}")
    await client.post(f"/surveys/{survey.id}", data=with_token(VALID_FORM, token))
    assert (await client.get(f"/surveys/{survey.id}/results")).status_code == 403
    await world.db.execute(update(Survey).where(Survey.id == survey.id)
                           .values(closes_at=utcnow() - timedelta(minutes=1)))
    await world.db.commit()
    results = await client.get(f"/surveys/{survey.id}/results")
    assert results.status_code == 200
    assert 'role="img"' in results.text and "Ranking by the Schulze method" in results.text
    assert "Ranking by the Borda count" in results.text and "Because" in results.text
    assert (await client.get(f"/surveys/{survey.id}/export/results.csv")).status_code == 403  # members: no
    pdf = await client.get(f"/surveys/{survey.id}/export/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    await world.factory.login(client, world.board_account)
    exported = await client.get(f"/surveys/{survey.id}/export/results.csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["respondent", "topic", "why"]
    assert rows[1][1:4] == ["Climate", "Because", "Party | Evening"]
    assert world.members[0].display_name in rows[1][0]  # named mode: the name is shown, as announced
    data: dict[str, Any] = json.loads((await client.get(f"/surveys/{survey.id}/export/results.json")).content)
    assert data["responses"] == 1
    order = next(q for q in data["questions"] if q["id"] == "order")
    assert order["schulze"]["ranking"] == [["Mobility"], ["Rent"], ["Schools"]]
    assert (await client.get(f"/surveys/{survey.id}/export/other.txt")).status_code == 404


async def test_a_lost_race_is_answered_with_a_clear_message(world: World, client: Client, monkeypatch: Any) -> None:
    """The check before the insert can pass for two submits at once; the loser meets the primary key."""
    survey = await world.survey()
    await world.factory.login(client, world.accounts[0])
    token = await csrf_token(client, f"/surveys/{survey.id}")
    assert (await client.post(f"/surveys/{survey.id}", data=with_token(VALID_FORM, token))).status_code == 200

    async def not_yet(*_args: Any) -> bool:
        return False

    monkeypatch.setattr(services, "has_answered", not_yet)
    again = await client.post(f"/surveys/{survey.id}", data=with_token(VALID_FORM, token))
    assert again.status_code == 409 and "already answered" in again.text
    assert await world.db.scalar(select(func.count()).select_from(SurveyResponse)) == 1
