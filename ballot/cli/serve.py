"""``ballot serve``: run the web application with uvicorn (our access log, proxies trusted only when configured)."""

from __future__ import annotations

import click
import uvicorn

from ballot.settings import get_settings
from ballot.web.access_log import log_config


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the application (HTTP; put a TLS-terminating reverse proxy in front in production).

    X-Forwarded-For and X-Forwarded-Proto count only from ``BALLOT_TRUSTED_PROXIES``; uvicorn's access log is off
    (the application writes its own allow-list lines, docs/operations.md)."""
    proxies = get_settings().trusted_proxies
    uvicorn.run(
        "ballot.server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=list(proxies) if proxies else [],
        server_header=False,
        access_log=False,
        log_config=log_config(),
        # a worker imports the whole application before it answers the supervisor's ping; on a busy machine that
        # takes longer than uvicorn's 5 s default, and the worker would be killed and restarted over and over
        timeout_worker_healthcheck=30,
    )


def register(group: click.Group) -> None:
    group.add_command(serve)
