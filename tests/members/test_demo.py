"""The demo data: the counts asked for, the logins and their roles, and idempotence."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from ballot.accounts.models import Account
from ballot.authz.models import Role
from ballot.authz.policy import Action, is_allowed
from ballot.demo.data import DEMO_PASSWORD, FEDERAL_SLUG, load_demo
from ballot.exceptions import Conflict
from ballot.members.models import DuesStatus, Gender, GroupMembership, Member, MemberClass
from ballot.members.services import search_members
from ballot.units.models import BodyType, Unit, UnitKind


async def test_demo_counts_logins_and_idempotence(db, factory) -> None:  # type: ignore[no-untyped-def]
    result = await load_demo(db, factory.hasher)
    await db.commit()
    assert result.created and result.members == 300
    units = (await db.scalars(select(Unit))).all()
    kinds = Counter(unit.kind for unit in units)
    assert kinds == {
        UnitKind.FEDERAL: 1,
        UnitKind.STATE: 2,
        UnitKind.DISTRICT: 4,
        UnitKind.LOCAL: 8,
        UnitKind.BODY: 4,
        UnitKind.GROUP: 2,
    }
    bodies = {unit.slug: unit.body_type for unit in units if unit.kind is UnitKind.BODY}
    assert bodies["bundesvorstand"] is BodyType.BOARD
    assert bodies["bundeswahlkommission"] is BodyType.ELECTION_COMMITTEE

    members = (await db.scalars(select(Member))).all()
    local_ids = {unit.id for unit in units if unit.kind is UnitKind.LOCAL}
    assert len(members) == 300 and {m.home_unit_id for m in members} == local_ids
    dues = Counter(m.dues_status for m in members)
    assert dues[DuesStatus.PAID] > 200 and all(dues[s] > 0 for s in DuesStatus)
    assert Counter(m.member_class for m in members)[MemberClass.SUPPORTING] > 5
    assert {Gender.FEMALE, Gender.MALE} <= {m.gender for m in members}
    years = {m.joined_on.year for m in members}
    assert max(years) - min(years) >= 25
    assert len({m.number for m in members}) == 300
    assert await db.scalar(select(func.count(GroupMembership.id))) == result.seats > 20

    accounts = {a.email: a for a in (await db.scalars(select(Account))).all()}
    assert set(accounts) == {
        f"{name}@demo.example"
        for name in (
            "mitglied", "vorstand", "wahlkommission", "wahlkommission2", "wahlkommission3", "moderation", "pruefung",
            "admin",
        )
    }
    federal = next(unit for unit in units if unit.slug == FEDERAL_SLUG)
    expected = {
        "mitglied": set(),
        "vorstand": {Role.BOARD},
        "wahlkommission": {Role.ELECTION_COMMITTEE},
        "wahlkommission2": {Role.ELECTION_COMMITTEE},
        "wahlkommission3": {Role.ELECTION_COMMITTEE},
        "moderation": {Role.MODERATOR},
        "pruefung": {Role.AUDITOR},
        "admin": {Role.ADMIN},
    }
    for name, roles in expected.items():
        account = accounts[f"{name}@demo.example"]
        assert factory.hasher.verify(account.password_hash, DEMO_PASSWORD)
        assert account.member_id is not None
        principal = await factory.principal(account)
        assert principal.roles() == roles
    vorstand = await factory.principal(accounts["vorstand@demo.example"])
    board_body = next(unit for unit in units if unit.slug == "bundesvorstand")
    assert board_body.id in vorstand.group_unit_ids
    assert (await search_members(db, vorstand, federal)).total == 300
    assert is_allowed(await factory.principal(accounts["wahlkommission@demo.example"]), Action.ELECTION_KEYS, federal)
    assert not is_allowed(await factory.principal(accounts["mitglied@demo.example"]), Action.MEMBERS_LIST, federal)

    again = await load_demo(db, factory.hasher)
    await db.commit()
    assert not again.created
    assert await db.scalar(select(func.count(Member.id))) == 300
    assert await db.scalar(select(func.count(Unit.id))) == 21
    assert await db.scalar(select(func.count(Account.id))) == 8


async def test_demo_refuses_a_database_with_other_units(db, factory) -> None:  # type: ignore[no-untyped-def]
    await factory.tree()
    with pytest.raises(Conflict):
        await load_demo(db, factory.hasher)
