"""Live-poll answers per second through POST /p/{code}, one answer per guest device, with the presenter's screen
connected (server-sent events, re-rendered after each coalesced batch of answers).

    .venv/bin/python bench/polls.py [--answers 1000] [--clients 200] [--backend sqlite|postgres] [--workers 2]
                                    [--screens 1] [--follow] [--think 0]

Migrates a fresh database (SQLite file or a private PostgreSQL schema), creates a unit, a board account with a
session, a poll session that allows guests and one open single-choice question, starts uvicorn with ``--workers``
workers and lets ``--clients`` concurrent keep-alive connections (a raw-socket load generator, as in
bench/cast_http.py) post ``--answers`` answers, each from its own guest device (a signed device cookie, minted with
the server's secret as the join page would set it). ``--follow`` also loads the page the answer redirects to, as a
phone does; ``--think S`` lets each client wait a random 0..2S seconds before each answer (people reading the
question) instead of firing all answers at once. Prints accepted answers/s, latency percentiles, errors by status
and the events the presenter's screen received; then checks that the database holds exactly the accepted answers
and that a second answer from the same devices is refused. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from ballot.accounts.models import Account, AuthSession  # noqa: E402
from ballot.accounts.tokens import hash_token, new_token  # noqa: E402
from ballot.authz.models import Role, RoleGrant  # noqa: E402
from ballot.db import create_engine, create_session_factory, utcnow  # noqa: E402
from ballot.polls import codes, identity  # noqa: E402
from ballot.polls.models import PollAnswer, PollQuestion, PollSession, QuestionKind, QuestionState  # noqa: E402
from ballot.units.models import UnitKind  # noqa: E402
from ballot.units.services import create_unit  # noqa: E402
from ballot.web.cookies import SESSION_COOKIE  # noqa: E402
from bench.http_load import exchange, percentile, run_sql, server_cpu  # noqa: E402
from tests.referendums import live  # noqa: E402

POSTGRES_URL = os.environ.get("BALLOT_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
OPTIONS = ["Klima", "Wohnen", "Bildung", "Verkehr"]


async def setup(url: str, schema: str | None) -> dict[str, str | int]:
    """A unit, a board account with a session token, a guest poll with one open question."""
    engine = create_engine(url, schema)
    try:
        async with create_session_factory(engine)() as db:
            unit = await create_unit(db, "Bundesverband Bench", UnitKind.FEDERAL, None)
            board = Account(email="board@bench.example", display_name="Vorstand")
            db.add(board)
            await db.flush()
            db.add(RoleGrant(account_id=board.id, unit_id=unit.id, role=Role.BOARD))
            token = new_token()
            db.add(
                AuthSession(
                    token_hash=hash_token(token),
                    account_id=board.id,
                    expires_at=utcnow().replace(year=utcnow().year + 1),
                )
            )
            session = PollSession(unit_id=unit.id, code=codes.new_code(), title="Bench", allow_guests=True)
            db.add(session)
            await db.flush()
            question = PollQuestion(
                session_id=session.id,
                position=1,
                kind=QuestionKind.SINGLE,
                prompt="Welches Thema zuerst?",
                options=OPTIONS,
                state=QuestionState.OPEN,
            )
            db.add(question)
            await db.commit()
            return {"code": session.code, "session": session.id, "question": question.id, "token": token}
    finally:
        await engine.dispose()


async def stored_answers(url: str, schema: str | None, question_id: int) -> int:
    engine = create_engine(url, schema)
    try:
        async with engine.connect() as conn:
            return int(
                await conn.scalar(
                    select(func.count()).select_from(PollAnswer).where(PollAnswer.question_id == question_id)
                )
                or 0
            )
    finally:
        await engine.dispose()


def _answer_request(host: str, code: str, question: int, device_cookie: str, csrf: str, choice: int) -> bytes:
    body = f"question={question}&choice={choice}".encode()
    head = (
        f"POST /p/{code} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/x-www-form-urlencoded\r\n"
        f"x-csrftoken: {csrf}\r\ncookie: {identity.DEVICE_COOKIE}={device_cookie}; csrftoken={csrf}\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _page_request(host: str, path: str, device_cookie: str, csrf: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nhost: {host}\r\n"
        f"cookie: {identity.DEVICE_COOKIE}={device_cookie}; csrftoken={csrf}\r\n\r\n"
    ).encode()


async def csrf_cookie(host: str, port: int, code: str) -> str:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(f"GET /p/{code} HTTP/1.1\r\nhost: {host}:{port}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        for line in head.decode("latin-1").split("\r\n"):
            if line.lower().startswith("set-cookie:") and "csrftoken=" in line:
                return line.split("csrftoken=", 1)[1].split(";", 1)[0]
    finally:
        writer.close()
    raise RuntimeError("no CSRF cookie was set")


async def watch_screen(
    host: str, port: int, session_id: int, token: str, events: list[float], stop: asyncio.Event
) -> None:
    """The presenter's big screen: an SSE stream, counting the rendered updates it receives."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        (
            f"GET /polls/{session_id}/present/events HTTP/1.1\r\nhost: {host}:{port}\r\n"
            f"accept: text/event-stream\r\ncookie: {SESSION_COOKIE}={token}\r\n\r\n"
        ).encode()
    )
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"the presenter stream failed: {head[:200]!r}")
        while not stop.is_set():
            try:
                line = await asyncio.wait_for(reader.readline(), timeout=0.5)
            except TimeoutError:
                continue
            if not line:
                break
            if b"event: message" in line:
                events.append(time.perf_counter())
    finally:
        writer.close()


