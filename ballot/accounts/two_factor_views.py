"""Two-factor pages: the second log-in step (/login/two-factor), enrolment during log-in for accounts that must
have it, and set-up, new recovery codes and turning off on the security page (/me/security/two-factor)."""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import Response, get, post
from litestar.response import Redirect
from litestar.types import ControllerRouterHandler

from ballot.accounts.models import Account
from ballot.accounts.reauth import ensure_attempts_left, note_wrong_entry
from ballot.accounts.security_views import PATH, require_login, security_page_response
from ballot.accounts.totp import provisioning_uri, qr_code_svg
from ballot.accounts.two_factor import (
    PendingExpired,
    SecondStepFailed,
    complete_enrolment,
    complete_second_step,
    confirm_enrolment,
    enrolment_secret,
    find_pending,
    issuer,
    regenerate_recovery_codes,
    turn_off,
)
from ballot.accounts.web import (
    PENDING_COOKIE,
    PENDING_PATH,
    AnyRequest,
    client_ip,
    login_limiter,
    page,
    read_fields,
    start_session,
)
from ballot.authz.principal import Principal
from ballot.exceptions import BallotError, Conflict, RateLimited, ValidationFailed
from ballot.i18n import gettext as _
from ballot.settings import Settings
from ballot.web.deps import DB, AppSettings, CurrentPrincipal

SECURITY_2FA = f"{PATH}/two-factor"


def _expired_page(exc: PendingExpired) -> Response[Any]:
    return page("link_invalid", 404, message=exc.message)


def _enrol_context(settings: Settings, email: str, secret: str, action: str) -> dict[str, Any]:
    uri = provisioning_uri(secret, email, issuer(settings))
    return {
        "qr": qr_code_svg(uri, _("QR code for your authenticator app")),
        "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "action": action,
    }


@get(PENDING_PATH)
async def second_step_form(request: AnyRequest, db: DB) -> Response[Any]:
    """Ask for the code from the authenticator app (or a recovery code)."""
    try:
        await find_pending(db, request.cookies.get(PENDING_COOKIE))
    except PendingExpired as exc:
        return _expired_page(exc)
    return page("two_factor_verify")


@post(PENDING_PATH)
async def second_step_submit(request: AnyRequest, db: DB, settings: AppSettings) -> Response[Any]:
    """Check the code; start the session on success."""
    form = await read_fields(request)
    ip = client_ip(request)
    limiter = login_limiter(request, settings)
    limiter.check(ip)
    try:
        account, target = await complete_second_step(
            db, settings, request.cookies.get(PENDING_COOKIE), form.get("code", ""), ip=ip
        )
    except PendingExpired as exc:
        return _expired_page(exc)
    except SecondStepFailed as exc:
        with contextlib.suppress(RateLimited):
            limiter.hit(ip)
        return page("two_factor_verify", 422, errors={"code": exc.message})
    return await start_session(request, db, settings, account.id, target)


@get(f"{PENDING_PATH}/enrol")
async def login_enrol_form(request: AnyRequest, db: DB, settings: AppSettings) -> Response[Any]:
    """Set up TOTP before the first session of an account whose role requires it."""
    try:
        _pending, account = await find_pending(db, request.cookies.get(PENDING_COOKIE))
        secret = await enrolment_secret(db, settings, account.id)
    except PendingExpired as exc:
        return _expired_page(exc)
    except Conflict:
        return Redirect(path=PENDING_PATH, status_code=303)
    return page("two_factor_enrol", required=True, **_enrol_context(settings, account.email, secret, request.url.path))


@post(f"{PENDING_PATH}/enrol")
async def login_enrol_submit(request: AnyRequest, db: DB, settings: AppSettings) -> Response[Any]:
    """Confirm the set-up with a code, start the session and show the recovery codes once."""
    form = await read_fields(request)
    token = request.cookies.get(PENDING_COOKIE)
    try:
        account, target, codes = await complete_enrolment(
            db, settings, token, form.get("code", ""), ip=client_ip(request)
        )
    except PendingExpired as exc:
        return _expired_page(exc)
    except Conflict:
        return Redirect(path=request.url.path, status_code=303)
    except ValidationFailed as exc:
        try:
            _pending, account = await find_pending(db, token)
            secret = await enrolment_secret(db, settings, account.id)
        except PendingExpired as expired:
            return _expired_page(expired)
        context = _enrol_context(settings, account.email, secret, request.url.path)
        return page("two_factor_enrol", 422, required=True, errors=exc.errors, **context)
    response = await start_session(request, db, settings, account.id, target)
    shown = page("recovery_codes", codes=codes, continue_to=target)
    shown.cookies.extend(response.cookies)
    return shown


