"""Two-factor log-in (issue 12): the second step after a password or a login link, enrolment on the security page and
during log-in for board / committee / admin accounts, recovery codes, replay and drift, the lock-out, turning off."""

from __future__ import annotations

import dataclasses
import re

import pyotp
from sqlalchemy import func, select

from ballot.accounts.models import AuthSession, PendingLogin, RecoveryCode, TotpSecret
from ballot.accounts.totp import SecretUnreadable, current_step, matching_step, open_secret, seal_secret
from ballot.audit.models import AuditEvent
from ballot.authz.models import Role
from ballot.settings import load_settings
from ballot.web.cookies import SESSION_COOKIE
from tests.accounts.conftest import last_mail, link_in, post_form, reload
from tests.factories import PASSWORD

PENDING = "ballot_pending"


def code(secret: str, offset: int = 0) -> str:
    """The TOTP code of the step ``offset`` steps from now."""
    return pyotp.TOTP(secret).generate_otp(current_step() + offset)


async def _password(client, email, next_url="/"):  # type: ignore[no-untyped-def]
    return await post_form(
        client, "/login", {"method": "password", "email": email, "password": PASSWORD, "next": next_url}
    )


async def _sessions(db, account) -> int:  # type: ignore[no-untyped-def]
    return int(await db.scalar(select(func.count(AuthSession.id)).where(AuthSession.account_id == account.id)) or 0)


async def _codes_from(page_text: str) -> list[str]:
    return re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", page_text)


