"""System routes: health check, language switch, and the development mailbox."""

from __future__ import annotations

import ipaddress
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import select, text

from ballot.exceptions import NotFound
from ballot.i18n import normalize_locale
from ballot.mail.models import DevMail
from ballot.validators import safe_next
from ballot.web.cookies import LOCALE_COOKIE
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot.web.forms import read_form


@get("/healthz", media_type="application/json", include_in_schema=True, operation_id="health",
     summary="Liveness and database reachability")
async def healthz(db: DB) -> dict[str, str]:
    """Liveness and database reachability, for load balancers and container orchestration."""
    await db.execute(text("SELECT 1"))
    return {"status": "ok"}


@post("/lang")
async def switch_language(request: Request[Any, Any, Any], settings: AppSettings) -> Redirect:
    """Remember the chosen interface language in a cookie and go back to the page."""
    form = await read_form(request)
    locale = normalize_locale(form.get("lang")) or settings.default_locale
    response = Redirect(path=safe_next(form.get("next")), status_code=303)
    response.cookies.append(
        Cookie(
            key=LOCALE_COOKIE,
            value=locale,
            max_age=365 * 86400,
            samesite="lax",
            secure=settings.secure_cookies,
            httponly=True,
        )
    )
    return response


def is_loopback_peer(request: Request[Any, Any, Any]) -> bool:
    """Whether the connection's own peer (not a forwarded address) is this machine (127.0.0.0/8 or ::1)."""
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@get("/dev/mail")
async def dev_mailbox(
    request: Request[Any, Any, Any],
    db: DB,
    settings: AppSettings,
    principal: CurrentPrincipal,
    everyone: FromQuery[bool] = False,
) -> Template:
    """Mail caught in development (no SMTP host set): the logged-in account's own mail, or the latest 50 of all.
    Only in development and only to a loopback peer; 404 otherwise."""
    if not settings.is_development or not is_loopback_peer(request):
        raise NotFound()
    query = select(DevMail).order_by(DevMail.id.desc()).limit(50)
    mine = principal is not None and not everyone
    if principal is not None and mine:
        query = query.where(DevMail.recipient == principal.email)
    messages = (await db.scalars(query)).all()
    return Template(template_name="dev/mail.html", context={"messages": messages, "mine": mine})


routes = [healthz, switch_language, dev_mailbox]
