"""Decisions by an online vote: start a member survey on a motion or amendment, and record the decision from the
finished survey or ballot with one click. Errors beside their fields on the motion page."""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.params import FromPath
from litestar.response import Redirect
from litestar.types import ControllerRouterHandler

from ballot.exceptions import ValidationFailed
from ballot.motions import amendments, decisions, drafting, pages
from ballot.motions.drafting import MotionRef
from ballot.motions.forms import local_datetime, read
from ballot.motions.models import Amendment
from ballot.motions.views import Req, motion_url, page
from ballot.web.deps import DB, CurrentPrincipal


async def _survey(request: Req, db: DB, principal: Any, ref: MotionRef, amendment: Amendment | None) -> Any:
    values = await read(request)
    errors: dict[str, str] = {}
    closes_at = local_datetime(values, "closes_at", errors)
    key = "survey" if amendment is None else f"survey-{amendment.id}"
    try:
        if errors:
            raise ValidationFailed(errors)
        await decisions.start_survey(db, principal, ref, amendment, closes_at=closes_at)
    except ValidationFailed as exc:
        shown = {name: message for name, message in exc.errors.items() if name in ("closes_at", "title")}
        shown = shown or {"closes_at": "; ".join(exc.errors.values())}
        return page("motion.html", await pages.motion_context(db, principal, ref, {key: shown}, values), 422)
    anchor = "workflow" if amendment is None else f"amendment-{amendment.id}"
    return Redirect(path=motion_url(ref, anchor))


@post("/motions/{motion_id:int}/survey", name="motion-survey")
async def motion_survey(request: Req, db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Any:
    """Start a member survey on the motion (board and admins)."""
    ref = await drafting.get_motion(db, principal, motion_id)
    return await _survey(request, db, principal, ref, None)


@post("/amendments/{amendment_id:int}/survey", name="amendment-survey")
async def amendment_survey(request: Req, db: DB, principal: CurrentPrincipal, amendment_id: FromPath[int]) -> Any:
    """Start a member survey on the amendment (board and admins)."""
    amendment, ref = await amendments.get_amendment(db, principal, amendment_id)
    return await _survey(request, db, principal, ref, amendment)


async def _decide(db: DB, principal: Any, ref: MotionRef, amendment: Amendment | None) -> Any:
    key: Any = "motion" if amendment is None else amendment.id
    try:
        await decisions.decide_from_result(db, principal, ref, amendment)
    except ValidationFailed as exc:
        return page("motion.html", await pages.motion_context(db, principal, ref, {key: exc.errors}), 422)
    return Redirect(path=motion_url(ref, "workflow" if amendment is None else f"amendment-{amendment.id}"))


@post("/motions/{motion_id:int}/decide", name="motion-decide")
async def motion_decide(db: DB, principal: CurrentPrincipal, motion_id: FromPath[int]) -> Any:
    """Record the decision from the finished survey or ballot."""
    ref = await drafting.get_motion(db, principal, motion_id)
    return await _decide(db, principal, ref, None)


@post("/amendments/{amendment_id:int}/decide", name="amendment-decide")
async def amendment_decide(db: DB, principal: CurrentPrincipal, amendment_id: FromPath[int]) -> Any:
    """Record the amendment's decision from its finished survey."""
    amendment, ref = await amendments.get_amendment(db, principal, amendment_id)
    return await _decide(db, principal, ref, amendment)


routes: list[ControllerRouterHandler] = [motion_survey, amendment_survey, motion_decide, amendment_decide]
