"""The application factory: settings, database, templates, security middleware and every domain's routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy.pool import NullPool

from ballot import live
from ballot.accounts import views as account_views
from ballot.dashboard import views as dashboard_views
from ballot.db import create_engine, create_session_factory
from ballot.discussions import views as discussion_views
from ballot.discussions import views_moderation as discussion_moderation_views
from ballot.discussions import views_search as discussion_search_views
from ballot.discussions import views_subscriptions as discussion_subscription_views
from ballot.members import api as member_api
from ballot.members import views as member_views
from ballot.motions import views as motion_views
from ballot.motions import views_actions as motion_action_views
from ballot.motions import views_exports as motion_export_views
from ballot.polls import views as poll_views
from ballot.polls import views_join as poll_join_views
from ballot.referendums.announcements import views as announce_views
from ballot.referendums.announcements.runner import run_periodically
from ballot.referendums.board import views as views_board
from ballot.referendums.booth import views as views_voter
from ballot.referendums.postal import views as postal_views
from ballot.referendums.record import views as record_views
from ballot.referendums.trustees import views as views_trustee
from ballot.server import system
from ballot.server.auth import auth_middleware
from ballot.settings import Settings, get_settings
from ballot.statutes import views as statute_views
from ballot.surveys import views as survey_views
from ballot.units import api as unit_api
from ballot.units import views as unit_views
from ballot.web.access_log import AccessLog
from ballot.web.deps import provide_db, provide_principal, provide_settings
from ballot.web.errors import EXCEPTION_HANDLERS
from ballot.web.inputs import input_guard_middleware
from ballot.web.request import GuardedRequest
from ballot.web.security_headers import security_headers_hook
from ballot.web.templating import create_environment

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the ASGI application for ``settings`` (default: read from the environment)."""
    settings = settings or get_settings()
    # Test clients run the app on an event loop of their own; pooled asyncpg connections are bound to one loop.
    # A local SQLite file has no connection to lose, so only PostgreSQL pays a ping per checkout.
    # A fixed pool sized for the concurrency: connections beyond it would be opened and closed per request.
    pooling: dict[str, Any] = {"poolclass": NullPool} if settings.environment == "test" else (
        {"pool_size": settings.database_pool_size, "max_overflow": settings.database_pool_size // 2}
        | ({} if settings.database_url.startswith("sqlite") else {"pool_pre_ping": True}))
    engine = create_engine(settings.database_url, settings.database_schema, **pooling)
    factory = create_session_factory(engine)
    state = State({"settings": settings, "engine": engine, "db_factory": factory})

    environment = create_environment(settings.templates_dir)
    environment.globals["settings"] = settings
    static = create_static_files_router(path="/static", directories=[settings.static_dir], name="static")
    vendor = create_static_files_router(
        path="/static/vendor/htmx", directories=[settings.vendor_dir / "htmx.org" / "dist"], name="vendor-htmx"
    )
    vendor_sse = create_static_files_router(
        path="/static/vendor/htmx-ext-sse", directories=[settings.vendor_dir / "htmx-ext-sse" / "dist"],
        name="vendor-htmx-sse",
    )
    api = Router(path=API_PREFIX, route_handlers=[*unit_api.routes, *member_api.routes], tags=["api"],
                 include_in_schema=True)

    async def dispose_engine() -> None:
        await live.close(state)
        await engine.dispose()

    @asynccontextmanager
    async def due_jobs(_app: Litestar) -> AsyncIterator[None]:
        """The periodic due-job task (announcements), when ``BALLOT_DUE_JOBS_SECONDS`` enables it."""
        if settings.due_jobs_seconds <= 0:
            yield
            return
        task = asyncio.create_task(run_periodically(factory, settings, settings.due_jobs_seconds))
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    return Litestar(
        route_handlers=[
            static,
            vendor,
            vendor_sse,
            api,
            *system.routes,
            *account_views.routes,
            *dashboard_views.routes,
            *unit_views.routes,
            *member_views.routes,
            *statute_views.routes,
            *discussion_views.routes,
            *discussion_moderation_views.routes,
            *discussion_search_views.routes,
            *discussion_subscription_views.routes,
            *motion_views.routes,
            *motion_action_views.routes,
            *motion_export_views.routes,
            *views_board.routes,
            *record_views.routes,
            *announce_views.routes,
            *views_trustee.routes,
            *postal_views.routes,
            *views_voter.routes,
            *survey_views.routes,
            *poll_views.routes,
            *poll_join_views.routes,
        ],
        state=state,
        dependencies={
            "db": Provide(provide_db),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "principal": Provide(provide_principal, sync_to_thread=False),
        },
        request_class=GuardedRequest,
        before_send=[security_headers_hook(hsts=settings.secure_cookies)],
        middleware=[
            input_guard_middleware,
            DefineMiddleware(auth_middleware, factory_getter=lambda: factory),
        ],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="lax",
            # RFC 8058: mail clients POST the one-click unsubscribe without a token (the URL's signature suffices)
            exclude=[f"^{API_PREFIX}/", "^/discussions/unsubscribe/"],
        ),
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment)),
        openapi_config=OpenAPIConfig(
            title="Mitgliederportal API",
            version="1",
            path="/schema",
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        ),
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        # HTML pages stay out of the OpenAPI schema; the API, the health check and the JSON and file downloads
        # opt in with include_in_schema=True (docs/architecture.md, "The OpenAPI schema").
        include_in_schema=False,
        on_shutdown=[dispose_engine],
        lifespan=[due_jobs],
        debug=False,
        logging_config=None,
    )


def app_from_env() -> AccessLog:
    """Entry point for uvicorn's ``--factory``: the application behind our allow-list access log (run uvicorn
    without its own access log: ``ballot serve`` does)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    return AccessLog(create_app(settings), with_client=settings.access_log_client)
