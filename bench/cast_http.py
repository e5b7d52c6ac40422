"""Accepted ballots per second through POST /ballots/{uuid}/cast, with full verification and a durable commit.

    .venv/bin/python bench/cast_http.py [--voters 600] [--clients 50] [--backend sqlite|postgres] [--workers 2]

Prepares an open referendum with N eligible members (services, credentials caught in an in-memory sink, one session
per member inserted directly into the database: tests/referendums/live.py), precomputes N signed ballots in worker
processes, measures the single-core cost of ``verify_ballot`` (median), starts uvicorn with 2 workers and lets
``--clients`` concurrent httpx.AsyncClient clients post the ballots. Prints the accepted ballots/s, the latency
percentiles, the errors by status and the ratio of the per-ballot wall time to the verification cost, then checks
that the board holds exactly the accepted ballots. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import select  # noqa: E402

from ballot.db import create_engine  # noqa: E402
from ballot.referendums.models import BoardEntry, Election  # noqa: E402
from ballot.web.cookies import SESSION_COOKIE  # noqa: E402
from ballot_crypto import credentials  # noqa: E402
from ballot_crypto.ballots import encrypt_ballot, sign_ballot, verify_ballot  # noqa: E402
from bench.http_load import exchange, percentile, run_sql, server_cpu  # noqa: E402
from tests.referendums import live  # noqa: E402

POSTGRES_URL = os.environ.get("BALLOT_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
CHOICES = ([1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0])

_worker: dict[str, Any] = {}


def _init(info: dict[str, Any]) -> None:
    _worker["election"] = live.crypto_election(info)
    _worker["salt"] = uuid.UUID(info["uuid"]).bytes


def _make(job: tuple[str, int]) -> bytes:
    credential, n = job
    key = credentials.signing_key(credential, _worker["salt"])
    unsigned, _secrets = encrypt_ballot(_worker["election"], bytes(key.verify_key), [CHOICES[n % len(CHOICES)]])
    return json.dumps(sign_ballot(unsigned, key)).encode()


def verify_median(info: dict[str, Any], bodies: list[bytes], samples: int = 60) -> float:
    election = live.crypto_election(info)
    times = []
    for body in bodies[:samples]:
        ballot = json.loads(body)
        start = time.perf_counter()
        verify_ballot(election, ballot)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def board_trackers(url: str, schema: str | None, election_uuid: str) -> list[str]:
    engine = create_engine(url, schema)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(select(BoardEntry.tracker).join(Election, Election.id == BoardEntry.election_id)
                                      .where(Election.uuid == election_uuid).order_by(BoardEntry.position))
            return [r[0] for r in rows]
    finally:
        await engine.dispose()


def _request(path: str, host: str, token: str, csrf: str, body: bytes) -> bytes:
    """One prebuilt HTTP/1.1 keep-alive request (the load generator must cost far less than the server)."""
    head = (f"POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n"
            f"x-csrftoken: {csrf}\r\ncookie: {SESSION_COOKIE}={token}; csrftoken={csrf}\r\n"
            f"content-length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def hammer(base_url: str, election_uuid: str, jobs: list[tuple[str, bytes]], clients: int
                 ) -> tuple[float, list[float], Counter[str], list[str]]:
    """``clients`` keep-alive connections posting the prebuilt ballots; raw asyncio streams instead of an HTTP
    client library, so that the generator's CPU cost (printed) stays small beside the server's."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as first:
        first.cookies.set(SESSION_COOKIE, jobs[0][0])
        await first.get(f"/ballots/{election_uuid}/board")
        csrf = first.cookies.get("csrftoken")
        assert csrf, "no CSRF cookie was set"
    host, port = base_url.removeprefix("http://").split(":")
    path = f"/ballots/{election_uuid}/cast"
    requests = [_request(path, f"{host}:{port}", token, csrf, body) for token, body in jobs]
    pending = list(reversed(requests))
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    trackers: list[str] = []

    async def client_loop() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while pending:
                request = pending.pop()
                start = time.perf_counter()
                try:
                    status, _headers, body = await exchange(reader, writer, request)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    statuses[type(exc).__name__] += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                    continue
                latencies.append(time.perf_counter() - start)
                statuses[str(status)] += 1
                if status == 200:
                    trackers.append(json.loads(body)["receipt"]["tracker"])
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client_loop() for _ in range(clients)))
    return time.perf_counter() - start, latencies, statuses, trackers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=600)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="cast-http-"))
    schema = None
    if args.backend == "sqlite":
        env = live.server_env(var_dir, f"sqlite+aiosqlite:///{var_dir / 'bench.sqlite3'}")
        url = env["BALLOT_DATABASE_URL"]
    else:
        url = POSTGRES_URL
        schema = f"bench_{os.getpid()}_{secrets.token_hex(4)}"
        asyncio.run(run_sql(url, f'CREATE SCHEMA "{schema}"'))
        env = live.server_env(var_dir, url, schema)
    try:
        t0 = time.perf_counter()
        info = live.prepare(env, args.voters)
        print(f"setup: {args.voters} eligible members, ballot open ({time.perf_counter() - t0:.1f} s)")
        t0 = time.perf_counter()
        voters = info["voters"]
        with ProcessPoolExecutor(os.cpu_count() or 2, initializer=_init, initargs=(info,)) as pool:
            bodies = list(pool.map(_make, [(v["credential"], n) for n, v in enumerate(voters)], chunksize=16))
        print(f"ballots: {len(bodies)} encrypted, proved and signed ({time.perf_counter() - t0:.1f} s)")
        verify = verify_median(info, bodies)
        print(f"verify_ballot, one core, median: {verify * 1000:.2f} ms")

        server = live.Server(env, live.free_port(), var_dir / "server.log", workers=args.workers)
        server.start()
        load_before = os.getloadavg()
        cpu_before = time.process_time()
        assert server.process is not None
        server_before = server_cpu(server.process.pid)
        try:
            wall, latencies, statuses, trackers = asyncio.run(hammer(
                server.url, info["uuid"], [(v["token"], b) for v, b in zip(voters, bodies, strict=True)],
                args.clients))
        finally:
            load_after = os.getloadavg()
            client_cpu = time.process_time() - cpu_before
            server_used = server_cpu(server.process.pid) - server_before
            server.stop()
        accepted = statuses.get("200", 0)
        per_ballot = wall / accepted if accepted else float("nan")
        print(f"backend {args.backend}, {args.workers} uvicorn workers, {args.clients} clients, {os.cpu_count()} cores")
        print(f"client (this process) CPU: {client_cpu:.1f} s of {wall:.1f} s wall "
              f"({client_cpu / accepted * 1000 if accepted else 0:.1f} ms per ballot)")
        print(f"server CPU: {server_used:.1f} s ({server_used / accepted * 1000 if accepted else 0:.1f} ms per ballot,"
              f" {server_used / accepted / verify if accepted else 0:.1f}x the verification cost)")
        print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
        print(f"accepted: {accepted} of {len(bodies)} in {wall:.2f} s = {accepted / wall:.0f} ballots/s")
        if latencies:
            print(f"latency p50 {percentile(latencies, .5) * 1000:.0f} ms, p95 {percentile(latencies, .95) * 1000:.0f}"
                  f" ms, p99 {percentile(latencies, .99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
        errors = {k: v for k, v in statuses.items() if k != "200"}
        print(f"errors by status: {dict(sorted(errors.items())) or 'none'}")
        print(f"wall time per accepted ballot {per_ballot * 1000:.2f} ms = {per_ballot / verify:.2f}x the single-core "
              f"verification cost ({per_ballot * (os.cpu_count() or 1) / verify:.2f}x in core-time on "
              f"{os.cpu_count()} cores)")
        on_board = asyncio.run(board_trackers(url, schema, info["uuid"]))
        same = sorted(on_board) == sorted(trackers) and len(set(on_board)) == len(on_board)
        print(f"board: {len(on_board)} entries, {'exactly the accepted ballots' if same else 'MISMATCH'}")
        if not same:
            sys.exit(1)
    finally:
        if schema:
            asyncio.run(run_sql(url, f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
