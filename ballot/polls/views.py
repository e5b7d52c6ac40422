"""The presenter's pages: a unit's poll sessions, a new session, managing its questions (add, open, close, show
results) and the big screen with live results over server-sent events."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.types import ControllerRouterHandler

from ballot import live as live_events
from ballot.exceptions import Conflict, ValidationFailed
from ballot.i18n import gettext as _
from ballot.polls import access, live, qr, rendering, results, services
from ballot.polls.forms import read_question, read_session
from ballot.polls.models import PollSession, QuestionKind
from ballot.settings import Settings
from ballot.units.models import Unit
from ballot.units.services import get_unit
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot.web.forms import read_form

Req = Request[Any, Any, Any]


def _page(template: str, context: dict[str, Any], status: int = 200) -> Template:
    return Template(template_name=template, context=context, status_code=status, media_type=MediaType.HTML)


def kind_choices() -> list[tuple[str, str]]:
    return [
        (QuestionKind.SINGLE.value, _("Single choice")),
        (QuestionKind.MULTIPLE.value, _("Multiple choice (with a limit)")),
        (QuestionKind.YES_NO.value, _("Yes / no / abstain")),
    ]


@get("/units/{slug:str}/polls", name="poll-list")
async def poll_list(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """Join with a code (everyone); the unit's sessions and a button for a new one (presenters)."""
    unit = await get_unit(db, slug)
    manager = access.may_manage(principal, unit)
    sessions = await services.list_sessions(db, principal, unit) if manager else []
    return _page("polls/list.html", {"unit": unit, "sessions": sessions, "can_manage": manager})


def _new_context(unit: Unit, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    return {"unit": unit, "values": values, "errors": errors}


@get("/units/{slug:str}/polls/new", name="poll-new")
async def poll_new(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    unit = await get_unit(db, slug)
    access.require_manager(principal, unit)
    return _page("polls/new.html", _new_context(unit, {}, {}))


@post("/units/{slug:str}/polls/new", name="poll-create")
async def poll_create(request: Req, db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Any:
    unit = await get_unit(db, slug)
    access.require_manager(principal, unit)
    values = await read_form(request)
    data, errors = read_session(values)
    if data is None:
        return _page("polls/new.html", _new_context(unit, values, errors), 422)
    session = await services.create_session(db, principal, unit, data)
    return Redirect(path=f"/polls/{session.id}")


async def _manage_context(
    db: DB,
    session: PollSession,
    unit: Unit,
    settings: Settings,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
) -> dict[str, Any]:
    questions = await services.questions_of(db, session)
    turnouts = {q.id: await results.turnout(db, q.id) for q in questions}
    return {
        "session": session,
        "unit": unit,
        "questions": questions,
        "turnouts": turnouts,
        "join_url": qr.join_url(settings.base_url, session.code),
        "kinds": kind_choices(),
        "values": values or {"kind": QuestionKind.SINGLE.value, "max_choices": "2"},
        "errors": errors or {},
        "error": error,
    }


@get("/polls/{session_id:int}", name="poll-manage")
async def poll_manage(
    db: DB, principal: CurrentPrincipal, settings: AppSettings, session_id: FromPath[int]
) -> Template:
    """The presenter's control page: questions with their state, buttons, and the form for the next question."""
    session, unit = await services.get_session(db, session_id)
    access.require_manager(principal, unit)
    return _page("polls/manage.html", await _manage_context(db, session, unit, settings))


@post("/polls/{session_id:int}/questions", name="poll-question-add")
async def question_add(
    request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings, session_id: FromPath[int]
) -> Any:
    session, unit = await services.get_session(db, session_id)
    access.require_manager(principal, unit)
    values = await read_form(request)
    data, errors = read_question(values)
    try:
        if data is None:
            raise ValidationFailed(errors)
        await services.add_question(db, principal, session, unit, data)
    except ValidationFailed as exc:
        context = await _manage_context(db, session, unit, settings, values=values, errors=exc.errors)
        return _page("polls/manage.html", context, 422)
    except Conflict as exc:
        context = await _manage_context(db, session, unit, settings, values=values, error=exc.message)
        return _page("polls/manage.html", context, 409)
    return Redirect(path=f"/polls/{session.id}#questions")


async def _act(
    request: Req,
    db: DB,
    principal: CurrentPrincipal,
    settings: Settings,
    session_id: int,
    question_id: int | None,
    action: str,
) -> Any:
    session, unit = await services.get_session(db, session_id)
    try:
        if action == "end":
            await services.end_session(db, principal, session, unit)
        elif question_id is None:
            raise Conflict(_("This question does not exist."))
        elif action == "open":
            await services.open_question(db, principal, session, unit, question_id)
        elif action == "close":
            await services.close_question(db, principal, session, unit, question_id)
        else:
            await services.set_revealed(db, principal, session, unit, question_id, action == "reveal")
    except Conflict as exc:
        return _page("polls/manage.html", await _manage_context(db, session, unit, settings, error=exc.message), 409)
    await db.commit()
    await live.state_changed(request.app.state, session.id)
    return Redirect(path=f"/polls/{session.id}#q-{question_id}" if question_id else f"/polls/{session.id}")


@post("/polls/{session_id:int}/questions/{question_id:int}/{action:str}", name="poll-question-act")
async def question_act(
    request: Req,
    db: DB,
    principal: CurrentPrincipal,
    settings: AppSettings,
    session_id: FromPath[int],
    question_id: FromPath[int],
    action: FromPath[str],
) -> Any:
    """``open``, ``close``, ``reveal`` (show results on the phones) or ``hide``."""
    if action not in {"open", "close", "reveal", "hide"}:
        raise Conflict(_("This action does not exist."))
    return await _act(request, db, principal, settings, session_id, question_id, action)


@post("/polls/{session_id:int}/end", name="poll-end")
async def poll_end(
    request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings, session_id: FromPath[int]
) -> Any:
    return await _act(request, db, principal, settings, session_id, None, "end")


@get("/polls/{session_id:int}/present", name="poll-present")
async def poll_present(
    db: DB, principal: CurrentPrincipal, settings: AppSettings, session_id: FromPath[int]
) -> Template:
    """The big screen: join code, QR code, the current question with live bars and the turnout counter."""
    session, unit = await services.get_session(db, session_id)
    access.require_manager(principal, unit)
    url = qr.join_url(settings.base_url, session.code)
    context = {
        **await rendering.screen_context(db, session),
        "unit": unit,
        "join_url": url,
        "qr": qr.qr_svg(url, _("QR code: %(url)s", url=url)),
    }
    return _page("polls/present.html", context)


@get("/polls/{session_id:int}/present/events", name="poll-present-events")
async def poll_present_events(
    request: Req, db: DB, principal: CurrentPrincipal, session_id: FromPath[int]
) -> ServerSentEvent:
    """The big screen's live stream: the screen fragment after every change (answers coalesced)."""
    session, unit = await services.get_session(db, session_id)
    access.require_manager(principal, unit)
    factory = request.app.state.db_factory
    await db.close()  # the stream must not hold a connection while idle

    async def render(_data: str) -> str:
        async with factory() as fresh:
            current = await fresh.get(PollSession, session_id)
            assert current is not None
            return rendering.fragment(request, "polls/_screen.html", await rendering.screen_context(fresh, current))

    return live_events.sse_response(request.app.state, live.channel(session.id), render)


routes: list[ControllerRouterHandler] = [
    poll_list,
    poll_new,
    poll_create,
    poll_manage,
    question_add,
    question_act,
    poll_end,
    poll_present,
    poll_present_events,
]
