"""Pages of the board's acts that are not steps of the lifecycle: the announcement (send now, letters PDF) and
the re-issue of every credential before the opening. Each act is a GET confirmation page and a POST."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import BallotError, NotFound
from ballot.i18n import gettext as _
from ballot.referendums.announcements.content import announcement_deadline, is_late
from ballot.referendums.announcements.pdfs import announcement_letters_pdf, credential_letters_pdf
from ballot.referendums.announcements.reissue import reissue_credentials, reissue_refusal
from ballot.referendums.announcements.services import announce, deliver_announcement, refusal
from ballot.referendums.board.pages import common_context, page, pdf_response
from ballot.referendums.common import frozen_rules
from ballot.referendums.credentials import LetterCredentialSink
from ballot.referendums.models import Election
from ballot.referendums.queries import get_election
from ballot.settings import Settings
from ballot.units.models import Unit
from ballot.web.access import require_login
from ballot.web.deps import DB, AppSettings, CurrentPrincipal

log = logging.getLogger(__name__)
Req = Request[Any, Any, Any]


async def _target(db: AsyncSession, principal: Principal | None, uuid: str) -> tuple[Principal, Election, Unit]:
    principal = require_login(principal)
    election, unit = await get_election(db, principal, uuid)
    authorize(principal, Action.ELECTION_MANAGE, unit)
    return principal, election, unit


# --- the announcement -----------------------------------------------------------------------------------------


async def _announce_context(db: AsyncSession, principal: Principal, election: Election,
                            unit: Unit) -> dict[str, Any]:
    context = common_context(election, unit, principal)
    deadline = None
    if election.statute_snapshot_id is not None:
        deadline = announcement_deadline(await frozen_rules(db, election), election)
    now = utcnow()
    context.update(refusal=refusal(election), deadline=deadline, late=is_late(deadline, now), now=now,
                   early=now < election.announcement_at, error="")
    return context


@get("/ballots/{uuid:str}/announce", name="ballot-announce-confirm")
async def announce_confirm(db: DB, principal: CurrentPrincipal, uuid: FromPath[str]) -> Template:
    """What sending the announcement does, and the button that does it."""
    principal_, election, unit = await _target(db, principal, uuid)
    return page("referendums/announce_confirm.html", await _announce_context(db, principal_, election, unit))


async def _deliver_later(factory: async_sessionmaker[AsyncSession], settings: Settings, election_id: int) -> None:
    """Send the mails after the response; an interrupted run is resumed by ``ballot maintenance run-due``."""
    try:
        async with factory() as session:
            election = await session.get(Election, election_id)
            if election is not None:
                await deliver_announcement(session, settings, election)
            await session.commit()
    except Exception as exc:
        log.warning("announcement mails stopped (%s); the due-job runner resumes them", type(exc).__name__)


@post("/ballots/{uuid:str}/announce", name="ballot-announce")
async def announce_perform(request: Req, db: DB, settings: AppSettings, principal: CurrentPrincipal,
                           uuid: FromPath[str]) -> Any:
    """Make the announcement; the mails go out after the response. A refusal is shown on the page (409)."""
    principal_, election, unit = await _target(db, principal, uuid)
    try:
        await announce(db, principal_, election, utcnow())
    except BallotError as exc:
        await db.rollback()
        election, unit = await get_election(db, principal_, uuid)
        context = await _announce_context(db, principal_, election, unit)
        context["error"] = exc.message or str(exc)
        return page("referendums/announce_confirm.html", context, status=exc.status_code)
    task = BackgroundTask(_deliver_later, request.app.state.db_factory, settings, election.id)
    return Redirect(path=f"/ballots/{election.uuid}?done=announce", status_code=303, background=task)


@get("/ballots/{uuid:str}/announcement-letters.pdf", name="ballot-announcement-letters")
async def announcement_letters(db: DB, settings: AppSettings, principal: CurrentPrincipal,
                               uuid: FromPath[str]) -> Response[bytes]:
    """The announcement letters for members without email (board only: they carry postal addresses)."""
    _principal, election, _unit = await _target(db, principal, uuid)
    data = await announcement_letters_pdf(db, settings, election) if election.announced_at else None
    if data is None:
        raise NotFound(_("There are no announcement letters for this ballot."))
    return pdf_response(data, f"announcement-letters-{election.uuid}.pdf")


# --- re-issuing the credentials -------------------------------------------------------------------------------


async def _reissue_context(db: AsyncSession, principal: Principal, election: Election,
                           unit: Unit) -> dict[str, Any]:
    context = common_context(election, unit, principal)
    context.update(refusal=reissue_refusal(election), error="")
    return context


@get("/ballots/{uuid:str}/reissue", name="ballot-reissue-confirm")
async def reissue_confirm(db: DB, principal: CurrentPrincipal, uuid: FromPath[str]) -> Template:
    """What re-issuing voids and replaces, or why it is no longer possible."""
    principal_, election, unit = await _target(db, principal, uuid)
    return page("referendums/reissue_confirm.html", await _reissue_context(db, principal_, election, unit))


@post("/ballots/{uuid:str}/reissue", name="ballot-reissue")
async def reissue_perform(db: DB, settings: AppSettings, principal: CurrentPrincipal, uuid: FromPath[str]) -> Any:
    """Draw, send and publish new credentials; the new letters PDF is answered once (nothing is stored)."""
    principal_, election, unit = await _target(db, principal, uuid)
    sink = LetterCredentialSink(db, settings, election, reissued=True)
    try:
        await reissue_credentials(db, settings, principal_, election, sink)
    except BallotError as exc:
        await db.rollback()
        election, unit = await get_election(db, principal_, uuid)
        context = await _reissue_context(db, principal_, election, unit)
        context["error"] = exc.message or str(exc)
        return page("referendums/reissue_confirm.html", context, status=exc.status_code)
    letters = credential_letters_pdf(settings, sink)
    await db.commit()  # the new list is final before the only copy of the letters leaves
    if letters is not None:
        return pdf_response(letters, f"credential-letters-{election.uuid}.pdf")
    return Redirect(path=f"/ballots/{election.uuid}?done=reissue", status_code=303)


routes: list[ControllerRouterHandler] = [
    announce_confirm, announce_perform, announcement_letters, reissue_confirm, reissue_perform,
]
