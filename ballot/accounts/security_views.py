"""The security page under /me/security: change the password, see and end sessions, manage API tokens.

Two-factor log-in on this page (set up, new recovery codes, turn off) lives in ``two_factor_views``."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.types import ControllerRouterHandler

from ballot.accounts.api_tokens import create_api_token, list_api_tokens, revoke_api_token
from ballot.accounts.recovery import change_password
from ballot.accounts.sessions import end_all_sessions, end_session_by_id, list_sessions
from ballot.accounts.tokens import hash_token
from ballot.accounts.two_factor import confirmed_totp, is_required, unused_recovery_codes
from ballot.accounts.web import AnyRequest, clear_session_cookie, client_ip, page, read_fields
from ballot.authz.principal import Principal
from ballot.exceptions import BallotError, NotAuthenticated, RateLimited, ValidationFailed
from ballot.i18n import gettext as _
from ballot.web.cookies import SESSION_COOKIE
from ballot.web.deps import DB, AppSettings, CurrentPrincipal

PATH = "/me/security"


def require_login(principal: Principal | None) -> Principal:
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    return principal


def _notice(done: str | None) -> str | None:
    return {
        "password": _("Your password has been changed. Your other sessions have been ended."),
        "reset": _("Your new password is set. All other sessions have been ended."),
        "session": _("The session has been ended."),
        "revoked": _("The token has been revoked."),
        "totp_off": _("Two-factor log-in is off."),
    }.get(done or "")


async def security_page_response(
    request: AnyRequest, db: DB, settings: AppSettings, principal: Principal, status_code: int = 200, **context: Any
) -> Response[Any]:
    """The security page with ``context`` (errors of one of its forms, a notice)."""
    context.setdefault("token_errors", {})
    context.setdefault("token_values", {})
    context.setdefault("totp_errors", {})
    return page(
        "security",
        status_code,
        totp_on=await confirmed_totp(db, principal.account_id) is not None,
        totp_required=await is_required(db, settings, principal.account_id),
        recovery_codes_left=await unused_recovery_codes(db, principal.account_id),
        sessions=await list_sessions(db, principal.account_id),
        current_hash=_cookie_hash(request),
        tokens=await list_api_tokens(db, principal.account_id),
        **context,
    )


@get(PATH)
async def security_page(
    request: AnyRequest, db: DB, settings: AppSettings, principal: CurrentPrincipal, done: FromQuery[str | None] = None
) -> Response[Any]:
    """Password, two-factor log-in, sessions and API tokens of the logged-in account."""
    return await security_page_response(request, db, settings, require_login(principal), notice=_notice(done))


@post(f"{PATH}/password")
async def password_change(
    request: AnyRequest, db: DB, settings: AppSettings, principal: CurrentPrincipal
) -> Response[Any]:
    """Change the password (current one required); other sessions end."""
    user = require_login(principal)
    form = await read_fields(request, secret_fields=("current_password", "new_password", "confirm"))
    try:
        await change_password(
            db,
            settings,
            user.account_id,
            form.get("current_password", ""),
            form.get("new_password", ""),
            form.get("confirm", ""),
            keep_session=request.cookies.get(SESSION_COOKIE),
            ip=client_ip(request),
        )
    except ValidationFailed as exc:
        return await security_page_response(request, db, settings, user, 422, errors=exc.errors)
    except RateLimited as exc:
        errors = {"current_password": exc.message}
        return await security_page_response(request, db, settings, user, 429, errors=errors)
    return Redirect(path=f"{PATH}?done=password", status_code=303)


@post(f"{PATH}/sessions/end-all")
async def sessions_end_all(request: AnyRequest, db: DB, principal: CurrentPrincipal) -> Response[Any]:
    """Log out everywhere, this browser included."""
    user = require_login(principal)
    await end_all_sessions(db, user.account_id)
    return clear_session_cookie(Redirect(path="/login?logged_out=1", status_code=303))


@post(f"{PATH}/sessions/{{session_id:int}}/end")
async def session_end(
    request: AnyRequest, db: DB, principal: CurrentPrincipal, session_id: FromPath[int]
) -> Response[Any]:
    """End one session (another device, typically)."""
    user = require_login(principal)
    own = {s.id: s.token_hash for s in await list_sessions(db, user.account_id)}
    await end_session_by_id(db, user.account_id, session_id)
    if own.get(session_id) == _cookie_hash(request):
        return clear_session_cookie(Redirect(path="/login?logged_out=1", status_code=303))
    return Redirect(path=f"{PATH}?done=session", status_code=303)


def _cookie_hash(request: AnyRequest) -> str:
    cookie = request.cookies.get(SESSION_COOKIE)
    return hash_token(cookie) if cookie else ""


@post(f"{PATH}/tokens")
async def token_create(
    request: AnyRequest, db: DB, settings: AppSettings, principal: CurrentPrincipal
) -> Response[Any]:
    """Create an API token and show it this once (no redirect: the token must not travel in a URL)."""
    user = require_login(principal)
    form = await read_fields(request)
    try:
        row, token = await create_api_token(db, user.account_id, form.get("name", ""))
    except ValidationFailed as exc:
        return await security_page_response(
            request, db, settings, user, 422, token_errors=exc.errors, token_values=form
        )
    except BallotError as exc:
        return await security_page_response(request, db, settings, user, exc.status_code, error=exc.message)
    return page("token_created", 201, token=token, row=row)


@post(f"{PATH}/tokens/{{token_id:int}}/revoke")
async def token_revoke(db: DB, principal: CurrentPrincipal, token_id: FromPath[int]) -> Response[Any]:
    """Revoke one of the account's tokens."""
    user = require_login(principal)
    await revoke_api_token(db, token_id, account_id=user.account_id)
    return Redirect(path=f"{PATH}?done=revoked", status_code=303)


routes: list[ControllerRouterHandler] = [
    security_page,
    password_change,
    sessions_end_all,
    session_end,
    token_create,
    token_revoke,
]
