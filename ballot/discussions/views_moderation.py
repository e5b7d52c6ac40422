"""Moderation pages: report a post, the moderators' queue, hide/restore a post, close/reopen/pin a thread, the
unit's public moderation log and its code of conduct (with versions)."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from ballot.authz.policy import Action, authorize, is_allowed
from ballot.discussions import conduct, moderation, services
from ballot.discussions import live as discussion_live
from ballot.discussions.forms import PostForm, read_post_form
from ballot.discussions.models import ModerationAction
from ballot.discussions.views import Req, _page, thread_url
from ballot.exceptions import Conflict, ValidationFailed
from ballot.i18n import gettext as _
from ballot.units.services import get_unit
from ballot.web.deps import DB, AppSettings, CurrentPrincipal

# --- report ---------------------------------------------------------------------------------------------------


@get("/discussions/posts/{post_id:int}/report", name="discussion-report-form")
async def report_form(db: DB, principal: CurrentPrincipal, post_id: FromPath[int]) -> Template:
    """Ask for the reason of a report."""
    post_obj, thread, unit = await services.get_post(db, principal, post_id)
    services.ensure_logged_in(principal)
    return _page("discussions/report.html", {"post": post_obj, "thread": thread, "unit": unit, "errors": {},
                                             "values": {}, "error": ""})


@post("/discussions/posts/{post_id:int}/report", name="discussion-report")
async def report_send(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings,
                      post_id: FromPath[int]) -> Any:
    """File the report; the thread page then confirms it (the reporter is never shown to anyone)."""
    post_obj, thread, unit = await services.get_post(db, principal, post_id)
    form = await read_post_form(request, settings, with_files=False)
    try:
        await moderation.report_post(db, principal, post_obj, thread, unit, form.values.get("reason", ""))
    except ValidationFailed as exc:
        return _page("discussions/report.html", {"post": post_obj, "thread": thread, "unit": unit,
                                                 "errors": exc.errors, "values": form.values, "error": ""}, 422)
    except Conflict as exc:
        return _page("discussions/report.html", {"post": post_obj, "thread": thread, "unit": unit,
                                                 "errors": {}, "values": form.values, "error": exc.message}, 409)
    return Redirect(path=f"/discussions/{thread.id}?reported=1#post-{post_obj.id}")


# --- queue ----------------------------------------------------------------------------------------------------


@get("/units/{slug:str}/discussions/moderation", name="discussion-queue")
async def queue_page(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """Reported posts of the unit and below (moderators)."""
    unit = await get_unit(db, slug)
    services.ensure_logged_in(principal)
    items = await moderation.queue(db, principal, unit)
    return _page("discussions/queue.html", {"unit": unit, "items": items})


# --- hide / restore / dismiss ---------------------------------------------------------------------------------


def _decision_context(post_obj: Any, thread: Any, unit: Any, mode: str, form: PostForm, error: str = ""
                      ) -> dict[str, Any]:
    return {"post": post_obj, "thread": thread, "unit": unit, "mode": mode, "errors": form.errors,
            "values": form.values, "error": error}


@get("/discussions/posts/{post_id:int}/moderate", name="discussion-moderate-post-form")
async def moderate_post_form(db: DB, principal: CurrentPrincipal, post_id: FromPath[int]) -> Template:
    """Hide (or restore) a post: rule and reason."""
    post_obj, thread, unit = await services.get_post(db, principal, post_id)
    authorize(services.ensure_logged_in(principal), Action.MODERATE, unit)
    mode = "restore" if post_obj.hidden else "hide"
    return _page("discussions/moderate_post.html", _decision_context(post_obj, thread, unit, mode, PostForm()))


@post("/discussions/posts/{post_id:int}/moderate", name="discussion-moderate-post")
async def moderate_post(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings,
                        post_id: FromPath[int]) -> Any:
    """Hide, restore, or dismiss the reports."""
    post_obj, thread, unit = await services.get_post(db, principal, post_id)
    authorize(services.ensure_logged_in(principal), Action.MODERATE, unit)
    form = await read_post_form(request, settings, with_files=False)
    mode = "restore" if post_obj.hidden else "hide"
    decision = form.values.get("decision", mode)
    if decision == "dismiss":
        await moderation.dismiss_reports(db, principal, post_obj, unit)
        return Redirect(path=f"/units/{unit.slug}/discussions/moderation")
    if decision not in ("hide", "restore"):
        form.errors["decision"] = _("Please choose what to do.")
        return _page("discussions/moderate_post.html", _decision_context(post_obj, thread, unit, mode, form), 422)
    try:
        await moderation.set_hidden(db, principal, post_obj, thread, unit, hidden=decision == "hide",
                                    rule=form.values.get("rule", ""), reason=form.values.get("reason", ""))
    except ValidationFailed as exc:
        form.errors.update(exc.errors)
        return _page("discussions/moderate_post.html", _decision_context(post_obj, thread, unit, mode, form), 422)
    except Conflict as exc:
        return _page("discussions/moderate_post.html",
                     _decision_context(post_obj, thread, unit, mode, form, exc.message), 409)
    await discussion_live.announce(request.app.state, db, post_obj, discussion_live.CHANGED)
    return Redirect(path=thread_url(thread, post_obj.id))


# --- thread: close / reopen / pin / unpin ---------------------------------------------------------------------


def _thread_actions(thread: Any) -> list[tuple[str, str]]:
    first = ModerationAction.REOPEN if thread.closed else ModerationAction.CLOSE
    second = ModerationAction.UNPIN if thread.pinned else ModerationAction.PIN
    return [(a.value, moderation.action_label(a)) for a in (first, second)]


@get("/discussions/{thread_id:int}/moderate", name="discussion-moderate-thread-form")
async def moderate_thread_form(db: DB, principal: CurrentPrincipal, thread_id: FromPath[int]) -> Template:
    """Close, reopen, pin or unpin a thread, with a reason."""
    thread, unit = await services.get_thread(db, principal, thread_id)
    authorize(services.ensure_logged_in(principal), Action.MODERATE, unit)
    return _page("discussions/moderate_thread.html", {"thread": thread, "unit": unit, "errors": {}, "values": {},
                                                      "actions": _thread_actions(thread)})


@post("/discussions/{thread_id:int}/moderate", name="discussion-moderate-thread")
async def moderate_thread(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings,
                          thread_id: FromPath[int]) -> Any:
    thread, unit = await services.get_thread(db, principal, thread_id)
    authorize(services.ensure_logged_in(principal), Action.MODERATE, unit)
    form = await read_post_form(request, settings, with_files=False)
    try:
        await moderation.moderate_thread(db, principal, thread, unit, action=form.values.get("action", ""),
                                         rule=form.values.get("rule", ""), reason=form.values.get("reason", ""))
    except ValidationFailed as exc:
        return _page("discussions/moderate_thread.html", {"thread": thread, "unit": unit, "errors": exc.errors,
                                                          "values": form.values, "actions": _thread_actions(thread)},
                     422)
    return Redirect(path=thread_url(thread))


# --- public log -----------------------------------------------------------------------------------------------


@get("/units/{slug:str}/discussions/log", name="discussion-log")
async def log_page(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """What the moderation team did in this unit: when, what, under which rule, why."""
    unit = await get_unit(db, slug)
    entries = await moderation.public_log(db, principal, unit)
    return _page("discussions/log.html", {"unit": unit, "entries": entries, "action_label": moderation.action_label})


# --- code of conduct ------------------------------------------------------------------------------------------


@get("/units/{slug:str}/code-of-conduct", name="discussion-conduct")
async def conduct_page(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """The code of conduct in force (the unit's own or the nearest above) and the unit's versions."""
    unit = await get_unit(db, slug)
    code, from_unit = await conduct.current(db, unit)
    inherited = None
    if code is not None and from_unit != unit.id:
        inherited = await db.get(type(unit), from_unit)
    return _page("discussions/conduct.html", {
        "unit": unit, "code": code, "inherited": inherited, "versions": await conduct.versions(db, unit),
        "can_edit": is_allowed(principal, Action.CONDUCT_EDIT, unit)})


@get("/units/{slug:str}/code-of-conduct/edit", name="discussion-conduct-form")
async def conduct_form(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    unit = await get_unit(db, slug)
    authorize(services.ensure_logged_in(principal), Action.CONDUCT_EDIT, unit)
    code, _from = await conduct.current(db, unit)
    return _page("discussions/conduct_edit.html", {"unit": unit, "errors": {},
                                                   "values": {"body": code.body if code else ""}})


@post("/units/{slug:str}/code-of-conduct/edit", name="discussion-conduct-save")
async def conduct_save(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings,
                       slug: FromPath[str]) -> Any:
    unit = await get_unit(db, slug)
    authorize(services.ensure_logged_in(principal), Action.CONDUCT_EDIT, unit)
    form = await read_post_form(request, settings, with_files=False)
    try:
        await conduct.save(db, principal, unit, form.values.get("body", ""))
    except ValidationFailed as exc:
        return _page("discussions/conduct_edit.html", {"unit": unit, "errors": exc.errors, "values": form.values},
                     422)
    return Redirect(path=f"/units/{unit.slug}/code-of-conduct")


routes: list[ControllerRouterHandler] = [
    report_form, report_send, queue_page, moderate_post_form, moderate_post, moderate_thread_form, moderate_thread,
    log_page, conduct_page, conduct_form, conduct_save,
]
