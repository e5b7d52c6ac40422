"""Pages of binding ballots: board part (docs/internal/referendum-pages.md, P1).

The unit's list of ballots, the form for a new ballot (works without JavaScript), the detail page every viewer
shares (with the trustee and voter panels of the other parts) and the board's formal acts (each a GET confirmation
page and a POST that performs it); the result and the record are in :mod:`ballot.referendums.record.views`.
Services take ``now`` explicitly: the pages pass :func:`utcnow` (tests replace it to move through the schedule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.models import Role, RoleGrant
from ballot.authz.policy import Action, authorize, is_allowed
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import BallotError, NotFound, ValidationFailed
from ballot.i18n import gettext as _
from ballot.i18n import lazy_gettext
from ballot.referendums.acts import close_election, open_election
from ballot.referendums.announcements.panel import PANEL_NOTICES, panel_context
from ballot.referendums.announcements.pdfs import credential_letters_pdf
from ballot.referendums.board.forms import BallotForm, add_motion_row, read_ballot_form
from ballot.referendums.board.pages import (
    KINDS,
    METHOD_LABELS,
    STATES,
    common_context,
    page,
    pdf_response,
    title_of,
)
from ballot.referendums.board.services import create_election, lock_election
from ballot.referendums.board.statute_checks import postal_by_default
from ballot.referendums.common import LOCAL_ZONE, frozen_rules, local_date, processes_of
from ballot.referendums.credentials import LetterCredentialSink
from ballot.referendums.electorate import eligible_members
from ballot.referendums.models import (
    DecryptionUpload,
    Election,
    ElectionState,
    ElectionTrustee,
    ElectorateEntry,
)
from ballot.referendums.queries import elections_of_unit, get_election
from ballot.referendums.record.tally import finalize
from ballot.referendums.trustees.ceremony import finish_ceremony
from ballot.statutes.forms import PlanInput
from ballot.statutes.models import StatuteSnapshot
from ballot.statutes.services import effective_rules
from ballot.statutes.views import plan_result
from ballot.units.models import Unit
from ballot.units.services import get_unit
from ballot.web.access import require_login
from ballot.web.dates import local_input
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot_crypto.statutes import Rules, StatuteError

Req = Request[Any, Any, Any]

@dataclass(frozen=True)
class Act:
    """A formal act of the board: the state it needs, its button and what the confirmation page says."""

    name: str
    state: ElectionState
    label: Any
    title: Any
    done: Any


ACTS = {
    "lock": Act("lock", ElectionState.DRAFT, lazy_gettext("Lock and start the key ceremony"),
                lazy_gettext("Lock the ballot"),
                lazy_gettext("The ballot is locked; the trustees can hold the key ceremony now.")),
    "finish": Act("finish", ElectionState.CEREMONY, lazy_gettext("Finish the ceremony and send the credentials"),
                  lazy_gettext("Finish the key ceremony"),
                  lazy_gettext("The ceremony is finished; the electorate is frozen and the credentials were sent.")),
    "open": Act("open", ElectionState.READY, lazy_gettext("Open the ballot"), lazy_gettext("Open the ballot"),
                lazy_gettext("The ballot is open.")),
    "close": Act("close", ElectionState.OPEN, lazy_gettext("Close the ballot"), lazy_gettext("Close the ballot"),
                 lazy_gettext("The ballot is closed; the trustees can now upload their decryption shares.")),
    "finalize": Act("finalize", ElectionState.CLOSED, lazy_gettext("Compute and publish the result"),
                    lazy_gettext("Publish the result"),
                    lazy_gettext("The result is published, with the verified election record.")),
}


async def _committee(session: AsyncSession, unit: Unit) -> list[Account]:
    """Active accounts holding Role.ELECTION_COMMITTEE in ``unit`` (the possible trustees), by name."""
    query = (select(Account).join(RoleGrant, RoleGrant.account_id == Account.id)
             .where(RoleGrant.unit_id == unit.id, RoleGrant.role == Role.ELECTION_COMMITTEE,
                    Account.is_active.is_(True))
             .order_by(Account.display_name, Account.id).distinct())
    return list((await session.scalars(query)).all())


async def _rules(session: AsyncSession, unit: Unit) -> Rules | None:
    try:
        return (await effective_rules(session, unit)).rules
    except StatuteError:
        return None


def deadlines(rules: Rules | None, questions: list[dict[str, Any]], kind: str, opens_at: datetime | None
              ) -> list[dict[str, Any]]:
    """The statute's dates for an opening at ``opens_at``, per process (reusing the statute page's planning)."""
    if rules is None or opens_at is None:
        return []
    processes = processes_of(questions) if questions else (["election"] if kind == "election" else ["referendum"])
    found = []
    for process in processes:
        result = plan_result(rules, PlanInput(process=process, opening=local_date(opens_at)))
        if result is not None:
            found.append(result)
    return found


# --- list -----------------------------------------------------------------------------------------------------


@get("/units/{slug:str}/ballots", name="ballot-list")
async def ballot_list(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """The unit's ballots the account may see, newest first; the board gets the button for a new one."""
    principal = require_login(principal)
    unit = await get_unit(db, slug)
    elections = await elections_of_unit(db, principal, unit)
    rows = [{"election": e, "title": title_of(e), "state_label": str(STATES[e.state]),
             "kind_label": str(KINDS[e.kind])} for e in elections]
    context = {"unit": unit, "rows": rows,
               "can_create": unit.is_territorial and is_allowed(principal, Action.ELECTION_MANAGE, unit)}
    return page("referendums/list.html", context)


