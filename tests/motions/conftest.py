"""A world for the motion tests: the factory's tree with a statute that asks for two supporters (one a woman),
a consultation in Landesverband Hessen, members there (initiator, co-author, two supporters), a member elsewhere,
and a board member of Hessen."""

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
from ballot.members.models import Gender
from ballot.motions import consultations, drafting
from ballot.motions.drafting import MotionRef
from ballot.motions.models import Consultation, Motion
from ballot.statutes.services import store_version
from tests.factories import Factory, Tree, csrf_token

STATUTE = """
[statute]
name = "Testsatzung"

[motions]
supporters = 2
women_supporters = 1
paragraph = "§ 18"
"""

BODY = ("Der Landesverband setzt sich für einen gut ausgebauten öffentlichen Nahverkehr in allen Kreisen ein, "
        "mit einem Takt von höchstens dreißig Minuten.\n\n"
        "Dazu fordern wir ein Landesticket für 29 Euro im Monat.\n\n"
        "Die Finanzierung erfolgt aus dem Landeshaushalt.")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Assertions read the English messages."""
    with use_locale("en"):
        yield


@dataclass
class World:
    db: AsyncSession
    factory: Factory
    tree: Tree
    initiator: Account
    coauthor: Account
    woman: Account
    man: Account
    outsider: Account
    board: Account
    consultation: Consultation

    async def p(self, account: Account) -> Principal:
        return await self.factory.principal(account)

    async def motion(self, body: str = BODY, title: str = "Nahverkehr stärken", **kwargs: Any) -> Motion:
        return await drafting.create_motion(self.db, await self.p(self.initiator), self.consultation,
                                            self.tree.state_a, title=title, body=body, reason="Weil.", **kwargs)

    async def ref(self, motion: Motion, account: Account | None = None) -> MotionRef:
        return await drafting.get_motion(self.db, await self.p(account or self.board), motion.id)


@pytest.fixture
async def world(db: AsyncSession, factory: Factory) -> World:
    tree = await factory.tree()
    await store_version(db, tree.federal, STATUTE)
    initiator = await factory.account(await factory.member(tree.local_a, given_name="Ina", family_name="Antrag"))
    coauthor = await factory.account(await factory.member(tree.district_a, given_name="Cem", family_name="Mitautor"))
    woman = await factory.account(await factory.member(tree.local_a, given_name="Wanda", family_name="Weber",
                                                       gender=Gender.FEMALE))
    man = await factory.account(await factory.member(tree.state_a, given_name="Max", family_name="Maurer",
                                                     gender=Gender.MALE))
    outsider = await factory.account(await factory.member(tree.local_b, given_name="Otto", family_name="Sachse"))
    board = await factory.account(await factory.member(tree.state_a, given_name="Berta", family_name="Vorstand"),
                                  roles=[(Role.BOARD, tree.state_a)])
    consultation = await consultations.create_consultation(
        db, await factory.principal(board), tree.state_a, title="Landesparteitag 2027", line_length=40,
        deadline=None, amendment_deadline=None)
    await factory.commit()
    return World(db, factory, tree, initiator, coauthor, woman, man, outsider, board, consultation)


async def login(client: AsyncTestClient[Litestar], factory: Factory, account: Account) -> None:
    """Log ``client`` in as ``account`` with English pages."""
    client.cookies.clear()
    await factory.login(client, account)
    client.cookies.set("lang", "en")


async def send(client: AsyncTestClient[Litestar], path: str, data: dict[str, Any], page: str = "/",
               follow_redirects: bool = True) -> Response:
    """POST a form with the CSRF token taken from ``page``."""
    token = await csrf_token(client, page)
    return await client.post(path, data={"_csrf_token": token, **data}, follow_redirects=follow_redirects)
