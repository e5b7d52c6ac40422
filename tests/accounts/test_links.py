"""Emailed login links and password reset: same answer for unknown addresses, single use, expiry, limits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from ballot.accounts.models import AuthSession, OneTimeToken
from ballot.db import utcnow
from ballot.mail.models import DevMail
from ballot.web.cookies import SESSION_COOKIE
from tests.accounts.conftest import link_in, mails_to, post_form, reload
from tests.factories import PASSWORD

SENT = "If the address is known, a link is on its way"


async def _ask_link(client, email, **extra):  # type: ignore[no-untyped-def]
    return await post_form(client, "/login", {"method": "link", "link_email": email, **extra})


async def test_login_link_flow_single_use(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account(password=None)
    await factory.commit()
    response = await _ask_link(english, account.email, next="/units")
    assert response.status_code == 303
    page = await english.get(response.headers["location"])
    assert SENT in page.text

    (mail,) = await mails_to(db, account.email)
    path = link_in(mail, "/login/link/")
    # GET only shows a confirm button: a mail scanner fetching the link does not use it up.
    for _ in range(2):
        confirm = await english.get(path)
        assert confirm.status_code == 200 and 'method="post"' in confirm.text
    assert english.cookies.get(SESSION_COOKIE) is None

    used = await post_form(english, path, {"next": "/units"})
    assert used.status_code == 303 and used.headers["location"] == "/units"
    assert english.cookies.get(SESSION_COOKIE)
    assert (await english.get("/me/security")).status_code == 200

    english.cookies.delete(SESSION_COOKIE)
    again = await post_form(english, path, {})
    assert again.status_code == 404
    assert (await english.get(path)).status_code == 404


async def test_unknown_address_gets_the_same_answer_and_no_mail(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    known = await factory.account()
    await factory.commit()
    a = await _ask_link(english, known.email)
    b = await _ask_link(english, "nobody@example.org")
    assert a.status_code == b.status_code == 303
    assert a.headers["location"] == b.headers["location"]
    assert await db.scalar(select(func.count(DevMail.id))) == 1
    assert await mails_to(db, "nobody@example.org") == []


async def test_invalid_address_is_a_field_error(english) -> None:  # type: ignore[no-untyped-def]
    response = await _ask_link(english, "not an address")
    assert response.status_code == 422
    assert 'href="#f-link_email"' in response.text


async def test_expired_link_is_refused(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.commit()
    await _ask_link(english, account.email)
    path = link_in((await mails_to(db, account.email))[0], "/login/link/")
    await db.execute(update(OneTimeToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    await db.commit()
    assert (await english.get(path)).status_code == 404
    assert (await post_form(english, path, {})).status_code == 404
    assert english.cookies.get(SESSION_COOKIE) is None


async def test_links_per_address_and_hour_are_limited(english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.commit()
    for _ in range(settings.login.links_per_email_per_hour + 2):
        assert (await _ask_link(english, account.email)).status_code == 303  # same answer throughout
    assert len(await mails_to(db, account.email)) == settings.login.links_per_email_per_hour


async def test_link_login_for_inactive_account_is_refused(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.commit()
    await _ask_link(english, account.email)
    path = link_in((await mails_to(db, account.email))[0], "/login/link/")
    account.is_active = False
    await db.commit()
    assert (await post_form(english, path, {})).status_code == 404
    assert english.cookies.get(SESSION_COOKIE) is None


async def test_password_reset_ends_other_sessions_and_lifts_lockout(  # type: ignore[no-untyped-def]
    english, db, factory
) -> None:
    account = await factory.account()
    account.locked_until = utcnow() + timedelta(minutes=10)
    await factory.commit()
    await factory.login(english, account)  # a session on "another device"
    other_device = english.cookies.get(SESSION_COOKIE)
    english.cookies.delete(SESSION_COOKIE)

    forgot = await post_form(english, "/password/forgot", {"email": account.email})
    assert forgot.status_code == 303
    assert SENT in (await english.get(forgot.headers["location"])).text
    path = link_in((await mails_to(db, account.email))[0], "/password/reset/")

    assert (await english.get(path)).status_code == 200
    short = await post_form(english, path, {"password": "short", "confirm": "short"})
    assert short.status_code == 422 and 'href="#f-password"' in short.text
    differ = await post_form(english, path, {"password": "a new long password", "confirm": "another one!!"})
    assert differ.status_code == 422 and 'href="#f-confirm"' in differ.text

    done = await post_form(english, path, {"password": "a new long password", "confirm": "a new long password"})
    assert done.status_code == 303
    assert (await english.get("/me/security")).status_code == 200  # logged in here
    assert await db.scalar(select(func.count(AuthSession.id))) == 1
    english.cookies.delete(SESSION_COOKIE)
    english.cookies.set(SESSION_COOKIE, other_device)
    assert (await english.get("/me/security", follow_redirects=False)).status_code in {302, 303}  # ended there

    fresh = await reload(db, account)
    assert fresh.locked_until is None and fresh.failed_logins == 0
    assert (await post_form(english, path, {"password": "x" * 12, "confirm": "x" * 12})).status_code == 404
    english.cookies.delete(SESSION_COOKIE)
    old = await post_form(english, "/login", {"method": "password", "email": account.email, "password": PASSWORD})
    assert old.status_code == 422
    new = await post_form(
        english, "/login", {"method": "password", "email": account.email, "password": "a new long password"}
    )
    assert new.status_code == 303


async def test_password_reset_for_unknown_address_sends_nothing(english, db) -> None:  # type: ignore[no-untyped-def]
    response = await post_form(english, "/password/forgot", {"email": "nobody@example.org"})
    assert response.status_code == 303
    assert await db.scalar(select(func.count(DevMail.id))) == 0


async def test_mail_is_written_in_the_recipients_language(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    account.locale = "en"
    await factory.commit()
    await _ask_link(english, account.email)
    (mail,) = await mails_to(db, account.email)
    assert mail.subject == "Your login link"
    assert "expires after 20 minutes" in mail.body
