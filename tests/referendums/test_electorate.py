"""The frozen electorate by the statute's eligibility rules, with explicit dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ballot.members.models import DuesStatus, MemberClass
from ballot.referendums.electorate import eligible_members
from ballot.referendums.models import Election
from ballot.units.models import Unit
from ballot_crypto.statutes import Rules, load
from tests.factories import Factory

OPENING = date(2031, 6, 1)
FROZEN = OPENING - timedelta(days=7)
OLD = date(2020, 1, 1)


def rules(extra: str = "") -> Rules:
    return load("test", f'[eligibility]\nfreeze = "P7D"\n{extra}\n').rules


async def names(factory: Factory, unit: Unit, r: Rules, as_of: date | None = None) -> set[str]:
    members = await eligible_members(factory.session, Election(unit_id=unit.id), r, OPENING, as_of)
    return {m.family_name for m in members}


async def test_sub_units(factory: Factory) -> None:
    tree = await factory.tree()
    await factory.member(tree.state_a, family_name="state", joined_on=OLD)
    await factory.member(tree.local_a, family_name="local", joined_on=OLD)
    await factory.member(tree.local_b, family_name="elsewhere", joined_on=OLD)
    assert await names(factory, tree.state_a, rules()) == {"state", "local"}
    assert await names(factory, tree.state_a, rules("sub_units = false")) == {"state"}
    assert await names(factory, tree.federal, rules()) == {"state", "local", "elsewhere"}


@pytest.mark.parametrize(("joined", "eligible"), [(FROZEN, True), (FROZEN + timedelta(days=1), False)])
async def test_freeze_day(factory: Factory, joined: date, eligible: bool) -> None:
    tree = await factory.tree()
    await factory.member(tree.local_a, family_name="m", joined_on=joined)
    assert await names(factory, tree.federal, rules()) == ({"m"} if eligible else set())


async def test_member_since(factory: Factory) -> None:
    tree = await factory.tree()
    await factory.member(tree.local_a, family_name="long", joined_on=OPENING - timedelta(days=200))
    await factory.member(tree.local_a, family_name="new", joined_on=OPENING - timedelta(days=30))
    assert await names(factory, tree.federal, rules('member_since = "P3M"')) == {"long"}
    assert await names(factory, tree.federal, rules("member_since = 2031-01-01")) == {"long"}
    assert await names(factory, tree.federal, rules()) == {"long", "new"}


async def test_dues(factory: Factory) -> None:
    tree = await factory.tree()
    for status in DuesStatus:
        await factory.member(tree.local_a, family_name=status.value, joined_on=OLD, dues_status=status)
    assert await names(factory, tree.federal, rules("dues_paid = true")) == {"paid", "exempt"}
    assert await names(factory, tree.federal, rules()) == {s.value for s in DuesStatus}


async def test_classes(factory: Factory) -> None:
    tree = await factory.tree()
    for cls in MemberClass:
        await factory.member(tree.local_a, family_name=cls.value, joined_on=OLD, member_class=cls)
    assert await names(factory, tree.federal, rules()) == {"full"}
    assert await names(factory, tree.federal, rules('classes = ["full", "supporting"]')) == {"full", "supporting"}


async def test_left_members(factory: Factory) -> None:
    tree = await factory.tree()
    as_of = FROZEN + timedelta(days=3)
    await factory.member(tree.local_a, family_name="before", joined_on=OLD, left_on=FROZEN)
    await factory.member(tree.local_a, family_name="between", joined_on=OLD, left_on=as_of)
    await factory.member(tree.local_a, family_name="after", joined_on=OLD, left_on=as_of + timedelta(days=1))
    assert await names(factory, tree.federal, rules()) == {"between", "after"}
    assert await names(factory, tree.federal, rules(), as_of) == {"after"}
