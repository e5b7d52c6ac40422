"""Nothing the server writes links a member to a ballot (issue 12, items 1 to 4).

A real server, started as the operator starts it (``ballot serve``: our log configuration, uvicorn's access log off,
no trusted proxy) with ``BALLOT_ACCESS_LOG_CLIENT=1`` (so the test also sees that ballot routes never carry the
address), on a SQLite file and on a private PostgreSQL schema, with an open ballot from tests/referendums/live.py.
Its stdout and stderr go to files of their own. The members log in with a password through ``POST /login``.

The vote path: without JavaScript over plain HTTP (httpx, so it always runs): log in, booth form, review, cast,
receipt page, receipt download, board check (full page and htmx), revote, board check again. With Chromium (else this
part skips with the reason): the JavaScript booth, one member audits (spoils, Benaloh) a ballot before casting, one
votes and votes again; receipts, downloads and board checks in the browser.

Then every byte the server wrote is searched: stdout, stderr, every file under its var dir except the database
itself, the audit log rows and the dev mailbox rows. The credentials of this setup go out as letters (an in-memory
sink), so the mailbox holds no voting-code mail; where credentials are mailed, that one mail must carry the voting
code by design and is the only thing excused. Searched for: each tracker (hex in lower and upper case, base64 and
base64url of its bytes), each board position as a URL or a download name would carry it, each voting code (with and
without dashes, any case), the password and the session tokens. And no line has a client port (the only
``address:port`` allowed is the server's own listening address) or a query string; every access-log line has only
the allowed fields; casting leaves no line.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from ballot.db import create_engine
from ballot.web.cookies import SESSION_COOKIE
from tests.conftest import postgres_unavailable
from tests.referendums import live

pytestmark = pytest.mark.slow

PASSWORD = "secret-logs-2026"
TRACKER_SHOWN = re.compile(r'id="receipt-tracker">([0-9a-f]{64})<')
POSITION_SHOWN = re.compile(r'id="receipt-position">(\d+)<')
ACCESS_LINE = re.compile(r"ballot\.access method=[A-Z]+ route=(\S+) status=\d{3} duration_ms=\d+\.\d( client=(\S+))?$")
ADDRESS_PORT = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}[:,' ]+(\d{1,5})\b")
QUERY = re.compile(r"\?[^\s\"']*=")
BALLOT_ROUTES = ("/ballots/{election_uuid}/vote", "/ballots/{election_uuid}/cast", "/ballots/{election_uuid}/receipt",
                 "/ballots/{election_uuid}/board", "/ballots/{election_uuid}/booth.json")
DATABASE_FILES = ("ballot.sqlite3", "ballot.sqlite3-wal", "ballot.sqlite3-shm", "ballot.sqlite3-journal")


@pytest.fixture(params=["sqlite", "postgres"])
def server_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    if request.param == "postgres" and (reason := postgres_unavailable()):
        pytest.skip(reason)
    (tmp_path / "var").mkdir()
    with live.backend_env(request.param, tmp_path / "var", "logs") as env:
        env.update(BALLOT_ACCESS_LOG_CLIENT="1")
        yield env


@contextmanager
def log_in(url: str, email: str, urls: list[str]) -> Iterator[httpx.Client]:
    """An httpx client logged in through the login form (CSRF cookie and field); every URL it asks for and every
    redirect target goes into ``urls``."""

    def note(response: httpx.Response) -> None:
        urls.append(str(response.request.url))
        urls.append(response.headers.get("location", ""))

    with httpx.Client(base_url=url, timeout=60, event_hooks={"response": [note]}) as client:
        client.get("/login")
        response = client.post("/login", data={"email": email, "password": PASSWORD,
                                               "_csrf_token": client.cookies.get("csrftoken") or ""})
        assert response.status_code == 303 and client.cookies.get(SESSION_COOKIE), response.text[:500]
        yield client


def vote_without_javascript(client: httpx.Client, uuid: str, credential: str, choice: str) -> dict[str, Any]:
    """The form booth: review, cast, the receipt page (cookie), the download, the board check; returns the receipt."""
    base = f"/ballots/{uuid}"
    token = client.cookies.get("csrftoken") or ""
    assert client.get(f"{base}/vote").status_code == 200
    fields = {"_csrf_token": token, "q-q1": choice, "credential": credential}
    assert client.post(f"{base}/vote", data=fields | {"step": "review"}).status_code == 200
    cast = client.post(f"{base}/vote", data=fields | {"step": "cast"})
    assert cast.status_code == 303 and cast.headers["location"] == f"{base}/receipt", cast.text[:500]
    page = client.get(f"{base}/receipt")
    shown = TRACKER_SHOWN.search(page.text)
    assert page.status_code == 200 and shown, page.text[:500]
    download = client.post(f"{base}/receipt", data={"_csrf_token": token, "tracker": shown[1], "download": "1"})
    receipt = dict(download.json())
    assert receipt["tracker"] == shown[1] and POSITION_SHOWN.search(page.text)[1] == str(receipt["position"])  # type: ignore[index]
    assert check_on_board(client, uuid, receipt["tracker"]) == "found"
    return receipt


def check_on_board(client: httpx.Client, uuid: str, tracker: str) -> str:
    """The board check in both forms (full page, htmx partial); returns the answer's kind."""
    form = {"_csrf_token": client.cookies.get("csrftoken") or "", "tracker": tracker}
    kinds = set()
    for headers in ({}, {"hx-request": "true"}):
        answer = client.post(f"/ballots/{uuid}/board", data=form, headers=headers)
        found = re.search(r'id="check-result" data-kind="(\w+)"', answer.text)
        assert answer.status_code == 200 and found, answer.text[:500]
        kinds.add(found[1])
    assert len(kinds) == 1
    return kinds.pop()


