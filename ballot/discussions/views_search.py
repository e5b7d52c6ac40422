"""The discussion search page: every thread and reply the visitor may read, optionally within one unit."""

from __future__ import annotations

from litestar import MediaType, get
from litestar.params import FromQuery
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from ballot.discussions.search import search
from ballot.exceptions import NotFound, ValidationFailed
from ballot.units.models import Unit
from ballot.units.services import get_unit, units_of
from ballot.web.deps import DB, CurrentPrincipal


@get("/discussions/search", name="discussion-search")
async def search_page(db: DB, principal: CurrentPrincipal, q: FromQuery[str | None] = None,
                      unit: FromQuery[str | None] = None) -> Template:
    """The search form and, for a query, the matching posts with escaped snippets."""
    query = (q or "").strip()
    scope: Unit | None = None
    errors: dict[str, str] = {}
    if unit:
        try:
            scope = await get_unit(db, unit)
        except NotFound:
            scope = None
    hits = []
    status = 200
    if query:
        try:
            hits = await search(db, principal, query, scope)
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
    return Template(template_name="discussions/search.html", status_code=status, media_type=MediaType.HTML,
                    context={"q": query[:300], "scope": scope, "hits": hits, "errors": errors,
                             "searched": bool(query) and not errors,
                             "my_units": await units_of(db, principal) if principal else []})


routes: list[ControllerRouterHandler] = [search_page]
