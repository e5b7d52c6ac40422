"""The trustee's browser path in Chromium (ballot/static/js/trustee.js, docs/trustee.md): three trustees hold the
whole key ceremony on the trustee page with JavaScript (the secret files are downloads, never in a request), the
board opens, members vote and the board closes (tests/browser/trustee_setup.py), trustees 1 and 2 decrypt in the
browser, trustee 3 with `ballot-crypto trustee decrypt` on its browser-made secret file, and the tally gives the
votes cast. Refusals beside the field, keyboard use, the page without JavaScript, axe-core at desktop and phone size.
"""

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
    PHONE,
    TRUSTEE,
    Login,
    _run,
    _server_env,
    describe,
    read_json,
    run_axe,
    screenshot,
)

SECRET_FORMAT = "ballot-trustee-secret/1"


def _env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    candidates = sorted({p.resolve() for p in tmp_path_factory.getbasetemp().glob("browser-var*/ballot.sqlite3")})
    assert len(candidates) == 1, f"cannot find the live server's database: {candidates}"
    return _server_env(candidates[0].parent)


def setup_step(tmp_path_factory: pytest.TempPathFactory, *args: str) -> dict[str, Any]:
    done = _run([sys.executable, "-m", "tests.browser.trustee_setup", *args], _env(tmp_path_factory))
    if done.returncode != 0:
        raise RuntimeError(f"trustee_setup {args[0]} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def ceremony(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """{"uuid", "trustees"} of a 2-of-3 referendum in its key ceremony; trustee 1 is the demo committee member."""
    return setup_step(tmp_path_factory, "create")


def _logins(ceremony: dict[str, Any]) -> dict[int, Login]:
    return {1: TRUSTEE, **{k + 2: Login(t["email"], t["password"]) for k, t in enumerate(ceremony["trustees"])}}


class Trustee:
    """One trustee's page; every request body it sends is kept to prove the secret file never leaves."""

    def __init__(self, page: Any, index: int, url: str, folder: Path) -> None:
        self.page, self.index, self.url, self.folder = page, index, url, folder
        self.bodies: list[bytes] = []
        page.on("request", lambda r: self.bodies.append(r.post_data_buffer or b"") if r.method == "POST" else None)

    @property
    def secret_file(self) -> Path:
        return self.folder / f"geheim-{self.index}.json"

    def goto(self) -> None:
        self.page.goto(self.url)

    def save_download(self, link: str) -> dict[str, Any]:
        with self.page.expect_download() as info:
            self.page.locator(link).click()
        info.value.save_as(str(self.secret_file))
        secret = read_json(self.secret_file)
        assert secret["format"] == SECRET_FORMAT and secret["index"] == self.index
        return secret

    def error(self, field: str) -> str:
        locator = self.page.locator(f"#{field}-error")
        locator.wait_for(state="visible", timeout=10_000)  # the file is read asynchronously
        assert self.page.locator(f"#{field}").get_attribute("aria-invalid") == "true"
        return str(locator.inner_text())

    def assert_never_sent(self, secret: dict[str, Any]) -> None:
        secrets = [secret["transport_secret"], *secret["coefficients"], secret.get("share", SECRET_FORMAT)]
        for body in self.bodies:
            assert SECRET_FORMAT.encode() not in body
            assert not any(s.encode() in body for s in secrets)


def _axe(open_page: Any, login: Login, url: str, name: str, prepare: Any = None) -> None:
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_page(login, viewport=viewport, bypass_csp=True)
        page.goto(url)
        if prepare is not None:
            prepare(page)
        violations = run_axe(page)
        screenshot(page, f"trustee-browser-{name}-{label}")
        assert not violations, f"{name} at {label}:\n{describe(violations)}"


def test_whole_ceremony_and_decryption_in_the_browser(open_page: Any, ceremony: dict[str, Any],
                                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    url = f"/ballots/{ceremony['uuid']}/trustee"
    folder = tmp_path_factory.mktemp("trustee-files")
    logins = _logins(ceremony)
    trustees = {i: Trustee(open_page(login), i, url, folder) for i, login in logins.items()}
    secrets: dict[int, dict[str, Any]] = {}

    # Without JavaScript: the command line only.
    plain = open_page(logins[1], java_script_enabled=False)
    plain.goto(url)
    assert plain.locator("text=ballot-crypto trustee init").first.is_visible()
    assert not plain.locator("#browser-public").is_visible() and not plain.locator("#trustee-browser").is_visible()

    # Step 1: keys made in the browser; the public file is sent only after the secret file is saved.
    _axe(open_page, logins[1], url, "public", lambda p: (
        p.locator("#browser-public-run").click(), p.locator("#browser-public-save").wait_for(),
        p.locator("#browser-public-send").click(), p.locator("#browser-public-saved-error").wait_for()))
    for i, t in trustees.items():
        t.goto()
        assert t.page.locator("#trustee-browser").is_visible()
        if i == 3:  # keyboard only: the button, then the download link that gets the focus
            t.page.locator("#browser-public-run").focus()
            t.page.keyboard.press("Enter")
            t.page.locator("#browser-public-save").wait_for()
            assert t.page.evaluate("document.activeElement.id") == "browser-public-download"
        else:
            t.page.locator("#browser-public-run").click()
        t.page.locator("#browser-public-send").click()
        assert t.error("browser-public-saved")  # not saved yet
        assert t.page.url.endswith(url)  # nothing sent
        secrets[i] = t.save_download("#browser-public-download")
        fingerprint = t.page.locator("#browser-public-fingerprint").inner_text().strip()
        t.page.locator("#browser-public-send").click()
        assert t.error("browser-public-saved")  # the box is not ticked yet
        t.page.locator("#browser-public-saved").check()
        t.page.locator("#browser-public-send").click()
        t.page.wait_for_url("**done=public**")
        assert t.page.locator("#fingerprint").inner_text().strip() == fingerprint
    _axe(open_page, logins[1], url, "shares")

    # Step 2: the secret file is read locally; another trustee's file is refused beside the field.
    for i, t in trustees.items():
        t.goto()
        if i == 1:
            t.page.locator("#browser-shares-secret").set_input_files(str(trustees[2].secret_file))
            t.page.locator("#browser-shares-run").click()
            assert " 2" in t.error("browser-shares-secret")  # the secret file of trustee 2
            assert t.page.url.endswith(url)
        t.page.locator("#browser-shares-secret").set_input_files(str(t.secret_file))
        t.page.locator("#browser-shares-run").click()
        t.page.wait_for_url("**done=shares**")

    # Step 3: open and check; the completed secret file must be saved before confirming.
    for i, t in trustees.items():
        t.goto()
        t.page.locator("#browser-finish-secret").set_input_files(str(t.secret_file))
        t.page.locator("#browser-finish-run").click()
        t.page.locator("#browser-finish-save").wait_for()
        key = t.page.locator("#browser-finish-key").inner_text().strip()
        t.page.locator("#browser-finish-send").click()
        assert t.error("browser-finish-saved")
        if i == 1:
            _axe(open_page, logins[1], url, "finish", lambda p, f=str(t.secret_file): (
                p.locator("#browser-finish-secret").set_input_files(f),
                p.locator("#browser-finish-run").click(), p.locator("#browser-finish-save").wait_for()))
        secrets[i] = t.save_download("#browser-finish-download")
        assert secrets[i]["verification_key"] == key and "share" in secrets[i]
        t.page.locator("#browser-finish-saved").check()
        t.page.locator("#browser-finish-send").click()
        t.page.wait_for_url("**done=verification_key**")
        assert key in t.page.content()
        assert t.page.locator("#public-key").inner_text().strip() == secrets[i]["public_key"]

    assert setup_step(tmp_path_factory, "vote", ceremony["uuid"]) == {"cast": 3}

    # Step 4: trustees 1 and 2 in the browser.
    _axe(open_page, logins[1], url, "decrypt")
    for i in (1, 2):
        t = trustees[i]
        t.goto()
        t.page.locator("#browser-decrypt-run").click()
        assert f"geheim-{i}.json" in t.error("browser-decrypt-secret")  # no file chosen
        t.page.locator("#browser-decrypt-secret").set_input_files(str(t.secret_file))
        t.page.locator("#browser-decrypt-run").click()
        t.page.wait_for_url("**done=decryption**")
    # Trustee 3 finishes its browser-made secret file with the command line and uploads the file it wrote.
    t = trustees[3]
    t.goto()
    for name in ("election.json", "aggregates.json"):
        response = t.page.request.get(f"{url}/{name}")
        assert response.ok
        (folder / name).write_bytes(response.body())
    out = folder / "entschluesselung-3.json"
    done = subprocess.run([str(BIN / "ballot-crypto"), "trustee", "decrypt", "--secret", str(t.secret_file),  # noqa: S603
                           "--election", str(folder / "election.json"), "--aggregates",
                           str(folder / "aggregates.json"), "--out", str(out)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    t.page.locator("#f-decryption").set_input_files(str(out))
    t.page.locator("#step-decryption form.upload-form button[type=submit]").click()
    t.page.wait_for_url("**done=decryption**")

    for i, t in trustees.items():
        t.assert_never_sent(secrets[i])
    result = setup_step(tmp_path_factory, "finalize", ceremony["uuid"])
    assert result["ballots"] == 3
    assert result["questions"][0]["counts"] == {"yes": 2, "no": 1, "abstain": 0}
