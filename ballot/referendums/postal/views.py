"""Pages of postal voting (Briefwahl) for the election committee: certificates, paper ballots, corrections.

One page (``/ballots/<uuid>/postal``) shows the state and the forms that fit the moment; every form posts to its
own endpoint and comes back to the page with a result per line or the errors beside the fields (never a 500).
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import BallotError, ValidationFailed
from ballot.i18n import gettext as _
from ballot.i18n import lazy_gettext
from ballot.referendums.board.pages import common_context
from ballot.referendums.booth.services import BLANK, FormValues, QuestionView, questions_of, read_choices
from ballot.referendums.postal.services import (
    LineResult,
    authorize_committee,
    certificate_refusal,
    enter_certificates,
    enter_paper,
    enter_totals,
    paper_refusal,
    postal_rules,
    postal_state,
    void_entry,
)
from ballot.referendums.queries import get_election
from ballot.web.access import require_login
from ballot.web.deps import DB, CurrentPrincipal

Req = Request[Any, Any, Any]
MARKS = ("valid", "blank", "invalid")
NOTICES = {"paper": lazy_gettext("The paper ballot is entered."),
           "totals": lazy_gettext("The counted totals are entered."), "void": lazy_gettext("The entry is voided.")}


def page(context: dict[str, Any], status: int = 200) -> Template:
    return Template(template_name="referendums/postal.html", context=context, status_code=status,
                    media_type=MediaType.HTML)


async def _context(db: AsyncSession, principal: Principal | None, uuid: str) -> dict[str, Any]:
    principal = require_login(principal)
    election, unit = await get_election(db, principal, uuid)
    await authorize_committee(db, principal, election)
    rules = await postal_rules(db, election)
    now = utcnow()
    state = await postal_state(db, election)
    names = dict((await db.execute(select(Account.id, Account.display_name).where(
        Account.id.in_({e.entered_by_id for e in state.log if e.entered_by_id is not None})))).all())
    active = {e.id for e in state.papers} | ({state.totals.id} if state.totals is not None else set())
    context = common_context(election, unit, principal)
    context.update(
        rules=rules, state=state, questions=questions_of(election),
        certificate_refusal=certificate_refusal(election, rules, now),
        paper_refusal=paper_refusal(election, rules, now),
        log=[{"entry": e, "by": names.get(e.entered_by_id or 0, "–"), "active": e.id in active} for e in state.log],
        results=[], errors={}, values={}, totals_values={}, totals_errors={}, notice="",
        precedence_text={
            "first": _("The channel used first counts: a certificate of a member who already voted online is "
                       "refused, and after an accepted certificate the member can no longer vote online."),
            "online": _("The online vote takes precedence: certificates are entered after the online close, until "
                        "the end of the grace period; those of members who voted online are refused."),
            "postal": _("The postal vote takes precedence: a certificate is accepted also from a member who voted "
                        "online. After the period for postal votes the trustees jointly open exactly those members' "
                        "sealed references, and their online ballots are left out of the count."),
        }.get(rules.precedence, ""),
    )
    return context


@get("/ballots/{uuid:str}/postal", name="postal-page")
async def postal_page(db: DB, principal: CurrentPrincipal, uuid: FromPath[str],
                      done: FromQuery[str] = "") -> Template:
    """The election committee's postal voting page."""
    context = await _context(db, principal, uuid)
    context["notice"] = str(NOTICES[done]) if done in NOTICES else ""
    return page(context)


@post("/ballots/{uuid:str}/postal/certificates", name="postal-certificates")
async def postal_certificates(request: Req, db: DB, principal: CurrentPrincipal, uuid: FromPath[str]) -> Template:
    """Enter one member number or a batch (one a line); each line gets its own result."""
    principal = require_login(principal)
    election, _unit = await get_election(db, principal, uuid)
    raw = await request.form()
    lines = [*str(raw.get("numbers", ""))[:200_000].splitlines(), str(raw.get("number", ""))[:100]]
    results: list[LineResult] = []
    errors: dict[str, str] = {}
    try:
        results = await enter_certificates(db, principal, election, lines, utcnow())
        await db.commit()
    except BallotError as exc:
        await db.rollback()
        errors = dict(exc.errors) if isinstance(exc, ValidationFailed) else {"numbers": exc.message or str(exc)}
    context = await _context(db, principal, uuid)
    context.update(results=results, errors=errors)
    return page(context, 422 if errors else 200)


