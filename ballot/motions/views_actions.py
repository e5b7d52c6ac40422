"""Motion actions: support and withdraw support, workflow steps (with a decision's counts), amendments and the
merge of adopted amendments. Errors are shown beside their fields on the page the form came from."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.motions import (
    access,
    amendments,
    ballots,
    drafting,
    merge,
    pages,
    steps,
    support,
    views_comments,
    views_decisions,
    views_workflow,
)
from ballot.motions.forms import read, whole
from ballot.motions.lines import number_lines
from ballot.motions.models import MotionKind, TargetKind
from ballot.motions.views import Req, motion_url, page
from ballot.web.deps import DB, CurrentPrincipal


@post("/motions/{motion_id:int}/support", name="motion-support")
async def motion_support(request: Req, db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Redirect:
    """Support (``support=1``) or withdraw the support (``support=0``)."""
    ref = await drafting.get_motion(db, principal, motion_id)
    values = await read(request)
    await support.set_support(db, principal, ref.unit, ref.consultation, TargetKind.MOTION, ref.motion.id,
                              ref.motion.state, await drafting.author_ids(db, ref.motion),
                              support=values.get("support") == "1")
    return Redirect(path=motion_url(ref, "support"))


@post("/amendments/{amendment_id:int}/support", name="amendment-support")
async def amendment_support(request: Req, db: DB, principal: CurrentPrincipal, amendment_id: FromPath[int]
                            ) -> Redirect:
    """Support or withdraw the support of an amendment."""
    amendment, ref = await amendments.get_amendment(db, principal, amendment_id)
    values = await read(request)
    authors = {amendment.author_id} if amendment.author_id else set()
    await support.set_support(db, principal, ref.unit, ref.consultation, TargetKind.AMENDMENT, amendment.id,
                              amendment.state, authors, support=values.get("support") == "1")
    return Redirect(path=motion_url(ref, f"amendment-{amendment.id}"))


async def _move(request: Req, db: DB, principal: Any, ref: drafting.MotionRef, amendment: Any, key: Any,
                anchor: str) -> Any:
    values = await read(request)
    votes, errors = steps.parse_votes(values)
    try:
        if errors:
            raise ValidationFailed(errors)
        await steps.move(db, principal, ref, values.get("target", ""), amendment=amendment,
                         note=values.get("note", ""), votes=votes)
    except ValidationFailed as exc:
        context = await pages.motion_context(db, principal, ref, {key: exc.errors}, values)
        return page("motion.html", context, 422)
    return Redirect(path=motion_url(ref, anchor))


@post("/motions/{motion_id:int}/move", name="motion-move")
async def motion_move(request: Req, db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Any:
    """A workflow step of the motion."""
    ref = await drafting.get_motion(db, principal, motion_id)
    return await _move(request, db, principal, ref, None, "motion", "workflow")


@post("/amendments/{amendment_id:int}/move", name="amendment-move")
async def amendment_move(request: Req, db: DB, principal: CurrentPrincipal, amendment_id: FromPath[int]) -> Any:
    """A workflow step of an amendment."""
    amendment, ref = await amendments.get_amendment(db, principal, amendment_id)
    return await _move(request, db, principal, ref, amendment, amendment.id, f"amendment-{amendment.id}")


@post("/motions/{motion_id:int}/ballot", name="motion-ballot")
async def motion_ballot(request: Req, db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Any:
    """Link a binding ballot of the unit to the motion (or remove the link); the error beside the field."""
    ref = await drafting.get_motion(db, principal, motion_id)
    values = await read(request)
    try:
        await ballots.link(db, principal, ref, values.get("election", ""))
    except ValidationFailed as exc:
        return page("motion.html", await pages.motion_context(db, principal, ref, {"ballot": exc.errors}, values),
                    422)
    return Redirect(path=motion_url(ref, "workflow"))


# --- amend ----------------------------------------------------------------------------------------------------


async def _amend_context(db: DB, ref: drafting.MotionRef, values: dict[str, str], errors: dict[str, str]
                         ) -> dict[str, Any]:
    current = await drafting.version(db, ref.motion)
    return {"motion": ref.motion, "consultation": ref.consultation, "unit": ref.unit, "version": current,
            "paragraphs": pages.paragraphs(number_lines(current.body, ref.consultation.line_length)),
            "values": values, "errors": errors, "code": drafting.code}


@get("/motions/{motion_id:int}/amend", name="amendment-new")
async def amend_form(db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Template:
    """The motion's current text to edit: the changes become the amendment."""
    ref = await drafting.get_motion(db, principal, motion_id)
    access.ensure_member(principal, ref.unit)
    if ref.motion.kind != MotionKind.MOTION or ref.motion.state not in amendments.OPEN_FOR_AMENDMENTS:
        raise PermissionDenied(_("This motion does not accept amendments."))
    current = await drafting.version(db, ref.motion)
    values = {"body": current.body, "reason": "", "base_version": str(current.number)}
    return page("amend.html", await _amend_context(db, ref, values, {}))


@post("/motions/{motion_id:int}/amend", name="amendment-create")
async def amend_save(request: Req, db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Any:
    """Store the amendment; errors beside their fields."""
    ref = await drafting.get_motion(db, principal, motion_id)
    values = await read(request)
    try:
        created = await amendments.create_amendment(db, principal, ref, base_version=whole(values.get("base_version")),
                                                    body=values.get("body", ""), reason=values.get("reason", ""))
    except ValidationFailed as exc:
        return page("amend.html", await _amend_context(db, ref, values, exc.errors), 422)
    return Redirect(path=motion_url(ref, f"amendment-{created.id}"))


# --- merge ----------------------------------------------------------------------------------------------------


async def _merge_context(db: DB, ref: drafting.MotionRef, values: dict[str, str], errors: dict[str, str]
                         ) -> dict[str, Any]:
    return {"motion": ref.motion, "consultation": ref.consultation, "unit": ref.unit,
            "plan": await merge.plan(db, ref), "group_key": merge.group_key, "values": values, "errors": errors,
            "code": drafting.code}


@get("/motions/{motion_id:int}/merge", name="motion-merge-form")
async def merge_form(db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Template:
    """What a merge of the adopted amendments does, and a choice for each group of colliding ones."""
    ref = await drafting.get_motion(db, principal, motion_id)
    access.ensure_manager(principal, ref.unit)
    return page("merge.html", await _merge_context(db, ref, {}, {}))


@post("/motions/{motion_id:int}/merge", name="motion-merge")
async def merge_save(request: Req, db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Any:
    """Create the consolidated version and show its diff."""
    ref = await drafting.get_motion(db, principal, motion_id)
    values = await read(request)
    try:
        await merge.merge(db, principal, ref, values)
    except ValidationFailed as exc:
        return page("merge.html", await _merge_context(db, ref, values, exc.errors), 422)
    return Redirect(path=f"/motions/{ref.motion.id}/versions")


routes: list[ControllerRouterHandler] = [
    *views_workflow.routes, *views_decisions.routes, *views_comments.routes,
    motion_support, amendment_support, motion_move, amendment_move, motion_ballot, amend_form, amend_save,
    merge_form, merge_save,
]
