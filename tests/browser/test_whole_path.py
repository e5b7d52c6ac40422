"""The whole binding-ballot path in Chromium, on SQLite and on PostgreSQL (issue 5's definition of done).

On a server of its own with the demo data (tests/browser/whole_path_server.py): the board creates a referendum with
the form and locks it; the three demo trustees hold the key ceremony on the trustee pages with ``ballot-crypto
trustee`` (files through downloads and file inputs); the board finishes it (credentials by mail, letters for members
without email as a PDF) and opens the ballot; three members take their credential from the dev mailbox and vote:
the first audits a ballot (checked with ``ballot-audit spoiled``) before casting, the second votes on a phone-sized
screen, the third votes and then votes again with another choice; each finds their tracker on the bulletin board;
the board closes; two trustees upload decryption shares; the board publishes the result, which counts the revote
instead of the first vote and shows the rule trail; the record ZIP downloaded through the browser passes
``ballot-audit verify``, and every receipt's signature checks against the record's board key (with the independent
verifier's own primitives).

The schedule is the demo statute's, unchanged: two weeks' notice (announced 15 days before the opening), a voting
period of at least one week and at most four. The test moves the board's clock (tests/browser/board_clock.py) as
the unit tests do: the board drafts, locks and finishes the ceremony 16 days before the opening, opens on the real
clock (the opening lies five minutes in the past, so members vote on the real clock inside the voting period) and
closes after the close time, 8 days later. No wait on the wall clock.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ballot.referendums.common import LOCAL_ZONE
from ballot_audit import canonical, primitives
from tests.browser.board_clock import offset_file
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, Login, _cannot_launch, screenshot
from tests.browser.whole_path_server import BACKENDS, WholePathServer, whole_path_server
from tests.browser.whole_path_steps import (
    TrusteeDesk,
    cast,
    check_tracker,
    cli,
    credential_from_mail,
    log_in,
    perform_act,
    result_counts,
)
from tests.conftest import postgres_unavailable

BOARD = Login("vorstand@demo.example")
MEMBER = Login("mitglied@demo.example")
TRUSTEES = tuple(Login(f"wahlkommission{n}@demo.example") for n in ("", "2", "3"))
FEDERAL = "bundesverband"
RECEIPT_DOMAIN = "ballot-crypto/receipt/1"

pytestmark = pytest.mark.slow  # about 90 s per backend


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WholePathServer]:
    reason = _cannot_launch()
    if reason:
        pytest.skip(reason)
    if request.param == "postgres" and (reason := postgres_unavailable()):
        pytest.skip(reason)
    (tmp_path / "var").mkdir()
    with whole_path_server(request.param, tmp_path / "var") as running:
        yield running


@pytest.fixture
def chromium(server: WholePathServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass(frozen=True)
class Schedule:
    """The ballot's dates (Europe/Berlin) and when the board prepares it."""

    prepared: datetime
    announced: datetime
    opens: datetime
    closes: datetime

    @classmethod
    def around_now(cls) -> Schedule:
        opens = datetime.now(LOCAL_ZONE).replace(second=0, microsecond=0) - timedelta(minutes=5)
        return cls(prepared=opens - timedelta(days=16), announced=opens - timedelta(days=15), opens=opens,
                   closes=(opens + timedelta(days=8)).replace(hour=18, minute=0))