def read_paper(questions: list[QuestionView], form: FormValues) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The answers of a paper ballot from the form (the booth's controls plus a mark per question)."""
    choices, found = read_choices(questions, form)
    answers, errors = [], {}
    for q, votes in zip(questions, choices, strict=True):
        mark = form.get(f"{q.field}-mark") or "valid"
        problem = found.get(q.field)
        if mark not in MARKS:
            errors[q.field] = _("Choose valid, blank or invalid.")
        elif mark == "valid":
            if problem or not any(votes):
                errors[q.field] = problem or _("A valid answer needs a vote; otherwise mark it blank or invalid.")
        elif any(votes) or form.get(q.field) not in ("", BLANK):
            errors[q.field] = _("A blank or invalid answer has no votes: clear the choices.")
        elif mark == "blank" and not q.blank_allowed:
            errors[q.field] = _("This question does not allow a blank answer: mark the paper invalid here.")
        given = votes if mark == "valid" else [0] * len(votes)
        answers.append({"question": q.id, "mark": mark,
                        "votes": {o.id: v for o, v in zip(q.options, given, strict=True)}})
    return answers, errors


@post("/ballots/{uuid:str}/postal/papers", name="postal-paper")
async def postal_paper(request: Req, db: DB, principal: CurrentPrincipal, uuid: FromPath[str]) -> Any:
    """Enter one opened paper ballot."""
    principal = require_login(principal)
    election, _unit = await get_election(db, principal, uuid)
    form = FormValues([(k, str(v)[:50]) for k, v in (await request.form()).multi_items()])
    answers, errors = read_paper(questions_of(election), form)
    status = 422
    if not errors:
        try:
            await enter_paper(db, principal, election, answers, utcnow())
            await db.commit()
            return Redirect(path=f"/ballots/{election.uuid}/postal?done=paper", status_code=303)
        except BallotError as exc:
            await db.rollback()
            errors = dict(exc.errors) if isinstance(exc, ValidationFailed) else {"paper": exc.message or str(exc)}
            status = exc.status_code
    context = await _context(db, principal, uuid)
    context.update(errors=errors, values={k: form.getall(k) for k, _v in form.pairs})
    return page(context, status)


def _whole(raw: str) -> int | None:
    text = raw.strip()
    return int(text) if text.isdigit() and len(text) < 9 else None


def read_totals(questions: list[QuestionView], form: FormValues) -> tuple[int | None, list[dict[str, Any]],
                                                                         dict[str, str]]:
    """The number of papers and the counted totals per question from the form."""
    errors: dict[str, str] = {}
    ballots = _whole(form.get("ballots"))
    if ballots is None:
        errors["ballots"] = _("Enter a whole number, at least 0.")
    totals = []
    for q in questions:
        numbers = {name: _whole(form.get(f"{q.field}-{name}") or "0")
                   for name in [*(o.id for o in q.options), "blank", "invalid"]}
        if any(v is None for v in numbers.values()):
            errors[q.field] = _("Enter whole numbers, at least 0.")
        value = {k: v or 0 for k, v in numbers.items()}
        totals.append({"question": q.id, "counts": {o.id: value[o.id] for o in q.options},
                       "blank": value["blank"], "invalid": value["invalid"]})
    return ballots, totals, errors


@post("/ballots/{uuid:str}/postal/totals", name="postal-totals")
async def postal_totals(request: Req, db: DB, principal: CurrentPrincipal, uuid: FromPath[str]) -> Any:
    """Enter (or replace) the counted totals of all paper ballots."""
    principal = require_login(principal)
    election, _unit = await get_election(db, principal, uuid)
    form = FormValues([(k, str(v)[:20]) for k, v in (await request.form()).multi_items()])
    ballots, totals, errors = read_totals(questions_of(election), form)
    status = 422
    if not errors and ballots is not None:
        try:
            await enter_totals(db, principal, election, ballots, totals, utcnow())
            await db.commit()
            return Redirect(path=f"/ballots/{election.uuid}/postal?done=totals", status_code=303)
        except BallotError as exc:
            await db.rollback()
            errors = dict(exc.errors) if isinstance(exc, ValidationFailed) else {"ballots": exc.message or str(exc)}
            status = exc.status_code
    context = await _context(db, principal, uuid)
    if status == 422:
        context.update(totals_errors=errors, totals_values=dict(form.pairs))
    else:  # a refusal of the whole step, shown above the forms
        context.update(errors={"paper": errors["ballots"]})
    return page(context, status)


@post("/ballots/{uuid:str}/postal/void/{entry_id:int}", name="postal-void")
async def postal_void(db: DB, principal: CurrentPrincipal, uuid: FromPath[str], entry_id: FromPath[int]) -> Any:
    """Void an entry (a correction; the log keeps both)."""
    principal = require_login(principal)
    election, _unit = await get_election(db, principal, uuid)
    try:
        await void_entry(db, principal, election, entry_id, utcnow())
        await db.commit()
    except BallotError as exc:
        await db.rollback()
        context = await _context(db, principal, uuid)
        context["errors"] = {"log": exc.message or str(exc)}
        return page(context, exc.status_code)
    return Redirect(path=f"/ballots/{election.uuid}/postal?done=void", status_code=303)


routes: list[ControllerRouterHandler] = [postal_page, postal_certificates, postal_paper, postal_totals, postal_void]