@get(SECURITY_2FA)
async def security_enrol_form(
    request: AnyRequest, db: DB, settings: AppSettings, principal: CurrentPrincipal
) -> Response[Any]:
    """Set up TOTP from the security page."""
    user = require_login(principal)
    try:
        secret = await enrolment_secret(db, settings, user.account_id)
    except Conflict:
        return Redirect(path=PATH, status_code=303)
    return page("two_factor_enrol", required=False, **_enrol_context(settings, user.email, secret, SECURITY_2FA))


@post(SECURITY_2FA)
async def security_enrol_submit(
    request: AnyRequest, db: DB, settings: AppSettings, principal: CurrentPrincipal
) -> Response[Any]:
    """Confirm the set-up with a code and show the recovery codes once."""
    user = require_login(principal)
    form = await read_fields(request)
    try:
        await ensure_attempts_left(db, settings, user.account_id)
        codes = await confirm_enrolment(db, settings, user.account_id, form.get("code", ""), ip=client_ip(request))
    except Conflict:
        return Redirect(path=PATH, status_code=303)
    except (ValidationFailed, RateLimited) as exc:
        if isinstance(exc, ValidationFailed):
            await note_wrong_entry(db, user.account_id, "totp_enrol", ip=client_ip(request))
        errors = exc.errors if isinstance(exc, ValidationFailed) else {"code": exc.message}
        secret = await enrolment_secret(db, settings, user.account_id)
        context = _enrol_context(settings, user.email, secret, SECURITY_2FA)
        return page("two_factor_enrol", exc.status_code, required=False, errors=errors, **context)
    return page("recovery_codes", codes=codes, continue_to=PATH)


async def _security_error(
    request: AnyRequest, db: DB, settings: Settings, user: Principal, exc: BallotError, field: str
) -> Response[Any]:
    errors = exc.errors if isinstance(exc, ValidationFailed) else {field: exc.message}
    return await security_page_response(request, db, settings, user, exc.status_code, totp_errors=errors)


@post(f"{SECURITY_2FA}/recovery-codes")
async def recovery_codes_regenerate(
    request: AnyRequest, db: DB, settings: AppSettings, principal: CurrentPrincipal
) -> Response[Any]:
    """New recovery codes after a current TOTP code; the old ones stop working."""
    user = require_login(principal)
    form = await read_fields(request)
    try:
        codes = await regenerate_recovery_codes(
            db, settings, user.account_id, form.get("regenerate_code", ""), ip=client_ip(request)
        )
    except BallotError as exc:
        return await _security_error(request, db, settings, user, exc, "regenerate_code")
    return page("recovery_codes", codes=codes, continue_to=PATH)


@post(f"{SECURITY_2FA}/off")
async def two_factor_off(
    request: AnyRequest, db: DB, settings: AppSettings, principal: CurrentPrincipal
) -> Response[Any]:
    """Turn TOTP off with the password and a code; refused while a role requires it."""
    user = require_login(principal)
    form = await read_fields(request, secret_fields=("disable_password",))
    account = await db.get_one(Account, user.account_id)
    try:
        await turn_off(
            db, settings, account, form.get("disable_password", ""), form.get("disable_code", ""), ip=client_ip(request)
        )
    except BallotError as exc:
        return await _security_error(request, db, settings, user, exc, "disable_code")
    return Redirect(path=f"{PATH}?done=totp_off", status_code=303)


routes: list[ControllerRouterHandler] = [
    second_step_form,
    second_step_submit,
    login_enrol_form,
    login_enrol_submit,
    security_enrol_form,
    security_enrol_submit,
    recovery_codes_regenerate,
    two_factor_off,
]
