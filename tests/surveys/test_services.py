"""Surveys against the database (SQLite and PostgreSQL): creating, answering once in every mode (also when two
submits race), the anonymity of what is stored, turnout, reminders, results and the minimum cell size."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from ballot.authz.models import Role
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import Conflict, PermissionDenied, ValidationFailed
from ballot.mail.models import DevMail
from ballot.members.models import Member
from ballot.surveys import services
from ballot.surveys.forms import parse_questions
from ballot.surveys.models import SurveyParticipation, SurveyRespondent, SurveyResponse
from ballot.surveys.questions import parse_answers
from ballot.surveys.results import survey_results
from tests.surveys.conftest import QUESTIONS, VALID_FORM, World

ANSWERS = parse_answers(parse_questions(QUESTIONS), VALID_FORM)[0]
MODES = ["anonymous", "pseudonymous", "named"]


async def count(world: World, model: Any) -> int:
    return int(await world.db.scalar(select(func.count()).select_from(model)) or 0)


async def test_only_the_board_creates_and_bad_input_is_named(world: World) -> None:
    with pytest.raises(PermissionDenied):
        await world.survey(unit=world.tree.state_b)  # the board of Hessen is not the board of Sachsen
    now = utcnow()
    with pytest.raises(ValidationFailed) as caught:
        await services.create_survey(world.db, world.board, world.tree.state_a, title=" ", description="",
                                     mode="secret", questions=[], opens_at=now, closes_at=now - timedelta(days=1),
                                     results_while_open=False, breakdown=False, now=now)
    assert set(caught.value.errors) == {"title", "mode", "closes_at", "questions"}


@pytest.mark.parametrize("mode", MODES)
async def test_one_answer_per_member(world: World, mode: str) -> None:
    survey = await world.survey(mode=mode)
    await services.submit(world.db, world.members[0], survey, ANSWERS, world.settings, utcnow())
    await world.db.commit()
    with pytest.raises(Conflict, match="already answered"):
        await services.submit(world.db, world.members[0], survey, ANSWERS, world.settings, utcnow())
    await world.db.rollback()
    assert await count(world, SurveyParticipation) == 1
    assert await count(world, SurveyResponse) == 1
    assert await count(world, SurveyRespondent) == (0 if mode == "anonymous" else 1)


@pytest.mark.parametrize("mode", MODES)
async def test_concurrent_submits_store_one_answer(world: World, mode: str, app: Any) -> None:
    survey = await world.survey(mode=mode)
    member = world.members[1]

    async def attempt() -> str:
        async with app.state.db_factory() as session:
            fresh = await services.get_survey(session, survey.id)
            try:
                await services.submit(session, member, fresh, ANSWERS, world.settings, utcnow())
                await session.commit()
            except Conflict:
                return "refused"
            return "stored"

    outcomes = await asyncio.gather(*(attempt() for _ in range(4)))
    assert sorted(outcomes) == ["refused", "refused", "refused", "stored"]
    assert await count(world, SurveyParticipation) == 1
    assert await count(world, SurveyResponse) == 1
    assert await count(world, SurveyRespondent) == (0 if mode == "anonymous" else 1)


async def test_anonymous_tables_hold_no_link(world: World) -> None:
    survey = await world.survey(mode="anonymous")
    for member in world.members[:4]:
        await services.submit(world.db, member, survey, ANSWERS, world.settings, utcnow())
    await world.db.commit()
    # The responses table has no column that names a member, an account, a time or an order.
    columns = set(SurveyResponse.__table__.columns.keys())
    assert columns == {"id", "survey_id", "segment_unit_id", "answers"}
    assert set(SurveyParticipation.__table__.columns.keys()) == {"survey_id", "member_id"}
    rows = (await world.db.execute(text("SELECT id, segment_unit_id, answers FROM survey_responses"))).all()
    assert len(rows) == 4
    assert all(len(r[0]) == 32 and r[1] is None for r in rows)  # random ids, no unit without a breakdown
    numbers = set((await world.db.scalars(select(Member.number))).all())
    assert not any(number in str(row[2]) for number in numbers for row in rows)
    assert await count(world, SurveyRespondent) == 0
    if world.db.get_bind().dialect.name == "sqlite":  # no rowid: no insertion counter to line the tables up
        for table in ("survey_responses", "survey_participations"):
            with pytest.raises(Exception, match="rowid"):
                await world.db.execute(text(f"SELECT rowid FROM {table}"))  # noqa: S608
            await world.db.rollback()


async def test_pseudonyms_are_stable_per_survey_and_differ_between_surveys(world: World) -> None:
    first, second = await world.survey(mode="pseudonymous"), await world.survey(mode="pseudonymous")
    member = world.members[0]
    for survey in (first, second):
        await services.submit(world.db, member, survey, ANSWERS, world.settings, utcnow())
    await world.db.commit()
    stored = set((await world.db.scalars(select(SurveyRespondent.pseudonym))).all())
    assert stored == {services.pseudonym(world.settings, first, member.member_id or 0),
                      services.pseudonym(world.settings, second, member.member_id or 0)}
    assert len(stored) == 2
    assert (await world.db.scalars(select(SurveyRespondent.member_id))).all() == [None, None]


async def test_eligibility_schedule_and_turnout(world: World) -> None:
    survey = await world.survey()
    with pytest.raises(PermissionDenied):
        await services.submit(world.db, world.outsider, survey, ANSWERS, world.settings, utcnow())
    with pytest.raises(Conflict, match="closed"):
        await services.submit(world.db, world.members[0], survey, ANSWERS, world.settings,
                              utcnow() + timedelta(days=8))
    with pytest.raises(Conflict, match="not opened"):
        await services.submit(world.db, world.members[0], survey, ANSWERS, world.settings,
                              utcnow() - timedelta(days=1))
    await services.submit(world.db, world.members[0], survey, ANSWERS, world.settings, utcnow())
    # Eligible: the board member (district) and the eight members in Hessen; not the outsider in Sachsen.
    assert await services.turnout(world.db, survey) == (1, 9)


async def test_group_survey_is_for_group_members_only(world: World) -> None:
    group_member = world.accounts[0]
    member = await world.db.get(Member, group_member.member_id)
    assert member is not None
    await world.factory.join_group(member, world.tree.group)
    await world.db.commit()
    federal_board = await world.factory.account(roles=[(Role.BOARD, world.tree.federal)])
    survey = await services.create_survey(
        world.db, await world.factory.principal(federal_board), world.tree.group, title="AG", description="",
        mode="named", questions=survey_questions(),
        opens_at=utcnow() - timedelta(hours=1), closes_at=utcnow() + timedelta(days=1), results_while_open=True,
        breakdown=True, now=utcnow())
    assert survey.breakdown is False  # a group has no units below it
    assert await services.turnout(world.db, survey) == (0, 1)
    fresh = await world.factory.principal(group_member)
    assert services.is_eligible(fresh, survey) and not services.is_eligible(world.members[1], survey)


def survey_questions() -> list[dict[str, Any]]:
    return [{"id": "a", "kind": "yesno", "text": "A?"}]


async def test_reminders_go_only_to_those_who_have_not_answered(world: World) -> None:
    survey = await world.survey()
    for member in world.members[:5]:
        await services.submit(world.db, member, survey, ANSWERS, world.settings, utcnow())
    sent = await services.send_reminders(world.db, world.board, survey, world.settings, utcnow())
    await world.db.commit()
    mails = (await world.db.scalars(select(DevMail))).all()
    assert sent == len(mails) == 4  # members 6-8 and the board member
    answered = {m.email for m in world.members[:5]}
    assert not answered & {m.recipient for m in mails}
    assert all("Climate" not in m.body and "Reminder" in m.subject for m in mails)
    with pytest.raises(PermissionDenied):
        await services.send_reminders(world.db, world.members[0], survey, world.settings, utcnow())


async def test_results_visibility(world: World) -> None:
    survey = await world.survey()
    assert not services.results_visible(survey, utcnow())
    assert services.results_visible(survey, utcnow() + timedelta(days=8))
    early = await world.survey(results_while_open=True)
    assert services.results_visible(early, utcnow())


async def answer_as(world: World, principal: Principal, survey: Any, **changes: Any) -> None:
    await services.submit(world.db, principal, survey, {**ANSWERS, **changes}, world.settings, utcnow())


async def test_results_and_minimum_cell_size(world: World) -> None:
    survey = await world.survey(breakdown=True, results_while_open=True)
    for n, member in enumerate(world.members):
        await answer_as(world, member, survey, topic=n % 2, happy=1 + n % 5)
    await answer_as(world, world.board, survey, topic=2)
    await world.db.commit()
    total, results = await survey_results(world.db, survey, min_cell=5)
    assert total == 9
    topic = results[0]
    assert [b.count for b in topic.bars] == [4, 4, 1]
    assert round(topic.bars[0].share, 4) == round(4 / 9, 4)
    # Everybody is in Kreisverband Kassel (the one unit below Hessen that has members): one segment of 9.
    assert [(s.label, s.respondents) for s in topic.segments] == [("Kreisverband Kassel", 9)]
    assert topic.suppressed == 0
    happy = results[4]
    assert happy.mean == pytest.approx(sum([1, 2, 3, 4, 5, 1, 2, 3, 4]) / 9)
    order = results[3]
    assert order.schulze is not None and order.schulze.ranking[0] == [1]
    assert order.borda == [9, 18, 0]
    assert sorted(results[1].texts) == ["Because"] * 8  # "why" only shown for Climate/Housing


async def test_small_units_are_merged_or_suppressed(world: World) -> None:
    federal_board = await world.factory.principal(await world.factory.account(roles=[(Role.BOARD,
                                                                                       world.tree.federal)]))
    now = utcnow()
    survey = await services.create_survey(
        world.db, federal_board, world.tree.federal, title="Bund", description="", mode="anonymous",
        questions=survey_questions(), opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1),
        results_while_open=True, breakdown=True, now=now)
    for member in world.members:  # 8 in Hessen
        await services.submit(world.db, member, survey, {"a": "yes"}, world.settings, now)
    await services.submit(world.db, world.outsider, survey, {"a": "no"}, world.settings, now)  # 1 in Sachsen
    await world.db.commit()
    _total, results = await survey_results(world.db, survey, min_cell=5)
    assert [(s.label, s.respondents, s.counts) for s in results[0].segments] == [
        ("Landesverband Hessen", 8, [8, 0, 0])]
    assert results[0].suppressed == 1  # Sachsen (1 < 5) is merged into "other", still too small: not shown
    _total, results = await survey_results(world.db, survey, min_cell=1)
    assert [(s.label, s.respondents) for s in results[0].segments] == [
        ("Landesverband Hessen", 8), ("Landesverband Sachsen", 1)]
    _total, results = await survey_results(world.db, survey, min_cell=9)
    assert [(s.label, s.respondents) for s in results[0].segments] == [("Other units", 9)]
