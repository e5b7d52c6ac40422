"""The motion pages over HTTP: forms with errors beside their fields, the edit conflict, support, workflow steps,
amendments, merge, the motion book (read back with pdftotext) and the JSON export."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.motions.conftest import BODY, World, login, send

Client = AsyncTestClient[Litestar]
PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(data: bytes, tmp_path: Path) -> str | None:
    """The PDF's text in its layout (line numbers beside their lines), or None without pdftotext."""
    if PDFTOTEXT is None:
        return None
    source = tmp_path / "book.pdf"
    source.write_bytes(data)
    return subprocess.run([PDFTOTEXT, "-layout", "-enc", "UTF-8", str(source), "-"], check=True,  # noqa: S603
                          capture_output=True, text=True).stdout


def motion_id(location: str) -> int:
    match = re.search(r"/motions/(\d+)", location)
    assert match, location
    return int(match.group(1))


async def _new_motion(client: Client, world: World) -> int:
    await login(client, world.factory, world.initiator)
    response = await send(client, f"/consultations/{world.consultation.id}/motions/new",
                          {"kind": "motion", "title": "Nahverkehr stärken", "body": BODY, "reason": "Weil."},
                          follow_redirects=False)
    assert response.status_code in (302, 303), response.text
    return motion_id(response.headers["location"])


async def test_consultation_form_shows_errors_beside_fields(client: Client, world: World) -> None:
    await login(client, world.factory, world.board)
    slug = world.tree.state_a.slug
    response = await send(client, f"/units/{slug}/consultations/new",
                          {"title": "", "line_length": "abc", "deadline": "morgen", "workflow": "default"})
    assert response.status_code == 422
    for field in ("title", "line_length", "deadline"):
        assert f'id="f-{field}-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    response = await send(client, f"/units/{slug}/consultations/new",
                          {"title": "Parteitag", "line_length": "72", "deadline": "2099-03-01T18:00",
                           "workflow": "convention"})
    assert response.status_code == 200 and "Parteitag" in response.text and "72" in response.text
    await login(client, world.factory, world.woman)
    response = await client.get(f"/units/{slug}/consultations/new")
    assert response.status_code == 403


async def test_motion_form_errors_and_edit_conflict(client: Client, world: World) -> None:
    await login(client, world.factory, world.initiator)
    response = await send(client, f"/consultations/{world.consultation.id}/motions/new",
                          {"kind": "nonsense", "title": "", "body": ""})
    assert response.status_code == 422
    assert 'id="f-title-error"' in response.text and 'id="f-body-error"' in response.text
    assert 'id="f-kind-error"' in response.text
    mid = await _new_motion(client, world)
    page = await client.get(f"/motions/{mid}")
    assert '<span class="ln"><span class="visually-hidden">Line </span>1</span>' in page.text
    first = await send(client, f"/motions/{mid}/edit", {"base_version": "1", "title": "Nahverkehr",
                                                       "body": BODY.replace("29", "19"), "reason": ""})
    assert first.status_code == 200
    stale = await send(client, f"/motions/{mid}/edit", {"base_version": "1", "title": "Nahverkehr",
                                                       "body": BODY + "\n\nMehr.", "reason": ""})
    assert stale.status_code == 409
    assert "saved version 2" in stale.text and "<ins>" in stale.text and "19 Euro" in stale.text
    assert 'name="base_version" value="2"' in stale.text
    bad = await send(client, f"/motions/{mid}/edit", {"base_version": "x", "title": "t", "body": "b"})
    assert bad.status_code == 422 and "The form is incomplete" in bad.text


async def test_coauthor_error_beside_field(client: Client, world: World) -> None:
    mid = await _new_motion(client, world)
    response = await send(client, f"/motions/{mid}/coauthors", {"email": "nobody@example.org"})
    assert response.status_code == 422 and 'id="f-email-error"' in response.text
    response = await send(client, f"/motions/{mid}/coauthors", {"email": world.coauthor.email})
    assert response.status_code == 200 and "Cem Mitautor" in response.text


