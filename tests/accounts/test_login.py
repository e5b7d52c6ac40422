"""Password log-in: success, the failures that all look alike, lock-out and unlock, rate limit, CSRF."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from ballot.accounts.models import Account, AuthSession
from ballot.accounts.passwords import PasswordHasher
from ballot.audit.models import AuditEvent
from ballot.db import utcnow
from ballot.settings import PasswordSettings
from ballot.web.cookies import SESSION_COOKIE
from tests.accounts.conftest import post_form, reload
from tests.factories import PASSWORD

FAILED = "The email address or the password is not correct"


async def _login(client, email, password, **extra):  # type: ignore[no-untyped-def]
    return await post_form(client, "/login", {"method": "password", "email": email, "password": password, **extra})


async def _tags(db) -> list[str]:  # type: ignore[no-untyped-def]
    return list((await db.scalars(select(AuditEvent.tag).order_by(AuditEvent.id))).all())


async def test_login_page_is_accessible_form(english) -> None:  # type: ignore[no-untyped-def]
    response = await english.get("/login?next=/units")
    assert response.status_code == 200
    html = response.text
    assert html.count("<h1>") == 1
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'autocomplete="email"' in html
    assert 'for="f-email"' in html and 'for="f-password"' in html and 'for="f-link_email"' in html
    assert 'name="next" value="/units"' in html


async def test_login_success_sets_a_safe_cookie_and_redirects(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    account = await factory.account(await factory.member(tree.local_a))
    await factory.commit()
    response = await _login(english, account.email.upper(), PASSWORD, next="/units")
    assert response.status_code == 303
    assert response.headers["location"] == "/units"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Path=/" in cookie
    assert "Secure" not in cookie  # secure_cookies is off in the test settings
    token = english.cookies.get(SESSION_COOKIE)
    stored = await db.scalar(select(AuthSession.token_hash).where(AuthSession.account_id == account.id))
    assert stored and stored != token  # only the hash is stored
    assert (await english.get("/me/security")).status_code == 200
    assert "accounts:login:success" in await _tags(db)
    fresh = await reload(db, account)
    assert fresh.last_login_at is not None


async def test_open_redirect_is_refused(english, factory) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.commit()
    response = await _login(english, account.email, PASSWORD, next="//evil.example/")
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_wrong_password_unknown_email_and_inactive_look_the_same(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    active = await factory.account()
    inactive = await factory.account()
    inactive.is_active = False
    await factory.commit()
    answers = [
        await _login(english, active.email, "wrong password!"),
        await _login(english, "nobody@example.org", PASSWORD),
        await _login(english, inactive.email, PASSWORD),
    ]
    for response in answers:
        assert response.status_code == 422
        assert FAILED in response.text
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert english.cookies.get(SESSION_COOKIE) is None
    assert (await reload(db, active)).failed_logins == 1
    assert (await reload(db, inactive)).failed_logins == 0
    assert (await _tags(db)).count("accounts:login:failure") == 3
    events = (await db.scalars(select(AuditEvent))).all()
    assert all(PASSWORD not in str(e.data) and "wrong password!" not in str(e.data) for e in events)


async def test_empty_fields_are_field_errors(english) -> None:  # type: ignore[no-untyped-def]
    response = await _login(english, "", "")
    assert response.status_code == 422
    assert 'href="#f-email"' in response.text and 'href="#f-password"' in response.text


async def test_lockout_after_max_failures_then_unlock(english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.commit()
    for _ in range(settings.login.max_failures):
        assert (await _login(english, account.email, "not the password")).status_code == 422
    locked = await reload(db, account)
    assert locked.locked_until is not None and locked.locked_until > utcnow()
    assert "accounts:account:locked" in await _tags(db)

    # Locked: the right password is refused with the very same message as a wrong one.
    right = await _login(english, account.email, PASSWORD)
    wrong = await _login(english, account.email, "still wrong")
    assert right.status_code == wrong.status_code == 422
    assert FAILED in right.text and FAILED in wrong.text
    assert english.cookies.get(SESSION_COOKIE) is None

    # Time passes: move the lock into the past instead of sleeping.
    await db.execute(
        update(Account).where(Account.id == account.id).values(locked_until=utcnow() - timedelta(seconds=1))
    )
    await db.commit()
    response = await _login(english, account.email, PASSWORD)
    assert response.status_code == 303
    fresh = await reload(db, account)
    assert fresh.failed_logins == 0 and fresh.locked_until is None


async def test_success_resets_the_failure_counter(english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.commit()
    for _ in range(settings.login.max_failures - 1):
        await _login(english, account.email, "nope nope nope")
    assert (await reload(db, account)).failed_logins == settings.login.max_failures - 1
    assert (await _login(english, account.email, PASSWORD)).status_code == 303
    assert (await reload(db, account)).failed_logins == 0


async def test_per_ip_rate_limit(english, factory, settings) -> None:  # type: ignore[no-untyped-def]
    for _ in range(settings.login.per_ip_per_minute):
        assert (await _login(english, "nobody@example.org", "whatever")).status_code == 422
    response = await _login(english, "nobody@example.org", "whatever")
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0


async def test_rehash_when_parameters_changed(english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    old = PasswordHasher(PasswordSettings(time_cost=2, memory_cost_kib=8192, parallelism=1))
    account = await factory.account(password=None)
    old_hash = account.password_hash = old.hash(PASSWORD)
    await factory.commit()
    assert "t=2" in old_hash
    assert (await _login(english, account.email, PASSWORD)).status_code == 303
    fresh = await reload(db, account)
    assert fresh.password_hash != old_hash
    assert "t=1" in (fresh.password_hash or "")
    assert (await _login(english, account.email, PASSWORD)).status_code == 303  # the new hash verifies


async def test_csrf_missing_token_is_rejected(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.commit()
    await english.get("/login")
    response = await english.post(
        "/login", data={"method": "password", "email": account.email, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "<h1>" in response.text and "Traceback" not in response.text
    assert await db.scalar(select(func.count(AuthSession.id))) == 0
    assert (await _login(english, account.email, PASSWORD)).status_code == 303


async def test_logout_ends_the_session(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.login(english, account)
    response = await post_form(english, "/logout", {}, csrf_from="/me/security")
    assert response.status_code == 303
    assert await db.scalar(select(func.count(AuthSession.id))) == 0
    deletion = response.headers["set-cookie"]
    assert deletion.startswith(f"{SESSION_COOKIE}=") and ("Max-Age=0" in deletion or "expires=" in deletion.lower())
    # Even a client that keeps the old cookie is anonymous now: the session is gone on the server.
    assert (await english.get("/me/security", follow_redirects=False)).status_code in {302, 303}


async def test_expired_session_is_anonymous(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.login(english, account)
    assert (await english.get("/me/security")).status_code == 200
    await db.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    await db.commit()
    response = await english.get("/me/security", follow_redirects=False)
    assert response.status_code in {302, 303}
    assert response.headers["location"].startswith("/login?next=")
