"""The statute page of a unit: effective rules in plain language with their sources, the version history, a form
for admins to store a new version, planning (computed dates) and a dry run (what a result would decide).

Planning and the dry run are GET forms that work without JavaScript; htmx swaps only their panel."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.policy import Action, is_allowed
from ballot.authz.principal import Principal
from ballot.i18n import gettext as _
from ballot.statutes.forms import DryRunInput, PlanInput, read_dry_run, read_plan
from ballot.statutes.labels import PROCESSES, show_check, show_problem, value_label
from ballot.statutes.services import (
    Effective,
    StatuteRejected,
    add_version,
    get_version,
    versions_of,
    view_effective,
)
from ballot.statutes.summary import summarize
from ballot.statutes.wording import date_text, duration_text, fraction_text
from ballot.units.models import Unit
from ballot.units.services import ancestors, get_unit, member_count
from ballot.web.access import require_login
from ballot.web.deps import DB, CurrentPrincipal
from ballot.web.forms import read_form
from ballot_crypto.statutes import Counts, Rules, StatuteError, evaluate, evaluate_election, schedule
from ballot_crypto.statutes.values import needed

Req = Request[Any, Any, Any]


def _is_partial(request: Req) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


def subjects_of(rules: Rules) -> list[str]:
    """Every subject the rules name (for the dry run's choice), sorted."""
    found: set[str] = set()
    for kind in ("referendum", "survey"):
        process = rules.process(kind)
        found.update(process.subjects.advisory, process.subjects.confirmatory, process.subjects.excluded)
        found.update(process.majorities)
    return sorted(found)


def plan_result(rules: Rules, plan: PlanInput) -> dict[str, Any] | None:
    """The computed dates (and, given the eligible count, the quorum thresholds) of a valid plan."""
    if plan.errors or plan.opening is None:
        return None
    try:
        dates = schedule(rules, plan.process, plan.opening)
    except (ValueError, OverflowError):
        plan.errors["opening"] = _("This date cannot be computed; please choose another opening date.")
        return None
    process = rules.process(plan.process)
    result: dict[str, Any] = {
        "process": str(PROCESSES[plan.process]),
        "opening": date_text(dates.opening),
        "announce_by": date_text(dates.announce_by),
        "electorate_frozen": date_text(dates.electorate_frozen),
        "member_since": date_text(dates.member_since) if dates.member_since else None,
        "earliest_close": date_text(dates.earliest_close),
        "latest_close": date_text(dates.latest_close) if dates.latest_close else None,
        "grace": duration_text(dates.grace) if dates.grace.amount else None,
        "paragraph": process.deadlines.paragraph,
        "quorum_paragraph": process.quorum.paragraph,
        "participation": None,
        "approval": None,
    }
    if plan.eligible is not None:
        quorum = process.quorum
        if quorum.participation:
            result["participation"] = (fraction_text(quorum.participation), needed(quorum.participation, plan.eligible))
        if quorum.approval:
            result["approval"] = (fraction_text(quorum.approval), needed(quorum.approval, plan.eligible))
    return result


def dry_run_result(rules: Rules, run: DryRunInput) -> dict[str, Any] | None:
    """The decision for the entered counts, with its trail labelled; None when the input has errors."""
    if run.errors:
        return None
    counts = run.counts
    try:
        if run.process == "election":
            decision = evaluate_election(
                rules, counts["eligible"], run.candidates, counts["abstain"], counts["invalid"]
            )
        else:
            decision = evaluate(
                rules,
                run.process,
                counts["eligible"],
                Counts(counts["yes"], counts["no"], counts["abstain"], counts["invalid"]),
                run.subject,
            )
    except ValueError as exc:  # the form checks catch these first; keep the engine's word as a fallback
        run.errors["eligible"] = str(exc)
        return None
    return {
        "binding": decision.binding,
        "outcome": decision.outcome,
        "outcome_label": value_label(decision.outcome) if decision.outcome != "elected" else _("elected"),
        "majority_label": value_label(decision.majority) if decision.majority else None,
        "elected": list(decision.elected),
        "paragraph": decision.trail[-1].paragraph,
        "trail": [show_check(check) for check in decision.trail],
    }


async def _page_context(session: AsyncSession, principal: Principal, unit: Unit) -> dict[str, Any]:
    try:
        effective: Effective | None = await view_effective(session, principal, unit)
        broken: list[Any] = []
    except StatuteError as exc:
        effective, broken = None, [show_problem(p) for p in exc.problems]
    versions = await versions_of(session, principal, unit)
    author_ids = {v.created_by_id for v in versions if v.created_by_id is not None}
    authors = (
        {a.id: a.display_name for a in (await session.scalars(select(Account).where(Account.id.in_(author_ids)))).all()}
        if author_ids
        else {}
    )
    can_edit = is_allowed(principal, Action.STATUTE_EDIT, unit)
    rules = effective.rules if effective else None
    return {
        "unit": unit,
        "parents": await ancestors(session, unit),
        "effective": effective,
        "broken": broken,
        "summary": summarize(effective) if effective else None,
        "versions": versions,
        "authors": authors,
        "can_edit": can_edit,
        "source": versions[0].source if versions else "",
        "note": "",
        "problems": [],
        "saved": None,
        "processes": PROCESSES,
        "subjects": subjects_of(rules) if rules else [],
        "plan": PlanInput(),
        "plan_result": None,
        "dry": DryRunInput(values={"eligible": str(await member_count(session, unit))}),
        "dry_result": None,
        "value_label": value_label,
        "base_url": f"/units/{unit.slug}/statute",
    }


@get("/units/{slug:str}/statute", name="statute")
async def statute_page(
    db: DB, principal: CurrentPrincipal, slug: FromPath[str], saved: FromQuery[str] = ""
) -> Template:
    """The effective rules of a unit, where they come from, the versions, planning and the dry run."""
    principal = require_login(principal)
    unit = await get_unit(db, slug)
    context = await _page_context(db, principal, unit)
    if saved.isdigit():
        context["saved"] = int(saved)
    return Template(template_name="statutes/statute.html", context=context)


@post("/units/{slug:str}/statute", name="statute-save")
async def statute_save(request: Req, db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Any:
    """Store a new version (admins); invalid text re-renders the page with every problem, storing nothing."""
    principal = require_login(principal)
    unit = await get_unit(db, slug)
    form = await read_form(request)
    raw = await request.form()
    source = str(raw.get("source", ""))  # unstripped: the text is stored as written
    note = form.get("note", "")
    try:
        version = await add_version(db, principal, unit, source, note)
    except StatuteRejected as exc:
        context = await _page_context(db, principal, unit)
        context.update(source=source, note=note, problems=[show_problem(p) for p in exc.problems])
        return Template(
            template_name="statutes/statute.html", context=context, status_code=422, media_type=MediaType.HTML
        )
    return Redirect(path=f"/units/{unit.slug}/statute?saved={version.version}", status_code=303)


async def _panel(request: Req, db: AsyncSession, principal: Principal, slug: str, which: str) -> Template:
    unit = await get_unit(db, slug)
    context = await _page_context(db, principal, unit)
    query = {k: v for k, v in request.query_params.items()}
    effective: Effective | None = context["effective"]
    status = 200
    if which == "plan":
        plan = read_plan(query)
        context["plan"] = plan
        context["plan_result"] = plan_result(effective.rules, plan) if effective else None
        failed = bool(plan.errors)
    else:
        run = read_dry_run(query, context["subjects"])
        context["dry"] = run
        context["dry_result"] = dry_run_result(effective.rules, run) if effective else None
        failed = bool(run.errors)
    partial = _is_partial(request)
    if failed and not partial:
        status = 422  # htmx swaps only 2xx answers: the panel shows its errors either way
    template = f"statutes/_{'plan' if which == 'plan' else 'dry_run'}.html" if partial else "statutes/statute.html"
    response = Template(template_name=template, context=context, status_code=status, media_type=MediaType.HTML)
    response.headers["vary"] = "HX-Request"
    return response


@get("/units/{slug:str}/statute/plan", name="statute-plan")
async def statute_plan(request: Req, db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """Planning: the dates a process opening on a given day must keep."""
    return await _panel(request, db, require_login(principal), slug, "plan")


@get("/units/{slug:str}/statute/dry-run", name="statute-dry-run")
async def statute_dry_run(request: Req, db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """Dry run: what the rules would decide for the entered counts, with the full rule trail."""
    return await _panel(request, db, require_login(principal), slug, "dry")


@get("/units/{slug:str}/statute/versions/{number:int}", name="statute-version")
async def statute_version(db: DB, principal: CurrentPrincipal, slug: FromPath[str], number: FromPath[int]) -> Template:
    """One stored version: its source text, hash, note, author and date."""
    principal = require_login(principal)
    unit = await get_unit(db, slug)
    version = await get_version(db, principal, unit, number)
    author = await db.get(Account, version.created_by_id) if version.created_by_id else None
    context = {
        "unit": unit,
        "parents": await ancestors(db, unit),
        "version": version,
        "author": author.display_name if author else None,
    }
    return Template(template_name="statutes/version.html", context=context)


routes: list[ControllerRouterHandler] = [statute_page, statute_save, statute_plan, statute_dry_run, statute_version]