def vote_with_javascript(url: str, uuid: str, voters: list[dict[str, Any]], folder: Path,
                         urls: list[str]) -> list[dict[str, Any]]:
    """The JavaScript booth in Chromium: the first voter audits a ballot, then casts; the second votes twice. Every
    URL the pages request (documents, fetches, htmx) goes into ``urls``."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Login
    from tests.browser.whole_path_steps import cast, check_tracker
    from tests.browser.whole_path_steps import log_in as browser_log_in

    receipts = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            first = browser_log_in(browser, url, Login(voters[0]["email"], PASSWORD))
            first.context.on("request", lambda request: urls.append(request.url))
            receipts.append(cast(first, uuid, voters[0]["credential"], "yes", folder, audit_first=True))
            assert "tracker" not in first.url
            second = browser_log_in(browser, url, Login(voters[1]["email"], PASSWORD))
            second.context.on("request", lambda request: urls.append(request.url))
            receipts.append(cast(second, uuid, voters[1]["credential"], "no", folder))
            receipts.append(cast(second, uuid, voters[1]["credential"], "yes", folder))
            for page, receipt in zip((first, second, second), receipts, strict=True):
                assert check_tracker(page, uuid, receipt["tracker"]) == "found"
                assert "tracker" not in page.url
        finally:
            browser.close()
    return receipts


def stored_rows(env: dict[str, str]) -> str:
    """The audit log and the dev mailbox as the database holds them, one JSON line per row."""
    import asyncio

    async def read() -> list[str]:
        engine = create_engine(env["BALLOT_DATABASE_URL"], env.get("BALLOT_DATABASE_SCHEMA"))
        try:
            async with engine.connect() as conn:
                lines = []
                for table in ("audit_events", "dev_mail"):
                    rows = (await conn.execute(text(f"SELECT * FROM {table}"))).mappings().all()  # noqa: S608
                    lines += [json.dumps({"table": table, **row}, default=str) for row in rows]
                return lines
        finally:
            await engine.dispose()

    lines = asyncio.run(read())
    assert any('"table": "audit_events"' in line and "accounts:login:success" in line for line in lines)
    return "\n".join(lines)


def needles(receipts: list[dict[str, Any]], voters: list[dict[str, Any]]) -> dict[str, str]:
    """What must appear nowhere, each with a name for the failure message."""
    found: dict[str, str] = {}
    for receipt in receipts:
        tracker, raw = receipt["tracker"], bytes.fromhex(receipt["tracker"])
        for form in (tracker, tracker.upper(), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode(),
                     base64.urlsafe_b64encode(raw).decode().rstrip("=")):
            found[form] = f"tracker at position {receipt['position']}"
        for form in (f"position={receipt['position']}", f"-{receipt['position']}.json",
                     f"position/{receipt['position']}"):
            found[form] = f"position {receipt['position']} as in a URL"
    for voter in voters:
        code = voter["credential"]
        for form in (code, code.lower(), code.replace("-", ""), code.replace("-", "").lower()):
            found[form] = "a voting code"
        found[voter["token"]] = "a session token"
    found[PASSWORD] = "the password"
    return found


def check_written(written: dict[str, str], forbidden: dict[str, str], port: int) -> None:
    """Each source the server wrote: no forbidden string; each log line: no client port, no query string, and
    access lines with only the allowed fields."""
    for source, content in written.items():
        lowered = content.lower()
        for needle, what in forbidden.items():
            assert needle.lower() not in lowered, f"{what} ({needle}) is in {source}"
        if not source.startswith("server.out"):
            continue
        for line in content.splitlines():
            assert all(int(p) == port for p in ADDRESS_PORT.findall(line)), f"a client port in {source}: {line}"
            assert not QUERY.search(line), f"a query string in {source}: {line}"
            if " ballot.access " in line:
                access = ACCESS_LINE.search(line)
                assert access, f"an access-log line with other fields: {line}"
                assert not (access[1] in BALLOT_ROUTES and access[2]), f"a client address on a ballot route: {line}"
                assert not re.search(r"method=POST route=/ballots/\{election_uuid\}/(cast|vote) ", line), line


def test_nothing_written_links_a_member_to_a_ballot(server_env: dict[str, str], tmp_path: Path) -> None:
    info = live.prepare(server_env, voters=4, password=PASSWORD)
    uuid, voters = info["uuid"], info["voters"]
    var_dir = Path(server_env["BALLOT_VAR_DIR"])
    server = live.Server(server_env, live.free_port(), var_dir / "server.out", serve=True)
    server.start()
    receipts: list[dict[str, Any]] = []
    urls: list[str] = []
    try:
        with log_in(server.url, voters[0]["email"], urls) as client:
            receipts.append(vote_without_javascript(client, uuid, voters[0]["credential"], "yes"))
            receipts.append(vote_without_javascript(client, uuid, voters[0]["credential"], "no"))  # the revote
            assert check_on_board(client, uuid, receipts[0]["tracker"]) == "found"
        with log_in(server.url, voters[1]["email"], urls) as client:
            receipts.append(vote_without_javascript(client, uuid, voters[1]["credential"], "abstain"))
        from tests.browser.conftest import _cannot_launch

        skipped = _cannot_launch()
        if not skipped:
            folder = tmp_path / "browser"
            folder.mkdir()
            receipts += vote_with_javascript(server.url, uuid, voters[2:], folder, urls)
    finally:
        server.stop()
    assert [r["position"] for r in receipts] == list(range(1, len(receipts) + 1))

    written = {str(path.relative_to(var_dir)): path.read_text(encoding="utf-8", errors="replace")
               for path in sorted(var_dir.rglob("*")) if path.is_file() and path.name not in DATABASE_FILES}
    written["audit log and dev mailbox rows"] = stored_rows(server_env)
    written["URLs the clients requested (no log: no URL may carry these either)"] = "\n".join(urls)
    logs = written["server.out"] + written["server.out.stderr"]
    assert "route=/ballots/{election_uuid}/receipt" in logs and "route=/login" in logs, logs[-2000:]
    check_written(written, needles(receipts, voters), server.port)
    if skipped:
        pytest.skip(f"the no-JavaScript path passed; the JavaScript booth part did not run: {skipped}")
