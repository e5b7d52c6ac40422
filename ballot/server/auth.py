"""Authentication middleware: puts the acting :class:`Principal` (or None) into ``scope["user"]``
and picks the request's locale. Browsers use the session cookie; scripts an API bearer token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ballot.accounts.models import Account, ApiToken, AuthSession
from ballot.accounts.tokens import hash_token
from ballot.accounts.two_factor import lacks_required_second_factor
from ballot.authz.loader import account_query, load_principal, principal_of
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.i18n import DEFAULT_LOCALE, normalize_locale, set_locale
from ballot.settings import Settings
from ballot.web.cookies import LOCALE_COOKIE, SESSION_COOKIE

_TOUCH_INTERVAL = timedelta(minutes=5)


async def principal_from_session_cookie(
    session: AsyncSession, token: str, settings: Settings | None = None
) -> Principal | None:
    """The principal of a valid, unexpired session token (the session and its account in one query).

    None as well when two-factor log-in is required for the account's roles and it has none (a grant given during
    the session, or a session from before the requirement): the next log-in leads through enrolment."""
    now = utcnow()
    row = (await session.execute(account_query().add_columns(AuthSession.id, AuthSession.expires_at,
                                                              AuthSession.last_seen_at)
                                 .join(AuthSession, AuthSession.account_id == Account.id)
                                 .where(AuthSession.token_hash == hash_token(token)))).first()
    if row is None:
        return None
    account, home_path, session_id, expires_at, last_seen_at = row
    if expires_at <= now:
        return None
    if now - last_seen_at > _TOUCH_INTERVAL:
        await session.execute(update(AuthSession).where(AuthSession.id == session_id).values(last_seen_at=now))
        await session.commit()
    principal = await principal_of(session, account, home_path)
    if principal is None or settings is None:
        return principal
    if await lacks_required_second_factor(session, settings, principal):
        return None
    return principal


async def principal_from_api_token(session: AsyncSession, token: str) -> Principal | None:
    """The principal of an unrevoked API token."""
    api = await session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if api is None or api.revoked_at is not None:
        return None
    await session.execute(update(ApiToken).where(ApiToken.id == api.id).values(last_used_at=utcnow()))
    await session.commit()
    return await load_principal(session, api.account_id)


def _cookie_forbidden(scope: Scope) -> bool:
    """The API is exempt from CSRF checks, so it must not accept the cookie for a state-changing request."""
    return scope["path"].startswith("/api/") and scope.get("method", "GET") not in {"GET", "HEAD", "OPTIONS"}


def auth_middleware(app: ASGIApp, factory_getter: Callable[[], async_sessionmaker[AsyncSession]]) -> ASGIApp:
    """Wrap ``app`` with authentication and locale selection."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"} or scope["path"].startswith("/static/"):
            await app(scope, receive, send)
            return
        connection: ASGIConnection = ASGIConnection(scope)
        principal: Principal | None = None
        method = "cookie"
        authorization = connection.headers.get("authorization", "")
        async with factory_getter()() as session:
            if authorization.lower().startswith("bearer "):
                method = "token"
                principal = await principal_from_api_token(session, authorization[7:].strip())
            elif (token := connection.cookies.get(SESSION_COOKIE)) and not _cookie_forbidden(scope):
                settings = scope["app"].state.settings if "app" in scope else None
                principal = await principal_from_session_cookie(session, token, settings)
        scope["user"] = principal
        scope["auth"] = method if principal else None
        locale = (
            normalize_locale(connection.cookies.get(LOCALE_COOKIE))
            or normalize_locale(principal.locale if principal else None)
            or DEFAULT_LOCALE
        )
        set_locale("en" if scope["path"].startswith("/api/") else locale)
        await app(scope, receive, send)

    return middleware
