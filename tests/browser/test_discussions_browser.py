"""Discussions in Chromium: a member reads the demo thread, replies through the htmx form in place, searches;
the moderator hides the reply with a reason and the public log shows it; desktop and 360x740, axe-core clean."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import DESKTOP, MEMBER, PHONE, Login, check_page

MODERATOR = Login("moderation@demo.example")
UNIT = "bundesverband"
THREAD_TITLE = "Antrag: Mitgliederentscheid über das Grundsatzprogramm"


def _check(page: Any, name: str, viewport: dict[str, int]) -> list[str]:
    return check_page(page, f"discussions-{name}", viewport)


def test_member_replies_and_moderator_hides(open_page: Any) -> None:
    failures: list[str] = []
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_page(MEMBER, viewport=viewport, bypass_csp=True)
        errors: list[str] = []
        page.on("console", lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(f"/units/{UNIT}")
        page.locator(f"a[href='/units/{UNIT}/discussions']").click()
        page.wait_for_url(f"**/units/{UNIT}/discussions")
        failures += _check(page, f"list-{size}", viewport)
        page.get_by_role("link", name=THREAD_TITLE).click()
        page.wait_for_url("**/discussions/*")
        assert "Pauschale Herabwürdigung" in page.locator("main").inner_text()  # the demo's hidden post
        failures += _check(page, f"thread-{size}", viewport)
        first_reply = page.locator("article.post.depth-1").first
        with page.expect_response(lambda r: "/reply?to=" in r.url and r.request.headers.get("hx-request") == "true"):
            first_reply.locator(".post-actions a").first.click()
        textarea = first_reply.locator(".reply-slot textarea")
        textarea.wait_for()
        assert page.locator("html").count() == 1  # the partial was swapped in, not a page in a page
        text = f"Gute Idee, Antwort vom {size}"
        textarea.fill(text)
        first_reply.locator(".reply-slot button[type=submit]").click()
        page.wait_for_url("**/discussions/*#post-*")
        assert page.locator("article.post", has_text=text).count() == 1
        failures += _check(page, f"after-reply-{size}", viewport)
        page.goto(f"/units/{UNIT}/discussions/new")
        page.locator("button[type=submit].primary").click()  # empty form: errors beside the fields
        assert page.locator("#f-title-error").is_visible() and page.locator("#f-body-error").is_visible()
        failures += _check(page, f"new-errors-{size}", viewport)
        page.goto("/discussions/search?q=Anträge")
        failures += _check(page, f"search-{size}", viewport)
        assert not [e for e in errors if "status of 422" not in e], errors  # 422: the empty form, on purpose

    mod = open_page(MODERATOR, bypass_csp=True)
    mod.goto(f"/units/{UNIT}/discussions")
    mod.get_by_role("link", name=THREAD_TITLE).click()
    target = mod.locator("article.post", has_text="Antwort vom desktop")
    target.get_by_role("link", name="Ausblenden").or_(target.get_by_role("link", name="Hide")).click()
    mod.locator("#f-rule").fill("§ 3 Beim Thema bleiben")
    mod.locator("#f-reason").fill("Testbeitrag ohne Inhalt")
    failures += _check(mod, "moderate-desktop", DESKTOP)
    mod.locator("form.post-form button[type=submit]").click()
    mod.wait_for_url("**/discussions/*#post-*")
    assert "Testbeitrag ohne Inhalt" in mod.locator("main").inner_text()
    mod.goto(f"/units/{UNIT}/discussions/log")
    assert "Testbeitrag ohne Inhalt" in mod.locator("main").inner_text()
    failures += _check(mod, "log-desktop", DESKTOP)
    phone_log = open_page(MEMBER, viewport=PHONE, bypass_csp=True)
    phone_log.goto(f"/units/{UNIT}/discussions/log")
    failures += _check(phone_log, "log-phone", PHONE)
    assert not failures, "\n".join(failures)
