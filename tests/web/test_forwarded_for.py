"""X-Forwarded-For counts only from ``BALLOT_TRUSTED_PROXIES`` (issue 12, item 3).

A real server started with ``ballot serve`` on a SQLite file. The test client connects from 127.0.0.1. With no
trusted proxy (the default), failed log-ins that each forge another X-Forwarded-For all count against 127.0.0.1: the
login rate limiter refuses the third, and the audit log records 127.0.0.1 for each. With 127.0.0.1 as the trusted
proxy, the same requests count against the forwarded addresses (the positive control that the header reaches uvicorn).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from ballot.db import create_engine
from tests.referendums import live

pytestmark = pytest.mark.slow

FORGED = ("203.0.113.1", "203.0.113.2", "203.0.113.3")


def failed_logins(url: str) -> list[int]:
    """Three failed log-ins (unknown address), each with another forged X-Forwarded-For; their status codes."""
    statuses = []
    with httpx.Client(base_url=url, timeout=60) as client:
        client.get("/login")
        for forged in FORGED:
            response = client.post("/login", headers={"x-forwarded-for": forged},
                                   data={"email": "nobody@example.org", "password": "wrong-password-1",
                                         "_csrf_token": client.cookies.get("csrftoken") or ""})
            statuses.append(response.status_code)
    return statuses


def audited_addresses(env: dict[str, str]) -> list[str]:
    async def read() -> list[str]:
        engine = create_engine(env["BALLOT_DATABASE_URL"])
        try:
            async with engine.connect() as conn:
                rows = (await conn.execute(text("SELECT data FROM audit_events WHERE tag = 'accounts:login:failure' "
                                                "ORDER BY id"))).scalars().all()
        finally:
            await engine.dispose()
        return [str((row if isinstance(row, dict) else json.loads(row))["ip"]) for row in rows]

    return asyncio.run(read())


@pytest.mark.parametrize(("trusted", "limited", "seen"), [
    ("", [422, 422, 429], ["127.0.0.1", "127.0.0.1"]),
    ("127.0.0.1", [422, 422, 422], list(FORGED)),
])
def test_forwarded_for_counts_only_from_trusted_proxies(tmp_path: Path, trusted: str, limited: list[int],
                                                        seen: list[str]) -> None:
    with live.backend_env("sqlite", tmp_path, "xff") as env:
        env.update(BALLOT_LOGIN_PER_IP_PER_MINUTE="2", BALLOT_TRUSTED_PROXIES=trusted)
        live.run([str(live.BIN / "ballot"), "db", "upgrade"], env)
        server = live.Server(env, live.free_port(), tmp_path / "server.out", serve=True)
        server.start()
        try:
            assert failed_logins(server.url) == limited
        finally:
            server.stop()
        assert audited_addresses(env) == seen