# --- new ------------------------------------------------------------------------------------------------------


def _default_form() -> BallotForm:
    today = utcnow().astimezone(LOCAL_ZONE).replace(hour=10, minute=0, second=0, microsecond=0)
    values = {
        "kind": "referendum", "method": "single", "seats": "1", "votes": "1", "per_candidate": "1",
        "threshold": "2", "announcement_at": local_input(today + timedelta(days=1)),
        "opens_at": local_input(today + timedelta(days=22)),
        "closes_at": local_input((today + timedelta(days=36)).replace(hour=18)),
    }
    return BallotForm(values=values, motions=[("", "")])


async def _new_context(session: AsyncSession, principal: Principal, unit: Unit, form: BallotForm,
                       opens_at: datetime | None) -> dict[str, Any]:
    committee = await _committee(session, unit)
    rules = await _rules(session, unit)
    if form.values.get("channels") not in ("online", "postal"):
        processes = processes_of(form.args.get("questions") or []) or [
            "election" if form.kind == "election" else "referendum"]
        form.values["channels"] = "postal" if rules is not None and postal_by_default(rules, processes) else "online"
    return {
        "unit": unit, "principal": principal, "form": form, "errors": form.errors, "committee": committee,
        "chosen": set(form.trustees), "method_labels": METHOD_LABELS,
        "deadlines": deadlines(rules, form.args.get("questions") or [], form.kind, opens_at),
        "rules_broken": rules is None,
    }


