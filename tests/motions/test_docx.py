"""DOCX export of a motion and of the motion book, read back with python-docx: line numbers beside their lines,
redlines struck through / underlined with their markers, and the same motions as the PDF."""

from __future__ import annotations

import io

from docx import Document
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.motions import amendments, steps, support
from ballot.motions.lines import number_lines
from ballot.motions.models import Motion, TargetKind
from tests.motions.conftest import BODY, World, login

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def _submitted_with_amendment(world: World) -> Motion:
    motion = await world.motion()
    await steps.move(world.db, await world.p(world.initiator), await world.ref(motion, world.initiator), "submitted")
    ref = await world.ref(motion)
    await support.set_support(world.db, await world.p(world.woman), ref.unit, ref.consultation, TargetKind.MOTION,
                              motion.id, motion.state, set(), support=True)
    await amendments.create_amendment(world.db, await world.p(world.man), ref, base_version=1,
                                      body=BODY.replace("29 Euro", "19 Euro"), reason="Billiger.")
    await world.factory.commit()
    return motion


async def test_motion_book_docx_reads_back(client: AsyncTestClient[Litestar], world: World) -> None:
    motion = await _submitted_with_amendment(world)
    draft = await world.motion(title="Nur ein Entwurf")
    await world.factory.commit()
    await login(client, world.factory, world.woman)
    response = await client.get(f"/consultations/{world.consultation.id}/book.docx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(DOCX)
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    lines = number_lines(BODY, world.consultation.line_length)
    width = len(str(lines[-1].number))
    for line in lines:  # every numbered line, number and text, in order
        assert f"{str(line.number).rjust(width)}\t{line.text}" in texts
    assert texts.index(f"{str(lines[0].number).rjust(width)}\t{lines[0].text}") < texts.index(
        f"{str(lines[-1].number).rjust(width)}\t{lines[-1].text}")
    assert "A1: Nahverkehr stärken" in texts and not any("Nur ein Entwurf" in t for t in texts)
    redline = next(p for p in document.paragraphs if "[-29-]" in p.text or "[-29 Euro-]" in p.text)
    struck = [r.text for r in redline.runs if r.font.strike]
    underlined = [r.text for r in redline.runs if r.font.underline]
    assert struck and struck[0].startswith("[-") and "29" in struck[0]
    assert underlined and underlined[0].startswith("{+") and "19" in underlined[0]
    assert any(t.startswith("Amendment 1 to A1, ") for t in texts)
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "Wanda Weber" in cells and "Submitted" in cells
    single = await client.get(f"/motions/{motion.id}/motion.docx")
    assert single.status_code == 200
    one = Document(io.BytesIO(single.content))
    assert one.core_properties.title == "A1: Nahverkehr stärken"
    assert "Contents" not in [p.text for p in one.paragraphs]
    await login(client, world.factory, world.initiator)
    assert (await client.get(f"/motions/{draft.id}/motion.docx")).status_code == 404
