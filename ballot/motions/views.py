"""Motion pages: a unit's consultations, a consultation, new motion, the motion page, editing with conflict
detection, co-authors and the version history."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.motions import access, consultations, deadlines, drafting, pages, workflow
from ballot.motions.drafting import EditConflict, MotionRef
from ballot.motions.forms import local_datetime, read, whole
from ballot.motions.lines import MAX_WIDTH, MIN_WIDTH
from ballot.motions.models import MotionKind, State
from ballot.units.models import Unit
from ballot.units.services import get_unit
from ballot.web.dates import local_input
from ballot.web.deps import DB, CurrentPrincipal

Req = Request[Any, Any, Any]


def page(template: str, context: dict[str, Any], status: int = 200) -> Template:
    """An HTML page from ``templates/motions``."""
    return Template(template_name=f"motions/{template}", context=context, status_code=status,
                    media_type=MediaType.HTML)


def motion_url(ref_or_id: MotionRef | int, anchor: str = "") -> str:
    """The motion page (optionally at an anchor)."""
    motion_id = ref_or_id if isinstance(ref_or_id, int) else ref_or_id.motion.id
    return f"/motions/{motion_id}" + (f"#{anchor}" if anchor else "")


# --- consultations --------------------------------------------------------------------------------------------


@get("/units/{slug:str}/consultations", name="motion-consultations")
async def consultation_list(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """The unit's consultations (Antragsberatungen)."""
    unit = await get_unit(db, slug)
    rows = await consultations.list_consultations(db, principal, unit)
    return page("list.html", {"unit": unit, "consultations": rows, "is_manager": access.is_manager(principal, unit)})


async def _consultation_form(db: DB, unit: Unit, values: dict[str, str], errors: dict[str, str],
                             proposed: bool = False) -> dict[str, Any]:
    rules = await deadlines.statute_deadlines(db, unit)
    return {"unit": unit, "values": values, "errors": errors, "min_width": MIN_WIDTH, "max_width": MAX_WIDTH,
            "workflows": [(name, workflow.workflow_label(name)) for name in workflow.TEMPLATES],
            "statute_deadlines": deadlines.explanation(rules) if rules.any else "", "proposed": proposed}


def _propose(values: dict[str, str], rules: deadlines.StatuteDeadlines, errors: dict[str, str]) -> bool:
    """Fill the deadline fields from the date of the convention (``event_at``); an error beside it otherwise."""
    event_at = local_datetime(values, "event_at", errors)
    if event_at is None or not rules.any:
        if "event_at" not in errors:
            errors["event_at"] = (_("Please enter the date of the convention.") if rules.any else
                                  _("The statute of this unit sets no deadlines for motions."))
        return False
    deadline, amendment_deadline = deadlines.propose(event_at, rules)
    for name, value in (("deadline", deadline), ("amendment_deadline", amendment_deadline)):
        if value is not None:
            values[name] = local_input(value)
    return True


@get("/units/{slug:str}/consultations/new", name="motion-consultation-new")
async def consultation_new(db: DB, principal: CurrentPrincipal, slug: FromPath[str],
                           event_at: FromQuery[str] = "") -> Template:
    """The form for a new consultation (board and admins); with ``event_at`` (the convention's date, from the small
    form above it) the deadlines are proposed from the statute."""
    unit = await get_unit(db, slug)
    access.ensure_manager(principal, unit)
    values = {"line_length": "80", "workflow": "default"}
    errors: dict[str, str] = {}
    proposed = False
    if event_at:
        values["event_at"] = event_at[:40]
        proposed = _propose(values, await deadlines.statute_deadlines(db, unit), errors)
    return page("consultation_new.html", await _consultation_form(db, unit, values, errors, proposed))


