"""Following threads and units, the member's notification settings (/me/discussions, linked from the profile) and
the one-click unsubscribe page of the mails (no login: the signed token says who and what)."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from ballot.accounts.models import Account
from ballot.audit.services import record_event
from ballot.discussions import services, subscriptions
from ballot.discussions.models import NotificationPreference, NotifyMode
from ballot.discussions.unsubscribe import read_token
from ballot.discussions.views import Req, _page, thread_url
from ballot.exceptions import ValidationFailed
from ballot.i18n import gettext as _
from ballot.i18n import lazy_gettext
from ballot.units.models import Unit
from ballot.units.services import get_unit
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot.web.forms import read_form

MODE_LABELS = {
    NotifyMode.IMMEDIATE: (lazy_gettext("Immediately"), lazy_gettext("One mail for each new post.")),
    NotifyMode.DIGEST: (lazy_gettext("Daily summary"),
                        lazy_gettext("One mail a day, in the morning, with everything new (none when nothing is).")),
    NotifyMode.OFF: (lazy_gettext("No mail"), lazy_gettext("You see what is new when you visit (\u201cn new\u201d).")),
}
NOTICES = {"mode": lazy_gettext("Your notification setting has been saved."),
           "removed": lazy_gettext("You no longer follow it.")}


@post("/discussions/{thread_id:int}/follow", name="discussion-follow")
async def follow_thread(request: Req, db: DB, principal: CurrentPrincipal, thread_id: FromPath[int]) -> Redirect:
    """Follow or stop following a thread (``action`` = follow | unfollow)."""
    thread, unit = await services.get_thread(db, principal, thread_id)
    me = services.ensure_logged_in(principal)
    form = await read_form(request)
    if form.get("action") == "unfollow":
        await subscriptions.unfollow_thread(db, me.account_id, thread.id)
    else:
        await subscriptions.follow_thread(db, me, thread, unit)
    return Redirect(path=thread_url(thread) + "#follow", status_code=303)


@post("/units/{slug:str}/discussions/follow", name="discussion-follow-unit")
async def follow_unit(request: Req, db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Redirect:
    """Be notified (or no longer) of every new thread in the unit."""
    unit = await get_unit(db, slug)
    me = services.ensure_logged_in(principal)
    form = await read_form(request)
    if form.get("action") == "unfollow":
        await subscriptions.unfollow_unit(db, me.account_id, unit.id)
    else:
        await subscriptions.follow_unit(db, me, unit)
    return Redirect(path=f"/units/{unit.slug}/discussions", status_code=303)


async def _settings_context(db: DB, account_id: int, errors: dict[str, str] | None = None,
                            mode: str | None = None) -> dict[str, Any]:
    choice = await subscriptions.preference(db, account_id)
    threads, units = await subscriptions.followed(db, account_id)
    return {"mode": mode or choice.mode.value, "modes": [(m.value, *map(str, MODE_LABELS[m])) for m in NotifyMode],
            "threads": threads, "units": units, "errors": errors or {}, "notice": ""}


@get("/me/discussions", name="discussion-settings")
async def settings_page(db: DB, principal: CurrentPrincipal, saved: FromQuery[str] = "") -> Template:
    """How I am notified, and what I follow."""
    me = services.ensure_logged_in(principal)
    context = await _settings_context(db, me.account_id)
    if saved in NOTICES:
        context["notice"] = str(NOTICES[saved])
    return _page("discussions/settings.html", context)


@post("/me/discussions", name="discussion-settings-save")
async def settings_save(request: Req, db: DB, principal: CurrentPrincipal) -> Any:
    """Store the notification choice; an unknown value is an error beside the field."""
    me = services.ensure_logged_in(principal)
    form = await read_form(request)
    try:
        mode = await subscriptions.set_mode(db, me, form.get("mode", ""))
    except ValidationFailed as exc:
        return _page("discussions/settings.html",
                     await _settings_context(db, me.account_id, exc.errors, form.get("mode", "")), 422)
    record_event(db, "discussions:notifications:change", account_id=me.account_id, mode=mode.value)
    return Redirect(path="/me/discussions?saved=mode", status_code=303)


@post("/me/discussions/remove", name="discussion-settings-remove")
async def settings_remove(request: Req, db: DB, principal: CurrentPrincipal) -> Redirect:
    """Stop following one thread or unit from the settings page."""
    me = services.ensure_logged_in(principal)
    form = await read_form(request)
    kind, _sep, raw = form.get("what", "").partition(":")
    if raw.isdigit() and kind == "thread":
        await subscriptions.unfollow_thread(db, me.account_id, int(raw))
    elif raw.isdigit() and kind == "unit":
        await subscriptions.unfollow_unit(db, me.account_id, int(raw))
    return Redirect(path="/me/discussions?saved=removed", status_code=303)


# --- one-click unsubscribe ------------------------------------------------------------------------------------


async def _describe(db: DB, scope: str) -> str:
    """What a token stops, in words. A thread is not named: whoever holds the link may no longer be allowed to read
    it (unit names are public)."""
    kind, _sep, raw = scope.partition(":")
    if kind == "thread":
        return _("the discussion you followed")
    if kind == "unit":
        unit = await db.get(Unit, int(raw))
        return _("new discussions in %(unit)s", unit=unit.name) if unit else _("a unit's discussions")
    return _("all discussion mails")


@get("/discussions/unsubscribe/{token:str}", name="discussion-unsubscribe-page")
async def unsubscribe_page(db: DB, settings: AppSettings, token: FromPath[str]) -> Template:
    """The page the mail's link opens: one button (a link alone must not unsubscribe: mail scanners follow links)."""
    found = read_token(settings.secret_key, token)
    if found is None:
        return _page("discussions/unsubscribe.html", {"valid": False, "token": token, "done": False, "what": ""}, 404)
    return _page("discussions/unsubscribe.html",
                 {"valid": True, "token": token, "done": False, "what": await _describe(db, found.scope)})


@post("/discussions/unsubscribe/{token:str}", name="discussion-unsubscribe")
async def unsubscribe(db: DB, settings: AppSettings, token: FromPath[str]) -> Template:
    """Unsubscribe: from the page's button or a mail client's RFC 8058 one-click POST (no CSRF token, no login)."""
    found = read_token(settings.secret_key, token)
    if found is None:
        return _page("discussions/unsubscribe.html", {"valid": False, "token": token, "done": False, "what": ""}, 404)
    what = await _describe(db, found.scope)
    if await db.get(Account, found.account_id) is not None:  # a deleted account has nothing left to stop
        kind, _sep, raw = found.scope.partition(":")
        if kind == "thread":
            await subscriptions.unfollow_thread(db, found.account_id, int(raw))
        elif kind == "unit":
            await subscriptions.unfollow_unit(db, found.account_id, int(raw))
        else:
            choice = await db.get(NotificationPreference, found.account_id)
            if choice is None:
                db.add(NotificationPreference(account_id=found.account_id, mode=NotifyMode.OFF, digest_until=None))
            else:
                choice.mode = NotifyMode.OFF
        record_event(db, "discussions:notifications:unsubscribe", account_id=found.account_id, scope=found.scope)
    return _page("discussions/unsubscribe.html",
                 {"valid": True, "token": token, "done": True, "what": what})


routes: list[ControllerRouterHandler] = [
    follow_thread, follow_unit, settings_page, settings_save, settings_remove, unsubscribe_page, unsubscribe,
]
