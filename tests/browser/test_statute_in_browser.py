"""The statute page in Chromium: an admin stores a new version, a member reads the effective rules and runs a dry
run (htmx swaps the panel), and axe-core finds no serious or critical violation at desktop and phone size."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import DESKTOP, MEMBER, PHONE, Login, check_page

ADMIN = Login("admin@demo.example")
NEW_VERSION = """[referendum.quorum]
participation = "30 %"
paragraph = "§ 7 Landessatzung NRW"
"""


def _check(page: Any, name: str, viewport: dict[str, int]) -> list[str]:
    return check_page(page, name, viewport)


def test_admin_stores_a_version_and_a_member_runs_a_dry_run(open_page: Any) -> None:
    failures: list[str] = []
    admin = open_page(ADMIN, bypass_csp=True)
    admin.goto("/units/lv-nrw/statute")
    admin.locator("#f-source").fill("[referendum.quorum]\nparticipation = 0.3\n")
    admin.locator("form[method=post][action*='/statute'] button[type=submit]").click()
    admin.locator("#f-source-problems").wait_for()
    assert admin.locator("#f-source-problems li").count() == 1
    failures += _check(admin, "admin-statute-problems-desktop", DESKTOP)
    admin.locator("#f-source").fill(NEW_VERSION)
    admin.locator("#f-note").fill("Beschluss des Landesparteitags")
    admin.locator("form[method=post][action*='/statute'] button[type=submit]").click()
    admin.wait_for_url("**/units/lv-nrw/statute?saved=*")
    assert admin.locator(".notice-success").count() == 1

    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_page(MEMBER, viewport=viewport, bypass_csp=True)
        errors: list[str] = []
        page.on("console", lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None)
        page.goto("/units/ov-koeln-ehrenfeld")
        page.locator("a[href='/units/ov-koeln-ehrenfeld/statute']").click()
        page.wait_for_url("**/units/ov-koeln-ehrenfeld/statute")
        body = page.locator("main").inner_text()
        assert "30 %" in body and "§ 7 Landessatzung NRW" in body
        assert "Landesverband Nordrhein-Westfalen, Version 1" in body
        failures += _check(page, f"member-statute-{size}", viewport)
        page.locator("#f-dry-eligible").fill("1000")
        page.locator("#f-dry-yes").fill("250")
        page.locator("#f-dry-no").fill("100")
        page.locator("#f-dry-abstain").fill("10")
        with page.expect_response(lambda r: "/dry-run?" in r.url and r.request.headers.get("hx-request") == "true"):
            page.locator("#dry-run-panel button[type=submit]").click()
        page.wait_for_url(lambda url: "eligible=1000" in url)
        panel = page.locator("#dry-run-panel")
        assert panel.locator(".outcome-adopted").count() == 1
        assert panel.locator(".trail-table tbody tr").count() >= 5
        assert "§ 7 Landessatzung NRW" in panel.inner_text()
        failures += _check(page, f"member-statute-dry-run-{size}", viewport)
        page.locator("#f-dry-yes").fill("-3")
        page.locator("#dry-run-panel button[type=submit]").click()
        page.locator("#f-dry-yes-error").wait_for()
        assert not errors, errors
    assert not failures, "\n".join(failures)
