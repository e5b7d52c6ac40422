"""Dependencies shared by the route handlers."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.principal import Principal
from ballot.exceptions import NotAuthenticated
from ballot.i18n import gettext as _
from ballot.settings import Settings


async def provide_db(state: State) -> AsyncGenerator[AsyncSession, None]:
    """A session per request: committed when the handler returns, rolled back when it raises."""
    async with state.db_factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def provide_settings(state: State) -> Settings:
    """The application's settings."""
    return state.settings  # type: ignore[no-any-return]


def provide_principal(request: Request) -> Principal | None:
    """The acting account, or None for an anonymous request."""
    return request.scope.get("user")  # type: ignore[return-value]


def provide_required_principal(request: Request) -> Principal:
    """The acting account; raises NotAuthenticated for an anonymous request."""
    principal = request.scope.get("user")
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    return principal  # type: ignore[return-value]


#: Annotations for handler parameters, e.g. ``async def page(db: DB, principal: CurrentPrincipal)``.
DB = NamedDependency[AsyncSession]
AppSettings = NamedDependency[Settings]
CurrentPrincipal = NamedDependency[Principal | None]
