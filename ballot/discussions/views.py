"""Discussion pages: a unit's threads, a thread, new thread, reply (htmx loads the form in place; without
JavaScript it is a page of its own), edit, revision history, attachment downloads and a ballot's discussions."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as url_quote

from litestar import MediaType, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.types import ControllerRouterHandler
from sqlalchemy import select

from ballot import live
from ballot.accounts.models import Account
from ballot.authz.principal import Principal
from ballot.discussions import access, conduct, moderation, notifications, services, subjects, subscriptions
from ballot.discussions import live as discussion_live
from ballot.discussions.attachments import read_attachment
from ballot.discussions.forms import FILE_FIELD, PostForm, parent_of, read_post_form, whole_number
from ballot.discussions.models import MAX_DEPTH, Attachment, Post, Thread
from ballot.discussions.rendering import quote as quote_markdown
from ballot.discussions.writer import Draft, writer_of
from ballot.exceptions import NotAuthenticated, NotFound, PermissionDenied, RateLimited, ValidationFailed
from ballot.i18n import get_locale
from ballot.i18n import gettext as _
from ballot.ratelimit import RateLimiter
from ballot.settings import Settings
from ballot.units.models import Unit
from ballot.units.services import get_unit
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot.web.ratelimit import get_limiter

Req = Request[Any, Any, Any]


def _page(template: str, context: dict[str, Any], status: int = 200) -> Template:
    return Template(template_name=template, context=context, status_code=status, media_type=MediaType.HTML)


def post_limiter(request: Req, settings: Settings) -> RateLimiter:
    """The per-account posting limit (threads and replies together)."""
    limits = settings.discussions
    return get_limiter(request.app.state, "discussion-posts", limits.posts_per_window, limits.post_window_seconds)


def limits_context(settings: Settings) -> dict[str, Any]:
    limits = settings.discussions
    return {"max_files": limits.attachments_per_post, "max_kb": limits.attachment_max_bytes // 1024,
            "file_types": ", ".join(limits.attachment_types), "file_field": FILE_FIELD}


def notify_later(request: Req, settings: Settings, post_id: int) -> BackgroundTask:
    """Mail the new post to its immediate followers after the response has gone (the author does not wait)."""
    return BackgroundTask(notifications.notify_new_post, request.app.state.db_factory, settings, post_id)


def _page_number(raw: str | None) -> int:
    return whole_number(raw) or 1


def thread_url(thread: Thread | int, post_id: int | None = None) -> str:
    """A thread's page; with ``post_id`` the page showing that post, scrolled to it."""
    tid = thread if isinstance(thread, int) else thread.id
    return f"/discussions/{tid}" + (f"?post={post_id}#post-{post_id}" if post_id else "")


# --- unit list ------------------------------------------------------------------------------------------------


@get("/units/{slug:str}/discussions", name="discussion-list")
async def discussion_list(db: DB, principal: CurrentPrincipal, slug: FromPath[str],
                          page: FromQuery[str | None] = None) -> Template:
    """The unit's threads the visitor may read (pinned first), 20 per page."""
    unit = await get_unit(db, slug)
    listing = await services.list_threads(db, principal, unit, _page_number(page))
    moderator = access.may_moderate(principal, unit)
    code, _from = await conduct.current(db, unit)
    context = {
        "unit": unit, "listing": listing, "can_start": access.may_start(principal, unit),
        "is_moderator": moderator, "open_reports": await moderation.open_report_count(db, unit) if moderator else 0,
        "has_conduct": code is not None, "visibility_label": services.visibility_label, "principal": principal,
        "unread": await subscriptions.unread_counts(db, principal, [row.thread.id for row in listing.rows]),
        "follows_unit": await subscriptions.follows_unit(db, principal, unit),
        "can_follow_unit": principal is not None and (access.is_unit_member(principal, unit) or moderator),
    }
    return _page("discussions/list.html", context)


# --- new thread -----------------------------------------------------------------------------------------------


async def _new_context(unit: Unit, form: PostForm, settings: Settings, subject: subjects.Subject | None,
                       error: str = "") -> dict[str, Any]:
    return {"unit": unit, "form": form, "errors": form.errors, "values": form.values, "subject": subject,
            "choices": [(v.value, services.visibility_label(v)) for v in access.visibility_choices(unit)],
            "error": error, **limits_context(settings)}


async def _subject_from(db: DB, principal: Principal | None, kind: str | None, ref: str | None
                        ) -> subjects.Subject | None:
    if not kind or not ref:
        return None
    return await subjects.resolve(db, principal, kind, ref)


