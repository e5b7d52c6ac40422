"""A standard world for the referendum service tests: a tree with a statute on the federal unit, a board, an
admin, three trustees with ELECTION_COMMITTEE grants in the federal unit, a plain member and a few members."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.models import Role
from ballot.authz.principal import Principal
from ballot.i18n import use_locale
from ballot.members.models import Member
from ballot.referendums.board.services import create_election
from ballot.referendums.models import Election
from ballot.statutes.services import store_version
from tests.factories import Factory, Tree

STATUTE = """
[statute]
name = "Testsatzung"

[eligibility]
member_since = "P3M"
dues_paid = true
freeze = "P7D"
paragraph = "§ 4"

[referendum.deadlines]
announcement = "P14D"
voting_min = "P7D"
voting_max = "P28D"
paragraph = "§ 12"
"""

NOW = datetime.now(UTC).replace(microsecond=0)


def referendum_question(qid: str = "q1") -> dict[str, Any]:
    return {
        "id": qid, "kind": "referendum", "min": 0, "max": 1, "process": "referendum", "subject": None,
        "seats": None, "text": {"de": "Soll die Satzung geändert werden?", "en": "Shall the statute change?"},
        "options": [{"id": o, "label": {"de": o, "en": o}, "max": 1} for o in ("yes", "no", "abstain")],
    }


@dataclass
class World:
    db: AsyncSession
    factory: Factory
    tree: Tree
    board: Principal
    admin: Principal
    member: Principal
    trustees: list[Principal]
    trustee_accounts: list[Account]
    members: list[Member] = field(default_factory=list)

    def election_args(self, **overrides: Any) -> dict[str, Any]:
        args: dict[str, Any] = {
            "kind": "referendum", "title_de": "Satzungsänderung", "title_en": "Statute change",
            "description": "Eine Frage.", "questions": [referendum_question()],
            "announcement_at": NOW + timedelta(days=1), "opens_at": NOW + timedelta(days=20),
            "closes_at": NOW + timedelta(days=30),
            "trustee_account_ids": [a.id for a in self.trustee_accounts], "threshold": 2, "now": NOW,
        }
        args.update(overrides)
        return args

    async def create(self, principal: Principal | None = None, **overrides: Any) -> Election:
        return await create_election(self.db, principal or self.board, self.tree.federal,
                                     **self.election_args(**overrides))


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Assertions read the English messages; services translate into the current locale (German by default)."""
    with use_locale("en"):
        yield


@pytest.fixture
async def world(db: AsyncSession, factory: Factory) -> World:
    tree = await factory.tree()
    await store_version(db, tree.federal, STATUTE)
    joined = date.today() - timedelta(days=400)
    board = await factory.account(await factory.member(tree.state_a, joined_on=joined),
                                  roles=[(Role.BOARD, tree.federal)])
    admin = await factory.account(roles=[(Role.ADMIN, tree.federal)])
    plain = await factory.account(await factory.member(tree.local_a, joined_on=joined))
    trustee_accounts = []
    for unit in (tree.local_a, tree.local_b, tree.district_a):
        trustee_accounts.append(await factory.account(await factory.member(unit, joined_on=joined),
                                                      roles=[(Role.ELECTION_COMMITTEE, tree.federal)]))
    members = [await factory.member(unit, joined_on=joined) for unit in (tree.local_a, tree.local_b, tree.state_b)]
    members.append(await factory.member(tree.local_b, joined_on=joined, email=None))
    await factory.commit()
    return World(
        db=db, factory=factory, tree=tree,
        board=await factory.principal(board), admin=await factory.principal(admin),
        member=await factory.principal(plain),
        trustees=[await factory.principal(a) for a in trustee_accounts], trustee_accounts=trustee_accounts,
        members=members,
    )
