"""The voting booth in Chromium: an open referendum prepared in the live server's database (tests/browser/
booth_setup.py), the demo member votes with JavaScript (encrypted in the browser, audited first with a Benaloh
challenge), without JavaScript (the server encrypts), and with the keyboard only; receipts are found on the board;
axe-core on the booth, the receipt and the board at desktop and phone size. Screenshots go to var/screenshots/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    BIN,
    DESKTOP,
    MEMBER,
    PHONE,
    _run,
    _server_env,
    describe,
    run_axe,
    screenshot,
)


@pytest.fixture(scope="module")
def booth(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """{"uuid", "credential"} of an open referendum in the live server's database."""
    candidates = sorted({p.resolve() for p in tmp_path_factory.getbasetemp().glob("browser-var*/ballot.sqlite3")})
    assert len(candidates) == 1, f"cannot find the live server's database: {candidates}"
    done = _run([sys.executable, "-m", "tests.browser.booth_setup"], _server_env(candidates[0].parent))
    if done.returncode != 0:
        raise RuntimeError(f"preparing the ballot failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _fill(page: Any, credential: str, choice: str = "yes") -> None:
    page.locator(f"#f-q-q1-{choice}").check()
    page.locator("#f-credential").fill(credential)


def vote_with_js(page: Any, booth: dict[str, str], choice: str = "yes") -> str:
    """Votes through the JavaScript booth; returns the tracker from the receipt page."""
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"/ballots/{booth['uuid']}/vote")
    assert page.locator("#js-notice").is_visible() and not page.locator("#nojs-notice").is_visible()
    _fill(page, booth["credential"], choice)
    page.locator("#booth-review-button").click()
    assert page.locator("#booth-review").is_visible()
    page.locator("#booth-cast-button").click()
    page.wait_for_url("**/receipt")
    assert [p for p in posts if "/ballots/" in p] == [f"{page.url.split('/ballots/')[0]}/ballots/{booth['uuid']}/cast"]
    return page.locator("#receipt-tracker").inner_text().strip()


def test_vote_with_javascript_and_benaloh_audit(open_page: Any, booth: dict[str, str], tmp_path: Path) -> None:
    page = open_page(MEMBER)
    page.goto(f"/ballots/{booth['uuid']}/vote")
    _fill(page, booth["credential"], "no")
    page.locator("#booth-review-button").click()
    review = page.locator("#booth-review-list").inner_text()
    assert "Nein" in review or "No" in review
    screenshot(page, "booth-review-desktop")
    page.locator(".booth-audit summary").click()
    page.locator("#booth-audit-button").click()
    with page.expect_download() as info:
        page.locator("#booth-audit-download").click()
    spoiled = tmp_path / "spoiled.json"
    info.value.save_as(str(spoiled))
    audit = subprocess.run([str(BIN / "ballot-audit"), "spoiled", str(spoiled)],  # noqa: S603
                           capture_output=True, text=True, timeout=120, check=False)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    # The audited ballot is discarded; the member then casts a fresh one.
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.locator("#booth-cast-button").click()
    page.wait_for_url("**/receipt")
    assert len(posts) == 1 and posts[0].endswith("/cast")
    tracker = page.locator("#receipt-tracker").inner_text().strip()
    assert tracker not in json.dumps(json.loads(spoiled.read_text()))
    text = page.locator("main").inner_text()
    assert "Nein" not in text and "Enthaltung" not in text
    page.goto(f"/ballots/{booth['uuid']}/board")
    page.locator("#f-tracker").fill(tracker)
    page.locator(".check-form button[type=submit]").click()
    page.wait_for_selector("#check-result")
    assert page.locator("#check-result").get_attribute("data-kind") == "found"
    assert tracker in page.locator(".board-table").inner_text()


def test_vote_without_javascript(open_page: Any, booth: dict[str, str]) -> None:
    page = open_page(MEMBER, java_script_enabled=False)
    page.goto(f"/ballots/{booth['uuid']}/vote")
    assert page.locator("#nojs-notice").is_visible()
    _fill(page, booth["credential"], "abstain")
    page.locator("#booth-review-button").click()
    page.wait_for_selector("#confirm-cast")
    page.locator("#confirm-cast").click()
    page.wait_for_url("**/receipt")
    tracker = page.locator("#receipt-tracker").inner_text().strip()
    assert "tracker" not in page.url
    page.locator("#receipt-board").click()  # a form POST: the tracker stays out of the URL
    page.wait_for_url(f"**/ballots/{booth['uuid']}/board")
    assert page.locator("#check-result").get_attribute("data-kind") == "found"
    assert tracker in page.locator(".board-table").inner_text()


def test_booth_with_the_keyboard(open_page: Any, booth: dict[str, str]) -> None:
    page = open_page(MEMBER)
    page.goto(f"/ballots/{booth['uuid']}/vote")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == "q-q1":
            break
    else:
        pytest.fail("Tab never reached the first question")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-credential":
            break
    page.keyboard.type(booth["credential"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#booth-review:not([hidden])")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "booth-cast-button":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/receipt")


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_booth_receipt_board_accessible(open_page: Any, booth: dict[str, str], size: str,
                                        viewport: dict[str, int]) -> None:
    page = open_page(MEMBER, viewport=viewport, bypass_csp=True)
    failures: list[str] = []

    def check(name: str) -> None:
        assert page.locator("h1").count() == 1, f"{name} needs exactly one h1"
        screenshot(page, f"booth-{name}-{size}")
        violations = run_axe(page)
        if violations:
            failures.append(f"{name} ({size}):\n{describe(violations)}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"] + 1:
            failures.append(f"{name} ({size}): page scrolls sideways ({width}px)")

    page.goto(f"/ballots/{booth['uuid']}/vote")
    check("vote")
    vote_with_js(page, booth)
    check("receipt")
    page.locator("#receipt-board").click()
    page.wait_for_url(f"**/ballots/{booth['uuid']}/board")
    check("board")
    assert not failures, "\n".join(failures)