async def hammer(
    base_url: str,
    info: dict[str, str | int],
    answers: int,
    clients: int,
    secret: str,
    screens: int,
    follow: bool,
    think: float,
) -> dict[str, object]:
    host, port_text = base_url.removeprefix("http://").split(":")
    port = int(port_text)
    code, question = str(info["code"]), int(info["question"])
    csrf = await csrf_cookie(host, port, code)
    devices = [identity.sign_device(secret, secrets.token_urlsafe(18)) for _ in range(answers)]
    jobs = [
        (
            _answer_request(f"{host}:{port}", code, question, cookie, csrf, n % len(OPTIONS)),
            _page_request(f"{host}:{port}", f"/p/{code}?answered=1", cookie, csrf),
        )
        for n, cookie in enumerate(devices)
    ]
    pending = list(reversed(jobs))
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    stop = asyncio.Event()
    screen_events: list[float] = []
    watchers = [
        asyncio.create_task(watch_screen(host, port, int(info["session"]), str(info["token"]), screen_events, stop))
        for _ in range(screens)
    ]
    await asyncio.sleep(0.5)

    async def client_loop() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while pending:
                if think:
                    await asyncio.sleep(random.uniform(0, 2 * think))
                    if not pending:
                        break
                post, page = pending.pop()
                start = time.perf_counter()
                try:
                    status = (await exchange(reader, writer, post)).status
                    if follow and status == 303:
                        page_status = (await exchange(reader, writer, page)).status
                        if page_status != 200:
                            statuses[f"page {page_status}"] += 1
                except (OSError, asyncio.IncompleteReadError) as exc:
                    statuses[type(exc).__name__] += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    continue
                latencies.append(time.perf_counter() - start)
                statuses[str(status)] += 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client_loop() for _ in range(clients)))
    wall = time.perf_counter() - start
    await asyncio.sleep(1.0)  # the last coalesced update reaches the screen
    stop.set()
    await asyncio.gather(*watchers, return_exceptions=True)

    # The same devices again: every second answer must be refused.
    repeat = jobs[:50]
    refused: Counter[str] = Counter()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for post, _page in repeat:
            refused[str((await exchange(reader, writer, post)).status)] += 1
    finally:
        writer.close()
    return {
        "wall": wall,
        "latencies": latencies,
        "statuses": statuses,
        "screen_events": len(screen_events),
        "repeat": refused,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--screens", type=int, default=1, help="presenter screens connected by SSE")
    parser.add_argument("--follow", action="store_true", help="also load the page the answer redirects to")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a client waits before each answer (0: all at once, the worst case)",
    )
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="polls-bench-"))
    schema = None
    if args.backend == "sqlite":
        url = f"sqlite+aiosqlite:///{var_dir / 'bench.sqlite3'}"
        env = live.server_env(var_dir, url)
    else:
        url = POSTGRES_URL
        schema = f"bench_{os.getpid()}_{secrets.token_hex(4)}"
        asyncio.run(run_sql(url, f'CREATE SCHEMA "{schema}"'))
        env = live.server_env(var_dir, url, schema)
    server = None
    try:
        live.run([str(live.BIN / "ballot"), "db", "upgrade"], env)
        info = asyncio.run(setup(url, schema))
        server = live.Server(env, live.free_port(), var_dir / "server.log", workers=args.workers)
        server.start()
        load_before = os.getloadavg()
        cpu_before = time.process_time()
        assert server.process is not None
        server_before = server_cpu(server.process.pid)
        result = asyncio.run(
            hammer(
                server.url,
                info,
                args.answers,
                args.clients,
                env["BALLOT_SECRET_KEY"],
                args.screens,
                args.follow,
                args.think,
            )
        )
        client_cpu = time.process_time() - cpu_before
        server_used = server_cpu(server.process.pid) - server_before
        load_after = os.getloadavg()
        server.stop()
        server = None
        wall = float(result["wall"])  # type: ignore[arg-type]
        latencies: list[float] = result["latencies"]  # type: ignore[assignment]
        statuses: Counter[str] = result["statuses"]  # type: ignore[assignment]
        accepted = statuses.get("303", 0)
        print(
            f"backend {args.backend}, {args.workers} uvicorn workers, {args.clients} clients, {args.screens} "
            f"presenter screen(s), {os.cpu_count()} cores{', with the page reload' if args.follow else ''}"
            f"{f', think time {args.think} s on average' if args.think else ', no think time'}"
        )
        print(
            f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min); "
            f"client CPU {client_cpu:.1f} s of {wall:.1f} s wall"
        )
        print(f"accepted: {accepted} of {args.answers} in {wall:.2f} s = {accepted / wall:.0f} answers/s")
        print(f"server CPU: {server_used:.1f} s = {server_used / max(accepted, 1) * 1000:.1f} ms per answer "
              f"(the 50 repeated answers and the screen's updates included)")
        if latencies:
            print(
                f"latency p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p95 {percentile(latencies, 0.95) * 1000:.0f}"
                f" ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
            )
        errors = {k: v for k, v in statuses.items() if k != "303"}
        print(f"errors by status: {dict(sorted(errors.items())) or 'none'}")
        print(f"presenter screen updates received: {result['screen_events']} (answers are coalesced)")
        repeat: Counter[str] = result["repeat"]  # type: ignore[assignment]
        print(f"second answers from 50 of the same devices: {dict(repeat)} (409 = refused)")
        stored = asyncio.run(stored_answers(url, schema, int(info["question"])))
        ok = stored == accepted and repeat.get("409", 0) == 50
        print(f"database: {stored} answers stored, {'exactly the accepted ones' if ok else 'MISMATCH'}")
        if not ok:
            sys.exit(1)
    finally:
        if server is not None:
            server.stop()
        if schema:
            asyncio.run(run_sql(url, f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
