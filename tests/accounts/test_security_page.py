"""The security page: password change, sessions ("log out everywhere"), API tokens and bearer authentication."""

from __future__ import annotations

from typing import Any

from litestar import get
from sqlalchemy import func, select

from ballot.accounts.models import ApiToken, AuthSession
from ballot.accounts.sessions import create_session
from ballot.audit.models import AuditEvent
from ballot.web.cookies import SESSION_COOKIE
from ballot.web.deps import CurrentPrincipal
from tests.accounts.conftest import post_form, reload
from tests.factories import PASSWORD


@get("/api/v1/test-only/whoami", sync_to_thread=False)
def whoami(principal: CurrentPrincipal) -> dict[str, Any]:
    """A route that exists in these tests only: who is the bearer of the token?"""
    return {"email": principal.email if principal else None}


async def test_security_page_needs_login(english) -> None:  # type: ignore[no-untyped-def]
    response = await english.get("/me/security", follow_redirects=False)
    assert response.status_code in {302, 303}
    assert response.headers["location"] == "/login?next=/me/security"


async def test_change_password_ends_other_sessions(english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.login(english, account)
    await create_session(db, settings, account.id)  # another device
    await db.commit()
    page = await english.get("/me/security")
    assert page.status_code == 200 and page.text.count("<h1>") == 1
    assert "this browser" in page.text

    wrong = await post_form(
        english,
        "/me/security/password",
        {"current_password": "not it at all", "new_password": "brand new secret", "confirm": "brand new secret"},
    )
    assert wrong.status_code == 422 and 'href="#f-current_password"' in wrong.text
    stored = await reload(db, account)
    assert stored.failed_logins == 0 and stored.locked_until is None  # issue 12: never toward the log-in lock-out
    assert "accounts:security:check_failed" in (await db.scalars(select(AuditEvent.tag))).all()

    ok = await post_form(
        english,
        "/me/security/password",
        {"current_password": PASSWORD, "new_password": "brand new secret", "confirm": "brand new secret"},
    )
    assert ok.status_code == 303
    assert await db.scalar(select(func.count(AuthSession.id))) == 1  # only this browser's
    assert (await english.get("/me/security")).status_code == 200
    assert "accounts:password:changed" in (await db.scalars(select(AuditEvent.tag))).all()


async def test_log_out_everywhere(english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.login(english, account)
    await create_session(db, settings, account.id)
    await db.commit()
    response = await post_form(english, "/me/security/sessions/end-all", {}, csrf_from="/me/security")
    assert response.status_code == 303
    assert await db.scalar(select(func.count(AuthSession.id))) == 0


async def test_end_one_other_session(english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    stranger = await factory.account()
    await factory.login(english, account)
    await create_session(db, settings, account.id)
    await create_session(db, settings, stranger.id)
    await db.commit()
    ids = {row.account_id: row.id for row in (await db.scalars(select(AuthSession).order_by(AuthSession.id))).all()}
    other = (await db.scalars(select(AuthSession.id).where(AuthSession.account_id == account.id))).all()[-1]
    assert (
        await post_form(english, f"/me/security/sessions/{other}/end", {}, csrf_from="/me/security")
    ).status_code == 303
    # Someone else's session is not found, and stays.
    assert (await post_form(english, f"/me/security/sessions/{ids[stranger.id]}/end", {})).status_code == 404
    remaining = (await db.scalars(select(AuthSession.account_id))).all()
    assert sorted(remaining) == sorted([account.id, stranger.id])


async def test_api_token_create_show_once_use_and_revoke(english, db, factory, app) -> None:  # type: ignore[no-untyped-def]
    app.register(whoami)
    account = await factory.account()
    await factory.login(english, account)
    created = await post_form(english, "/me/security/tokens", {"name": "export script"}, csrf_from="/me/security")
    assert created.status_code == 201
    row = await db.scalar(select(ApiToken))
    assert row is not None and row.name == "export script"
    token = created.text.split('id="api-token" type="text" value="')[1].split('"')[0]
    assert row.token_hash != token
    assert token not in (await english.get("/me/security")).text  # shown once only

    english.cookies.delete(SESSION_COOKIE)
    bearer = {"authorization": f"Bearer {token}"}
    assert (await english.get("/api/v1/test-only/whoami", headers=bearer)).json() == {"email": account.email}
    wrong = {"authorization": "Bearer not-a-token"}
    assert (await english.get("/api/v1/test-only/whoami", headers=wrong)).json() == {"email": None}

    await factory.login(english, account)
    revoked = await post_form(english, f"/me/security/tokens/{row.id}/revoke", {}, csrf_from="/me/security")
    assert revoked.status_code == 303
    english.cookies.delete(SESSION_COOKIE)
    assert (await english.get("/api/v1/test-only/whoami", headers=bearer)).json() == {"email": None}
    events = (await db.scalars(select(AuditEvent))).all()
    assert all(token not in str(event.data) for event in events)


async def test_api_token_needs_a_name_and_others_cannot_revoke(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    owner = await factory.account()
    from ballot.accounts.api_tokens import create_api_token

    row, _ = await create_api_token(db, owner.id, "owner's")
    await db.commit()
    intruder = await factory.account()
    await factory.login(english, intruder)
    empty = await post_form(english, "/me/security/tokens", {"name": "  "}, csrf_from="/me/security")
    assert empty.status_code == 422 and 'href="#f-name"' in empty.text
    assert (await post_form(english, f"/me/security/tokens/{row.id}/revoke", {})).status_code == 404
    await db.refresh(row)
    assert row.revoked_at is None
