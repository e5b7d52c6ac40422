"""The motion book as a PDF (WeasyPrint), from the motions :mod:`ballot.motions.book` collects."""

from __future__ import annotations

from typing import Any

from ballot.db import utcnow
from ballot.motions import workflow
from ballot.motions.book import BookMotion
from ballot.motions.models import Consultation
from ballot.settings import Settings
from ballot.units.models import Unit
from ballot.web.pdf import render_pdf


def render_book(settings: Settings, consultation: Consultation, unit: Unit, motions: list[BookMotion]) -> bytes:
    """The motion book as PDF bytes, in the current locale."""
    context: dict[str, Any] = {"consultation": consultation, "unit": unit, "motions": motions, "now": utcnow(),
                               "state_label": workflow.state_label}
    return render_pdf(settings, "motions/pdf/book.html", context, stylesheet="motion-book.css")
