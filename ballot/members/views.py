"""Member pages: the board's member list (search, filters, pages; htmx updates the table only), a member's
registry entry, and my own profile with consents, language and the GDPR export."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.invitations import open_invitation
from ballot.accounts.models import Account
from ballot.audit.services import record_event
from ballot.authz.labels import is_inherited, role_name
from ballot.authz.policy import Action, is_allowed
from ballot.authz.principal import Principal
from ballot.exceptions import NotFound
from ballot.i18n import LOCALE_NAMES, LOCALES, lazy_gettext, normalize_locale
from ballot.i18n import gettext as _
from ballot.members.export_schema import PersonalDataExport
from ballot.members.labels import CONSENTS, DUES, GENDERS, MEMBER_CLASSES
from ballot.members.models import ConsentKind, DuesStatus, GroupMembership, Member, MemberClass
from ballot.members.privacy import consent_history, consents_of, personal_data_export, update_consents
from ballot.members.services import get_member, search_members
from ballot.units.labels import unit_kind
from ballot.units.models import TERRITORIAL_KINDS, Unit
from ballot.units.services import get_unit
from ballot.web.access import require_login
from ballot.web.cookies import LOCALE_COOKIE
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot.web.forms import read_form
from ballot.web.openapi import browser_download

PER_PAGE = 50


def _enum_or_none(enum_type: Any, raw: str) -> Any:
    try:
        return enum_type(raw) if raw else None
    except ValueError:
        return None


def _page_number(raw: str) -> int:
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1


def _is_partial(request: Request[Any, Any, Any]) -> bool:
    """htmx asks for the results table only (but a history restore needs the whole page)."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


async def _sub_unit_options(session: AsyncSession, unit: Unit) -> list[tuple[Unit, str]]:
    """Territorial units below ``unit``, with an indented label for a select box."""
    units = (
        await session.scalars(
            select(Unit)
            .where(Unit.path.startswith(unit.path, autoescape=True), Unit.id != unit.id)
            .where(Unit.kind.in_(TERRITORIAL_KINDS))
            .order_by(Unit.path)
        )
    ).all()
    base_depth = len(unit.ancestor_ids())
    return [(u, "\u2013 " * (len(u.ancestor_ids()) - base_depth - 1) + u.name) for u in units]


@get("/units/{slug:str}/members", name="member-list")
async def member_list(
    request: Request[Any, Any, Any],
    db: DB,
    principal: CurrentPrincipal,
    slug: FromPath[str],
    q: FromQuery[str] = "",
    dues: FromQuery[str] = "",
    member_class: FromQuery[str] = "",
    sub_unit: FromQuery[str] = "",
    page: FromQuery[str] = "1",
) -> Template:
    """The member list of a unit for its board (and admins): search, filters, pagination."""
    principal = require_login(principal)
    unit = await get_unit(db, slug)
    options = await _sub_unit_options(db, unit) if unit.is_territorial else []
    chosen_sub = next((u for u, _label in options if u.slug == sub_unit), None)
    filters = {
        "q": q.strip()[:200],
        "dues": _enum_or_none(DuesStatus, dues),
        "member_class": _enum_or_none(MemberClass, member_class),
        "sub_unit": chosen_sub,
    }
    result = await search_members(
        db, principal, unit,
        query=filters["q"], dues=filters["dues"], member_class=filters["member_class"], sub_unit=chosen_sub,
        page=_page_number(page), per_page=PER_PAGE,
    )
    params = {
        "q": filters["q"],
        "dues": filters["dues"].value if filters["dues"] else "",
        "member_class": filters["member_class"].value if filters["member_class"] else "",
        "sub_unit": chosen_sub.slug if chosen_sub else "",
    }
    base_url = f"/units/{unit.slug}/members"

    def page_url(number: int) -> str:
        query = {k: v for k, v in params.items() if v}
        if number > 1:
            query["page"] = str(number)
        return base_url + (f"?{urlencode(query)}" if query else "")

    context: dict[str, Any] = {
        "unit": unit,
        "kind": unit_kind(unit),
        "result": result,
        "params": params,
        "filtered": any(params.values()),
        "base_url": base_url,
        "page_url": page_url,
        "sub_units": options,
        "dues_labels": DUES,
        "class_labels": MEMBER_CLASSES,
    }
    partial = _is_partial(request)
    response = Template(
        template_name="members/_member_rows.html" if partial else "members/list.html", context=context
    )
    response.headers["vary"] = "HX-Request"
    return response


async def _groups_of(session: AsyncSession, member_id: int) -> list[tuple[Unit, str]]:
    rows = (
        await session.execute(
            select(Unit, GroupMembership.function)
            .join(GroupMembership, GroupMembership.unit_id == Unit.id)
            .where(GroupMembership.member_id == member_id)
            .order_by(Unit.name)
        )
    ).all()
    return [(unit, function) for unit, function in rows]


async def _unit_chain(session: AsyncSession, unit: Unit) -> list[Unit]:
    ids = unit.ancestor_ids()
    found = {u.id: u for u in (await session.scalars(select(Unit).where(Unit.id.in_(ids)))).all()}
    return [found[i] for i in ids if i in found]