def _local_input(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _no_sideways_scroll(page: Any, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"{page.url} scrolls sideways at {width}px ({scroll}px)"


def _create_referendum(board: Any, title: str, schedule: Schedule) -> str:
    """The board fills in the new-ballot form; returns the ballot's uuid."""
    board.goto(f"/units/{FEDERAL}/ballots")
    board.locator(f"a[href='/units/{FEDERAL}/ballots/new']").click()
    board.wait_for_url(f"**/units/{FEDERAL}/ballots/new")
    board.locator("input[name=kind][value=referendum]").check()
    board.locator("#f-title_de").fill(title)
    board.locator("#f-title_en").fill(title.replace("Mitgliederentscheid", "Member referendum"))
    board.locator("#f-description").fill("Ein Mitgliederentscheid, im Browser von Anfang bis Ende durchgespielt.")
    board.locator("#f-motion_de_1").fill("Soll die Partei einen Mitgliederrat einrichten?")
    board.locator("#f-motion_en_1").fill("Shall the party set up a members' council?")
    board.locator("#f-announcement_at").fill(_local_input(schedule.announced))
    board.locator("#f-opens_at").fill(_local_input(schedule.opens))
    board.locator("#f-closes_at").fill(_local_input(schedule.closes))
    boxes = board.locator("input[name=trustee]")
    assert boxes.count() == len(TRUSTEES)
    for i in range(boxes.count()):
        boxes.nth(i).check()
    board.locator("#f-threshold").fill("2")
    board.locator(".form-actions button[name=action][value=create]").click()
    board.wait_for_url(re.compile(r".*/ballots/[0-9a-f-]{36}$"))
    return str(board.url.rsplit("/", 1)[-1])


def _verify_receipt(receipt: dict[str, Any], board_key: bytes, lines: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The receipt's signature by the record's board key, and its entry on the recorded board."""
    payload = {k: receipt[k] for k in ("chain", "election", "position", "tracker")}
    message = primitives.signed_message(RECEIPT_DOMAIN, canonical.encode(payload))
    assert primitives.verify_signature(board_key, message, bytes.fromhex(receipt["signature"])), receipt
    entry = lines[receipt["position"]]
    assert (entry["tracker"], entry["chain"]) == (receipt["tracker"], receipt["chain"])
    return entry


def test_whole_path(server: WholePathServer, chromium: Any, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["server"]
    started = time.monotonic()

    def shot(page: Any, name: str) -> None:
        screenshot(page, f"whole-path-{backend}-{name}")

    def login(who: Login, **options: Any) -> Any:
        return log_in(chromium, server.url, who, **options)

    def board_clock(moment: datetime | None) -> None:
        """Set the board's clock to ``moment`` (None: the real time)."""
        seconds = 0.0 if moment is None else (moment - datetime.now(UTC)).total_seconds()
        offset_file(server.var_dir).write_text(f"{seconds:.3f}", encoding="ascii")

    # The board drafts the referendum 16 days before the opening and locks it.
    schedule = Schedule.around_now()
    board_clock(schedule.prepared)
    board = login(BOARD)
    title = f"Mitgliederentscheid Mitgliederrat ({backend})"
    uuid = _create_referendum(board, title, schedule)
    shot(board, "1-draft")
    perform_act(board, uuid, "lock")

    # The three trustees hold the key ceremony with the CLI, relayed by the trustee pages.
    desks = []
    for n, who in enumerate(TRUSTEES, start=1):
        folder = tmp_path / f"trustee-{n}"
        folder.mkdir()
        desk = TrusteeDesk(login(who), folder, uuid)
        desk.open()
        desks.append(desk)
    assert sorted(d.index for d in desks) == [1, 2, 3]
    for desk in desks:
        desk.publish(threshold=2, trustees=3)
    for desk in desks:
        desk.share()
    keys = {desk.finish() for desk in desks}
    assert len(keys) == 1, "the trustees computed different election keys"
    desks[-1].page.goto(desks[-1].base)
    shot(desks[-1].page, "2-trustee-ceremony-done")

    # The board finishes the ceremony (electorate frozen, credentials sent; letters for members without email).
    letters = tmp_path / "letters.pdf"
    perform_act(board, uuid, "finish", letters_to=letters)
    assert letters.read_bytes().startswith(b"%PDF")
    board_clock(None)
    board.goto(f"/ballots/{uuid}/act/open")
    shot(board, "3-open-confirmation")
    perform_act(board, uuid, "open")

    # Three members vote; the first audits a ballot first, the second on a phone, the third votes twice.
    voters = [login(MEMBER), login(server.members[0], viewport=PHONE), login(server.members[1])]
    folders = [tmp_path / f"member-{n}" for n in (1, 2, 3)]
    for folder in folders:
        folder.mkdir()
    credentials = [credential_from_mail(page, title) for page in voters]
    assert len(set(credentials)) == 3
    first = cast(voters[0], uuid, credentials[0], "yes", folders[0], audit_first=True,
                 shot=lambda name: shot(voters[0], f"4-member-{name}"))
    audited = cli("ballot-audit", "spoiled", str(folders[0] / "spoiled.json"), cwd=folders[0])
    assert audited.returncode == 0, audited.stdout + audited.stderr
    assert "Ja / Yes" in audited.stdout, audited.stdout
    second = cast(voters[1], uuid, credentials[1], "no", folders[1],
                  shot=lambda name: shot(voters[1], f"5-phone-{name}"))
    _no_sideways_scroll(voters[1], PHONE["width"])
    replaced = cast(voters[2], uuid, credentials[2], "no", folders[2])
    voters[2].goto(f"/ballots/{uuid}/vote")
    assert voters[2].locator("#revote-notice").is_visible()
    third = cast(voters[2], uuid, credentials[2], "yes", folders[2])
    receipts = [first, second, replaced, third]
    assert [r["position"] for r in receipts] == [1, 2, 3, 4]
    assert len({r["tracker"] for r in receipts}) == 4
    assert first["tracker"] not in (folders[0] / "spoiled.json").read_text(encoding="utf-8")
    for page, receipt in zip((*voters, voters[2]), receipts, strict=True):
        assert check_tracker(page, uuid, receipt["tracker"]) == "found"

    # After the close time the board closes; two trustees decrypt; the board publishes the result.
    board_clock(schedule.closes + timedelta(minutes=10))
    perform_act(board, uuid, "close")
    kinds = [check_tracker(page, uuid, r["tracker"]) for page, r in zip((*voters, voters[2]), receipts, strict=True)]
    assert kinds == ["counted", "counted", "superseded", "counted"]
    assert check_tracker(voters[2], uuid, replaced["tracker"]) == "superseded"
    shot(voters[2], "6-board-superseded")
    for desk in (desks[0], desks[2]):
        desk.decrypt()
    perform_act(board, uuid, "finalize")

    # Every member sees the result: the revote replaced the first vote; the rule trail is shown.
    page = voters[0]
    page.goto(f"/ballots/{uuid}")
    page.locator(f"a[href='/ballots/{uuid}/result']").first.click()
    page.wait_for_url(f"**/ballots/{uuid}/result")
    shot(page, "7-result")
    assert [count for _label, count in result_counts(page)] == [2, 1, 0, 0]  # yes, no, abstain, blank
    trail = page.locator(".result-question .trail-table tbody tr")
    assert trail.count() >= 3
    assert "§ 14" in page.locator(".result-question").first.inner_text()
    voters[1].goto(f"/ballots/{uuid}/result")
    shot(voters[1], "8-phone-result")
    _no_sideways_scroll(voters[1], PHONE["width"])

    # The record, downloaded through the browser, passes the independent verifier; the receipts check against it.
    record = tmp_path / "record.zip"
    with page.expect_download() as info:
        page.locator(f"a[href='/ballots/{uuid}/record.zip']").click()
    info.value.save_as(str(record))
    verified = cli("ballot-audit", "verify", str(record), cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout[-3000:] + verified.stderr[-2000:]
    with zipfile.ZipFile(io.BytesIO(record.read_bytes())) as archive:
        names = {Path(n).name: n for n in archive.namelist()}
        index = archive.read(names["index.json"])
        election = json.loads(archive.read(names["election.json"]))
        lines = {e["position"]: e for e in map(json.loads, archive.read(names["ballots.jsonl"]).splitlines())}
    shown_hash = page.locator("section[aria-labelledby=record-heading] code.hash").first.inner_text().strip()
    assert shown_hash == hashlib.sha256(index).hexdigest(), "the result page names another record"
    assert {r["election"] for r in receipts} == {json.loads(index)["election"]}
    board_key = bytes.fromhex(election["board_key"])
    entries = [_verify_receipt(r, board_key, lines) for r in receipts]
    assert [e["superseded_by"] for e in entries] == [None, None, 4, None]
    elapsed = time.monotonic() - started
    print(f"whole path on {backend}: {elapsed:.0f} s")
