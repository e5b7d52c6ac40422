"""Schemathesis against the demo app over HTTP, on SQLite and on PostgreSQL: the coverage and fuzzing phases over
every operation of /schema/openapi.json with an admin API token. It fails on any 5xx, on a status code or content
type the schema does not document, and on a response body that does not fit its documented schema.

The server is a uvicorn subprocess on a port in 8300-8399 with ``ballot db upgrade`` and ``ballot demo`` applied."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.whole_path_server import _environment
from tests.conftest import postgres_unavailable
from tests.referendums import live

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
MAX_EXAMPLES = 50
PORTS = range(8300, 8400)


def port_in_range() -> int:
    """A free port in this suite's range (8300-8399)."""
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8300-8399")


@pytest.fixture(params=["sqlite", "postgres"])
def demo_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The demo app served by uvicorn; yields its base URL and an admin API token."""
    reason = postgres_unavailable() if request.param == "postgres" else None
    if reason:
        pytest.skip(reason)
    schema = f"st_{os.getpid()}_{secrets.token_hex(4)}" if request.param == "postgres" else None
    if schema:
        live.postgres_sql(f'CREATE SCHEMA "{schema}"')
    env = _environment(request.param, tmp_path, schema)
    server = live.Server(env, port_in_range(), tmp_path / "server.log")
    try:
        for command in (["db", "upgrade"], ["demo"]):
            live.run([str(live.BIN / "ballot"), *command], env)
        token = live.run([str(live.BIN / "ballot"), "tokens", "create", "admin@demo.example", "--name",
                          "schemathesis"], env).strip().splitlines()[-1]
        server.start()
        yield server.url, token
    finally:
        server.stop()
        if schema:
            live.postgres_sql(f'DROP SCHEMA "{schema}" CASCADE')


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(demo_server: tuple[str, str],
                                                                       tmp_path: Path) -> None:
    url, token = demo_server
    args = [str(Path(sys.executable).parent / "schemathesis"), "run", f"{url}/schema/openapi.json",
            "--phases", "coverage,fuzzing", "--max-examples", str(MAX_EXAMPLES), "--checks", CHECKS,
            "--header", f"Authorization: Bearer {token}", "--seed", "12", "--workers", "1",
            "--request-timeout", "30"]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=600,  # noqa: S603
                          check=False, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "No issues found" in done.stdout or " passed" in done.stdout, done.stdout[-3000:]
