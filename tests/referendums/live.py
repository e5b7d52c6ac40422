"""A live server with an open ballot, for the crash test (test_crash.py) and the HTTP cast benchmark (bench/).

The server runs in a subprocess (uvicorn) with its own environment: a SQLite file or a PostgreSQL schema. The ballot is
prepared by ``python -m tests.referendums.live --voters N`` run with the same environment: it drives the services as
tests/referendums/box_helpers.py and tests/browser/booth_setup.py do (own tree and statute, a board, three trustees
2 of 3, N eligible members with accounts but no password), catches the credentials in an in-memory sink, starts one
session per member directly in the database (no argon2 login) and prints one JSON line: the ballot's uuid, what the
client needs to encrypt (manifest, joint key, fingerprint, board key) and per voter the session token and credential.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from ballot.referendums.trustees.inprocess import run_key_ceremony
from ballot.settings import PROJECT_ROOT

BIN = Path(sys.executable).parent
SECRET_KEY = "live-test-" + "0" * 54


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(var_dir: Path, database_url: str, schema: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BALLOT_")}
    env.update(
        BALLOT_ENV="development",
        BALLOT_VAR_DIR=str(var_dir),
        BALLOT_DATABASE_URL=database_url,
        BALLOT_SECRET_KEY=SECRET_KEY,
        BALLOT_ARGON2_TIME_COST="1",
        BALLOT_ARGON2_MEMORY_KIB="8192",
        BALLOT_ARGON2_PARALLELISM="1",
        BALLOT_SMTP_HOST="",
        # The servers started here are driven by browser tests that log in as board and committee members through
        # the password form only; two-factor log-in has its own tests (tests/accounts/test_two_factor.py).
        BALLOT_REQUIRE_TWO_FACTOR="0",
    )
    if schema:
        env["BALLOT_DATABASE_SCHEMA"] = schema
    return env


def postgres_sql(sql: str) -> None:
    """Run one statement on the test PostgreSQL (schemas of their own for the live servers)."""
    from bench.http_load import run_sql
    from tests.conftest import POSTGRES_URL

    asyncio.run(run_sql(POSTGRES_URL, sql))


@contextmanager
def backend_env(backend: str, var_dir: Path, prefix: str) -> Iterator[dict[str, str]]:
    """The server environment on a SQLite file in ``var_dir`` or on a fresh PostgreSQL schema (dropped after);
    the caller skips PostgreSQL when it is unreachable."""
    if backend == "sqlite":
        yield server_env(var_dir, f"sqlite+aiosqlite:///{var_dir / 'ballot.sqlite3'}")
        return
    from tests.conftest import POSTGRES_URL

    schema = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    postgres_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield server_env(var_dir, POSTGRES_URL, schema)
    finally:
        postgres_sql(f'DROP SCHEMA "{schema}" CASCADE')


def run(args: list[str], env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(args, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,  # noqa: S603
                          timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(env: dict[str, str], voters: int, password: str = "") -> dict[str, Any]:
    """Migrate the database and open a ballot; returns the setup script's JSON. With ``password`` the voters can
    also log in with their email (in the JSON) and that password."""
    run([str(BIN / "ballot"), "db", "upgrade"], env)
    extra = ["--password", password] if password else []
    out = run([sys.executable, "-m", "tests.referendums.live", "--voters", str(voters), *extra], env)
    return json.loads(out.strip().splitlines()[-1])


@dataclass
class Server:
    """A uvicorn subprocess; ``kill`` sends SIGKILL (no shutdown handlers run). With ``serve`` it runs as the
    operator does, ``ballot serve`` (our log configuration), with stderr apart in ``<log_path>.stderr``."""

    env: dict[str, str]
    port: int
    log_path: Path
    workers: int = 1
    serve: bool = False
    process: subprocess.Popen[bytes] | None = None
    _log: IO[str] | None = None
    _err: IO[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        self._log = self.log_path.open("a")
        if self.serve:
            args = [str(BIN / "ballot"), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        else:
            args = [sys.executable, "-m", "uvicorn", "ballot.server.app:app_from_env", "--factory", "--host",
                    "127.0.0.1", "--port", str(self.port), "--no-access-log", "--log-level", "warning"]
        if self.workers > 1:
            args += ["--workers", str(self.workers)]
        self._err = self.log_path.with_name(self.log_path.name + ".stderr").open("a") if self.serve else None
        self.process = subprocess.Popen(args, env=self.env, cwd=PROJECT_ROOT,  # noqa: S603
                                        stdout=self._log, stderr=self._err or subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not answer /healthz within {timeout} s")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL the server's process group (uvicorn and, with --workers, its worker processes)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._close()

    def _close(self) -> None:
        for stream in (self._log, self._err):
            if stream is not None:
                stream.close()
        self._log = self._err = None


def crypto_election(info: dict[str, Any]) -> Any:
    """The ballots.Election the client encrypts for, from the setup JSON."""
    from ballot_crypto.ballots import Election
    from ballot_crypto.group import Point
    from ballot_crypto.manifest import Manifest

    return Election(Manifest.from_json(json.loads(info["manifest_json"])), Point.from_hex(info["public_key"]),
                    bytes.fromhex(info["fingerprint"]))


async def _setup(voters: int, password: str = "") -> dict[str, Any]:
    from ballot.accounts.models import AuthSession
    from ballot.accounts.tokens import hash_token, new_token
    from ballot.authz.models import Role
    from ballot.db import create_engine, create_session_factory, utcnow
    from ballot.referendums.acts import open_election
    from ballot.referendums.board.services import create_election, lock_election
    from ballot.referendums.trustees.ceremony import (
        finish_ceremony,
    )
    from ballot.settings import get_settings
    from ballot.statutes.services import store_version
    from tests.browser.booth_setup import MemorySink
    from tests.factories import Factory
    from tests.referendums.conftest import STATUTE, referendum_question

    settings = get_settings()
    engine = create_engine(settings.database_url, settings.database_schema)
    try:
        async with create_session_factory(engine)() as session:
            factory = Factory(session, settings)
            tree = await factory.tree()
            await store_version(session, tree.federal, STATUTE)
            joined = date.today() - timedelta(days=400)
            board_account = await factory.account(await factory.member(tree.state_a, joined_on=joined),
                                                  password=None, roles=[(Role.BOARD, tree.federal)])
            trustee_accounts = [await factory.account(roles=[(Role.ELECTION_COMMITTEE, tree.federal)], password=None)
                                for _ in range(3)]
            units = (tree.local_a, tree.local_b, tree.state_b)
            voter_accounts = []
            for n in range(voters):
                member = await factory.member(units[n % 3], joined_on=joined)
                voter_accounts.append(await factory.account(member, password=password or None))
            await session.commit()
            board = await factory.principal(board_account)
            trustees = [await factory.principal(a) for a in trustee_accounts]
            real = utcnow().replace(microsecond=0)
            opens = real - timedelta(days=2)
            start = opens - timedelta(days=16)
            election = await create_election(
                session, board, tree.federal, kind="referendum", title_de="Crash", title_en="Crash",
                description="Live server test.", questions=[referendum_question()],
                announcement_at=opens - timedelta(days=15), opens_at=opens, closes_at=real + timedelta(days=5),
                trustee_account_ids=[a.id for a in trustee_accounts], threshold=2, now=start)
            await lock_election(session, board, election, start)
            await run_key_ceremony(session, election, trustees)
            sink = MemorySink()
            await finish_ceremony(session, settings, board, election, start, sink)
            await session.commit()
            await open_election(session, board, election, real)
            people = []
            for account in voter_accounts:
                assert account.member_id in sink.issued, "a voter is not in the electorate"
                token = new_token()
                session.add(AuthSession(token_hash=hash_token(token), account_id=account.id,
                                        expires_at=utcnow() + timedelta(hours=2)))
                people.append({"member_id": account.member_id, "token": token, "email": account.email,
                               "credential": sink.issued[account.member_id]})
            await session.commit()
            election_json = json.loads(election.election_json or "{}")
            return {"uuid": election.uuid, "manifest_json": election.manifest_json,
                    "public_key": election.public_key, "fingerprint": election.fingerprint,
                    "board_key": election_json["board_key"], "voters": people}
    finally:
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=1)
    parser.add_argument("--password", default="")
    arguments = parser.parse_args()
    print(json.dumps(asyncio.run(_setup(arguments.voters, arguments.password))))
