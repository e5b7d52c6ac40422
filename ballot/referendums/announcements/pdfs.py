"""Printed letters (WeasyPrint): the announcement for the members without an email address (not secret: it can be
produced again at any time) and the credential letters (once only, see :class:`LetterCredentialSink`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.i18n import use_locale
from ballot.members.models import Member
from ballot.referendums.announcements.content import announcement_context, load_facts
from ballot.referendums.announcements.services import LETTER
from ballot.referendums.credentials import LetterCredentialSink
from ballot.referendums.models import Election, ElectorateEntry
from ballot.settings import Settings
from ballot.web.pdf import render_pdf


async def announcement_letters_pdf(session: AsyncSession, settings: Settings, election: Election) -> bytes | None:
    """One letter per member marked ``letter`` (sorted by postal code and name), in the site's default
    language; None when there is no letter to print."""
    members = list((await session.scalars(
        select(Member).join(ElectorateEntry, ElectorateEntry.member_id == Member.id)
        .where(ElectorateEntry.election_id == election.id, ElectorateEntry.announcement == LETTER))).all())
    if not members:
        return None
    members.sort(key=lambda m: (m.postal_code or "", m.family_name, m.given_name, m.id))
    locale = settings.default_locale
    context = announcement_context(settings, await load_facts(session, election), locale)
    context["letters"] = [{"name": m.full_name, "street": m.street or "", "postal_code": m.postal_code or "",
                           "city": m.city or ""} for m in members]
    with use_locale(locale):
        return render_pdf(settings, "referendums/pdf/announcement_letters.html", context)


def credential_letters_pdf(settings: Settings, sink: LetterCredentialSink) -> bytes | None:
    """The sink's credential letters in one PDF (a page each), in the site's default language, or None without
    letters. The sink forgets them: the PDF cannot be produced again."""
    with use_locale(settings.default_locale):
        context = sink.take_letters()
        return None if context is None else render_pdf(settings, "referendums/pdf/letters.html", context)
