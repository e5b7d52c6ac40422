"""What the HTTP benchmarks share: one keep-alive request/response over raw asyncio streams (a load generator that
costs far less than the server), the server's CPU time from /proc, percentiles, and one SQL statement."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import text

from ballot.db import create_engine


class Reply(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> Reply:
    """Send one prebuilt HTTP/1.1 request and read its response (content-length or chunked)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    status = int(lines[0].split()[1])
    if "chunked" not in headers.get("transfer-encoding", "").lower():
        return Reply(status, headers, await reader.readexactly(int(headers.get("content-length", "0"))))
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return Reply(status, headers, body)
        body += chunk[:-2]


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server's process group (uvicorn and its workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pid:  # process group
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def run_sql(url: str, sql: str) -> None:
    """Run one statement in its own engine (creating or dropping a benchmark's schema)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()
