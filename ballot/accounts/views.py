"""Account pages: log-in (password or emailed link), log-out, password reset, invitations.

The security page under /me/security (password change, sessions, API tokens) lives in ``security_views``.
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlencode

from litestar import Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.types import ControllerRouterHandler

from ballot.accounts import security_views, two_factor_views
from ballot.accounts.invitations import accept_invitation, check_invitation, invite_member
from ballot.accounts.links import LinkInvalid, find_token, login_with_link, request_login_link
from ballot.accounts.login import LoginFailed, login_with_password
from ballot.accounts.models import TokenPurpose
from ballot.accounts.recovery import check_reset_token, request_password_reset, reset_password
from ballot.accounts.sessions import end_session
from ballot.accounts.web import (
    AnyRequest,
    clear_session_cookie,
    client_ip,
    finish_first_factor,
    login_limiter,
    mail_request_limiter,
    page,
    read_fields,
    send_after_response,
)
from ballot.exceptions import RateLimited, ValidationFailed
from ballot.i18n import gettext as _
from ballot.validators import is_email, safe_next
from ballot.web.cookies import SESSION_COOKIE
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot.web.forms import form_int


def _link_sent_notice() -> str:
    return _("If the address is known, a link is on its way. Please check your inbox (and the spam folder).")


def _login_page(status_code: int = 200, **context: Any) -> Response[Any]:
    context.setdefault("next", "/")
    context.setdefault("link_values", {})
    context.setdefault("link_errors", {})
    return page("login", status_code, **context)


@get("/login", name="accounts:login")
async def login_form(
    request: AnyRequest,
    principal: CurrentPrincipal,
    next: FromQuery[str | None] = None,
    sent: FromQuery[str | None] = None,
) -> Response[Any]:
    """The log-in page: password form and "email me a login link" form."""
    target = safe_next(next)
    if principal is not None:
        return Redirect(path=target, status_code=303)
    notice = _link_sent_notice() if sent else None
    if request.query_params.get("logged_out"):
        notice = _("You have been logged out.")
    return _login_page(next=target, notice=notice)


@post("/login")
async def login_submit(request: AnyRequest, db: DB, settings: AppSettings) -> Response[Any]:
    """Log in with a password, or ask for a login link (``method=link``)."""
    form = await read_fields(request, secret_fields=("password",))
    target = safe_next(form.get("next"))
    ip = client_ip(request)
    if form.get("method") == "link":
        email = form.get("link_email", "")
        if not is_email(email):
            link_errors = {"link_email": _("Please enter a valid email address.")}
            return _login_page(422, next=target, link_values={"link_email": email}, link_errors=link_errors)
        mail_request_limiter(request, settings).hit(ip)
        mail = await request_login_link(db, settings, email, next_url=target, ip=ip)
        query = urlencode({"sent": 1, "next": target} if target != "/" else {"sent": 1})
        background = send_after_response(request, settings, mail)
        return Redirect(path=f"/login?{query}", status_code=303, background=background)

    email, password = form.get("email", ""), form.get("password", "")
    values = {"email": email}
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = _("Please enter your email address.")
    if not password:
        errors["password"] = _("Please enter your password.")
    if errors:
        return _login_page(422, next=target, values=values, errors=errors)
    limiter = login_limiter(request, settings)
    limiter.check(ip)
    try:
        account = await login_with_password(db, settings, email, password, ip=ip)
    except LoginFailed as exc:
        with contextlib.suppress(RateLimited):  # over the limit: the next attempt is refused by check()
            limiter.hit(ip)
        return _login_page(422, next=target, values=values, error=exc.message)
    return await finish_first_factor(request, db, settings, account, "password", target)


@get("/login/link/{token:str}")
async def login_link_confirm(db: DB, token: FromPath[str], next: FromQuery[str | None] = None) -> Response[Any]:
    """Ask for a click before using the link up, so that mail scanners fetching links do not burn them."""
    try:
        await find_token(db, token, TokenPurpose.LOGIN)
    except LinkInvalid as exc:
        return page("link_invalid", 404, message=exc.message)
    return page("link_confirm", token=token, next=safe_next(next))


@post("/login/link/{token:str}")
async def login_link_submit(request: AnyRequest, db: DB, settings: AppSettings, token: FromPath[str]) -> Response[Any]:
    """Use the link up and log in."""
    form = await read_fields(request)
    try:
        account = await login_with_link(db, token)
    except LinkInvalid as exc:
        return page("link_invalid", 404, message=exc.message)
    return await finish_first_factor(request, db, settings, account, "link", safe_next(form.get("next")))


@post("/logout")
async def logout(request: AnyRequest, db: DB) -> Response[Any]:
    """End this session and forget the cookie."""
    await end_session(db, request.cookies.get(SESSION_COOKIE))
    return clear_session_cookie(Redirect(path="/login?logged_out=1", status_code=303))


@get("/password/forgot")
async def forgot_form(sent: FromQuery[str | None] = None) -> Response[Any]:
    """Ask for a reset link."""
    return page("forgot", notice=_link_sent_notice() if sent else None)


@post("/password/forgot")
async def forgot_submit(request: AnyRequest, db: DB, settings: AppSettings) -> Response[Any]:
    """Send a reset link when the address is known; the answer is the same either way."""
    form = await read_fields(request)
    email = form.get("email", "")
    if not is_email(email):
        errors = {"email": _("Please enter a valid email address.")}
        return page("forgot", 422, values={"email": email}, errors=errors)
    ip = client_ip(request)
    mail_request_limiter(request, settings).hit(ip)
    mail = await request_password_reset(db, settings, email, ip=ip)
    return Redirect(
        path="/password/forgot?sent=1", status_code=303, background=send_after_response(request, settings, mail)
    )


@get("/password/reset/{token:str}")
async def reset_form(db: DB, token: FromPath[str]) -> Response[Any]:
    """Choose a new password (the link stays valid until the form is sent)."""
    try:
        await check_reset_token(db, token)
    except LinkInvalid as exc:
        return page("link_invalid", 404, message=exc.message)
    return page("reset", token=token)


@post("/password/reset/{token:str}")
async def reset_submit(request: AnyRequest, db: DB, settings: AppSettings, token: FromPath[str]) -> Response[Any]:
    """Set the new password, end every session, and log in here (after the second step, if the account has one)."""
    form = await read_fields(request, secret_fields=("password", "confirm"))
    try:
        account = await reset_password(
            db, settings, token, form.get("password", ""), form.get("confirm", ""), ip=client_ip(request)
        )
    except LinkInvalid as exc:
        return page("link_invalid", 404, message=exc.message)
    except ValidationFailed as exc:
        return page("reset", 422, token=token, errors=exc.errors)
    return await finish_first_factor(request, db, settings, account, "reset", "/me/security?done=reset")


@post("/invitations")
async def invite_submit(
    request: AnyRequest, db: DB, settings: AppSettings, principal: CurrentPrincipal
) -> Response[Any]:
    """Invite a member (form fields ``member_id`` and ``next``); the service checks the permission."""
    form = await read_fields(request)
    member_id = form_int(form, "member_id", low=1)
    if member_id is None:
        raise ValidationFailed({"member_id": _("Unknown member.")})
    await invite_member(db, settings, principal, member_id)
    target = safe_next(form.get("next"))
    separator = "&" if "?" in target else "?"
    return Redirect(path=f"{target}{separator}invited={member_id}", status_code=303)


@get("/invite/{token:str}")
async def invite_form(db: DB, token: FromPath[str]) -> Response[Any]:
    """Accept an invitation: choose a password."""
    try:
        invitation = await check_invitation(db, token)
    except LinkInvalid as exc:
        return page("link_invalid", 404, message=exc.message)
    return page("invite", token=token, invitation=invitation)


@post("/invite/{token:str}")
async def invite_accept(request: AnyRequest, db: DB, settings: AppSettings, token: FromPath[str]) -> Response[Any]:
    """Create the account, then log in."""
    form = await read_fields(request, secret_fields=("password", "confirm"))
    try:
        invitation = await check_invitation(db, token)
        account = await accept_invitation(
            db, settings, token, form.get("password", ""), form.get("confirm", ""), ip=client_ip(request)
        )
    except LinkInvalid as exc:
        return page("link_invalid", 404, message=exc.message)
    except ValidationFailed as exc:
        return page("invite", 422, token=token, invitation=invitation, errors=exc.errors)
    return await finish_first_factor(request, db, settings, account, "invite", "/")


routes: list[ControllerRouterHandler] = [
    login_form,
    login_submit,
    login_link_confirm,
    login_link_submit,
    logout,
    forgot_form,
    forgot_submit,
    reset_form,
    reset_submit,
    invite_submit,
    invite_form,
    invite_accept,
    *security_views.routes,
    *two_factor_views.routes,
]
