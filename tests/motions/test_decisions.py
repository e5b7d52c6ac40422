"""Decisions by an online vote: a member survey on a motion or amendment, and the decision recorded with one click
from the closed survey or the tallied binding ballot, in the history with a link to the result."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.db import utcnow
from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.motions import amendments, ballots, decisions, steps
from ballot.motions.drafting import MotionRef
from ballot.motions.models import Motion, State, TargetKind
from ballot.referendums.models import ElectionOutcome, ElectionState
from ballot.surveys import services as surveys
from ballot.surveys.models import Survey
from tests.motions.conftest import BODY, World, login, send
from tests.motions.test_ballot_link import _admitted_motion, _election


async def _ref(world: World, motion_id: int) -> MotionRef:
    motion = await world.db.get(Motion, motion_id)
    assert motion is not None
    return await world.ref(motion)


async def _answer(world: World, survey: Survey, answers: list[str]) -> None:
    accounts = [world.initiator, world.coauthor, world.woman, world.man, world.board]
    for account, answer in zip(accounts, answers, strict=False):
        await surveys.submit(world.db, await world.p(account), survey, {"decision": answer}, world.factory.settings,
                             utcnow())


async def test_survey_on_a_motion_decides_it_with_one_click(client: AsyncTestClient[Litestar], world: World) -> None:
    mid = await _admitted_motion(world)
    await login(client, world.factory, world.board)
    bad = await send(client, f"/motions/{mid}/survey", {"closes_at": "gestern"}, page=f"/motions/{mid}")
    assert bad.status_code == 422 and 'id="f-s-closes_at-error"' in bad.text
    past = await send(client, f"/motions/{mid}/survey", {"closes_at": "2001-01-01T10:00"}, page=f"/motions/{mid}")
    assert past.status_code == 422 and "The survey must close after it opens." in past.text
    closes = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    started = await send(client, f"/motions/{mid}/survey", {"closes_at": closes}, page=f"/motions/{mid}")
    assert started.status_code == 200 and "Member survey on this:" in started.text
    ref = await _ref(world, mid)
    survey = await surveys.get_survey(world.db, ref.motion.survey_id or 0)
    assert survey.questions[0]["kind"] == "yesno" and "Nahverkehr" in survey.description
    await _answer(world, survey, ["yes", "yes", "no", "abstain"])
    with pytest.raises(ValidationFailed):  # still running: no result yet
        await decisions.decide_from_result(world.db, await world.p(world.board), ref)
    survey.closes_at = utcnow() - timedelta(minutes=1)
    await world.factory.commit()
    page = await client.get(f"/motions/{mid}")
    assert "yes 2, no 1, abstentions 1" in page.text and "Record the decision from the result" in page.text
    await login(client, world.factory, world.woman)
    assert (await send(client, f"/motions/{mid}/decide", {}, page=f"/motions/{mid}")).status_code == 403
    await login(client, world.factory, world.board)
    done = await send(client, f"/motions/{mid}/decide", {}, page=f"/motions/{mid}")
    assert done.status_code == 200 and f'href="/surveys/{survey.id}/results"' in done.text
    history = await steps.history(world.db, TargetKind.MOTION, mid)
    step = history[-1][0]
    assert step.to_state == State.ADOPTED and (step.votes_yes, step.votes_no, step.votes_abstain) == (2, 1, 1)
    assert step.result_url == f"/surveys/{survey.id}/results"


async def test_survey_on_an_amendment_rejects_when_no_outweighs_yes(world: World) -> None:
    mid = await _admitted_motion(world)
    ref = await _ref(world, mid)
    amendment = await amendments.create_amendment(world.db, await world.p(world.woman), ref, base_version=1,
                                                  body=BODY.replace("29 Euro", "19 Euro"), reason="Billiger.")
    board = await world.p(world.board)
    with pytest.raises(PermissionDenied):  # not admitted yet
        await decisions.start_survey(world.db, board, ref, amendment, closes_at=utcnow() + timedelta(days=1))
    amendment.state = State.ADMITTED
    survey = await decisions.start_survey(world.db, board, ref, amendment, closes_at=utcnow() + timedelta(days=1))
    assert "19 Euro" in survey.description and "Amendment 1" in survey.questions[0]["text"]
    with pytest.raises(PermissionDenied):  # one survey per amendment
        await decisions.start_survey(world.db, board, ref, amendment, closes_at=utcnow() + timedelta(days=1))
    await _answer(world, survey, ["no", "no", "yes", "yes"])  # a tie is no majority
    survey.closes_at = utcnow() - timedelta(minutes=1)
    step = await decisions.decide_from_result(world.db, board, ref, amendment)
    assert step.to_state == State.REJECTED and amendment.state == State.REJECTED


async def test_tallied_ballot_fills_the_decision(world: World) -> None:
    mid = await _admitted_motion(world)
    election = await _election(world, world.tree.state_a, "Mitgliederentscheid")
    board = await world.p(world.board)
    ref = await _ref(world, mid)
    await ballots.link(world.db, board, ref, election.uuid)
    assert await decisions.result_of(world.db, board, ref, None) is None  # still open
    evaluation = {"questions": [{"question": "q1", "counts": {"yes": 70, "no": 20, "abstain": 10}, "blank": 0,
                                 "decision": {"outcome": "rejected"}}]}
    world.db.add(ElectionOutcome(election_id=election.id, aggregates_json="{}", evaluation_json=json.dumps(evaluation)))
    election.state = ElectionState.TALLIED
    await world.db.flush()
    step = await decisions.decide_from_result(world.db, board, ref)
    assert step.to_state == State.REJECTED and step.votes_yes == 70  # the statute's decision, e.g. a quorum missed
    assert step.result_url == f"/ballots/{election.uuid}/result"


async def test_ballot_without_a_decision_is_refused(world: World) -> None:
    mid = await _admitted_motion(world)
    election = await _election(world, world.tree.state_a, "Entscheid")
    board = await world.p(world.board)
    ref = await _ref(world, mid)
    await ballots.link(world.db, board, ref, election.uuid)
    evaluation = {"questions": [{"counts": {"yes": 1, "no": 1, "abstain": 0}, "decision": {"outcome": "invalid"}}]}
    world.db.add(ElectionOutcome(election_id=election.id, aggregates_json="{}", evaluation_json=json.dumps(evaluation)))
    election.state = ElectionState.TALLIED
    await world.db.flush()
    with pytest.raises(ValidationFailed) as caught:
        await decisions.decide_from_result(world.db, board, ref)
    assert "invalid" in caught.value.errors["target"]
    assert ref.motion.state == State.ADMITTED
