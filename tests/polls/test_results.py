"""Counting: shares of those who answered, multiple choice counted per option, grouped in the database."""

from __future__ import annotations

from litestar import Litestar

from ballot.polls import results, services
from ballot.polls.identity import device_participant
from ballot.polls.models import PollQuestion, QuestionKind
from ballot.polls.writer import writer_of
from tests.polls.conftest import World


def test_tally_of_multiple_choice() -> None:
    question = PollQuestion(id=3, kind=QuestionKind.MULTIPLE, options=["A", "B", "C"], max_choices=2)
    tally = results.tally_of(question, [([0, 1], 2), ([1], 1), ([9], 1)])
    assert tally.answered == 4
    assert [(r.label, r.count) for r in tally.rows] == [("A", 2), ("B", 3), ("C", 0)]
    assert [r.share for r in tally.rows] == [0.5, 0.75, 0.0] and tally.rows[1].width == 75.0
    empty = results.tally_of(question, [])
    assert empty.answered == 0 and all(r.count == 0 and r.width == 0 for r in empty.rows)


async def test_tally_from_the_database(app: Litestar, world: World) -> None:
    session = await world.session(guests=True)
    question = await world.question(session, QuestionKind.YES_NO)
    for n, choice in enumerate(["0", "0", "2", "0", "1"]):
        who = device_participant(world.settings.secret_key, f"device-{n}-abcdefghijklmnop")
        await services.submit_answer(session, question, who, [choice], writer_of(app.state))
    tally = await results.tally(world.db, question)
    assert tally.answered == 5 == await results.turnout(world.db, question.id)
    assert [(r.label, r.count) for r in tally.rows] == [("Yes", 3), ("No", 1), ("Abstain", 1)]
