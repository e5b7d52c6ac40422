"""JSON API for the member registry (under /api/v1): lists for board and admin, one entry, and upsert by admins."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, put
from litestar.exceptions import ClientException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from litestar.types import ControllerRouterHandler

from ballot.exceptions import ValidationFailed
from ballot.i18n import gettext as _
from ballot.members.models import DuesStatus, Gender, Member, MemberClass
from ballot.members.services import get_member, search_members, upsert_member
from ballot.units.services import get_unit
from ballot.web.deps import DB, CurrentPrincipal
from ballot.web.errors import handle_ballot_error, handle_http_exception
from ballot.web.openapi import problems


class MemberOut(msgspec.Struct, kw_only=True):
    """A registry entry. ``unit`` is the home unit's slug."""

    number: str
    given_name: str
    family_name: str
    email: str | None
    phone: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    gender: Gender
    unit: str
    unit_name: str
    joined_on: date
    left_on: date | None
    dues_status: DuesStatus
    member_class: MemberClass


class MemberList(msgspec.Struct, kw_only=True):
    """One page of members, ordered by family name and given name."""

    items: list[MemberOut]
    total: int
    page: int
    pages: int
    per_page: int


Text = Annotated[str, msgspec.Meta(max_length=300)] | None
DateText = Annotated[str, msgspec.Meta(description="YYYY-MM-DD or DD.MM.YYYY", examples=["2024-05-01"])] | None


class MemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A registry entry to store under the number in the address (the same rules as the CSV import).

    Every field is replaced: an absent optional field is cleared. Enumerations accept the English values
    (and the German words the import accepts).
    """

    number: Text = None
    given_name: Text = None
    family_name: Text = None
    email: Text = None
    phone: Text = None
    street: Text = None
    postal_code: Text = None
    city: Text = None
    gender: Annotated[str, msgspec.Meta(examples=[g.value for g in Gender])] | None = None
    unit: Annotated[str, msgspec.Meta(description="slug of the home unit (territorial)")] | None = None
    joined_on: DateText = None
    left_on: DateText = None
    dues_status: Annotated[str, msgspec.Meta(examples=[d.value for d in DuesStatus])] | None = None
    member_class: Annotated[str, msgspec.Meta(examples=[c.value for c in MemberClass])] | None = None


def member_out(member: Member) -> MemberOut:
    """The API form of a registry entry (home unit loaded)."""
    return MemberOut(
        number=member.number,
        given_name=member.given_name,
        family_name=member.family_name,
        email=member.email,
        phone=member.phone,
        street=member.street,
        postal_code=member.postal_code,
        city=member.city,
        gender=member.gender,
        unit=member.home_unit.slug,
        unit_name=member.home_unit.name,
        joined_on=member.joined_on,
        left_on=member.left_on,
        dues_status=member.dues_status,
        member_class=member.member_class,
    )


def body_invalid(request: Request[Any, Any, Any], exc: ClientException) -> Response[Any]:
    """A body that is not JSON or does not fit :class:`MemberIn`: 422 problem with per-field errors."""
    if exc.status_code != 400:
        return handle_http_exception(request, exc)
    errors: dict[str, str] = {}
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key = str(item.get("key") or "body").removeprefix("$.")
            errors[key] = str(item.get("message", ""))
    if not errors:
        errors["body"] = str(exc.detail) or _("The body must be a JSON object with the registry fields.")
    return handle_ballot_error(request, ValidationFailed(errors))


@get(
    "/units/{slug:str}/members",
    operation_id="listUnitMembers",
    summary="Members of a unit (board, admin)",
    responses=problems(400, 401, 403, 404, 422),
)
async def list_members(
    slug: FromPath[str],
    db: DB,
    principal: CurrentPrincipal,
    q: FromQuery[str] = "",
    dues: FromQuery[DuesStatus | None] = None,
    member_class: FromQuery[MemberClass | None] = None,
    sub_unit: FromQuery[str | None] = None,
    include_former: FromQuery[bool] = False,
    page: Annotated[int, QueryParameter(ge=1)] = 1,
    per_page: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
) -> MemberList:
    """Members whose home unit lies in the unit's subtree (for a body or group: its members).

    ``q`` searches number, names and email; ``sub_unit`` (a slug) narrows to a part of the tree.
    """
    unit = await get_unit(db, slug)
    narrow = await get_unit(db, sub_unit) if sub_unit else None
    result = await search_members(
        db,
        principal,
        unit,
        query=q,
        dues=dues,
        member_class=member_class,
        sub_unit=narrow,
        include_former=include_former,
        page=page,
        per_page=per_page,
    )
    return MemberList(
        items=[member_out(member) for member in result.items],
        total=result.total,
        page=result.page,
        pages=result.pages,
        per_page=result.per_page,
    )


@get("/members/{number:str}", operation_id="getMember", summary="One registry entry",
     responses=problems(400, 401, 403, 404, 422))
async def member_detail(number: FromPath[str], db: DB, principal: CurrentPrincipal) -> MemberOut:
    """The member themselves, or board and admin of the member's home unit."""
    return member_out(await get_member(db, principal, number))


@put(
    "/members/{number:str}",
    operation_id="putMember",
    summary="Create or replace a registry entry (admin)",
    exception_handlers={ClientException: body_invalid},
    status_code=HTTP_200_OK,
    responses={201: ResponseSpec(MemberOut, description="Created", generate_examples=False),
               **problems(400, 401, 403, 422)},
)
async def member_put(
    number: FromPath[str], data: JSONBody[MemberIn], db: DB, principal: CurrentPrincipal
) -> Response[MemberOut]:
    """Upsert by member number with the import's validation; 201 when created, 200 when replaced.

    Authenticate with an API token (``Authorization: Bearer ...``); the session cookie is not accepted here.
    """
    values = {name: getattr(data, name) for name in MemberIn.__struct_fields__}
    member, created = await upsert_member(db, principal, number, values)
    return Response(member_out(member), status_code=HTTP_201_CREATED if created else HTTP_200_OK)


routes: list[ControllerRouterHandler] = [list_members, member_detail, member_put]