@get("/units/{slug:str}/ballots/new", name="ballot-new")
async def ballot_new(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """The form for a new ballot (board and admins of the unit)."""
    principal = require_login(principal)
    unit = await get_unit(db, slug)
    authorize(principal, Action.ELECTION_MANAGE, unit)
    form = _default_form()
    opens_at = read_ballot_form(form.values).args["opens_at"]
    return page("referendums/new.html", await _new_context(db, principal, unit, form, opens_at))


@post("/units/{slug:str}/ballots/new", name="ballot-create")
async def ballot_create(request: Req, db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Any:
    """Create the draft; errors beside their fields (422, nothing stored). The buttons "add a motion" and
    "compute the deadlines" re-render the form without storing."""
    principal = require_login(principal)
    unit = await get_unit(db, slug)
    authorize(principal, Action.ELECTION_MANAGE, unit)
    raw = await request.form()
    form = read_ballot_form(raw)
    action = str(raw.get("action", "create"))
    if action in ("add_motion", "deadlines"):
        if action == "add_motion":
            add_motion_row(form)
        form.errors.clear()
        context = await _new_context(db, principal, unit, form, form.args["opens_at"])
        return page("referendums/new.html", context)
    parsed_errors = dict(form.errors)
    try:
        election = await create_election(db, principal, unit, **form.args, now=utcnow())
    except ValidationFailed as exc:
        errors = dict(exc.errors)
        question_fields = [k for k in parsed_errors if k.startswith("motion_") or k in
                           ("candidates", "method", "seats", "votes", "per_candidate")]
        if question_fields:
            errors.pop("questions", None)
        errors.update(parsed_errors)
        form.errors = errors
        await db.rollback()
        unit = await get_unit(db, slug)
        context = await _new_context(db, principal, unit, form, form.args["opens_at"])
        return page("referendums/new.html", context, status=422)
    if parsed_errors:  # pragma: no cover - every unreadable field is also refused by the service
        await db.rollback()
        form.errors = parsed_errors
        unit = await get_unit(db, slug)
        return page("referendums/new.html", await _new_context(db, principal, unit, form, None), status=422)
    return Redirect(path=f"/ballots/{election.uuid}", status_code=303)


# --- detail ---------------------------------------------------------------------------------------------------


async def _detail_context(session: AsyncSession, principal: Principal, election: Election,
                          unit: Unit) -> dict[str, Any]:
    context = common_context(election, unit, principal)
    can_manage = is_allowed(principal, Action.ELECTION_MANAGE, unit)
    snapshot = (await session.get(StatuteSnapshot, election.statute_snapshot_id)
                if election.statute_snapshot_id is not None else None)
    trustees = list((await session.execute(
        select(ElectionTrustee.index, Account.display_name, ElectionTrustee.confirmed)
        .join(Account, Account.id == ElectionTrustee.account_id)
        .where(ElectionTrustee.election_id == election.id).order_by(ElectionTrustee.index))).all())
    shares = 0
    if election.state == ElectionState.CLOSED:
        shares = await session.scalar(select(func.count()).select_from(DecryptionUpload)
                                      .where(DecryptionUpload.election_id == election.id)) or 0
    act = next((a for a in ACTS.values() if a.state == election.state), None)
    eligible = principal.member_id is not None and await session.get(
        ElectorateEntry, (election.id, principal.member_id)) is not None
    context.update(
        can_manage=can_manage, snapshot=snapshot, trustees=trustees, shares=shares, eligible=eligible,
        act=act if can_manage else None,
        public=election.state in (ElectionState.OPEN, ElectionState.CLOSED, ElectionState.TALLIED),
        announcement=await panel_context(session, election, can_manage, utcnow()),
    )
    return context


@get("/ballots/{uuid:str}", name="ballot-detail")
async def ballot_detail(db: DB, principal: CurrentPrincipal, uuid: FromPath[str],
                        done: FromQuery[str] = "") -> Template:
    """Everything public about the ballot; the board's next formal act; the trustee and voter panels."""
    principal = require_login(principal)
    election, unit = await get_election(db, principal, uuid)
    context = await _detail_context(db, principal, election, unit)
    context["notice"] = str(ACTS[done].done) if done in ACTS else str(PANEL_NOTICES.get(done, ""))
    return page("referendums/detail.html", context)


# --- formal acts ----------------------------------------------------------------------------------------------


async def _act_target(db: AsyncSession, principal: Principal | None, uuid: str, name: str
                      ) -> tuple[Principal, Election, Unit, Act]:
    principal = require_login(principal)
    if name not in ACTS:
        raise NotFound(_("This step does not exist."))
    election, unit = await get_election(db, principal, uuid)
    authorize(principal, Action.ELECTION_MANAGE, unit)
    return principal, election, unit, ACTS[name]


async def _confirm_context(db: AsyncSession, principal: Principal, election: Election, unit: Unit,
                           act: Act) -> dict[str, Any]:
    context = await _detail_context(db, principal, election, unit)
    context["this_act"] = act
    context["possible"] = election.state == act.state
    context["mail_count"] = None
    context["letter_count"] = 0
    if act.name == "finish" and election.state == ElectionState.CEREMONY:
        context["letter_count"] = await _letters_expected(db, election)
    return context


async def _letters_expected(db: AsyncSession, election: Election) -> int:
    """How many letters finishing would print: the eligible members without email (a preview from today's
    registry; the electorate itself is frozen only by the act)."""
    try:
        rules = await frozen_rules(db, election)
        members = await eligible_members(db, election, rules, local_date(election.opens_at), local_date(utcnow()))
    except BallotError:
        return 0
    return sum(1 for member in members if not member.email)


@get("/ballots/{uuid:str}/act/{name:str}", name="ballot-act-confirm")
async def act_confirm(db: DB, principal: CurrentPrincipal, uuid: FromPath[str], name: FromPath[str]) -> Template:
    """What the act will lock or open, and the button that performs it."""
    principal_, election, unit, act = await _act_target(db, principal, uuid, name)
    return page("referendums/confirm.html", await _confirm_context(db, principal_, election, unit, act))


@post("/ballots/{uuid:str}/act/{name:str}", name="ballot-act")
async def act_perform(db: DB, settings: AppSettings, principal: CurrentPrincipal, uuid: FromPath[str],
                      name: FromPath[str]) -> Any:
    """Perform the act; a refusal of the service is shown on the confirmation page (never a 500)."""
    principal_, election, unit, act = await _act_target(db, principal, uuid, name)
    now = utcnow()
    try:
        if act.name == "lock":
            await lock_election(db, principal_, election, now)
        elif act.name == "finish":
            sink = LetterCredentialSink(db, settings, election)
            await finish_ceremony(db, settings, principal_, election, now, sink)
            letters = credential_letters_pdf(settings, sink)
            if letters is not None:
                await db.commit()  # the state is final before the only copy of the letters leaves
                return pdf_response(letters, f"credential-letters-{election.uuid}.pdf")
        elif act.name == "open":
            await open_election(db, principal_, election, now)
        elif act.name == "close":
            await close_election(db, principal_, election, now)
        else:
            await finalize(db, settings, election, now)
    except BallotError as exc:
        await db.rollback()
        election, unit = await get_election(db, principal_, uuid)
        context = await _confirm_context(db, principal_, election, unit, act)
        if isinstance(exc, ValidationFailed):
            context["error"] = " ".join(exc.errors.values())
        else:
            context["error"] = exc.message or str(exc)
        return page("referendums/confirm.html", context, status=exc.status_code)
    return Redirect(path=f"/ballots/{election.uuid}?done={act.name}", status_code=303)


# --- result and record ----------------------------------------------------------------------------------------


routes: list[ControllerRouterHandler] = [
    ballot_list, ballot_new, ballot_create, ballot_detail, act_confirm, act_perform,
]
