"""A world for the discussion tests: the factory's tree, members in two states and in a group, a moderator of
Hessen, a board member, and HTTP helpers that log a client in (English pages) and post forms with CSRF."""

from __future__ import annotations

import dataclasses
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
from ballot.discussions import services
from ballot.discussions.models import Post, Thread
from ballot.i18n import use_locale
from ballot.settings import DiscussionSettings, Settings
from ballot.units.models import Unit
from tests.factories import Factory, Tree, csrf_token


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Assertions read the English messages (services translate into the current locale)."""
    with use_locale("en"):
        yield


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Small limits so the tests can reach them."""
    return dataclasses.replace(settings, discussions=DiscussionSettings(
        attachment_max_bytes=2000, attachment_types=("pdf", "png", "txt"), attachments_per_post=2,
        posts_per_window=5, post_window_seconds=60))


@dataclass
class World:
    db: AsyncSession
    factory: Factory
    settings: Settings
    tree: Tree
    hessen: Account  # member in Ortsverband Wilhelmshöhe (Hessen)
    hessen2: Account  # another member in Hessen
    sachsen: Account  # member in Ortsverband Connewitz (Sachsen)
    grouped: Account  # member in Sachsen who is in AG Digitales
    moderator: Account  # Role.MODERATOR in Landesverband Hessen (not a member)
    board: Account  # Role.BOARD in Landesverband Hessen

    async def principal(self, account: Account) -> Principal:
        return await self.factory.principal(account)

    async def thread(self, author: Account, unit: Unit, title: str = "Ein Thema", body: str = "Erster Beitrag",
                     visibility: str = "unit") -> Thread:
        return await services.create_thread(self.db, await self.principal(author), unit, title=title, body=body,
                                            visibility=visibility, settings=self.settings)

    async def reply(self, author: Account, thread: Thread, body: str, parent: Post | None = None) -> Post:
        unit = await self.db.get(Unit, thread.unit_id)
        assert unit is not None
        return await services.reply(self.db, await self.principal(author), thread, unit,
                                    parent_id=parent.id if parent else None, body=body, settings=self.settings)


@pytest.fixture
async def world(db: AsyncSession, factory: Factory, settings: Settings) -> World:
    tree = await factory.tree()
    hessen = await factory.account(await factory.member(tree.local_a, given_name="Hanna", family_name="Hessen"))
    hessen2 = await factory.account(await factory.member(tree.district_a, given_name="Heinz", family_name="Kassel"))
    sachsen = await factory.account(await factory.member(tree.local_b, given_name="Sascha", family_name="Sachse"))
    grouped_member = await factory.member(tree.local_b, given_name="Greta", family_name="Gruppe")
    await factory.join_group(grouped_member, tree.group)
    grouped = await factory.account(grouped_member)
    moderator = await factory.account(roles=[(Role.MODERATOR, tree.state_a)])
    board = await factory.account(await factory.member(tree.state_a), roles=[(Role.BOARD, tree.state_a)])
    return World(db, factory, settings, tree, hessen, hessen2, sachsen, grouped, moderator, board)


async def login(client: AsyncTestClient[Litestar], factory: Factory, account: Account) -> None:
    """Log ``client`` in as ``account`` with English pages."""
    client.cookies.clear()
    await factory.login(client, account)
    client.cookies.set("lang", "en")


async def send(client: AsyncTestClient[Litestar], path: str, data: dict[str, Any],
               files: list[tuple[str, tuple[str, bytes, str]]] | None = None, page: str = "/") -> Response:
    """POST a form (multipart when ``files``) with the CSRF token taken from ``page``."""
    token = await csrf_token(client, page)
    body = {"_csrf_token": token, **data}
    if files:
        return await client.post(path, data=body, files=files)
    return await client.post(path, data=body)
