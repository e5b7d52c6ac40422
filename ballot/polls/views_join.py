"""The participants' pages under ``/p``: join with a code, answer the open question on a phone (plain HTML forms,
no JavaScript needed; with JavaScript the page follows the presenter live), see results once revealed."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.types import ControllerRouterHandler

from ballot import live as live_events
from ballot.authz.principal import Principal
from ballot.exceptions import Conflict, NotFound, ValidationFailed
from ballot.i18n import gettext as _
from ballot.polls import access, codes, identity, live, rendering, services, targets
from ballot.polls.identity import Participant
from ballot.polls.models import PollSession
from ballot.polls.writer import writer_of
from ballot.settings import Settings
from ballot.units.models import Unit
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot.web.forms import form_int

Req = Request[Any, Any, Any]


def _page(template: str, context: dict[str, Any], status: int = 200, cookies: list[Cookie] | None = None) -> Template:
    return Template(
        template_name=template, context=context, status_code=status, media_type=MediaType.HTML, cookies=cookies or []
    )


@get("/p", name="poll-join")
async def join(db: DB, code: FromQuery[str | None] = None) -> Any:
    """The form for the join code; a known code leads to the poll, an unknown one shows an error beside the field."""
    if code is None:
        return _page("polls/join.html", {"values": {}, "errors": {}})
    try:
        session, _unit = await services.session_by_code(db, code)
    except NotFound as exc:
        return _page("polls/join.html", {"values": {"code": code}, "errors": {"code": exc.message}}, 404)
    return Redirect(path=f"/p/{session.code}")


def _who(
    request: Req, settings: Settings, session: PollSession, unit: Unit, principal: Principal | None
) -> tuple[Participant | None, Cookie | None]:
    """The participant, and a new device cookie when a guest's browser has none (or an invalid one)."""
    device_id = identity.read_device(settings.secret_key, request.cookies.get(identity.DEVICE_COOKIE))
    who = access.participant(settings.secret_key, session, unit, principal, device_id)
    if who is None and session.allow_guests:
        device_id, cookie = identity.new_device_cookie(settings.secret_key, settings.secure_cookies)
        return access.participant(settings.secret_key, session, unit, principal, device_id), cookie
    return who, None


async def _session(db: DB, code: str) -> tuple[PollSession, Unit]:
    session, unit = await services.session_by_code(db, code)
    if session.code != code:  # typed in lower case or with dashes: one canonical address
        raise NotFound(_("There is no poll with this code. Please check the code on the screen."))
    return session, unit


@get("/p/{code:str}", name="poll-phone")
async def phone(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings, code: FromPath[str]) -> Any:
    """The participant's page: the open question, a thank-you once answered, results when the presenter shows them."""
    normal = codes.normalize(code)
    if normal and normal != code:
        return Redirect(path=f"/p/{normal}")
    session, unit = await services.session_by_code(db, code)
    who, cookie = _who(request, settings, session, unit, principal)
    # A freshly issued cookie only counts from the next request: until then this visitor cannot have answered.
    context = await rendering.phone_context(db, session, who if cookie is None else None)
    context.update(unit=unit, guest=who is not None and who.guest)
    return _page("polls/phone.html", context, cookies=[cookie] if cookie else None)


@post("/p/{code:str}", name="poll-answer")
async def answer(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings, code: FromPath[str]) -> Any:
    """Store the answer and show the page again (POST, redirect, GET); problems are shown beside the options."""
    form = await request.form()
    question_id = form_int(form, "question", 0, low=0) or 0
    session, unit, question = await targets.answer_target(request.app.state, db, code, question_id)
    device_id = identity.read_device(settings.secret_key, request.cookies.get(identity.DEVICE_COOKIE))
    who = access.participant(settings.secret_key, session, unit, principal, device_id)
    picked = [str(value) for value in form.getall("choice")] if "choice" in form else []
    if who is None:
        context = await rendering.phone_context(db, session, None, notice="cookie")
        context.update(unit=unit, guest=True)
        return _page("polls/phone.html", context, 400)
    await db.commit()  # give the connection back while the answer waits for its batch (ballot.polls.writer)
    try:
        await services.submit_answer(session, question, who, picked, writer_of(request.app.state))
    except ValidationFailed as exc:
        context = await rendering.phone_context(db, session, who, errors=exc.errors, picked=picked)
        context.update(unit=unit, guest=who.guest)
        return _page("polls/phone.html", context, 422)
    except (Conflict, NotFound) as exc:
        context = await rendering.phone_context(db, session, who, notice=exc.message)
        context.update(unit=unit, guest=who.guest)
        return _page("polls/phone.html", context, 409)
    live.answer_added(request.app.state, session.id)
    return Redirect(path=f"/p/{session.code}?answered=1", status_code=303)


@get("/p/{code:str}/events", name="poll-phone-events")
async def phone_events(
    request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings, code: FromPath[str]
) -> ServerSentEvent:
    """The phone's live stream: the question panel again when the presenter opens, closes or reveals (answers by
    others do not disturb a participant who is choosing)."""
    session, unit = await _session(db, code)
    device_id = identity.read_device(settings.secret_key, request.cookies.get(identity.DEVICE_COOKIE))
    who = access.participant(settings.secret_key, session, unit, principal, device_id)
    factory = request.app.state.db_factory
    session_id = session.id
    await db.close()

    async def render(data: str) -> str | None:
        if data != live.STATE:
            return None
        async with factory() as fresh:
            current = await fresh.get(PollSession, session_id)
            assert current is not None
            context = await rendering.phone_context(fresh, current, who)
            context.update(unit=unit, guest=who is not None and who.guest)
            return rendering.fragment(request, "polls/_phone_panel.html", context)

    return live_events.sse_response(request.app.state, live.channel(session_id), render)


routes: list[ControllerRouterHandler] = [join, phone, answer, phone_events]
