"""What the board, the trustees and the members do in the whole-path browser test, one function per page step.

Every step clicks and types in Chromium as a person would; files move through the browser's downloads and file
inputs, and the trustees' files are made with the ``ballot-crypto trustee`` command (the recommended offline path,
docs/trustee.md). Steps wait for the page state (a URL, an element), never for a fixed time.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.browser.conftest import BIN, DESKTOP, Login

CREDENTIAL = re.compile(r"(?m)^ {4}([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})\s*$")
INDEX = re.compile(r"--index (\d+)")
FINGERPRINT = re.compile(r"public object fingerprint ([0-9a-f]{64})")
VERIFICATION_KEY = re.compile(r"verification key ([0-9a-f]{64})")
PUBLIC_KEY = re.compile(r"election public key ([0-9a-f]{64})")


def cli(tool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``ballot-crypto`` or ``ballot-audit`` in ``cwd``; the caller checks the exit code."""
    return subprocess.run([str(BIN / tool), *args], cwd=cwd, capture_output=True, text=True,  # noqa: S603
                          timeout=300, check=False)


def crypto(*args: str, cwd: Path) -> str:
    """``ballot-crypto`` that must succeed; returns what it printed."""
    done = cli("ballot-crypto", *args, cwd=cwd)
    assert done.returncode == 0, f"ballot-crypto {' '.join(args[:2])} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def log_in(browser: Any, base_url: str, login: Login, viewport: dict[str, int] = DESKTOP) -> Any:
    """A page in a context of its own, logged in through the login form."""
    context = browser.new_context(base_url=base_url, viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.goto("/login")
    page.locator("#f-email").fill(login.email)
    page.locator("#f-password").fill(login.password)
    page.locator("form:has(#f-password) button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")
    return page


def download(page: Any, selector: str, target: Path) -> Path:
    """Click the link ``selector`` and keep the file it downloads as ``target``."""
    with page.expect_download() as info:
        page.locator(selector).click()
    info.value.save_as(str(target))
    return target


def perform_act(page: Any, uuid: str, name: str, letters_to: Path | None = None) -> None:
    """The board's formal act ``name``: from the ballot's page to the confirmation page, then confirm.

    With ``letters_to``, confirming downloads the credential letters (members without email) into that file."""
    page.goto(f"/ballots/{uuid}")
    page.locator(f".act-card a[href='/ballots/{uuid}/act/{name}']").click()
    page.wait_for_url(f"**/ballots/{uuid}/act/{name}")
    button = page.locator("form.act-form button[type=submit]")
    if letters_to is not None:
        with page.expect_download() as info:
            button.click()
        info.value.save_as(str(letters_to))
        return
    button.click()
    page.wait_for_url(lambda url: url.endswith(f"?done={name}") or url.endswith(f"/act/{name}"))
    if not page.url.endswith(f"?done={name}"):
        raise AssertionError(f"the act {name} was refused: {page.locator('main').inner_text()[:600]}")


@dataclass
class TrusteeDesk:
    """One trustee: their logged-in page and the folder on "their own computer" where the CLI keeps the files."""

    page: Any
    folder: Path
    uuid: str
    index: int = 0

    @property
    def base(self) -> str:
        return f"/ballots/{self.uuid}/trustee"

    def open(self) -> None:
        """From the ballot's page (the trustee panel) to the trustee page; reads the trustee's index there."""
        self.page.goto(f"/ballots/{self.uuid}")
        self.page.locator(f"#trustee-panel a[href='{self.base}']").click()
        self.page.wait_for_url(f"**{self.base}")
        found = INDEX.search(self.page.locator("pre.command").first.inner_text())
        assert found, "the trustee page shows no init command"
        self.index = int(found[1])

    def _upload(self, step: str, path: Path) -> None:
        self.page.locator(f"#f-{step}").set_input_files(str(path))
        self.page.locator(f"form:has(#f-{step}) button[type=submit]").click()
        self._landed(step)

    def _landed(self, step: str) -> None:
        self.page.wait_for_url(lambda url: f"done={step}" in url or url.endswith("/upload"))
        if f"done={step}" not in self.page.url:
            errors = self.page.locator(".field-error").all_inner_texts()
            raise AssertionError(f"trustee {self.index}: the {step} upload was refused: {errors}")

    def publish(self, threshold: int, trustees: int) -> None:
        """Step 1: download the manifest, ``trustee init``, upload the public file, compare the fingerprint."""
        self.page.goto(self.base)
        download(self.page, f"a[href='{self.base}/manifest.json']", self.folder / "manifest.json")
        out = crypto("trustee", "init", "--manifest", "manifest.json", "--index", str(self.index),
                     "--threshold", str(threshold), "--trustees", str(trustees), "--secret",
                     f"geheim-{self.index}.json", "--public", f"oeffentlich-{self.index}.json", cwd=self.folder)
        self._upload("public", self.folder / f"oeffentlich-{self.index}.json")
        printed = FINGERPRINT.search(out)
        assert printed and self.page.locator("#fingerprint").inner_text().strip() == printed[1]

    def share(self) -> None:
        """Step 2: download everybody's public files, seal one share for every other trustee, upload them."""
        self.page.goto(self.base)
        download(self.page, f"a[href='{self.base}/publics.json']", self.folder / "alle.json")
        crypto("trustee", "shares", "--secret", f"geheim-{self.index}.json", "--publics", "alle.json",
               "--out", f"anteile-{self.index}.json", cwd=self.folder)
        self._upload("shares", self.folder / f"anteile-{self.index}.json")

    def finish(self) -> str:
        """Step 3: download the shares sent to me, ``trustee finish``, paste the verification key; returns the
        election public key the page shows (it must equal the one the command printed)."""
        self.page.goto(self.base)
        download(self.page, f"a[href='{self.base}/shares.json']", self.folder / f"erhalten-{self.index}.json")
        out = crypto("trustee", "finish", "--secret", f"geheim-{self.index}.json", "--publics", "alle.json",
                     "--shares", f"erhalten-{self.index}.json", cwd=self.folder)
        key, public = VERIFICATION_KEY.search(out), PUBLIC_KEY.search(out)
        assert key and public, out
        self.page.locator("#f-verification_key").fill(key[1])
        self.page.locator("form:has(#f-verification_key) button[type=submit]").click()
        self._landed("verification_key")
        shown = self.page.locator("#public-key")
        if shown.count():
            assert shown.inner_text().strip() == public[1]
        return public[1]

    def decrypt(self) -> None:
        """After the close: download the ballot and the sums, ``trustee decrypt``, upload the share."""
        self.page.goto(self.base)
        download(self.page, f"a[href='{self.base}/election.json']", self.folder / "election.json")
        download(self.page, f"a[href='{self.base}/aggregates.json']", self.folder / "aggregates.json")
        crypto("trustee", "decrypt", "--secret", f"geheim-{self.index}.json", "--election", "election.json",
               "--aggregates", "aggregates.json", "--out", f"entschluesselung-{self.index}.json", cwd=self.folder)
        self._upload("decryption", self.folder / f"entschluesselung-{self.index}.json")


def credential_from_mail(page: Any, title: str) -> str:
    """The voting credential from the member's credential mail for the ballot ``title`` (dev mailbox)."""
    page.goto("/dev/mail")
    bodies = page.locator("article.mail", has_text=title).locator("pre").all_inner_texts()
    found = [match[1] for body in bodies if (match := CREDENTIAL.search(body))]
    assert len(found) == 1, f"expected one credential mail for {title!r}, found {len(found)} (of {len(bodies)} mails)"
    return found[0]


def cast(page: Any, uuid: str, credential: str, choice: str, folder: Path, *, audit_first: bool = False,
         shot: Any = None) -> dict[str, Any]:
    """Vote ``choice`` in the JavaScript booth (reached from the ballot's page); with ``audit_first``, audit a
    ballot first (its file is kept in ``folder``) and then cast a fresh one. Returns the downloaded receipt."""
    page.goto(f"/ballots/{uuid}")
    page.locator("a.vote-now").click()
    page.wait_for_url(f"**/ballots/{uuid}/vote")
    page.locator("#js-notice").wait_for(state="visible")
    page.locator(f"#f-q-q1-{choice}").check()
    page.locator("#f-credential").fill(credential)
    page.locator("#booth-review-button").click()
    page.locator("#booth-review").wait_for(state="visible")
    if shot:
        shot("booth-review")
    if audit_first:
        page.locator(".booth-audit summary").click()
        page.locator("#booth-audit-button").click()
        page.locator("#booth-audit-result").wait_for(state="visible")
        if shot:
            shot("booth-audited")
        download(page, "#booth-audit-download", folder / "spoiled.json")
    page.locator("#booth-cast-button").click()
    page.wait_for_url("**/receipt")
    if shot:
        shot("receipt")
    position = page.locator("#receipt-position").inner_text().strip()
    path = download(page, "#receipt-download", folder / f"receipt-{position}.json")
    receipt = json.loads(path.read_text(encoding="utf-8"))
    assert receipt["tracker"] == page.locator("#receipt-tracker").inner_text().strip()
    return dict(receipt)


def check_tracker(page: Any, uuid: str, tracker: str) -> str:
    """Search ``tracker`` on the bulletin board page (htmx check form); returns the answer's kind
    ("found", "counted", "superseded" or "missing")."""
    page.goto(f"/ballots/{uuid}/board")
    page.locator("#f-tracker").fill(tracker)
    page.locator(".check-form button[type=submit]").click()
    page.locator("#check-result").wait_for()
    assert tracker in page.locator(".board-table").inner_text()
    return str(page.locator("#check-result").get_attribute("data-kind"))


def result_counts(page: Any) -> list[tuple[str, int]]:
    """(option label, votes) of the first question on the result page, the blank row last."""
    rows = page.locator(".result-question").first.locator(".result-table tbody tr")
    counts = []
    for i in range(rows.count()):
        label = rows.nth(i).locator("th").inner_text().strip()
        number = re.sub(r"\D", "", rows.nth(i).locator("td").first.inner_text())
        counts.append((label, int(number)))
    return counts