async def test_support_admit_amend_decide_merge_and_exports(client: Client, world: World,
                                                            tmp_path: Path) -> None:
    mid = await _new_motion(client, world)
    assert (await send(client, f"/motions/{mid}/move", {"target": "submitted"})).status_code == 200
    assert (await client.get(f"/motions/{mid}/edit")).status_code == 403  # submitted: the text is fixed
    for account in (world.woman, world.man):
        await login(client, world.factory, account)
        page = await client.get(f"/motions/{mid}")
        assert "Support this motion" in page.text
        response = await send(client, f"/motions/{mid}/support", {"support": "1"})
        assert "Withdraw my support" in response.text
    await login(client, world.factory, world.board)
    bad = await send(client, f"/motions/{mid}/move", {"target": "admitted", "yes": "-3"})
    assert bad.status_code == 422 and 'id="f-yes-error"' in bad.text
    assert (await send(client, f"/motions/{mid}/move", {"target": "admitted"})).status_code == 200
    await login(client, world.factory, world.man)
    amend = await client.get(f"/motions/{mid}/amend")
    base = re.search(r'name="base_version" value="(\d+)"', amend.text)
    assert base
    unchanged = await send(client, f"/motions/{mid}/amend", {"base_version": base.group(1), "body": BODY})
    assert unchanged.status_code == 422 and 'id="f-body-error"' in unchanged.text
    response = await send(client, f"/motions/{mid}/amend", {"base_version": base.group(1),
                                                           "body": BODY.replace("29 Euro", "19 Euro"),
                                                           "reason": "Billiger."})
    assert response.status_code == 200
    assert "<del><span class=\"visually-hidden\">Deleted: </span>29</del>" in response.text
    assert "<ins><span class=\"visually-hidden\">Inserted: </span>19</ins>" in response.text
    aid = int(re.findall(r'id="amendment-(\d+)"', response.text)[0])
    for account in (world.woman, world.coauthor):
        await login(client, world.factory, account)
        await send(client, f"/amendments/{aid}/support", {"support": "1"})
    await login(client, world.factory, world.board)
    for target in ("admitted", "adopted"):
        response = await send(client, f"/amendments/{aid}/move", {"target": target})
        assert response.status_code == 200, response.text[:500]
    response = await send(client, f"/motions/{mid}/move", {"target": "adopted_as_amended", "yes": "80", "no": "20",
                                                          "abstain": "3"})
    assert "Yes 80, no 20, abstentions 3" in response.text
    merge_page = await client.get(f"/motions/{mid}/merge")
    assert merge_page.status_code == 200
    response = await send(client, f"/motions/{mid}/merge", {})
    assert response.status_code == 200 and "Consolidated from version 1 with: Amendment 1 to A1" in response.text
    pdf = await client.get(f"/consultations/{world.consultation.id}/book.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content, tmp_path)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the book's text cannot be read back")
    assert "A1: Nahverkehr stärken" in text
    assert re.search(r"^\s*1\s+Der Landesverband setzt sich", text, re.M)  # line number in the margin
    assert "[-29-]" in text and "{+19+}" in text and "l. 5" in text
    assert "Adopted as amended" in text and "Wanda Weber" in text
    export = await client.get(f"/consultations/{world.consultation.id}/export.json")
    data = json.loads(export.content)
    assert data["format"] == "ballot-motions/1"
    motion = data["motions"][0]
    assert motion["state"] == "adopted_as_amended" and len(motion["versions"]) == 2
    assert motion["amendments"][0]["state"] == "merged"
    assert motion["amendments"][0]["changes"] == [{"start": BODY.index("29"), "end": BODY.index("29") + 2,
                                                   "new": "19"}]


async def test_outsider_cannot_support_or_see_drafts(client: Client, world: World) -> None:
    mid = await _new_motion(client, world)
    await login(client, world.factory, world.outsider)
    assert (await client.get(f"/motions/{mid}")).status_code == 404
    assert (await client.get(f"/motions/{mid}/amend")).status_code in (403, 404)
    client.cookies.clear()
    response = await client.get(f"/motions/{mid}", follow_redirects=False)
    assert response.status_code in (302, 303, 401)


async def test_discussion_about_a_motion(client: Client, world: World) -> None:
    mid = await _new_motion(client, world)
    await send(client, f"/motions/{mid}/move", {"target": "submitted"})
    response = await client.get(f"/discussions/about/motion/{mid}")
    assert response.status_code == 200 and "A1: Nahverkehr stärken" in response.text
    assert (await client.get("/discussions/about/motion/abc")).status_code == 404
    started = await send(client, f"/units/{world.tree.state_a.slug}/discussions/new?about=motion&ref={mid}",
                         {"title": "Zum Antrag A1", "body": "Was kostet das?", "visibility": "unit"})
    assert started.status_code == 200 and "Was kostet das?" in started.text
    assert "This discussion is about the motion" in started.text and f'href="/motions/{mid}"' in started.text
    about = await client.get(f"/discussions/about/motion/{mid}")
    assert "Zum Antrag A1" in about.text