async def test_password_then_code_and_the_pending_state_has_no_rights(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    secret = await factory.enrol_totp(account)
    await factory.commit()

    first = await _password(english, account.email, "/units")
    assert first.status_code == 303 and first.headers["location"] == "/login/two-factor"
    assert english.cookies.get(SESSION_COOKIE) is None and await _sessions(db, account) == 0
    pending_cookie = english.cookies.get(PENDING)
    assert pending_cookie
    assert await db.scalar(select(PendingLogin.token_hash)) != pending_cookie  # stored hashed
    blocked = await english.get("/me/security", follow_redirects=False)
    assert blocked.status_code in {302, 303} and blocked.headers["location"].startswith("/login")
    form = await english.get("/login/two-factor")
    assert form.status_code == 200 and 'autocomplete="one-time-code"' in form.text

    done = await post_form(english, "/login/two-factor", {"code": code(secret, 1)})
    assert done.status_code == 303 and done.headers["location"] == "/units"
    assert english.cookies.get(SESSION_COOKIE) and await _sessions(db, account) == 1
    assert (await english.get("/me/security")).status_code == 200
    assert await db.scalar(select(func.count(PendingLogin.id))) == 0
    methods = [
        e.data.get("method") for e in (await db.scalars(select(AuditEvent))).all() if e.tag == "accounts:login:success"
    ]
    assert methods == ["password+totp"]


async def test_replayed_code_is_refused_and_counts_toward_the_lock_out(english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    secret = await factory.enrol_totp(account)
    await factory.commit()
    used = code(secret, 1)
    await _password(english, account.email)
    assert (await post_form(english, "/login/two-factor", {"code": used})).status_code == 303

    english.cookies.clear()
    english.cookies.set("lang", "en")
    await _password(english, account.email)
    replay = await post_form(english, "/login/two-factor", {"code": used})
    assert replay.status_code == 422 and "already been used" in replay.text
    older = await post_form(english, "/login/two-factor", {"code": code(secret, 0)})
    assert older.status_code == 422  # a step before the accepted one is refused too
    assert (await reload(db, account)).failed_logins == 2
    reasons = [
        e.data.get("reason") for e in (await db.scalars(select(AuditEvent))).all() if e.tag == "accounts:login:failure"
    ]
    assert reasons == ["second_factor", "second_factor"]


async def test_wrong_codes_lock_the_account_and_end_the_pending_log_in(english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    secret = await factory.enrol_totp(account)
    await factory.commit()
    await _password(english, account.email)
    for wrong in ["000000", "12345", "abcdef", "", "9" * 400]:
        response = await post_form(english, "/login/two-factor", {"code": wrong})
        assert response.status_code in {404, 422}
    assert (await reload(db, account)).locked_until is not None  # max_failures = 5
    late = await post_form(english, "/login/two-factor", {"code": code(secret, 1)})
    assert late.status_code == 404 and SESSION_COOKIE not in late.headers.get("set-cookie", "")
    english.cookies.clear()
    english.cookies.set("lang", "en")
    again = await _password(english, account.email)
    assert again.status_code == 422  # locked: the password step refuses as well


async def test_drift_of_one_step_either_way_but_not_two() -> None:
    secret = pyotp.random_base32()
    now = 1_800_000_015.0
    step = int(now // 30)
    totp = pyotp.TOTP(secret)
    for offset in (-1, 0, 1):
        assert matching_step(secret, totp.generate_otp(step + offset), after=None, now=now) == step + offset
    for offset in (-2, 2):
        assert matching_step(secret, totp.generate_otp(step + offset), after=None, now=now) is None
    assert matching_step(secret, totp.generate_otp(step), after=step, now=now) is None
    assert matching_step(secret, " ".join(totp.generate_otp(step)), after=None, now=now) == step
    assert matching_step(secret, "١٢٣٤٥٦", after=None, now=now) is None  # non-ASCII digits


async def test_enrol_on_the_security_page_with_recovery_codes(english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.login(english, account)
    page = await english.get("/me/security")
    assert 'href="/me/security/two-factor"' in page.text
    enrol = await english.get("/me/security/two-factor")
    assert enrol.status_code == 200 and "<svg" in enrol.text
    shown = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', enrol.text)
    assert shown
    secret = shown.group(1).replace(" ", "")
    assert len(secret) == 32
    row = await db.scalar(select(TotpSecret))
    assert row is not None and row.confirmed_at is None and secret.encode() not in row.secret_box

    wrong = await post_form(english, "/me/security/two-factor", {"code": "000000" if code(secret) != "000000" else "1"})
    assert wrong.status_code == 422 and 'href="#f-code"' in wrong.text
    done = await post_form(english, "/me/security/two-factor", {"code": code(secret)})
    assert done.status_code == 200
    codes = await _codes_from(done.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    hashes = (await db.scalars(select(RecoveryCode.code_hash))).all()
    assert len(hashes) == 10 and not set(codes) & set(hashes)
    text = " ".join(str(e.data) for e in (await db.scalars(select(AuditEvent))).all())
    assert secret not in text and not any(c in text for c in codes)
    tags = (await db.scalars(select(AuditEvent.tag))).all()
    assert "accounts:totp:enrolled" in tags
    assert "unused recovery codes" in (await english.get("/me/security")).text

    english.cookies.clear()
    english.cookies.set("lang", "en")
    await _password(english, account.email)
    first = await post_form(english, "/login/two-factor", {"code": codes[0].upper().replace("-", " ")})
    assert first.status_code == 303
    english.cookies.clear()
    english.cookies.set("lang", "en")
    await _password(english, account.email)
    reused = await post_form(english, "/login/two-factor", {"code": codes[0]})
    assert reused.status_code == 422


async def test_regenerate_codes_and_turn_off(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    secret = await factory.enrol_totp(account)
    await factory.login(english, account)
    first = await post_form(
        english, "/me/security/two-factor/recovery-codes", {"regenerate_code": code(secret)}, csrf_from="/me/security"
    )
    old = await _codes_from(first.text)
    refused = await post_form(english, "/me/security/two-factor/recovery-codes", {"regenerate_code": "nonsense"})
    assert refused.status_code == 422
    second = await post_form(english, "/me/security/two-factor/recovery-codes", {"regenerate_code": code(secret, 1)})
    new = await _codes_from(second.text)
    assert len(old) == len(new) == 10 and not set(old) & set(new)

    bad_password = await post_form(
        english, "/me/security/two-factor/off", {"disable_password": "wrong one here", "disable_code": old[0]}
    )
    assert bad_password.status_code == 422
    stale = await post_form(
        english, "/me/security/two-factor/off", {"disable_password": PASSWORD, "disable_code": old[0]}
    )
    assert stale.status_code == 422  # the old codes stopped working
    off = await post_form(
        english, "/me/security/two-factor/off", {"disable_password": PASSWORD, "disable_code": new[0]}
    )
    assert off.status_code == 303
    assert await db.scalar(select(func.count(TotpSecret.account_id))) == 0
    assert await db.scalar(select(func.count(RecoveryCode.id))) == 0
    assert (await reload(db, account)).failed_logins == 0  # wrong entries on the security page never lock out
    tags = (await db.scalars(select(AuditEvent.tag))).all()
    assert "accounts:recovery_codes:regenerated" in tags and "accounts:totp:disabled" in tags


async def test_board_account_must_enrol_before_it_gets_a_session(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    board = await factory.account(await factory.member(tree.local_a), roles=[(Role.BOARD, tree.board)])
    await factory.commit()
    first = await _password(english, board.email, "/units")
    assert first.status_code == 303 and first.headers["location"] == "/login/two-factor/enrol"
    assert await _sessions(db, board) == 0
    assert english.cookies.get(SESSION_COOKIE) is None
    verify = await english.get("/login/two-factor", follow_redirects=False)
    assert verify.status_code == 200  # the pending log-in exists, but the code form cannot skip enrolment:
    assert (await post_form(english, "/login/two-factor", {"code": "123456"})).status_code == 422
    page = await english.get("/login/two-factor/enrol")
    assert page.status_code == 200 and "holds a board, election committee or administrator role" in page.text
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")  # type: ignore[union-attr]
    done = await post_form(english, "/login/two-factor/enrol", {"code": code(secret)})
    assert done.status_code == 200 and len(await _codes_from(done.text)) == 10
    assert english.cookies.get(SESSION_COOKIE) and await _sessions(db, board) == 1
    assert 'href="/units"' in done.text
    security = await english.get("/me/security")
    assert "cannot be turned off" in security.text
    off = await post_form(
        english, "/me/security/two-factor/off", {"disable_password": PASSWORD, "disable_code": code(secret, 1)}
    )
    assert off.status_code == 409 and await db.scalar(select(func.count(TotpSecret.account_id))) == 1


async def test_login_link_also_needs_the_second_step(english, db, factory) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    secret = await factory.enrol_totp(account)
    await factory.commit()
    await post_form(english, "/login", {"method": "link", "link_email": account.email})
    mail = await last_mail(db, account.email)
    assert mail is not None
    used = await post_form(english, link_in(mail, "/login/link/"), {})
    assert used.status_code == 303 and used.headers["location"] == "/login/two-factor"
    assert await _sessions(db, account) == 0
    done = await post_form(english, "/login/two-factor", {"code": code(secret, 1)})
    assert done.status_code == 303 and await _sessions(db, account) == 1


async def test_setting_off_lets_board_log_in_without_two_factor(app, english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = dataclasses.replace(
        settings, login=dataclasses.replace(settings.login, require_two_factor=False)
    )
    tree = await factory.tree()
    admin = await factory.account(roles=[(Role.ADMIN, tree.federal)])
    await factory.commit()
    response = await _password(english, admin.email)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert await _sessions(db, admin) == 1


async def test_second_step_without_or_with_a_bogus_pending_cookie(english) -> None:  # type: ignore[no-untyped-def]
    assert (await english.get("/login/two-factor")).status_code == 404
    assert (await english.get("/login/two-factor/enrol")).status_code == 404
    english.cookies.set(PENDING, "x" * 5000, path="/login/two-factor")
    assert (await post_form(english, "/login/two-factor", {"code": "123456"})).status_code == 404
    assert (await post_form(english, "/login/two-factor/enrol", {"code": "123456"})).status_code == 404


async def test_wrong_current_passwords_are_limited_but_never_lock_out(english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    await factory.login(english, account)
    data = {"current_password": "not it at all", "new_password": "brand new secret", "confirm": "brand new secret"}
    statuses = [
        (await post_form(english, "/me/security/password", data, csrf_from="/me/security")).status_code
        for _ in range(settings.login.max_failures + 2)
    ]
    assert statuses[: settings.login.max_failures] == [422] * settings.login.max_failures
    assert statuses[settings.login.max_failures :] == [429, 429]
    limited = await post_form(english, "/me/security/password", {**data, "current_password": PASSWORD})
    assert limited.status_code == 429 and "Logging in is not affected" in limited.text
    stored = await reload(db, account)
    assert stored.failed_logins == 0 and stored.locked_until is None
    english.cookies.clear()
    english.cookies.set("lang", "en")
    login = await _password(english, account.email)
    assert login.status_code == 303 and login.headers["location"] == "/"


async def test_secret_is_sealed_with_a_key_from_the_secret_key() -> None:
    sealed = seal_secret("k" * 64, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert b"JBSWY3DP" not in sealed and len(sealed) == 24 + 16 + 32
    assert open_secret("k" * 64, sealed) == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    for broken in (
        lambda: open_secret("other" * 13, sealed),
        lambda: open_secret("k" * 64, sealed[:-1] + b"x"),
        lambda: open_secret("k" * 64, b"short"),
    ):
        try:
            broken()
        except SecretUnreadable:
            continue
        raise AssertionError("a wrong key or a damaged box must not open")


def test_requirement_setting_defaults_on_and_reads_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("BALLOT_REQUIRE_TWO_FACTOR", raising=False)
    assert load_settings().login.require_two_factor is True
    monkeypatch.setenv("BALLOT_REQUIRE_TWO_FACTOR", "0")
    assert load_settings().login.require_two_factor is False


async def test_changed_secret_key_refuses_codes_without_an_error_page(app, english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    account = await factory.account()
    secret = await factory.enrol_totp(account)
    await factory.commit()
    app.state.settings = dataclasses.replace(settings, secret_key="another-" + "1" * 56)
    await _password(english, account.email, "/" + "x" * 600)
    response = await post_form(english, "/login/two-factor", {"code": code(secret, 1)})
    assert response.status_code == 422
    assert "accounts:totp:unreadable" in (await db.scalars(select(AuditEvent.tag))).all()
    assert await db.scalar(select(PendingLogin.next_url)) == "/"  # too long for the column: the start page


async def test_a_session_without_the_required_second_factor_has_no_rights(app, english, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    account = await factory.account()
    await factory.login(english, account)  # a plain member's session ...
    assert (await english.get("/me/security")).status_code == 200
    await factory.grant(account, Role.ELECTION_COMMITTEE, tree.federal)  # ... given a committee grant meanwhile
    await factory.commit()
    blocked = await english.get("/me/security", follow_redirects=False)
    assert blocked.status_code in {302, 303} and blocked.headers["location"].startswith("/login")
    app.state.settings = dataclasses.replace(
        settings, login=dataclasses.replace(settings.login, require_two_factor=False)
    )
    assert (await english.get("/me/security")).status_code == 200  # the setting turns the requirement off
    app.state.settings = settings
    await factory.enrol_totp(account)
    await factory.commit()
    assert (await english.get("/me/security")).status_code == 200
