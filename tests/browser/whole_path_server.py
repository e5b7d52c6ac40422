"""A live server of its own for the whole-path browser test, on a fresh SQLite file or a private PostgreSQL schema.

The shared ``live_server`` of tests/browser/conftest.py runs on SQLite only and other browser tests change its
data; the whole path needs a clean federal unit on both backends. The steps are the operator's: ``ballot db
upgrade``, ``ballot demo``, two more member logins (tests/browser/whole_path_accounts.py), then uvicorn with the
app of tests/browser/board_clock.py (the board's clock movable by the test). The PostgreSQL schema is created before
and dropped after the run.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ballot.settings import PROJECT_ROOT
from tests.browser.conftest import DEMO_PASSWORD, Login
from tests.conftest import POSTGRES_URL
from tests.referendums import live

BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class WholePathServer:
    """A running server: its URL, its environment (for the CLI) and the logins of the two extra members."""

    url: str
    env: dict[str, str]
    var_dir: Path
    members: tuple[Login, ...]


def _environment(backend: str, var_dir: Path, schema: str | None) -> dict[str, str]:
    if backend == "sqlite":
        env = live.server_env(var_dir, f"sqlite+aiosqlite:///{var_dir / 'ballot.sqlite3'}")
    else:
        env = live.server_env(var_dir, POSTGRES_URL, schema)
    env.update(BALLOT_LOGIN_PER_IP_PER_MINUTE="1000", BALLOT_LOGIN_MAX_FAILURES="1000")
    return env


@contextmanager
def _uvicorn(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """uvicorn serving tests.browser.board_clock's app; yields the base URL once /healthz answers."""
    port = live.free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("a") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "uvicorn", "tests.browser.board_clock:app_from_env", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"],
            env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited: {log_path.read_text()[-2000:]}")
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not answer /healthz within 60 s")
                time.sleep(0.2)
            yield url
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


@contextmanager
def whole_path_server(backend: str, var_dir: Path) -> Iterator[WholePathServer]:
    """Start the server on ``backend`` ("sqlite" or "postgres"; PostgreSQL must be reachable) with the demo data."""
    schema = f"wp_{os.getpid()}_{secrets.token_hex(4)}" if backend == "postgres" else None
    if schema:
        live.postgres_sql(f'CREATE SCHEMA "{schema}"')
    try:
        env = _environment(backend, var_dir, schema)
        live.run([str(live.BIN / "ballot"), "db", "upgrade"], env)
        live.run([str(live.BIN / "ballot"), "demo"], env)
        emails = json.loads(live.run([sys.executable, "-m", "tests.browser.whole_path_accounts"], env)
                            .strip().splitlines()[-1])
        with _uvicorn(env, var_dir / "server.log") as url:
            yield WholePathServer(url, env, var_dir, tuple(Login(e, DEMO_PASSWORD) for e in emails))
    finally:
        if schema:
            live.postgres_sql(f'DROP SCHEMA "{schema}" CASCADE')
