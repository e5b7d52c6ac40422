"""Browser sessions: a random token in the cookie, its SHA-256 in ``auth_sessions``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import AuthSession
from ballot.accounts.tokens import hash_token, new_token
from ballot.audit.services import record_event
from ballot.db import utcnow
from ballot.exceptions import NotFound
from ballot.i18n import gettext as _
from ballot.settings import Settings


async def create_session(session: AsyncSession, settings: Settings, account_id: int) -> str:
    """Start a session for ``account_id`` and return the cookie token (shown to nobody else, stored hashed).

    Expired sessions of the account are cleared on the way."""
    now = utcnow()
    await session.execute(
        delete(AuthSession).where(AuthSession.account_id == account_id, AuthSession.expires_at <= now)
    )
    token = new_token()
    session.add(
        AuthSession(
            token_hash=hash_token(token),
            account_id=account_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.login.session_hours),
        )
    )
    await session.flush()
    return token


async def end_session(session: AsyncSession, token: str | None) -> int | None:
    """End the session with cookie ``token``; returns its account id (None when there was none)."""
    if not token:
        return None
    auth = await session.scalar(select(AuthSession).where(AuthSession.token_hash == hash_token(token)))
    if auth is None:
        return None
    await session.delete(auth)
    await session.flush()
    record_event(session, "accounts:session:ended", account_id=auth.account_id)
    return auth.account_id


async def end_all_sessions(session: AsyncSession, account_id: int, *, keep_token: str | None = None) -> int:
    """End every session of ``account_id`` (except the one with cookie ``keep_token``); returns how many."""
    statement = delete(AuthSession).where(AuthSession.account_id == account_id)
    if keep_token:
        statement = statement.where(AuthSession.token_hash != hash_token(keep_token))
    result = await session.execute(statement)
    ended: int = result.rowcount  # type: ignore[attr-defined]
    record_event(
        session, "accounts:session:ended_all", account_id=account_id, count=ended, kept_current=bool(keep_token)
    )
    return ended


async def end_session_by_id(session: AsyncSession, account_id: int, session_id: int) -> None:
    """End one of the account's own sessions (from the security page); NotFound for anyone else's."""
    result = await session.execute(
        delete(AuthSession).where(AuthSession.id == session_id, AuthSession.account_id == account_id)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFound(_("This session does not exist (any more)."))
    record_event(session, "accounts:session:ended", account_id=account_id)


async def list_sessions(session: AsyncSession, account_id: int) -> Sequence[AuthSession]:
    """The account's unexpired sessions, newest first."""
    return (
        await session.scalars(
            select(AuthSession)
            .where(AuthSession.account_id == account_id, AuthSession.expires_at > utcnow())
            .order_by(AuthSession.created_at.desc(), AuthSession.id.desc())
        )
    ).all()
