"""Motions in Chromium: the admin lets one supporter suffice in Kreisverband Köln's statute; the board opens a
consultation; a member drafts a motion with a co-author who edits it; the member submits; a supporter supports; the
board admits it; an amendment is proposed, supported, admitted and adopted; the board records the decision with
counts, merges the amendment and downloads the motion book (PDF and DOCX). The board also tries the workflow
editor (an error beside the steps, then the convention template). Key pages: axe-core clean, no sideways scrolling at
360x740."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import BOARD, DESKTOP, MEMBER, PHONE, Login, check_page

ADMIN = Login("admin@demo.example")  # a member in Köln-Nippes
COAUTHOR = Login("wahlkommission2@demo.example")  # a member in Köln-Nippes
UNIT = "kv-koeln"
BODY = ("Der Kreisverband fordert sichere Radwege an allen Hauptstraßen der Stadt.\n\n"
        "Dafür sollen jedes Jahr zehn Kilometer neue Radwege gebaut werden.")


def _check(page: Any, name: str, viewport: dict[str, int]) -> list[str]:
    return check_page(page, f"motions-{name}", viewport)


def _step(page: Any, form_action: str, target: str, **counts: str) -> None:
    form = page.locator(f"form[action='{form_action}']")
    form.locator(f"input[name=target][value={target}]").check()
    for name, value in counts.items():
        form.locator(f"input[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_motion_from_draft_to_motion_book(open_page: Any, live_server: str) -> None:
    failures: list[str] = []

    def english(*args: Any, **options: Any) -> Any:
        """A page that asks for English (``lang`` cookie): the assertions read the English texts."""
        page = open_page(*args, **options)
        page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
        return page

    admin = english(ADMIN, bypass_csp=True)
    admin.goto(f"/units/{UNIT}/statute")
    admin.locator("#f-source").fill('[motions]\nsupporters = 1\nparagraph = "§ 9 Kreissatzung Köln"\n')
    admin.locator("form[method=post][action*='/statute'] button[type=submit]").click()
    admin.wait_for_url(f"**/units/{UNIT}/statute?saved=*")

    board = english(BOARD, bypass_csp=True)
    board.goto(f"/units/{UNIT}")
    board.locator(f"a[href='/units/{UNIT}/consultations']").click()
    board.locator(f"a[href='/units/{UNIT}/consultations/new']").click()
    board.locator("button[type=submit].primary").click()  # empty title: the error beside the field
    assert board.locator("#f-title-error").is_visible()
    failures += _check(board, "consultation-errors", DESKTOP)
    board.locator("#f-title").fill("Kreisparteitag Köln")
    board.locator("#f-line_length").fill("60")
    board.locator("button[type=submit].primary").click()
    board.wait_for_url("**/consultations/*")
    consultation_url = board.url

    # The workflow editor: a state left out while steps still use it is an error beside the steps; the
    # convention template (no recommendation) is loaded and saved.
    board.locator("a[href$='/workflow']").click()
    board.wait_for_url("**/workflow")
    board.locator("input[name=states][value=recommendation]").uncheck()
    board.locator("form[method=post] button[type=submit].primary").click()
    assert board.locator("#f-t-admitted-error").is_visible()
    failures += _check(board, "workflow-errors", DESKTOP)
    board.locator("#f-template").select_option("convention")
    board.locator("form[method=get] button[type=submit]").click()
    board.wait_for_url("**/workflow?template=convention")
    assert not board.locator("input[name='t:admitted:recommendation'][value=board]").is_checked()
    board.set_viewport_size(PHONE)
    failures += _check(board, "workflow-phone", PHONE)
    board.set_viewport_size(DESKTOP)
    board.locator("form[method=post] button[type=submit].primary").click()
    board.wait_for_url(consultation_url)
    assert "Decision at the convention, without a recommendation" in board.locator("main").inner_text()

    member = english(MEMBER, bypass_csp=True)
    member.goto(consultation_url)
    member.locator("a[href$='/motions/new']").click()
    member.locator("#f-title").fill("Sichere Radwege")
    member.locator("#f-body").fill(BODY)
    member.locator("#f-reason").fill("Radfahren muss sicher sein.")
    member.locator("button[type=submit].primary").click()
    member.wait_for_url(re.compile(r".*/motions/\d+$"))
    motion_url = member.url
    motion_path = "/" + motion_url.split("/", 3)[3]
    assert member.locator("#line-1").count() == 1
    member.locator("#f-email").fill(COAUTHOR.email)
    member.locator(f"form[action='{motion_path}/coauthors'] button").click()
    member.wait_for_url("**#authors")
    assert "Jan Nowak" in member.locator("#authors-section").inner_text()

    coauthor = english(COAUTHOR, bypass_csp=True)
    coauthor.goto(f"{motion_path}/edit")
    coauthor.locator("#f-body").fill(BODY.replace("zehn", "zwanzig"))
    coauthor.locator("button[type=submit].primary").click()
    coauthor.wait_for_url(motion_url)
    assert "zwanzig" in coauthor.locator(".motion-text").inner_text()

    member.goto(motion_url)
    _step(member, f"{motion_path}/move", "submitted")
    assert "Submitted" in member.locator("main").inner_text()

    admin.goto(motion_url)
    admin.get_by_role("button", name="Support this motion").click()
    admin.wait_for_url("**#support")
    assert admin.get_by_role("button", name="Withdraw my support").count() == 1

    board.goto(motion_url)
    _step(board, f"{motion_path}/move", "admitted")
    assert "Admitted" in board.locator("main").inner_text()

    admin.goto(f"{motion_path}/amend")
    admin.locator("#f-body").fill(BODY.replace("zehn", "zwanzig").replace("allen Hauptstraßen", "allen Straßen"))
    admin.locator("button[type=submit].primary").click()
    admin.wait_for_url("**#amendment-*")
    amendment = admin.locator("article.amendment").first
    assert amendment.locator("del").inner_text().endswith("Hauptstraßen")
    assert amendment.locator("ins").inner_text().endswith("Straßen")
    amendment_id = amendment.get_attribute("id").split("-")[1]
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = english(MEMBER, viewport=viewport, bypass_csp=True)
        page.goto(motion_url)
        failures += _check(page, f"motion-{size}", viewport)

    coauthor.goto(motion_url)
    coauthor.get_by_role("button", name="Support this amendment").click()
    coauthor.wait_for_url("**#amendment-*")

    board.goto(motion_url)
    _step(board, f"/amendments/{amendment_id}/move", "admitted")
    _step(board, f"/amendments/{amendment_id}/move", "adopted")
    _step(board, f"{motion_path}/move", "adopted_as_amended", yes="41", no="7", abstain="2")
    assert "Yes 41, no 7, abstentions 2" in board.locator("main").inner_text()
    failures += _check(board, "decided", DESKTOP)
    board.locator(f"a[href='{motion_path}/merge']").click()
    board.locator("button[type=submit].primary").click()
    board.wait_for_url("**/versions")
    assert "Consolidated from version 2" in board.locator("main").inner_text()
    failures += _check(board, "versions", DESKTOP)

    board.goto(consultation_url)
    with board.expect_download() as download:
        board.locator("a[href$='/book.pdf']").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with board.expect_download() as download:
        board.locator("a[href$='/book.docx']").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(2) == b"PK"  # a DOCX is a ZIP package
    assert not failures, "\n".join(failures)