@get("/units/{slug:str}/discussions/new", name="discussion-new")
async def discussion_new(db: DB, principal: CurrentPrincipal, settings: AppSettings, slug: FromPath[str],
                         about: FromQuery[str | None] = None, ref: FromQuery[str | None] = None) -> Template:
    """The form for a new thread (optionally about a ballot: ``?about=election&ref=<uuid>``)."""
    unit = await get_unit(db, slug)
    if not access.may_start(principal, unit):
        services.ensure_logged_in(principal)
        raise PermissionDenied(_("Only members of this unit can start a discussion here."))
    subject = await _subject_from(db, principal, about, ref)
    default = access.visibility_choices(unit)[0].value
    form = PostForm(values={"visibility": default, "title": subject.title if subject else ""})
    return _page("discussions/new.html", await _new_context(unit, form, settings, subject))


@post("/units/{slug:str}/discussions/new", name="discussion-create")
async def discussion_create(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings,
                            slug: FromPath[str], about: FromQuery[str | None] = None,
                            ref: FromQuery[str | None] = None) -> Any:
    """Start the thread; errors beside their fields (422), a clear message when posting too fast (429)."""
    unit = await get_unit(db, slug)
    services.ensure_logged_in(principal)
    subject = await _subject_from(db, principal, about, ref)
    if subject is not None and subject.unit.id != unit.id:
        raise NotFound(_("This page does not exist."))
    form = await read_post_form(request, settings)
    try:
        if form.errors:
            raise ValidationFailed(form.errors)
        thread = await services.create_thread(
            db, principal, unit, title=form.values.get("title", ""), body=form.values.get("body", ""),
            visibility=form.values.get("visibility", ""), settings=settings, uploads=form.uploads,
            subject=(subject.kind, subject.id) if subject else None, limiter=post_limiter(request, settings))
    except ValidationFailed as exc:
        form.errors.update(exc.errors)
        return _page("discussions/new.html", await _new_context(unit, form, settings, subject), 422)
    except RateLimited as exc:
        return _page("discussions/new.html", await _new_context(unit, form, settings, subject, exc.message), 429)
    assert principal is not None
    await subscriptions.follow_thread(db, principal, thread, unit)  # authors hear of replies to their thread
    opening = await services.opening_post(db, thread)
    assert opening is not None
    await db.commit()
    return Redirect(path=thread_url(thread), background=notify_later(request, settings, opening.id))


# --- thread ---------------------------------------------------------------------------------------------------


async def thread_context(db: DB, principal: Principal | None, thread: Thread, unit: Unit, settings: Settings,
                         form: PostForm | None = None, error: str = "", page: int = 1,
                         post_id: int | None = None) -> dict[str, Any]:
    """One page of the thread (the page showing ``post_id`` when given), with the viewer's unread marker; opening it
    marks the whole thread as read (the notice links to the first new post, on whichever page it is)."""
    outline = await services.thread_outline(db, thread)
    pages = outline.pages()
    page = outline.page_of(post_id) if post_id is not None else min(max(1, page), pages)
    posts = await services.thread_posts(db, principal, thread, page, outline)
    seen = await subscriptions.last_read(db, principal, thread.id)
    me = principal.account_id if principal else None
    unread = [] if seen is None else [
        pid for pid in outline.order if pid > seen and pid not in outline.hidden and outline.authors[pid] != me]
    await subscriptions.mark_read(db, principal, thread.id, max(outline.order, default=0), seen)
    first_unread = min(unread) if unread else None
    subject = None
    if thread.subject_kind and thread.subject_id is not None:
        subject = await _subject_title(db, principal, thread)
    return {
        "thread": thread, "unit": unit, "posts": posts, "principal": principal,
        "can_reply": access.may_post(principal, thread, unit), "is_moderator": access.may_moderate(principal, unit),
        "max_depth": MAX_DEPTH, "visibility_label": services.visibility_label(thread.visibility),
        "form": form or PostForm(), "errors": (form.errors if form else {}), "error": error, "subject": subject,
        "following": await subscriptions.is_following(db, principal, thread),
        "first_unread": first_unread, "unread_count": len(unread),
        "first_unread_page": outline.page_of(first_unread) if first_unread else 1, "page": page, "pages": pages,
        "live_after": max(outline.order, default=0),
        **limits_context(settings),
    }


async def _subject_title(db: DB, principal: Principal | None, thread: Thread) -> dict[str, str] | None:
    if thread.subject_kind == "election":
        from ballot.referendums.models import Election

        election = await db.get(Election, thread.subject_id)
        if election is not None:
            try:
                found = await subjects.resolve(db, principal, "election", election.uuid)
            except (NotFound, PermissionDenied, NotAuthenticated):
                return None
            return {"title": found.title, "url": found.url}
    if thread.subject_kind == "motion" and thread.subject_id is not None:  # motions are referred to by id
        try:
            found = await subjects.resolve(db, principal, "motion", str(thread.subject_id))
        except (NotFound, PermissionDenied, NotAuthenticated):
            return None
        return {"title": found.title, "url": found.url, "about": _("This discussion is about the motion")}
    return None


