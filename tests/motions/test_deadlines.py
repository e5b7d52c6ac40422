"""Deadlines proposed from the statute's ``[motions] deadline`` / ``amendment_deadline`` durations, with the
paragraph shown, on the consultation form."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from ballot.motions import deadlines
from ballot.motions.models import Consultation
from ballot.statutes.services import store_version
from ballot_crypto.statutes.values import Duration
from tests.motions.conftest import STATUTE, World, login, send

WITH_DEADLINES = STATUTE.replace('paragraph = "§ 18"', 'deadline = "P6W"\namendment_deadline = "P1M"\n'
                                                      'paragraph = "§ 18"')


def test_propose_counts_back_in_berlin_calendar_terms() -> None:
    rules = deadlines.StatuteDeadlines(Duration(6, "W"), Duration(1, "M"), "§ 18")
    event = datetime(2027, 3, 31, 8, 0, tzinfo=UTC)  # 10:00 in Berlin (summer time)
    motions, amendments = deadlines.propose(event, rules)
    assert motions == datetime(2027, 2, 17, 9, 0, tzinfo=UTC)  # 10:00 Berlin in winter time
    assert amendments == datetime(2027, 2, 28, 9, 0, tzinfo=UTC)  # 31 March minus a month: end of February
    assert deadlines.explanation(rules) == "§ 18: motions 6 weeks before the convention, amendments 1 month before"
    assert deadlines.propose(event, deadlines.StatuteDeadlines(None, Duration(3, "D"), None))[0] is None


async def test_form_proposes_the_deadlines(client: AsyncTestClient[Litestar], world: World) -> None:
    slug = world.tree.state_a.slug
    await login(client, world.factory, world.board)
    plain = await client.get(f"/units/{slug}/consultations/new")
    assert "Propose the deadlines" not in plain.text  # the statute sets none
    await store_version(world.db, world.tree.federal, WITH_DEADLINES)
    await world.factory.commit()
    page = await client.get(f"/units/{slug}/consultations/new")
    assert "§ 18: motions 6 weeks before the convention" in page.text
    base = f"/units/{slug}/consultations/new"
    missing = await client.get(f"{base}?event_at=bald")
    assert 'id="f-event_at-error"' in missing.text and 'aria-invalid="true"' in missing.text
    proposed = await client.get(f"{base}?event_at=2027-03-31T10:00")
    assert proposed.status_code == 200 and "Deadlines proposed from the statute" in proposed.text
    assert 'value="2027-02-17T10:00"' in proposed.text and 'value="2027-02-28T10:00"' in proposed.text
    created = await send(client, base, {"title": "LPT 2027", "line_length": "80", "workflow": "default",
                                        "deadline": "2027-02-17T10:00", "amendment_deadline": "2027-02-28T10:00"},
                         page=base)
    assert created.status_code == 200 and "LPT 2027" in created.text
    stored = await world.db.scalar(select(Consultation).where(Consultation.title == "LPT 2027"))
    assert stored is not None
    assert stored.deadline == datetime(2027, 2, 17, 9, 0, tzinfo=UTC)
    assert stored.amendment_deadline == datetime(2027, 2, 28, 9, 0, tzinfo=UTC)
