"""DOCX (Word) export of a motion or the whole motion book, for the press office (python-docx).

The same content as the PDF (ballot/motions/book.py): per motion its code, title, status with the counts, authors,
supporters and version; the text line by line with the consultation's line numbers (a monospaced font, one Word
paragraph per numbered line, a number, a tab, the line); the reason; every amendment except withdrawn ones with
its code, line reference, status, author, supporters, collisions and a redline. Deleted text is struck through and
marked ``[-...-]``, inserted text underlined and marked ``{+...+}``, as in the PDF.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt

from ballot.i18n import gettext as _
from ballot.motions import workflow
from ballot.motions.amend import Segment
from ballot.motions.book import BookMotion
from ballot.motions.models import Consultation
from ballot.units.models import Unit

MONO = "Courier New"


def _counts(motion: BookMotion) -> str:
    step = motion.decision
    if step is None or all(v is None for v in (step.votes_yes, step.votes_no, step.votes_abstain)):
        return ""
    shown = ["–" if v is None else str(v) for v in (step.votes_yes, step.votes_no, step.votes_abstain)]
    return " (" + _("Yes %(yes)s, no %(no)s, abstentions %(abstain)s", yes=shown[0], no=shown[1],
                    abstain=shown[2]) + ")"


def _facts(document: DocumentType, motion: BookMotion) -> None:
    rows = [(_("Status"), workflow.state_label(motion.motion.state) + _counts(motion)),
            (_("Authors"), ", ".join(motion.authors)),
            (_("Supporters"), ", ".join(motion.supporters) or "–"),
            (_("Version"), str(motion.version.number))]
    table = document.add_table(rows=len(rows), cols=2)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = label, value


def _text(document: DocumentType, motion: BookMotion) -> None:
    width = len(str(motion.lines[-1].number)) if motion.lines else 1
    for index, paragraph in enumerate(motion.paragraphs):
        for line in paragraph:
            para = document.add_paragraph()
            para.paragraph_format.space_after = Pt(0)
            para.paragraph_format.space_before = Pt(6) if index and line is paragraph[0] else Pt(0)
            number = para.add_run(str(line.number).rjust(width) + "\t")
            text = para.add_run(line.text)
            for run in (number, text):
                run.font.name, run.font.size = MONO, Pt(9)


def _redline(document: DocumentType, segments: Sequence[Segment]) -> None:
    para = document.add_paragraph()
    for segment in segments:
        kind, content = segment.kind, segment.text
        if kind == "del":
            run = para.add_run(f"[-{content}-]")
            run.font.strike = True
        elif kind == "ins":
            run = para.add_run(f"{{+{content}+}}")
            run.font.underline = True
        else:
            para.add_run(content)


def _motion(document: DocumentType, motion: BookMotion) -> None:
    document.add_heading(f"{motion.code}: {motion.version.title}", level=1)
    _facts(document, motion)
    document.add_heading(_("Motion text"), level=2)
    _text(document, motion)
    if motion.version.reason:
        document.add_heading(_("Reason"), level=2)
        for part in motion.version.reason.split("\n\n"):
            document.add_paragraph(part)
    if motion.amendments:
        document.add_heading(_("Amendments"), level=2)
    for item in motion.amendments:
        view = item.view
        document.add_heading(f"{view.code}, {view.reference} · {workflow.state_label(view.amendment.state)}",
                             level=3)
        meta = _("By %(name)s", name=view.author)
        if item.supporters:
            meta += " · " + _("Supporters:") + " " + ", ".join(item.supporters)
        if view.collides_with:
            meta += " · " + _("Collides with:") + " " + ", ".join(view.collides_with)
        document.add_paragraph(meta)
        _redline(document, view.segments)
        if view.amendment.reason:
            document.add_paragraph(view.amendment.reason)


def render_docx(consultation: Consultation, unit: Unit, motions: Sequence[BookMotion], *, book: bool = True) -> bytes:
    """The motion book (``book``: with a title page and contents) or a single motion as DOCX bytes."""
    document = Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    document.core_properties.title = consultation.title if book else (
        f"{motions[0].code}: {motions[0].version.title}" if motions else consultation.title)
    if book:
        document.add_heading(consultation.title, level=0)
        document.add_paragraph(f"{unit.name} · {_('Motion book')}")
        document.add_heading(_("Contents"), level=1)
        for motion in motions:
            document.add_paragraph(f"{motion.code} {motion.version.title} "
                                   f"({workflow.state_label(motion.motion.state)})", style="List Number")
    for index, motion in enumerate(motions):
        if book or index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _motion(document, motion)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
