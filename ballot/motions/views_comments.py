"""Comments anchored to a line of the motion: the form on the motion page (errors beside the fields)."""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.params import FromPath
from litestar.response import Redirect
from litestar.types import ControllerRouterHandler

from ballot.exceptions import ValidationFailed
from ballot.motions import comments, drafting, pages
from ballot.motions.forms import read, whole
from ballot.motions.views import Req, motion_url, page
from ballot.web.deps import DB, AppSettings, CurrentPrincipal


@post("/motions/{motion_id:int}/comments", name="motion-comment")
async def motion_comment(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings,
                         motion_id: FromPath[int]) -> Any:
    """Post a comment on a line; it appears beside its paragraph and in the motion's discussion."""
    ref = await drafting.get_motion(db, principal, motion_id)
    values = await read(request)
    try:
        await comments.add_comment(db, principal, ref, line=whole(values.get("line")),
                                   body=values.get("comment", ""), settings=settings)
    except ValidationFailed as exc:
        errors = {("comment" if name == "body" else name): message for name, message in exc.errors.items()}
        return page("motion.html", await pages.motion_context(db, principal, ref, {"comment": errors}, values), 422)
    return Redirect(path=motion_url(ref, f"line-{values.get('line')}"))


routes: list[ControllerRouterHandler] = [motion_comment]
