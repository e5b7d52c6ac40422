"""Downloads of a consultation: the motion book (PDF) and the open JSON export."""

from __future__ import annotations

import asyncio
import json

from litestar import Response, get
from litestar.params import FromPath
from litestar.types import ControllerRouterHandler

from ballot.exceptions import NotFound
from ballot.i18n import get_locale, use_locale
from ballot.i18n import gettext as _
from ballot.motions import book, consultations, drafting, pdfs
from ballot.motions.docx_book import render_docx
from ballot.motions.export import export
from ballot.motions.export_schema import ConsultationExport
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot.web.openapi import browser_download


def _download(data: bytes, media_type: str, name: str) -> Response[bytes]:
    return Response(content=data, media_type=media_type, headers={
        "content-disposition": f'attachment; filename="{name}"', "x-content-type-options": "nosniff"})


@get("/consultations/{consultation_id:int}/book.pdf", name="motion-book")
async def motion_book(db: DB, principal: CurrentPrincipal, settings: AppSettings,
                      consultation_id: FromPath[int]) -> Response[bytes]:
    """The motion book as PDF (rendered in a worker thread: it takes a while for a big consultation)."""
    consultation, unit = await consultations.get_consultation(db, principal, consultation_id)
    motions = await book.book_motions(db, consultation)
    locale = get_locale()

    def render() -> bytes:
        with use_locale(locale):
            return pdfs.render_book(settings, consultation, unit, motions)

    data = await asyncio.to_thread(render)
    return _download(data, "application/pdf", f"antragsbuch-{consultation.id}.pdf")


@get("/consultations/{consultation_id:int}/export.json", name="motion-export", include_in_schema=True,
     operation_id="exportConsultation", summary="A consultation in the open format ballot-motions/1",
     responses=browser_download(ConsultationExport, "application/json", "The export (a download)", 403, 404))
async def motion_export(db: DB, principal: CurrentPrincipal, consultation_id: FromPath[int]) -> Response[bytes]:
    """The consultation in the open format ``ballot-motions/1``."""
    consultation, unit = await consultations.get_consultation(db, principal, consultation_id)
    data = json.dumps(await export(db, consultation, unit), ensure_ascii=False, indent=2).encode()
    return _download(data, "application/json", f"antraege-{consultation.id}.json")


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@get("/consultations/{consultation_id:int}/book.docx", name="motion-book-docx")
async def motion_book_docx(db: DB, principal: CurrentPrincipal, consultation_id: FromPath[int]) -> Response[bytes]:
    """The motion book as DOCX for the press office."""
    consultation, unit = await consultations.get_consultation(db, principal, consultation_id)
    motions = await book.book_motions(db, consultation)
    locale = get_locale()

    def render() -> bytes:
        with use_locale(locale):
            return render_docx(consultation, unit, motions)

    return _download(await asyncio.to_thread(render), DOCX, f"antragsbuch-{consultation.id}.docx")


@get("/motions/{motion_id:int}/motion.docx", name="motion-docx")
async def motion_docx(db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Response[bytes]:
    """One motion (not a draft) with its amendments as DOCX."""
    ref = await drafting.get_motion(db, principal, motion_id)
    motions = await book.book_motions(db, ref.consultation, only=ref.motion.id)
    if not motions:
        raise NotFound(_("A draft cannot be exported."))
    with use_locale(get_locale()):
        data = render_docx(ref.consultation, ref.unit, motions, book=False)
    return _download(data, DOCX, f"{motions[0].code}.docx")


routes: list[ControllerRouterHandler] = [motion_book, motion_export, motion_book_docx, motion_docx]