@get("/discussions/{thread_id:int}", name="discussion-thread")
async def thread_page(db: DB, principal: CurrentPrincipal, settings: AppSettings, thread_id: FromPath[int],
                      page: FromQuery[str | None] = None, post: FromQuery[str | None] = None) -> Template:
    """A thread with its nested replies (100 posts a page; ``?post=<id>`` opens the page showing that post) and, for
    those who may, the reply form."""
    thread, unit = await services.get_thread(db, principal, thread_id)
    return _page("discussions/thread.html", await thread_context(
        db, principal, thread, unit, settings, page=_page_number(page), post_id=whole_number(post)))


@get("/discussions/{thread_id:int}/live", name="discussion-live")
async def thread_live(request: Req, principal: CurrentPrincipal, thread_id: FromPath[int],
                      after: FromQuery[str | None] = None) -> ServerSentEvent:
    """The thread's live updates (htmx SSE): new and changed posts, rendered for this viewer. Read access is checked
    here and again for every post; no database connection is held while the stream waits."""
    state = request.app.state
    async with state.db_factory() as session:
        await services.get_thread(session, principal, thread_id)
    engine = request.app.template_engine
    assert engine is not None
    render = discussion_live.renderer(state, engine.engine, principal, thread_id, get_locale(),
                                      whole_number(after) or 0)
    return live.sse_response(state, discussion_live.channel(thread_id), render)


# --- reply ----------------------------------------------------------------------------------------------------


async def _reply_context(db: DB, principal: Principal | None, thread: Thread, unit: Unit, settings: Settings,
                         parent: Post | None, form: PostForm, error: str = "") -> dict[str, Any]:
    author = ""
    if parent is not None and parent.author_id is not None:
        author = (await db.scalar(select(Account.display_name).where(Account.id == parent.author_id))) or ""
    return {"thread": thread, "unit": unit, "parent": parent, "parent_author": author or _("Former member"),
            "form": form, "errors": form.errors, "values": form.values, "error": error, **limits_context(settings)}


async def _parent(db: DB, thread: Thread, raw: str | None) -> Post | None:
    number = whole_number(raw)
    if number is None:
        return None
    parent = await db.get(Post, number)
    return parent if parent is not None and parent.thread_id == thread.id else None


@get("/discussions/{thread_id:int}/reply", name="discussion-reply-form")
async def reply_form(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings,
                     thread_id: FromPath[int], to: FromQuery[str | None] = None,
                     quote: FromQuery[str | None] = None) -> Template:
    """The reply form: a page of its own, or (htmx) the form alone, shown under the post replied to."""
    thread, unit = await services.get_thread(db, principal, thread_id)
    services.ensure_logged_in(principal)
    if not access.may_post(principal, thread, unit):
        raise PermissionDenied(_("This discussion is closed: no new replies.") if thread.closed
                               else _("Only members of this unit can reply here."))
    parent = await _parent(db, thread, to)
    form = PostForm(values={"parent": str(parent.id) if parent else ""})
    context = await _reply_context(db, principal, thread, unit, settings, parent, form)
    if parent is not None and quote == "1" and not parent.hidden:
        form.values["body"] = quote_markdown(context["parent_author"], parent.body)
    template = "discussions/_reply_form.html" if request.headers.get("hx-request") else "discussions/reply.html"
    return _page(template, context)


@post("/discussions/{thread_id:int}/reply", name="discussion-reply")
async def reply_create(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings,
                       thread_id: FromPath[int]) -> Any:
    """Store the reply and go back to it in the thread; errors beside their fields."""
    thread, unit = await services.get_thread(db, principal, thread_id)
    services.ensure_logged_in(principal)
    form = await read_post_form(request, settings)
    parent_id, parent_error = parent_of(form)
    try:
        if parent_error:
            form.errors["parent"] = parent_error
        if form.errors:
            raise ValidationFailed(form.errors)
        author, parent_post = await services.check_reply(
            db, principal, thread, unit, parent_id=parent_id, body=form.values.get("body", ""),
            limiter=post_limiter(request, settings))
    except ValidationFailed as exc:
        form.errors.update(exc.errors)
        parent = await _parent(db, thread, form.values.get("parent"))
        return _page("discussions/reply.html",
                    await _reply_context(db, principal, thread, unit, settings, parent, form), 422)
    except RateLimited as exc:
        parent = await _parent(db, thread, form.values.get("parent"))
        return _page("discussions/reply.html",
                    await _reply_context(db, principal, thread, unit, settings, parent, form, exc.message), 429)
    await db.commit()  # the request's reads end here; the group commit stores the reply (and sends it live)
    stored = await writer_of(request.app.state).add(Draft(
        thread.id, parent_post.id, parent_post.depth + 1, author.account_id, form.values.get("body", ""),
        form.uploads))
    return Redirect(path=thread_url(thread, stored.post_id),
                    background=notify_later(request, settings, stored.post_id) if stored.notify else None)


