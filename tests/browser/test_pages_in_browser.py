"""The pages in Chromium: the demo logins, axe-core (no serious or critical violation at desktop and phone size),
keyboard use, consents, the GDPR download and the htmx member search. Screenshots go to var/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import (
    BOARD,
    DESKTOP,
    MEMBER,
    PHONE,
    TRUSTEE,
    Login,
    describe,
    read_json,
    run_axe,
    screenshot,
)


def _paths(open_page: Any, login: Login) -> dict[str, str]:
    """The pages to check for one login, found by following the overview's links (no slugs hard-coded)."""
    page = open_page(login)
    page.goto("/")
    paths = {"overview": "/", "units": "/units", "profile": "/me"}
    home = page.locator("a[href^='/units/']").first.get_attribute("href")
    paths["unit"] = home or "/units"
    member_list = page.locator("a[href$='/members']").first
    if member_list.count():
        paths["members"] = member_list.get_attribute("href") or ""
    page.context.close()
    return paths


def _axe_check(open_page: Any, login: Login | None, paths: dict[str, str], role: str) -> list[str]:
    failures: list[str] = []
    for size_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_page(login, viewport=viewport, bypass_csp=True)
        for name, path in paths.items():
            response = page.goto(path)
            assert response is not None and response.status == 200, f"{path}: {response and response.status}"
            assert page.locator("h1").count() == 1, f"{path} needs exactly one h1"
            screenshot(page, f"{role}-{name}-{size_name}")
            violations = run_axe(page)
            if violations:
                failures.append(f"{role} {path} ({size_name}):\n{describe(violations)}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"] + 1:
                failures.append(f"{role} {path} ({size_name}): page scrolls sideways ({width}px)")
    return failures


def test_login_page_is_accessible(open_page: Any) -> None:
    failures = _axe_check(open_page, None, {"login": "/login"}, "anonymous")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("role", "login"), [("member", MEMBER), ("board", BOARD), ("trustee", TRUSTEE)])
def test_pages_are_accessible(open_page: Any, role: str, login: Login) -> None:
    paths = _paths(open_page, login)
    if role == "board":
        assert "members" in paths, "the board's overview links to a member list"
        page = open_page(login)
        page.goto(paths["members"])
        first = page.locator("table.member-table tbody a").first.get_attribute("href")
        assert first and first.startswith("/members/")
        paths["member"] = first
        federal = page.locator(".breadcrumbs a[href^='/units/']").first.get_attribute("href")
        assert federal
        paths["federal"] = federal
        page.goto(federal)
        body = page.locator("section[aria-labelledby=board-heading] a[href^='/units/']").first.get_attribute("href")
        assert body
        paths["body"] = body
        page.context.close()
    else:
        assert "members" not in paths
    failures = _axe_check(open_page, login, paths, role)
    print("\n".join(failures))
    assert not failures, "\n".join(failures)


def test_skip_link_is_the_first_tab_stop(open_page: Any) -> None:
    page = open_page(MEMBER)
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip-link", "#main"]
    assert page.locator(".skip-link").is_visible(), "the skip link becomes visible when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_member_cannot_open_a_member_list(open_page: Any) -> None:
    board_paths = _paths(open_page, BOARD)
    page = open_page(MEMBER)
    response = page.goto(board_paths["members"])
    assert response is not None and response.status == 403


def test_change_consents(open_page: Any) -> None:
    page = open_page(MEMBER)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/me")
    box = page.locator("#consent-newsletter")
    was = box.is_checked()
    box.set_checked(not was)
    page.locator("form[action='/me/consents'] button[type=submit]").click()
    page.wait_for_url("**/me?saved=consents")
    assert page.locator(".notice-success").count() == 1
    assert page.locator("#consent-newsletter").is_checked() is (not was)
    assert page.locator("#consent-history-caption").count() == 1
    screenshot(page, "member-consents-saved-desktop")
    assert not errors, errors


def test_download_personal_data(open_page: Any, tmp_path: Any) -> None:
    page = open_page(MEMBER)
    page.goto("/me")
    with page.expect_download() as info:
        page.locator("a[href='/me/export.json']").last.click()
    download = info.value
    assert download.suggested_filename.endswith(".json")
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    data = read_json(target)
    assert data["account"]["email"] == MEMBER.email
    assert data["registry_entry"]["number"]
    raw = target.read_text(encoding="utf-8")
    assert "password_hash" not in raw and "token_hash" not in raw and "$argon2" not in raw
    assert BOARD.email not in raw


def test_member_search_with_htmx_updates_only_the_table(open_page: Any) -> None:
    paths = _paths(open_page, BOARD)
    page = open_page(BOARD)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(paths["members"])
    page.evaluate("window.__stillHere = true")
    name = page.locator("table.member-table tbody th a").first.inner_text()
    family = name.split(",")[0].strip()
    with page.expect_response(lambda r: "/members?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#f-q").fill(family)
        page.locator("#f-q").press("Enter")
    page.wait_for_url(lambda url: "q=" in url)
    assert page.evaluate("window.__stillHere === true"), "htmx swapped the table without a page load"
    assert family.lower() in page.locator("table.member-table tbody tr").first.inner_text().lower()
    assert page.locator("#f-q").input_value() == family
    search_url = page.url
    page.go_back()
    for _ in range(50):  # htmx restores the earlier list from its history cache (a same-document navigation)
        if "q=" not in page.url:
            break
        page.wait_for_timeout(100)
    assert "q=" not in page.url
    assert page.locator("form[role=search]").count() == 1
    assert not errors, errors
    # Screenshot last: Playwright's screenshot leaves traces that htmx's history snapshot would restore under CSP.
    page.goto(search_url)
    screenshot(page, "board-member-search-desktop")


def test_member_search_without_javascript(open_page: Any) -> None:
    paths = _paths(open_page, BOARD)
    page = open_page(BOARD, java_script_enabled=False)
    page.goto(paths["members"])
    page.locator("#f-dues").select_option("overdue")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**dues=overdue**")
    assert page.locator("form[role=search]").count() == 1
    assert page.locator("#f-dues").input_value() == "overdue"
    screenshot(page, "board-member-filter-nojs-desktop")