@get("/members/{number:str}", name="member")
async def member_detail(
    db: DB, principal: CurrentPrincipal, number: FromPath[str], invited: FromQuery[str | None] = None
) -> Template:
    """One registry entry (for the board of the member's units, admins, and the member themselves)."""
    principal = require_login(principal)
    member = await get_member(db, principal, number)
    has_account = await db.scalar(select(Account.id).where(Account.member_id == member.id)) is not None
    pending = not has_account and await open_invitation(db, member.id) is not None
    context: dict[str, Any] = {
        "has_account": has_account,
        "invitation_pending": pending,
        "just_invited": invited is not None and pending,
        "can_invite": not has_account
        and bool(member.email)
        and member.left_on is None
        and is_allowed(principal, Action.MEMBER_INVITE, member.home_unit),
        "member": member,
        "chain": await _unit_chain(db, member.home_unit),
        "groups": await _groups_of(db, member.id),
        "dues_labels": DUES,
        "class_labels": MEMBER_CLASSES,
        "gender_labels": GENDERS,
        "unit_kind": unit_kind,
        "can_list": is_allowed(principal, Action.MEMBERS_LIST, member.home_unit),
        "is_self": principal.member_id == member.id,
    }
    return Template(template_name="members/detail.html", context=context)


async def _profile_context(session: AsyncSession, principal: Principal) -> dict[str, Any]:
    account = await session.get(Account, principal.account_id)
    if account is None:
        raise NotFound()
    member = None
    chain: list[Unit] = []
    groups: list[tuple[Unit, str]] = []
    consents: dict[ConsentKind, bool] = {}
    history: list[Any] = []
    if account.member_id is not None:
        member = await session.get(Member, account.member_id)
    if member is not None:
        home = await session.get(Unit, member.home_unit_id)
        chain = await _unit_chain(session, home) if home else []
        groups = await _groups_of(session, member.id)
        consents = await consents_of(session, member.id)
        history = list(reversed(await consent_history(session, member.id)))
    grant_units = {
        u.id: u
        for u in (
            await session.scalars(select(Unit).where(Unit.id.in_([g.unit_id for g in principal.grants])))
        ).all()
    } if principal.grants else {}
    roles = [
        (role_name(g.role), grant_units[g.unit_id], is_inherited(g.role))
        for g in principal.grants
        if g.unit_id in grant_units
    ]
    return {
        "account": account,
        "member": member,
        "chain": chain,
        "groups": groups,
        "consents": consents,
        "consent_labels": CONSENTS,
        "history": history,
        "roles": roles,
        "dues_labels": DUES,
        "class_labels": MEMBER_CLASSES,
        "gender_labels": GENDERS,
        "unit_kind": unit_kind,
        "locales": LOCALES,
        "locale_names": LOCALE_NAMES,
        "errors": {},
        "notice": "",
    }


NOTICES = {
    "consents": lazy_gettext("Your consents have been saved."),
    "consents-unchanged": lazy_gettext("Nothing changed: your consents are as before."),
    "language": lazy_gettext("Your language has been saved."),
}


@get("/me", name="profile")
async def profile(db: DB, principal: CurrentPrincipal, saved: FromQuery[str] = "") -> Template:
    """My registry data (read-only), my account, my consents, my language and the export of my data."""
    principal = require_login(principal)
    context = await _profile_context(db, principal)
    if saved in NOTICES:
        context["notice"] = str(NOTICES[saved])
    return Template(template_name="members/profile.html", context=context)


@post("/me/consents", name="profile-consents")
async def save_consents(request: Request[Any, Any, Any], db: DB, principal: CurrentPrincipal) -> Redirect:
    """Record a consent event for every consent whose state the form changes."""
    principal = require_login(principal)
    form = await read_form(request)
    wanted = {kind: form.get(f"consent_{kind.value}") == "yes" for kind in ConsentKind}
    events = await update_consents(db, principal, wanted)
    return Redirect(path=f"/me?saved={'consents' if events else 'consents-unchanged'}", status_code=303)


@post("/me/language", name="profile-language")
async def save_language(
    request: Request[Any, Any, Any], db: DB, principal: CurrentPrincipal, settings: AppSettings
) -> Response[Any]:
    """Store the preferred language on the account (used for mail, too) and switch the interface to it."""
    principal = require_login(principal)
    form = await read_form(request)
    locale = normalize_locale(form.get("locale"))
    if locale is None or form.get("locale") not in LOCALES:
        context = await _profile_context(db, principal)
        context["errors"] = {"locale": _("Please choose one of the offered languages.")}
        return Template(template_name="members/profile.html", context=context, status_code=422)
    account = await db.get(Account, principal.account_id)
    if account is None:
        raise NotFound()
    account.locale = locale
    record_event(db, "accounts:locale:change", account_id=account.id, locale=locale)
    response = Redirect(path="/me?saved=language", status_code=303)
    response.cookies.append(
        Cookie(key=LOCALE_COOKIE, value=locale, max_age=365 * 86400, samesite="lax",
               secure=settings.secure_cookies, httponly=True)
    )
    return response


@get("/me/export.json", name="profile-export", include_in_schema=True, operation_id="exportPersonalData",
     summary="Everything stored about me (GDPR Art. 15 and 20)",
     responses=browser_download(PersonalDataExport, "application/json", "The export (a download)"))
async def export_my_data(db: DB, principal: CurrentPrincipal) -> Response[bytes]:
    """Everything stored about me, as a JSON download (GDPR Art. 15 and 20)."""
    principal = require_login(principal)
    data = await personal_data_export(db, principal)
    record_event(db, "members:personal_data:export", account_id=principal.account_id)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode()
    filename = f"meine-daten-{date.today().isoformat()}.json"
    return Response(
        content=body,
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


routes: list[ControllerRouterHandler] = [
    member_list, member_detail, profile, save_consents, save_language, export_my_data
]
