"""A standard world for the survey tests: the factory's tree, a federal board member, members in two local units
(six in one, two in the other) and one outside (in the other state's district), all with accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.models import Role
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.i18n import use_locale
from ballot.settings import Settings
from ballot.surveys import services
from ballot.surveys.forms import parse_questions
from ballot.surveys.models import Survey
from tests.factories import Factory, Tree

QUESTIONS = """topic | single | Which topic?
- Climate
- Housing
- Digital

why | text 50 | optional | Why?
if topic = Climate; Housing

events | multiple 1-2 | Which events?
- Party
- Workshop
- Evening

order | ranking | Put in order
- Rent
- Mobility
- Schools

happy | scale 1-5 | How satisfied?

nps | scale 0-10 | optional | Recommend us?

news | yesno | Newsletter?"""

VALID_FORM: dict[str, list[str]] = {
    "q-topic": ["0"], "q-why": ["Because"], "q-events": ["0", "2"], "q-order-0": ["2"], "q-order-1": ["1"],
    "q-order-2": ["3"], "q-happy": ["4"], "q-nps": ["9"], "q-news": ["yes"],
}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Assertions read the English messages."""
    with use_locale("en"):
        yield


@pytest.fixture
def client(client: Any) -> Any:
    """The test client asks for English pages (``lang`` cookie), as the assertions read English."""
    client.cookies.set("lang", "en")
    return client


@dataclass
class World:
    db: AsyncSession
    factory: Factory
    settings: Settings
    tree: Tree
    board: Principal
    board_account: Account
    members: list[Principal]
    accounts: list[Account]
    outsider: Principal

    async def survey(self, now: datetime | None = None, **overrides: Any) -> Survey:
        now = now or utcnow()
        args: dict[str, Any] = {
            "title": "Mitgliederbefragung 2026", "description": "", "mode": "anonymous",
            "questions": parse_questions(QUESTIONS), "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=7), "results_while_open": False, "breakdown": False, "now": now,
        }
        args.update(overrides)
        unit = args.pop("unit", self.tree.state_a)
        survey = await services.create_survey(self.db, self.board, unit, **args)
        await self.db.commit()
        return survey


@pytest.fixture
async def world(db: AsyncSession, factory: Factory, settings: Settings) -> World:
    tree = await factory.tree()
    board_account = await factory.account(await factory.member(tree.district_a), roles=[(Role.BOARD, tree.state_a)])
    accounts = []
    for n in range(8):
        unit = tree.local_a if n < 6 else tree.district_a
        accounts.append(await factory.account(await factory.member(unit)))
    outsider = await factory.account(await factory.member(tree.local_b))
    await factory.commit()
    return World(
        db=db, factory=factory, settings=settings, tree=tree, board=await factory.principal(board_account),
        board_account=board_account, members=[await factory.principal(a) for a in accounts], accounts=accounts,
        outsider=await factory.principal(outsider),
    )
