"""Discussions under load: the render time of a thread page with 2,000 replies, and replies per second with 50
concurrent members, on SQLite and PostgreSQL.

    .venv/bin/python bench/discussions.py [--backend sqlite|postgres|both] [--workers 2] [--clients 50]
                                          [--replies 2000] [--renders 200] [--posts 2000]

Per backend: a fresh database (``ballot db upgrade``), then this script with ``--setup`` in the server's environment
builds the factory's unit tree, ``--clients`` members with a session each (inserted directly, no argon2 login), one
thread with ``--replies`` nested replies (the render target) and one thread to post into. uvicorn runs with
``--workers`` workers. First ``--renders`` sequential GETs of the big thread page by one member over a keep-alive
connection (p50/p95 of the full response time, after 10 warm-ups); then ``--clients`` keep-alive connections post
``--posts`` replies through the reply form (CSRF token, redirect 302 counted as success; the per-member rate limit
of 6 posts a minute is lifted for the run, it is a policy, not a capacity). Raw asyncio sockets, as in
bench/cast_http.py, so the generator costs little beside the server. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from ballot.db import create_engine  # noqa: E402
from ballot.web.cookies import SESSION_COOKIE  # noqa: E402
from bench.http_load import exchange, percentile, run_sql, server_cpu  # noqa: E402
from tests.referendums import live  # noqa: E402

POSTGRES_URL = os.environ.get("BALLOT_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
WORDS = ("Antrag", "Mitgliederentscheid", "Haushalt", "Satzung", "Vorstand", "Ortsverband", "Beitrag", "Ziel",
         "Mobilität", "Klimaschutz", "Bildung", "Digitalisierung", "Mehrheit", "Stimme", "Debatte", "Vorschlag")


# --- setup (runs in the server's environment) -----------------------------------------------------------------


def _text(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS).lower() for _ in range(rng.randint(6, 16))]
        words[0] = words[0].capitalize()
        if rng.random() < 0.3:
            words[2] = f"**{words[2]}**"
        out.append(" ".join(words) + ".")
    return " ".join(out)


async def _setup(clients: int, replies: int, create_schema: bool = False) -> dict[str, Any]:
    from ballot.accounts.models import AuthSession
    from ballot.accounts.tokens import hash_token, new_token
    from ballot.db import create_session_factory, utcnow
    from ballot.discussions import services
    from ballot.discussions.models import MAX_DEPTH, Post, PostRevision, Thread
    from ballot.discussions.rendering import render
    from ballot.settings import get_settings
    from tests.factories import Factory

    settings = get_settings()
    engine = create_engine(settings.database_url, settings.database_schema)
    rng = random.Random(2026)
    if create_schema:
        from ballot.models import Base

        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    try:
        async with create_session_factory(engine)() as session:
            factory = Factory(session, settings)
            tree = await factory.tree()
            units = (tree.local_a, tree.district_a, tree.state_a, tree.local_b)
            accounts = [await factory.account(await factory.member(units[n % len(units)]), password=None)
                        for n in range(clients)]
            await session.commit()
            author = await factory.principal(accounts[0])
            big = await services.create_thread(session, author, tree.federal, title="Grundsatzprogramm: große Debatte",
                                               body=_text(rng, 4), visibility="unit", settings=settings)
            target = await services.create_thread(session, author, tree.federal, title="Benchmark: Antworten",
                                                  body="Hier wird gepostet.", visibility="unit", settings=settings)
            await session.flush()
            opening = await services.opening_post(session, big)
            assert opening is not None
            posts = [opening]
            now = utcnow()
            for n in range(replies):
                parent = posts[0] if rng.random() < 0.3 else rng.choice(posts)
                while parent.depth >= MAX_DEPTH and parent.parent_id is not None:
                    parent = next(p for p in posts if p.id == parent.parent_id)
                body = _text(rng, rng.randint(1, 6))
                post = Post(thread_id=big.id, parent_id=parent.id, depth=parent.depth + 1,
                            author_id=accounts[n % clients].id, title_text="", body=body, body_html=render(body),
                            created_at=now, revision_count=1, hidden=n % 97 == 0, hidden_reason="Test",
                            hidden_rule="§ 1")
                session.add(post)
                await session.flush()
                session.add(PostRevision(post_id=post.id, number=1, title="", body=body, created_at=now))
                posts.append(post)
            big.reply_count = replies
            await session.commit()
            count = await session.scalar(select(func.count(Post.id)).where(Post.thread_id == big.id))
            tokens = []
            for account in accounts:
                token = new_token()
                session.add(AuthSession(token_hash=hash_token(token), account_id=account.id,
                                        expires_at=utcnow() + timedelta(hours=2)))
                tokens.append(token)
            await session.commit()
            assert await session.get(Thread, target.id) is not None
            return {"big": big.id, "target": target.id, "posts": count, "tokens": tokens}
    finally:
        await engine.dispose()


# --- load generator -------------------------------------------------------------------------------------------


def _cookies(token: str, csrf: str) -> str:
    return f"cookie: {SESSION_COOKIE}={token}; csrftoken={csrf}; lang=de\r\n"


async def _csrf(host: str, port: int, token: str) -> str:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(f"GET /me/discussions HTTP/1.1\r\nhost: {host}:{port}\r\ncookie: {SESSION_COOKIE}={token}\r\n\r\n"
                     .encode())
        head = await reader.readuntil(b"\r\n\r\n")
        for line in head.decode("latin-1").split("\r\n"):
            if line.lower().startswith("set-cookie:") and "csrftoken=" in line:
                return line.split("csrftoken=", 1)[1].split(";", 1)[0]
    finally:
        writer.close()
    raise RuntimeError("no CSRF cookie was set")


async def renders(base: str, token: str, thread_id: int, count: int) -> tuple[list[float], int]:
    host, port = base.removeprefix("http://").split(":")
    request = (f"GET /discussions/{thread_id} HTTP/1.1\r\nhost: {host}:{port}\r\n"
               f"cookie: {SESSION_COOKIE}={token}; lang=de\r\n\r\n").encode()
    reader, writer = await asyncio.open_connection(host, int(port))
    times: list[float] = []
    size = 0
    try:
        for n in range(count + 10):
            start = time.perf_counter()
            status, _headers, body = await exchange(reader, writer, request)
            elapsed = time.perf_counter() - start
            if status != 200:
                raise RuntimeError(f"thread page answered {status}")
            size = len(body)
            if n >= 10:
                times.append(elapsed)
    finally:
        writer.close()
    return times, size


async def posting(base: str, tokens: list[str], thread_id: int, total: int
                  ) -> tuple[float, list[float], Counter[str]]:
    host, port = base.removeprefix("http://").split(":")
    csrf = await _csrf(host, int(port), tokens[0])
    rng = random.Random(7)
    pending = list(range(total))
    latencies: list[float] = []
    statuses: Counter[str] = Counter()

    def request(token: str, n: int) -> bytes:
        body = urlencode({"_csrf_token": csrf, "parent": "", "body": f"Antwort {n}: " + _text(rng, 2)}).encode()
        return (f"POST /discussions/{thread_id}/reply HTTP/1.1\r\nhost: {host}:{port}\r\n{_cookies(token, csrf)}"
                f"content-type: application/x-www-form-urlencoded\r\ncontent-length: {len(body)}\r\n\r\n"
                ).encode() + body

    async def client(token: str) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while pending:
                n = pending.pop()
                start = time.perf_counter()
                try:
                    status = (await exchange(reader, writer, request(token, n))).status
                except (OSError, asyncio.IncompleteReadError) as exc:
                    statuses[type(exc).__name__] += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                    continue
                latencies.append(time.perf_counter() - start)
                statuses[str(status)] += 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client(token) for token in tokens))
    return time.perf_counter() - start, latencies, statuses


async def _stored(url: str, schema: str | None, thread_id: int) -> int:
    from ballot.discussions.models import Post

    engine = create_engine(url, schema)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(select(func.count(Post.id)).where(Post.thread_id == thread_id)) or 0)
    finally:
        await engine.dispose()


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, float]:
    var_dir = Path(tempfile.mkdtemp(prefix="bench-discussions-"))
    schema = None
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{var_dir / 'bench.sqlite3'}"
        env = live.server_env(var_dir, url)
    else:
        url, schema = POSTGRES_URL, f"benchd_{os.getpid()}_{secrets.token_hex(4)}"
        asyncio.run(run_sql(url, f'CREATE SCHEMA "{schema}"'))
        env = live.server_env(var_dir, url, schema)
    env["BALLOT_POSTS_PER_WINDOW"] = "1000000"
    try:
        t0 = time.perf_counter()
        setup = [sys.executable, __file__, "--setup", "--clients", str(args.clients), "--replies", str(args.replies)]
        try:
            live.run([str(live.BIN / "ballot"), "db", "upgrade"], env)
        except RuntimeError as exc:  # e.g. migration branches being re-chained: the models' schema is the same
            print(f"[{backend}] ballot db upgrade failed ({str(exc).splitlines()[-1]}); creating the schema from "
                  "the models instead")
            setup.append("--create-schema")
        info = json.loads(live.run(setup, env).strip().splitlines()[-1])
        print(f"[{backend}] setup: thread with {info['posts']} posts, {args.clients} members "
              f"({time.perf_counter() - t0:.1f} s)")
        load = os.getloadavg()
        server = live.Server(env, live.free_port(), var_dir / "server.log", workers=args.workers)
        server.start()
        assert server.process is not None
        try:
            cpu = server_cpu(server.process.pid)
            times, size = asyncio.run(renders(server.url, info["tokens"][1], info["big"], args.renders))
            render_cpu = (server_cpu(server.process.pid) - cpu) / (args.renders + 10)
            cpu = server_cpu(server.process.pid)
            wall, latencies, statuses = asyncio.run(posting(server.url, info["tokens"], info["target"], args.posts))
            post_cpu = (server_cpu(server.process.pid) - cpu) / max(1, args.posts)
        finally:
            server.stop()
        stored = asyncio.run(_stored(url, schema, info["target"])) - 1
        ok = statuses.get("302", 0)
        figures = {"render_p50_ms": statistics.median(times) * 1000, "render_p95_ms": percentile(times, 0.95) * 1000,
                   "page_kb": size / 1024, "replies_per_s": ok / wall,
                   "post_p50_ms": statistics.median(latencies) * 1000,
                   "post_p95_ms": percentile(latencies, 0.95) * 1000, "render_cpu_ms": render_cpu * 1000,
                   "post_cpu_ms": post_cpu * 1000}
        print(f"[{backend}] {args.workers} uvicorn workers, {os.cpu_count()} cores, load average before "
              f"{load[0]:.1f} (other processes share the cores)")
        print(f"[{backend}] server CPU: {render_cpu * 1000:.1f} ms per page, {post_cpu * 1000:.1f} ms per reply "
              f"(so {os.cpu_count() or 1} free cores would carry about "
              f"{(os.cpu_count() or 1) / post_cpu:.0f} replies/s)")
        print(f"[{backend}] thread page, {info['posts']} posts, page of {size / 1024:.0f} kB: "
              f"p50 {figures['render_p50_ms']:.1f} ms, p95 {figures['render_p95_ms']:.1f} ms "
              f"over {len(times)} requests (target p95 < 150 ms)")
        print(f"[{backend}] posting, {args.clients} clients: {figures['replies_per_s']:.0f} replies/s "
              f"({ok} in {wall:.1f} s; target >= 200), latency p50 {figures['post_p50_ms']:.0f} ms, "
              f"p95 {figures['post_p95_ms']:.0f} ms; statuses {dict(statuses)}; stored {stored}")
        if stored != ok:
            print(f"[{backend}] WARNING: {ok} replies answered 302 but {stored} are stored")
        return figures
    finally:
        if schema:
            asyncio.run(run_sql(POSTGRES_URL, f'DROP SCHEMA "{schema}" CASCADE'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--replies", type=int, default=2000)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--create-schema", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(json.dumps(asyncio.run(_setup(args.clients, args.replies, args.create_schema))))
        return
    for backend in (["sqlite", "postgres"] if args.backend == "both" else [args.backend]):
        run_backend(backend, args)


if __name__ == "__main__":
    main()
