"""``ballot serve``: run the web application with uvicorn."""

from __future__ import annotations

import click
import uvicorn


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the application (HTTP; put a TLS-terminating reverse proxy in front in production)."""
    uvicorn.run(
        "ballot.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        server_header=False,
        access_log=True,
    )


def register(group: click.Group) -> None:
    group.add_command(serve)
