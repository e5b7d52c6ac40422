"""A small organisation for the page tests: a member in Hessen, a board member of Hessen, a member in Sachsen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from ballot.accounts.models import Account
from ballot.authz.models import Role
from ballot.members.models import DuesStatus, Member, MemberClass
from tests.factories import Factory, Tree


@dataclass
class World:
    tree: Tree
    member: Member
    member_account: Account
    board_member: Member
    board_account: Account
    other: Member
    other_account: Account
    admin_account: Account


@pytest.fixture
async def world(factory: Factory) -> World:
    tree = await factory.tree()
    member = await factory.member(
        tree.local_a, given_name="Hanna", family_name="Hessler", number="H0001", email="hanna@example.org",
        phone="+49 561 1234", street="Königstor 1", postal_code="34117", city="Kassel",
    )
    member_account = await factory.account(member)
    board_member = await factory.member(
        tree.district_a, given_name="Bernd", family_name="Brettschneider", number="H0002"
    )
    board_account = await factory.account(board_member, roles=[(Role.BOARD, tree.state_a)])
    await factory.join_group(board_member, tree.board, "Schatzmeister")
    await factory.join_group(member, tree.group)
    other = await factory.member(
        tree.local_b, given_name="Sabine", family_name="Sachsenberg", number="S0001", email="sabine@example.org",
        dues_status=DuesStatus.OVERDUE, member_class=MemberClass.SUPPORTING, joined_on=date(2019, 5, 1),
    )
    other_account = await factory.account(other)
    admin_account = await factory.account(email="admin@example.org", roles=[(Role.ADMIN, tree.federal)])
    await factory.commit()
    return World(tree, member, member_account, board_member, board_account, other, other_account, admin_account)