# --- edit and history -----------------------------------------------------------------------------------------


def _edit_context(post_obj: Post, thread: Thread, unit: Unit, form: PostForm) -> dict[str, Any]:
    return {"post": post_obj, "thread": thread, "unit": unit, "form": form, "errors": form.errors,
            "values": form.values, "is_opening": post_obj.parent_id is None}


@get("/discussions/posts/{post_id:int}/edit", name="discussion-edit-form")
async def edit_form(db: DB, principal: CurrentPrincipal, post_id: FromPath[int]) -> Template:
    """The author's edit form."""
    post_obj, thread, unit = await services.get_post(db, principal, post_id)
    if principal is None or post_obj.author_id != principal.account_id:
        raise PermissionDenied(_("Only the author can edit a post."))
    form = PostForm(values={"body": post_obj.body, "title": thread.title})
    return _page("discussions/edit.html", _edit_context(post_obj, thread, unit, form))


@post("/discussions/posts/{post_id:int}/edit", name="discussion-edit")
async def edit_save(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings,
                    post_id: FromPath[int]) -> Any:
    """Save the edit (a new revision); errors beside their fields."""
    post_obj, thread, unit = await services.get_post(db, principal, post_id)
    form = await read_post_form(request, settings, with_files=False)
    try:
        await services.edit_post(db, principal, post_obj, thread, unit, body=form.values.get("body", ""),
                                 title=form.values.get("title") if post_obj.parent_id is None else None)
    except ValidationFailed as exc:
        form.errors.update(exc.errors)
        return _page("discussions/edit.html", _edit_context(post_obj, thread, unit, form), 422)
    await discussion_live.announce(request.app.state, db, post_obj, discussion_live.CHANGED)
    return Redirect(path=thread_url(thread, post_obj.id))


@get("/discussions/posts/{post_id:int}/history", name="discussion-history")
async def history(db: DB, principal: CurrentPrincipal, post_id: FromPath[int]) -> Template:
    """Every version of a post, newest first."""
    post_obj, thread, unit = await services.get_post(db, principal, post_id)
    versions = await services.revisions(db, principal, post_obj)
    return _page("discussions/history.html", {"post": post_obj, "thread": thread, "unit": unit,
                                             "versions": versions})


# --- attachments ----------------------------------------------------------------------------------------------


@get("/discussions/attachments/{attachment_id:int}/{name:str}", name="discussion-attachment")
async def attachment(db: DB, principal: CurrentPrincipal, settings: AppSettings, attachment_id: FromPath[int],
                     name: FromPath[str]) -> Response[bytes]:
    """The file as a download: content type from our list, ``nosniff``, never inline (the app's strict CSP applies)."""
    found = await db.get(Attachment, attachment_id)
    if found is None:
        raise NotFound(_("This file does not exist."))
    post_obj, _thread, unit = await services.get_post(db, principal, found.post_id)
    if post_obj.hidden and not (principal and (post_obj.author_id == principal.account_id
                                               or access.may_moderate(principal, unit))):
        raise NotFound(_("This file does not exist."))
    data = read_attachment(settings, found)
    if data is None:
        raise NotFound(_("This file does not exist."))
    ascii_name = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in found.filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{url_quote(found.filename, safe='')}"
    return Response(content=data, media_type=found.content_type, headers={
        "content-disposition": disposition, "x-content-type-options": "nosniff",
        "cache-control": "private, no-store"})


# --- a subject's discussions ----------------------------------------------------------------------------------


@get("/discussions/about/{kind:str}/{ref:str}", name="discussion-about")
async def about(db: DB, principal: CurrentPrincipal, kind: FromPath[str], ref: FromPath[str]) -> Template:
    """The discussions about a ballot (or later a motion or survey), and a button to start one."""
    subject = await subjects.resolve(db, principal, kind, ref)
    threads = await subjects.threads_about(db, principal, subject)
    return _page("discussions/about.html", {
        "subject": subject, "threads": threads, "ref": ref,
        "can_start": access.may_start(principal, subject.unit), "visibility_label": services.visibility_label})


routes: list[ControllerRouterHandler] = [
    discussion_list, discussion_new, discussion_create, thread_page, thread_live, reply_form, reply_create, edit_form,
    edit_save, history, attachment, about,
]
