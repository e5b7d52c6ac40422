"""The application factory: settings, database, templates, security middleware and every domain's routes."""

from __future__ import annotations

import logging

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

from ballot.accounts import views as account_views
from ballot.dashboard import views as dashboard_views
from ballot.db import create_engine, create_session_factory
from ballot.members import api as member_api
from ballot.members import views as member_views
from ballot.referendums import views_board, views_trustee, views_voter
from ballot.settings import Settings, get_settings
from ballot.statutes import views as statute_views
from ballot.units import api as unit_api
from ballot.units import views as unit_views
from ballot.web import logfilter, system
from ballot.web.auth import auth_middleware
from ballot.web.deps import provide_db, provide_principal, provide_settings
from ballot.web.errors import EXCEPTION_HANDLERS
from ballot.web.security_headers import security_headers_middleware
from ballot.web.templating import create_environment

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the ASGI application for ``settings`` (default: read from the environment)."""
    settings = settings or get_settings()
    # Test clients run the app on an event loop of their own; pooled asyncpg connections are bound to one loop.
    pooling = {"poolclass": NullPool} if settings.environment == "test" else {"pool_pre_ping": True}
    engine = create_engine(settings.database_url, settings.database_schema, **pooling)
    factory = create_session_factory(engine)
    state = State({"settings": settings, "engine": engine, "db_factory": factory})

    environment = create_environment(settings.templates_dir)
    environment.globals["settings"] = settings
    static = create_static_files_router(path="/static", directories=[settings.static_dir], name="static")
    vendor = create_static_files_router(
        path="/static/vendor/htmx", directories=[settings.vendor_dir / "htmx.org" / "dist"], name="vendor-htmx"
    )
    api = Router(path=API_PREFIX, route_handlers=[*unit_api.routes, *member_api.routes], tags=["api"])

    async def dispose_engine() -> None:
        await engine.dispose()

    return Litestar(
        route_handlers=[
            static,
            vendor,
            api,
            *system.routes,
            *account_views.routes,
            *dashboard_views.routes,
            *unit_views.routes,
            *member_views.routes,
            *statute_views.routes,
            *views_board.routes,
            *views_trustee.routes,
            *views_voter.routes,
        ],
        state=state,
        dependencies={
            "db": Provide(provide_db),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "principal": Provide(provide_principal, sync_to_thread=False),
        },
        middleware=[
            lambda app: security_headers_middleware(app, hsts=settings.secure_cookies),
            DefineMiddleware(auth_middleware, factory_getter=lambda: factory),
        ],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="lax",
            exclude=[f"^{API_PREFIX}/"],
        ),
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment)),
        openapi_config=OpenAPIConfig(
            title="Mitgliederportal API",
            version="1",
            path="/schema",
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        ),
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        on_shutdown=[dispose_engine],
        debug=False,
        logging_config=None,
    )


def app_from_env() -> Litestar:
    """Entry point for uvicorn's ``--factory``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logfilter.install()
    return create_app()
