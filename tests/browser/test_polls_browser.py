"""Live polls in Chromium: the board creates a poll for guests and members and opens a question; the presenter
screen (its own browser context) updates live over server-sent events while a member and a guest answer on
phone-sized screens; revealing the results and opening the next question update the phone live too. axe-core
clean, no sideways scrolling."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import BOARD, DESKTOP, MEMBER, PHONE, check_page

UNIT = "bundesverband"
LIVE_TIMEOUT = 15_000  # ms; the answer messages are coalesced (0.4 s) before they reach the screen


def _check(page: Any, name: str, viewport: dict[str, int]) -> list[str]:
    return check_page(page, f"polls-{name}", viewport)


def _answer(page: Any, code: str, option: str) -> None:
    page.goto(f"/p/{code}")
    page.get_by_label(option).check()
    page.locator("form.phone-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/p/{code}\?answered=1$"))
    assert page.locator(".notice-success").count() == 1


def test_presenter_screen_updates_live(open_page: Any) -> None:
    failures: list[str] = []
    board = open_page(BOARD, bypass_csp=True)
    board.goto(f"/units/{UNIT}")
    board.locator(f"a[href='/units/{UNIT}/polls']").click()
    board.locator(f"a[href='/units/{UNIT}/polls/new']").click()
    board.locator("#f-title").fill("Landesparteitag: Stimmungsbild")
    board.locator("#f-allow_guests").check()
    board.locator("form button[type=submit].primary").click()
    board.wait_for_url(re.compile(r".*/polls/\d+$"))
    code = board.locator(".join-code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code)
    board.locator("input[name=kind][value=single]").check()
    board.locator("#f-prompt").fill("Welches Thema zuerst?")
    board.locator("#f-options").fill("Klima\nWohnen\nBildung")
    board.locator("section form button[type=submit].primary").last.click()
    board.wait_for_url(re.compile(r".*/polls/\d+#questions$"))
    board.locator("form[action$='/open'] button").click()
    board.wait_for_url(re.compile(r".*/polls/\d+#q-\d+$"))
    failures += _check(board, "manage-desktop", DESKTOP)
    poll_path = re.sub(r"#.*$", "", board.url)

    screen = open_page(BOARD, bypass_csp=True)
    screen.goto(f"{poll_path}/present")
    assert screen.locator(".presenter-qr svg").count() == 1
    assert screen.locator(".turnout-number").inner_text() == "0"
    screen.evaluate("window.stillTheSamePage = true")
    failures += _check(screen, "present-desktop", DESKTOP)

    phone = open_page(MEMBER, viewport=PHONE, bypass_csp=True)
    phone.goto(f"/units/{UNIT}/polls")
    phone.locator("#f-code").fill(code.lower())
    phone.locator("#f-code").press("Enter")
    phone.wait_for_url(f"**/p/{code}")
    failures += _check(phone, "phone-question", PHONE)
    _answer(phone, code, "Wohnen")
    failures += _check(phone, "phone-thanks", PHONE)

    screen.locator(".turnout-number").filter(has_text=re.compile(r"^1$")).wait_for(timeout=LIVE_TIMEOUT)
    guest = open_page(None, viewport=PHONE, bypass_csp=True)
    _answer(guest, code, "Wohnen")
    screen.locator(".turnout-number").filter(has_text=re.compile(r"^2$")).wait_for(timeout=LIVE_TIMEOUT)
    assert "Wohnen: 2" in (screen.locator("svg.poll-bars desc").text_content() or "")
    assert screen.evaluate("window.stillTheSamePage") is True  # updated in place, not reloaded
    failures += _check(screen, "present-live", DESKTOP)

    # The phones see the results only once revealed, and the reveal reaches an open phone page live.
    assert phone.locator("svg.poll-bars").count() == 0
    phone.evaluate("window.stillTheSamePage = true")
    board.locator("form[action$='/reveal'] button").click()
    phone.locator("svg.poll-bars").wait_for(timeout=LIVE_TIMEOUT)
    assert phone.evaluate("window.stillTheSamePage") is True
    failures += _check(phone, "phone-results", PHONE)

    # The next question reaches the open phone page live, and its swapped-in form (with its CSRF field) works.
    board.locator("input[name=kind][value=yes_no]").check()
    board.locator("#f-prompt").fill("Mittagspause verlängern?")
    board.locator("section form button[type=submit].primary").last.click()
    board.wait_for_url(re.compile(r".*/polls/\d+#questions$"))
    board.locator("form[action$='/open'] button").click()
    phone.locator("form.phone-form legend", has_text="Mittagspause verlängern?").wait_for(timeout=LIVE_TIMEOUT)
    assert phone.evaluate("window.stillTheSamePage") is True
    phone.locator("input[name=choice][value='0']").check()
    phone.locator("form.phone-form button[type=submit]").click()
    phone.wait_for_url(re.compile(rf".*/p/{code}\?answered=1$"))
    assert phone.locator(".notice-success").count() == 1
    screen.locator(".presenter-question", has_text="Mittagspause verlängern?").wait_for(timeout=LIVE_TIMEOUT)
    screen.locator(".turnout-number").filter(has_text=re.compile(r"^1$")).wait_for(timeout=LIVE_TIMEOUT)
    small = open_page(BOARD, viewport=PHONE, bypass_csp=True)  # the presenter page on a phone still works
    small.goto(f"{poll_path}/present")
    failures += _check(small, "present-phone", PHONE)
    small.goto(poll_path)
    failures += _check(small, "manage-phone", PHONE)
    assert not failures, "\n".join(failures)
