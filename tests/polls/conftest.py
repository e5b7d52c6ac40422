"""A world for the poll tests: the factory's tree, a board member of Landesverband Hessen (the presenter), two members
in Hessen, one in Sachsen, and HTTP helpers (English pages, forms with CSRF)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.models import Role
from ballot.authz.principal import Principal
from ballot.i18n import use_locale
from ballot.polls import services
from ballot.polls.forms import QuestionInput, SessionInput
from ballot.polls.models import PollQuestion, PollSession, QuestionKind
from ballot.settings import Settings
from ballot.units.models import Unit
from tests.factories import Factory, Tree, csrf_token


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Assertions read the English messages."""
    with use_locale("en"):
        yield


@dataclass
class World:
    db: AsyncSession
    factory: Factory
    settings: Settings
    tree: Tree
    board: Account  # Role.BOARD in Landesverband Hessen
    hessen: Account  # member in Ortsverband Wilhelmshöhe (Hessen)
    hessen2: Account  # member in Kreisverband Kassel (Hessen)
    sachsen: Account  # member in Ortsverband Connewitz (Sachsen)

    async def principal(self, account: Account) -> Principal:
        return await self.factory.principal(account)

    async def session(self, unit: Unit | None = None, *, guests: bool = False, title: str = "Parteitag") -> PollSession:
        return await services.create_session(
            self.db, await self.principal(self.board), unit or self.tree.state_a, SessionInput(title, guests)
        )

    async def question(
        self,
        session: PollSession,
        kind: QuestionKind = QuestionKind.SINGLE,
        options: list[str] | None = None,
        max_choices: int = 1,
        *,
        open_it: bool = True,
    ) -> PollQuestion:
        unit = await self.db.get(Unit, session.unit_id)
        assert unit is not None
        board = await self.principal(self.board)
        if options is None:
            options = [] if kind == QuestionKind.YES_NO else ["Rot", "Grün", "Blau"]
        question = await services.add_question(
            self.db, board, session, unit, QuestionInput(kind, "Welche Farbe?", options, max_choices)
        )
        if open_it:
            await services.open_question(self.db, board, session, unit, question.id)
        await self.db.commit()
        return question


@pytest.fixture
async def world(db: AsyncSession, factory: Factory, settings: Settings) -> World:
    tree = await factory.tree()
    board = await factory.account(await factory.member(tree.state_a), roles=[(Role.BOARD, tree.state_a)])
    hessen = await factory.account(await factory.member(tree.local_a, given_name="Hanna", family_name="Hessen"))
    hessen2 = await factory.account(await factory.member(tree.district_a, given_name="Heinz", family_name="Kassel"))
    sachsen = await factory.account(await factory.member(tree.local_b, given_name="Sascha", family_name="Sachse"))
    await factory.commit()
    return World(db, factory, settings, tree, board, hessen, hessen2, sachsen)


async def login(client: AsyncTestClient[Litestar], factory: Factory, account: Account) -> None:
    """Log ``client`` in as ``account`` with English pages."""
    client.cookies.clear()
    await factory.login(client, account)
    client.cookies.set("lang", "en")


async def send(client: AsyncTestClient[Litestar], path: str, data: dict[str, Any], page: str = "/") -> Response:
    """POST a form with the CSRF token taken from ``page`` (a list value sends the field repeatedly)."""
    token = await csrf_token(client, page)
    return await client.post(path, data={"_csrf_token": token, **data}, follow_redirects=False)
