"""search_members and get_member: scope, search, filters, pagination and permissions."""

from __future__ import annotations

import pytest

from ballot.authz.models import Role
from ballot.exceptions import NotAuthenticated, NotFound, PermissionDenied
from ballot.members.models import DuesStatus, MemberClass
from ballot.members.services import get_member, search_members


async def test_board_sees_subtree_ordered_and_searchable(factory) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    a1 = await factory.member(tree.local_a, given_name="Özlem", family_name="Yılmaz", email="oezlem@example.org")
    a2 = await factory.member(tree.local_a, given_name="Anna", family_name="Becker", dues_status=DuesStatus.OVERDUE)
    a3 = await factory.member(
        tree.district_a, given_name="Jonas", family_name="Becker", member_class=MemberClass.SUPPORTING
    )
    await factory.member(tree.local_b, given_name="Paul", family_name="Anders")
    board = await factory.account(
        await factory.member(tree.state_a, family_name="Zimmer"), roles=[(Role.BOARD, tree.state_a)]
    )
    principal = await factory.principal(board)

    result = await search_members(factory.session, principal, tree.state_a)
    names = [m.family_name for m in result.items]
    assert names == ["Becker", "Becker", "Yılmaz", "Zimmer"]
    assert [m.given_name for m in result.items[:2]] == ["Anna", "Jonas"]
    assert result.total == 4 and result.pages == 1 and result.page == 1
    assert result.items[0].home_unit.slug == tree.local_a.slug

    async def ids(query: str) -> list[int]:
        return [m.id for m in (await search_members(factory.session, principal, tree.state_a, query=query)).items]

    assert await ids("OEZLEM") == [a1.id]
    assert await ids(a2.number.lower()) == [a2.id]
    assert await ids("jonas becker") == [a3.id]
    overdue = await search_members(factory.session, principal, tree.state_a, dues=DuesStatus.OVERDUE)
    assert [m.id for m in overdue.items] == [a2.id]
    supporting = await search_members(factory.session, principal, tree.state_a, member_class=MemberClass.SUPPORTING)
    assert [m.id for m in supporting.items] == [a3.id]
    local = await search_members(factory.session, principal, tree.state_a, sub_unit=tree.local_a)
    assert {m.id for m in local.items} == {a1.id, a2.id}
    assert (await search_members(factory.session, principal, tree.state_a, query="100%_")).total == 0

    paged = await search_members(factory.session, principal, tree.state_a, per_page=3, page=2)
    assert paged.total == 4 and paged.pages == 2 and len(paged.items) == 1 and paged.page == 2

    with pytest.raises(PermissionDenied):
        await search_members(factory.session, principal, tree.state_b)


async def test_body_lists_its_members(factory) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    seated = await factory.member(tree.local_b)
    await factory.join_group(seated, tree.board, "Vorsitz")
    await factory.member(tree.local_a)
    admin = await factory.account(roles=[(Role.ADMIN, tree.federal)])
    result = await search_members(factory.session, await factory.principal(admin), tree.board)
    assert [m.id for m in result.items] == [seated.id]


async def test_get_member_permissions(factory) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    member = await factory.member(tree.local_a)
    other = await factory.member(tree.local_a)
    own = await factory.principal(await factory.account(member))
    assert (await get_member(factory.session, own, member.number)).home_unit.id == tree.local_a.id
    with pytest.raises(NotFound):  # hidden looks the same as missing: no probing of member numbers
        await get_member(factory.session, own, other.number)
    board_b = await factory.principal(await factory.account(roles=[(Role.BOARD, tree.state_b)]))
    with pytest.raises(NotFound):
        await get_member(factory.session, board_b, member.number)
    board_a = await factory.principal(await factory.account(roles=[(Role.BOARD, tree.district_a)]))
    assert (await get_member(factory.session, board_a, other.number)).id == other.id
    with pytest.raises(NotFound):
        await get_member(factory.session, board_a, "nope")
    with pytest.raises(NotAuthenticated):
        await get_member(factory.session, None, member.number)
