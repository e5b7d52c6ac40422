"""Invitations: who may invite (each role), the mail, accepting it, and the links' single use."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ballot.accounts.invitations import invite_member, open_invitation
from ballot.accounts.models import Account
from ballot.authz.models import Role
from ballot.exceptions import Conflict, NotAuthenticated, PermissionDenied
from ballot.web.cookies import SESSION_COOKIE
from tests.accounts.conftest import link_in, mails_to, post_form

ALLOWED = {Role.BOARD, Role.ADMIN}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("where", ["home", "above", "elsewhere"])
async def test_who_may_invite(db, factory, settings, role: Role, where: str) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    invitee = await factory.member(tree.local_a)
    unit = {"home": tree.local_a, "above": tree.state_a, "elsewhere": tree.local_b}[where]
    actor = await factory.account(roles=[(role, unit)])
    principal = await factory.principal(actor)
    may = role in ALLOWED and where in {"home", "above"}
    if may:
        await invite_member(db, settings, principal, invitee.id)
        assert await open_invitation(db, invitee.id) is not None
        assert len(await mails_to(db, invitee.email)) == 1
    else:
        with pytest.raises(PermissionDenied):
            await invite_member(db, settings, principal, invitee.id)
        assert await open_invitation(db, invitee.id) is None


async def test_plain_member_and_anonymous_may_not_invite(db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    invitee = await factory.member(tree.local_a)
    colleague = await factory.account(await factory.member(tree.local_a))
    with pytest.raises(PermissionDenied):
        await invite_member(db, settings, await factory.principal(colleague), invitee.id)
    with pytest.raises(NotAuthenticated):
        await invite_member(db, settings, None, invitee.id)


async def test_member_with_account_or_without_email_is_not_invited(db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    board = await factory.principal(await factory.account(roles=[(Role.BOARD, tree.federal)]))
    has_account = await factory.member(tree.local_a)
    await factory.account(has_account)
    no_email = await factory.member(tree.local_a, email=None)
    with pytest.raises(Conflict):
        await invite_member(db, settings, board, has_account.id)
    with pytest.raises(Conflict):
        await invite_member(db, settings, board, no_email.id)


async def test_invite_over_http_and_accept(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    invitee = await factory.member(tree.local_a, email="Jana.Neu@Example.org")
    board = await factory.account(roles=[(Role.BOARD, tree.district_a)])
    await factory.login(english, board)
    sent = await post_form(
        english, "/invitations", {"member_id": str(invitee.id), "next": "/units"}, csrf_from="/me/security"
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/units?invited={invitee.id}"
    (mail,) = await mails_to(db, "Jana.Neu@Example.org")
    path = link_in(mail, "/invite/")

    await post_form(english, "/logout", {})
    english.cookies.delete(SESSION_COOKIE)  # the test cookie from factory.login has no domain: drop it by hand
    page = await english.get(path)
    assert page.status_code == 200
    assert "Jana.Neu@Example.org" in page.text and 'autocomplete="new-password"' in page.text

    bad = await post_form(english, path, {"password": "short", "confirm": "short"})
    assert bad.status_code == 422
    accepted = await post_form(english, path, {"password": "my new password", "confirm": "my new password"})
    assert accepted.status_code == 303
    assert english.cookies.get(SESSION_COOKIE)
    account = await db.scalar(select(Account).where(Account.member_id == invitee.id))
    assert account is not None and account.email == "jana.neu@example.org"
    assert account.display_name == invitee.full_name

    again = await post_form(english, path, {"password": "my new password", "confirm": "my new password"})
    assert again.status_code == 404
    assert await db.scalar(select(func.count(Account.id)).where(Account.member_id == invitee.id)) == 1


async def test_invite_over_http_without_permission(english, factory) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    invitee = await factory.member(tree.local_a)
    moderator = await factory.account(roles=[(Role.MODERATOR, tree.federal)])
    await factory.login(english, moderator)
    response = await post_form(english, "/invitations", {"member_id": str(invitee.id)}, csrf_from="/me/security")
    assert response.status_code == 403
    bad = await post_form(english, "/invitations", {"member_id": "abc"})
    assert bad.status_code == 422
