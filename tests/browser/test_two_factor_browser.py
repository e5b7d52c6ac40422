"""Two-factor log-in in a real browser (issue 12), on a server of its own with the requirement on (the shared browser
server turns it off): a board member logs in, must enrol (QR code and key in text), confirms with a code computed
from the key shown, sees the recovery codes, and later logs in with password and code. Pages pass axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest

from ballot.accounts.totp import current_step
from tests.browser.conftest import (
    BOARD,
    DESKTOP,
    PHONE,
    _cannot_launch,
    _server_env,
    check_page,
    launch_chromium,
    serve,
)


@pytest.fixture(scope="module")
def two_factor_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    reason = _cannot_launch()
    if reason:
        pytest.skip(reason)
    var_dir = tmp_path_factory.mktemp("two-factor-var")
    env = {**_server_env(var_dir), "BALLOT_REQUIRE_TWO_FACTOR": "1", "BALLOT_DEFAULT_LOCALE": "en"}
    with serve(env, var_dir, demo=False) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def chromium(two_factor_server: str) -> Iterator[Any]:
    with launch_chromium() as instance:
        yield instance


def _password_step(page: Any) -> None:
    page.goto("/login")
    page.locator("#f-email").fill(BOARD.email)
    page.locator("#f-password").fill(BOARD.password)
    page.locator("form:has(#f-password) button[type=submit]").click()


def test_board_member_enrols_then_logs_in_with_a_code(chromium: Any, two_factor_server: str) -> None:
    failures: list[str] = []
    context = chromium.new_context(base_url=two_factor_server, viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    _password_step(page)
    page.wait_for_url(f"{two_factor_server}/login/two-factor/enrol")
    assert page.locator("svg.totp-qr").count() == 1
    failures += check_page(page, "two-factor-enrol-phone", PHONE)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert page.goto("/me/security").url.startswith(f"{two_factor_server}/login")  # no session before enrolment
    page.goto("/login/two-factor/enrol")
    page.locator("#f-code").fill(pyotp.TOTP(secret).generate_otp(current_step()))
    page.locator("form:has(#f-code) button[type=submit]").click()
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    failures += check_page(page, "two-factor-recovery-codes-phone", PHONE)
    page.locator("a.button.primary").click()
    page.goto("/me/security")
    assert page.locator("#totp-heading").count() == 1
    assert page.locator("form[action=\"/me/security/two-factor/off\"]").count() == 0  # required: no way to turn off
    context.close()

    later = chromium.new_context(base_url=two_factor_server, viewport=DESKTOP, bypass_csp=True)
    page = later.new_page()
    _password_step(page)
    page.wait_for_url(f"{two_factor_server}/login/two-factor")
    failures += check_page(page, "two-factor-code-desktop", DESKTOP)
    page.locator("#f-code").fill(pyotp.TOTP(secret).generate_otp(current_step() + 1))
    page.locator("form:has(#f-code) button[type=submit]").click()
    page.wait_for_url(f"{two_factor_server}/")
    assert page.goto("/me/security").url == f"{two_factor_server}/me/security"
    later.close()
    assert not failures, "\n".join(failures)