@post("/units/{slug:str}/consultations/new", name="motion-consultation-create")
async def consultation_create(request: Req, db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Any:
    """Create it; errors beside their fields."""
    unit = await get_unit(db, slug)
    access.ensure_manager(principal, unit)
    values = await read(request)
    errors: dict[str, str] = {}
    deadline = local_datetime(values, "deadline", errors)
    amendment_deadline = local_datetime(values, "amendment_deadline", errors)
    try:
        created = await consultations.create_consultation(
            db, principal, unit, title=values.get("title", ""), line_length=whole(values.get("line_length")),
            deadline=deadline, amendment_deadline=amendment_deadline, workflow=values.get("workflow", ""),
            errors=errors)
    except ValidationFailed as exc:
        return page("consultation_new.html", await _consultation_form(db, unit, values, exc.errors), 422)
    return Redirect(path=f"/consultations/{created.id}")


@get("/consultations/{consultation_id:int}", name="motion-consultation")
async def consultation_page(db: DB, principal: CurrentPrincipal, consultation_id: FromPath[int]) -> Template:
    """The consultation: deadlines, motions with state and support, the motion book."""
    consultation, unit = await consultations.get_consultation(db, principal, consultation_id)
    return page("consultation.html", await pages.consultation_context(db, principal, consultation, unit))


# --- new motion -----------------------------------------------------------------------------------------------


def _kinds() -> list[tuple[str, str]]:
    return [(MotionKind.MOTION.value, _("Motion")), (MotionKind.PROCEDURAL.value, _("Procedural motion"))]


@get("/consultations/{consultation_id:int}/motions/new", name="motion-new")
async def motion_new(db: DB, principal: CurrentPrincipal, consultation_id: FromPath[int]) -> Template:
    """The form for a new motion (members of the unit)."""
    consultation, unit = await consultations.get_consultation(db, principal, consultation_id)
    access.ensure_member(principal, unit)
    return page("motion_new.html", {"consultation": consultation, "unit": unit, "values": {"kind": "motion"},
                                    "errors": {}, "kinds": _kinds()})


@post("/consultations/{consultation_id:int}/motions/new", name="motion-create")
async def motion_create(request: Req, db: DB, principal: CurrentPrincipal, consultation_id: FromPath[int]) -> Any:
    """Store the draft and open it; errors beside their fields."""
    consultation, unit = await consultations.get_consultation(db, principal, consultation_id)
    values = await read(request)
    try:
        motion = await drafting.create_motion(db, principal, consultation, unit, title=values.get("title", ""),
                                              body=values.get("body", ""), reason=values.get("reason", ""),
                                              kind=values.get("kind", ""))
    except ValidationFailed as exc:
        return page("motion_new.html", {"consultation": consultation, "unit": unit, "values": values,
                                        "errors": exc.errors, "kinds": _kinds()}, 422)
    return Redirect(path=motion_url(motion.id))


# --- the motion -----------------------------------------------------------------------------------------------


@get("/motions/{motion_id:int}", name="motion")
async def motion_page(db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Template:
    """The motion with line numbers, supporters, amendments as redlines and the workflow."""
    ref = await drafting.get_motion(db, principal, motion_id)
    return page("motion.html", await pages.motion_context(db, principal, ref))


def _edit_context(ref: MotionRef, values: dict[str, str], errors: dict[str, str], conflict: EditConflict | None = None
                  ) -> dict[str, Any]:
    return {"motion": ref.motion, "consultation": ref.consultation, "unit": ref.unit, "values": values,
            "errors": errors, "conflict": conflict, "code": drafting.code}


@get("/motions/{motion_id:int}/edit", name="motion-edit-form")
async def edit_form(db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Template:
    """The authors' editor on the current version."""
    ref = await drafting.get_motion(db, principal, motion_id)
    if principal is None or principal.account_id not in await drafting.author_ids(db, ref.motion):
        raise PermissionDenied(_("Only the authors can edit the motion."))
    if ref.motion.state != State.DRAFT:
        raise PermissionDenied(_("The motion has been submitted: its text can no longer be edited."))
    current = await drafting.version(db, ref.motion)
    values = {"title": current.title, "body": current.body, "reason": current.reason,
              "base_version": str(current.number)}
    return page("edit.html", _edit_context(ref, values, {}))


@post("/motions/{motion_id:int}/edit", name="motion-edit")
async def edit_save(request: Req, db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Any:
    """Save a new version; a save based on an older version is refused (409) with the changes made meanwhile."""
    ref = await drafting.get_motion(db, principal, motion_id)
    values = await read(request)
    try:
        await drafting.edit_motion(db, principal, ref, base_version=whole(values.get("base_version")),
                                   title=values.get("title", ""), body=values.get("body", ""),
                                   reason=values.get("reason", ""))
    except ValidationFailed as exc:
        return page("edit.html", _edit_context(ref, values, exc.errors), 422)
    except EditConflict as exc:
        values["base_version"] = str(exc.current.number)
        return page("edit.html", _edit_context(ref, values, {}, exc), 409)
    return Redirect(path=motion_url(ref))


@post("/motions/{motion_id:int}/coauthors", name="motion-coauthor")
async def coauthor_add(request: Req, db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Any:
    """Invite a co-author by the e-mail address of their login; the error beside the field."""
    ref = await drafting.get_motion(db, principal, motion_id)
    values = await read(request)
    try:
        await drafting.add_coauthor(db, principal, ref, values.get("email", ""))
    except ValidationFailed as exc:
        return page("motion.html", await pages.motion_context(db, principal, ref, {"coauthor": exc.errors},
                                                              values), 422)
    return Redirect(path=motion_url(ref, "authors"))


@get("/motions/{motion_id:int}/versions", name="motion-versions")
async def versions_page(db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Template:
    """Every version, newest first, each with its diff to the one before and any merge record."""
    ref = await drafting.get_motion(db, principal, motion_id)
    found = await drafting.versions(db, ref.motion)
    rows = [{"version": v, "diff": drafting.text_diff(found[i + 1], v) if i + 1 < len(found) else []}
            for i, v in enumerate(found)]
    return page("versions.html", {"motion": ref.motion, "consultation": ref.consultation, "unit": ref.unit,
                                  "rows": rows, "code": drafting.code})


routes: list[ControllerRouterHandler] = [
    consultation_list, consultation_new, consultation_create, consultation_page, motion_new, motion_create,
    motion_page, edit_form, edit_save, coauthor_add, versions_page,
]
