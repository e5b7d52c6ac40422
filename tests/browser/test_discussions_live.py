"""Live replies across app workers, in Chromium, on SQLite and on PostgreSQL: two uvicorn servers (one worker each)
on one database; member B reads the thread through the first, member A replies, edits and the moderator hides the
reply through the second, and B's open page shows each change without a reload (htmx SSE; between the workers
ballot.live's polled table on SQLite, LISTEN/NOTIFY on PostgreSQL). Two servers rather than ``--workers 2``: the
kernel spreads one socket's connections over workers at random, two ports make sure the update crosses workers."""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, MEMBER, Login, _cannot_launch
from tests.conftest import POSTGRES_URL, postgres_unavailable
from tests.referendums import live

MODERATOR = Login("moderation@demo.example")
UNIT = "bundesverband"
THREAD_TITLE = "Antrag: Mitgliederentscheid über das Grundsatzprogramm"


@pytest.fixture(params=["sqlite", "postgres"])
def two_servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str, Login]]:
    """Two single-worker servers on one database with the demo data; yields both URLs and a second member."""
    reason = _cannot_launch()
    if reason:
        pytest.skip(reason)
    schema = None
    if request.param == "postgres":
        reason = postgres_unavailable()
        if reason:
            pytest.skip(reason)
        schema = f"lv_{os.getpid()}_{secrets.token_hex(4)}"
        live.postgres_sql(f'CREATE SCHEMA "{schema}"')
        env = live.server_env(tmp_path, POSTGRES_URL, schema)
    else:
        env = live.server_env(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'ballot.sqlite3'}")
    env.update(BALLOT_LOGIN_PER_IP_PER_MINUTE="1000", BALLOT_LOGIN_MAX_FAILURES="1000")
    servers = [live.Server(env, live.free_port(), tmp_path / f"server{n}.log") for n in (1, 2)]
    try:
        live.run([str(live.BIN / "ballot"), "db", "upgrade"], env)
        live.run([str(live.BIN / "ballot"), "demo"], env)
        emails = json.loads(live.run([sys.executable, "-m", "tests.browser.whole_path_accounts"], env)
                            .strip().splitlines()[-1])
        for server in servers:
            server.start()
        yield servers[0].url, servers[1].url, Login(emails[0], DEMO_PASSWORD)
    finally:
        for server in servers:
            server.stop()
        if schema:
            live.postgres_sql(f'DROP SCHEMA "{schema}" CASCADE')


def _log_in(browser: Any, base_url: str, login: Login) -> Any:
    context = browser.new_context(base_url=base_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto("/login")
    page.locator("#f-email").fill(login.email)
    page.locator("#f-password").fill(login.password)
    page.locator("form:has(#f-password) button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    return page


def _open_thread(page: Any) -> str:
    page.goto(f"/units/{UNIT}/discussions")
    page.get_by_role("link", name=THREAD_TITLE).click()
    page.wait_for_url("**/discussions/*")
    return str(page.url).split("/discussions/")[1].split("#")[0]


def test_reply_edit_and_hide_reach_an_open_page_on_another_worker(two_servers: tuple[str, str, Login]) -> None:
    from playwright.sync_api import sync_playwright

    first, second, member_b = two_servers
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            reader = _log_in(browser, first, member_b)
            errors: list[str] = []
            reader.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            with reader.expect_response(lambda r: "/live?after=" in r.url and r.status == 200):
                thread_id = _open_thread(reader)
            before = reader.locator("article.post").count()

            writer = _log_in(browser, second, MEMBER)
            writer.goto(f"/discussions/{thread_id}")
            text = f"Live über zwei Worker {secrets.token_hex(3)}"
            writer.locator("#f-body-main").fill(text)
            writer.locator(".reply-main button[type=submit]").click()
            writer.wait_for_url("**/discussions/*#post-*")
            post_id = str(writer.url).rsplit("#post-", 1)[1]

            writer.wait_for_timeout(1500)  # longer than the SQLite poll: the live message of the writer's own reply
            assert writer.locator(f"#post-{post_id}").count() == 1  # ... does not add it a second time
            arrived = reader.locator(f"#post-{post_id}")
            arrived.wait_for(timeout=15_000)  # no reload: the SSE stream of the first server delivered it
            assert text in arrived.inner_text()
            assert reader.locator("article.post").count() == before + 1
            assert "New reply by" in reader.locator("#live-status").inner_text() or \
                "Neue Antwort von" in reader.locator("#live-status").inner_text()

            writer.goto(f"/discussions/posts/{post_id}/edit")
            writer.locator("#f-body").fill(text + " (ergänzt)")
            writer.locator("form.post-form button[type=submit]").click()
            writer.wait_for_url("**/discussions/*#post-*")
            reader.locator(f"#post-{post_id}", has_text="(ergänzt)").wait_for(timeout=15_000)

            moderator = _log_in(browser, second, MODERATOR)
            moderator.goto(f"/discussions/posts/{post_id}/moderate")
            moderator.locator("#f-rule").fill("§ 3 Beim Thema bleiben")
            moderator.locator("#f-reason").fill("Testbeitrag live ausgeblendet")
            moderator.locator("form.post-form button[type=submit]").click()
            moderator.wait_for_url("**/discussions/*#post-*")
            hidden = reader.locator(f"#post-{post_id}.post-hidden")
            hidden.wait_for(timeout=15_000)
            assert "Testbeitrag live ausgeblendet" in hidden.inner_text()
            assert text not in hidden.inner_text()  # the reader is neither the author nor a moderator
            assert reader.locator(f"#post-{post_id}").count() == 1  # replaced, not added
            assert not errors, errors
        finally:
            browser.close()
