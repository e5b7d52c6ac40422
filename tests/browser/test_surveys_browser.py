"""Surveys in Chromium at 360x740: a member opens the demo survey, sees how answers are stored, sends the empty
form (an error beside each required question), watches branching show a question, answers and gets the thanks;
the closed demo survey's results show accessible SVG charts. axe-core clean, no sideways scrolling."""

from __future__ import annotations

from typing import Any

from ballot.demo.surveys import CLOSED_TITLE, OPEN_TITLE
from tests.browser.conftest import MEMBER, PHONE, describe, run_axe, screenshot


def _check(page: Any, name: str) -> list[str]:
    failures = []
    assert page.locator("h1").count() == 1
    screenshot(page, f"surveys-{name}")
    violations = run_axe(page)
    if violations:
        failures.append(f"{name}:\n{describe(violations)}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"] + 1:
        failures.append(f"{name}: page scrolls sideways ({width}px)")
    return failures


def test_member_answers_a_survey_on_a_phone(open_page: Any) -> None:
    failures: list[str] = []
    page = open_page(MEMBER, viewport=PHONE, bypass_csp=True)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/surveys")
    failures += _check(page, "list")
    page.get_by_role("link", name=OPEN_TITLE).click()
    page.wait_for_url("**/surveys/*")
    assert page.locator(".survey-mode").is_visible()  # the mode, before answering
    assert page.locator("#turnout").is_visible()
    why = page.locator("#f-warum")
    assert why.is_hidden()  # branching: hidden until a matching answer (surveys.js)
    failures += _check(page, "form")

    page.locator("form.survey-form button[type=submit]").click()
    page.wait_for_load_state()
    for qid in ("thema", "formate", "reihenfolge", "zufrieden", "newsletter"):
        assert page.locator(f"#f-{qid}-error").is_visible(), qid
    assert page.locator("#error-summary").is_visible()
    failures += _check(page, "errors")

    page.locator("#f-thema-0").check()  # "Bezahlbares Wohnen" shows the follow-up question
    assert why.is_visible()
    page.locator("#f-warum-text").fill("Mieten sind zu hoch.")
    page.locator("#f-thema-2").check()  # "Digitale Verwaltung" hides it again
    assert why.is_hidden()
    page.locator("#f-thema-0").check()
    page.locator("#f-formate-1").check()
    for option, place in enumerate(("2", "1", "3")):
        page.locator(f"#f-reihenfolge-{option}").select_option(place)
    page.locator("#f-zufrieden-3").focus()
    page.keyboard.press("Space")  # keyboard only
    page.locator("#f-newsletter-0").check()
    page.locator("form.survey-form button[type=submit]").click()
    page.wait_for_url("**/surveys/*?thanks=1")
    assert page.locator(".notice-success").is_visible()
    assert page.locator("form.survey-form").count() == 0  # answered: no second form
    failures += _check(page, "thanks")

    page.goto("/surveys")
    page.get_by_role("link", name=CLOSED_TITLE).click()
    page.wait_for_url("**/surveys/*")
    page.locator("a[href$='/results']").click()
    page.wait_for_url("**/results")
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() >= 2
    assert page.locator("svg.chart desc").first.text_content()
    assert page.locator("ol.ranking").count() == 2  # Schulze and Borda
    failures += _check(page, "results")
    assert not [e for e in errors if "status of 422" not in e], errors
    assert not failures, "\n".join(failures)
