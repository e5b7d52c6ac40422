"""API tokens for scripts: a bearer token acting with its account's rights. Shown once, stored hashed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import ApiToken
from ballot.accounts.tokens import hash_token, new_token
from ballot.audit.services import record_event
from ballot.db import utcnow
from ballot.exceptions import Conflict, NotFound, ValidationFailed
from ballot.i18n import gettext as _

MAX_ACTIVE_TOKENS = 20
NAME_MAX_LENGTH = 100


async def create_api_token(session: AsyncSession, account_id: int, name: str) -> tuple[ApiToken, str]:
    """A new token for ``account_id``; returns the row and the token in clear (show it once, then forget it)."""
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": _("Please give the token a name (e.g. the script that uses it).")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed({"name": _("The name may have at most %(max)d characters.", max=NAME_MAX_LENGTH)})
    active = await session.scalar(
        select(func.count(ApiToken.id)).where(ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None))
    )
    if (active or 0) >= MAX_ACTIVE_TOKENS:
        raise Conflict(_("You have %(max)d active tokens; revoke one first.", max=MAX_ACTIVE_TOKENS))
    token = new_token()
    row = ApiToken(token_hash=hash_token(token), account_id=account_id, name=name, created_at=utcnow())
    session.add(row)
    await session.flush()
    record_event(session, "accounts:api_token:created", account_id=account_id, token_id=row.id, name=name)
    return row, token


async def list_api_tokens(session: AsyncSession, account_id: int) -> Sequence[ApiToken]:
    """The account's tokens, active ones first, newest first."""
    return (
        await session.scalars(
            select(ApiToken)
            .where(ApiToken.account_id == account_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    ).all()


async def revoke_api_token(session: AsyncSession, token_id: int, *, account_id: int | None) -> ApiToken:
    """Revoke a token. With ``account_id`` only that account's own tokens (None: an operator, from the CLI)."""
    row = await session.get(ApiToken, token_id)
    if row is None or (account_id is not None and row.account_id != account_id):
        raise NotFound(_("This token does not exist."))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.flush()
        record_event(session, "accounts:api_token:revoked", account_id=row.account_id, token_id=row.id)
    return row
