"""Helpers shared by the account pages: the session cookie, the client address, rate limiters, form reading."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.accounts.sessions import create_session, end_session
from ballot.accounts.two_factor import PENDING_MINUTES, NextStep, after_first_factor
from ballot.mail.mailer import OutgoingMail, deliver_in_background
from ballot.ratelimit import RateLimiter
from ballot.settings import Settings
from ballot.web.cookies import SESSION_COOKIE
from ballot.web.forms import read_form
from ballot.web.ratelimit import get_limiter

AnyRequest = Request[Any, Any, Any]
PENDING_COOKIE = "ballot_pending"
PENDING_PATH = "/login/two-factor"


def client_ip(request: AnyRequest) -> str:
    """The client's address (uvicorn puts the proxy's X-Forwarded-For here when the proxy is trusted)."""
    return request.client.host if request.client else "unknown"


def login_limiter(request: AnyRequest, settings: Settings) -> RateLimiter:
    """Failed password log-ins per client address and minute (in-process; the lock-out is the shared part)."""
    return get_limiter(request.app.state, "login-ip", settings.login.per_ip_per_minute, 60)


def mail_request_limiter(request: AnyRequest, settings: Settings) -> RateLimiter:
    """Requests for login or reset links per client address and minute."""
    return get_limiter(request.app.state, "mail-ip", settings.login.per_ip_per_minute, 60)


def session_cookie(settings: Settings, token: str) -> Cookie:
    """The session cookie: HttpOnly, SameSite=Lax, Secure behind TLS, for the whole site."""
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        max_age=settings.login.session_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


def logged_in_redirect(settings: Settings, token: str, target: str) -> Redirect:
    """303 to ``target`` with a fresh session cookie."""
    response = Redirect(path=target, status_code=303)
    response.set_cookie(session_cookie(settings, token))
    return response


def pending_cookie(settings: Settings, token: str) -> Cookie:
    """The cookie of a pending log-in (second step open): sent only to the second-step pages."""
    return Cookie(
        key=PENDING_COOKIE,
        value=token,
        max_age=PENDING_MINUTES * 60,
        path=PENDING_PATH,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


async def start_session(
    request: AnyRequest, session: AsyncSession, settings: Settings, account_id: int, target: str
) -> Redirect:
    """End any session from before the log-in, start a new one, and go to ``target``."""
    await end_session(session, request.cookies.get(SESSION_COOKIE))  # never keep a session id from before
    token = await create_session(session, settings, account_id)
    response = logged_in_redirect(settings, token, target)
    response.delete_cookie(PENDING_COOKIE, path=PENDING_PATH)
    return response


async def finish_first_factor(
    request: AnyRequest, session: AsyncSession, settings: Settings, account: Account, method: str, target: str
) -> Redirect:
    """After a password, link, reset or invitation: a session, or the second step (code or enrolment) first."""
    result = await after_first_factor(session, settings, account, method, target, ip=client_ip(request))
    if result.step is NextStep.DONE or result.pending_token is None:
        return await start_session(request, session, settings, account.id, target)
    path = PENDING_PATH if result.step is NextStep.VERIFY else f"{PENDING_PATH}/enrol"
    response = Redirect(path=path, status_code=303)
    response.set_cookie(pending_cookie(settings, result.pending_token))
    return response


def clear_session_cookie(response: Response[Any]) -> Response[Any]:
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def send_after_response(request: AnyRequest, settings: Settings, mail: OutgoingMail | None) -> BackgroundTask:
    """A background task that sends ``mail`` (or nothing) after the response, with its own database session."""
    mails = [mail] if mail is not None else []
    return BackgroundTask(deliver_in_background, request.app.state.db_factory, settings, mails)


async def read_fields(request: AnyRequest, secret_fields: tuple[str, ...] = ()) -> dict[str, str]:
    """Form values; ordinary fields are stripped of blanks, ``secret_fields`` (passwords) are kept exactly.
    Control characters were refused when the form was read (422 naming the field)."""
    return await read_form(request, secret_fields)


def page(name: str, status_code: int = 200, **context: Any) -> Template:
    """Render ``templates/accounts/<name>.html``."""
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return Template(template_name=f"accounts/{name}.html", context=context, status_code=status_code)
