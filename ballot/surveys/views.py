"""Survey pages: a unit's surveys, my surveys, the board's form with a preview, the member page (answering),
the live turnout counter (htmx), reminders, and the results with their exports."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from ballot.authz.policy import Action, authorize
from ballot.db import utcnow
from ballot.exceptions import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.surveys import exports, services
from ballot.surveys.display import mode_explanation, mode_label, question_views
from ballot.surveys.export_schema import SurveyResultsExport
from ballot.surveys.forms import local_input, read_survey_form
from ballot.surveys.models import Survey, SurveyMode
from ballot.surveys.questions import check_definitions, parse_answers
from ballot.surveys.results import survey_results
from ballot.units.services import get_unit, units_of
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot.web.forms import read_form
from ballot.web.openapi import browser_download

Req = Request[Any, Any, Any]

EXAMPLE = """topic | single | Which topic should we focus on next year?
- Climate
- Housing
- Digital rights

why | text 500 | optional | Why this topic?
if topic = Climate; Housing

events | multiple 1-2 | optional | Which events would you attend?
- Summer party
- Workshop
- Online evening

order | ranking | Put the campaign themes in order
- Rent
- Mobility
- Schools

satisfied | scale 1-5 | How satisfied are you with our work?

newsletter | yesno | Should we send a monthly newsletter?"""


def _page(template: str, context: dict[str, Any], status: int = 200) -> Template:
    return Template(template_name=template, context=context, status_code=status, media_type=MediaType.HTML)


# --- lists --------------------------------------------------------------------------------------------------


@get("/surveys", name="survey-mine")
async def my_surveys(db: DB, principal: CurrentPrincipal) -> Template:
    """The surveys of every unit and group the member belongs to."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    surveys: list[Survey] = []
    for unit in await units_of(db, principal):
        surveys += await services.surveys_of(db, principal, unit)
    return _page("surveys/list.html", {"unit": None, "surveys": surveys, "now": utcnow(), "can_create": False})


@get("/units/{slug:str}/surveys", name="survey-list")
async def unit_surveys(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """The unit's surveys the visitor may see, and for the board the way to a new one."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    unit = await get_unit(db, slug)
    context = {"unit": unit, "surveys": await services.surveys_of(db, principal, unit), "now": utcnow(),
               "can_create": services.may_manage(principal, unit)}
    return _page("surveys/list.html", context)


# --- creating -----------------------------------------------------------------------------------------------


def _form_context(unit: Any, values: dict[str, str], errors: dict[str, str], preview: Any = None) -> dict[str, Any]:
    return {"unit": unit, "values": values, "errors": errors, "preview": preview, "example": EXAMPLE,
            "modes": [(m.value, mode_label(m), mode_explanation(m)) for m in SurveyMode]}


@get("/units/{slug:str}/surveys/new", name="survey-new")
async def survey_new(db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Template:
    """The board's form for a new survey."""
    unit = await get_unit(db, slug)
    authorize(principal, Action.SURVEY_MANAGE, unit)
    now = utcnow()
    values = {"mode": SurveyMode.ANONYMOUS.value, "opens_at": local_input(now),
              "closes_at": "", "questions": EXAMPLE}
    return _page("surveys/new.html", _form_context(unit, values, {}))


@post("/units/{slug:str}/surveys/new", name="survey-create")
async def survey_create(request: Req, db: DB, principal: CurrentPrincipal, slug: FromPath[str]) -> Any:
    """``action=preview`` shows the questions as members will see them; ``action=create`` creates the survey."""
    unit = await get_unit(db, slug)
    authorize(principal, Action.SURVEY_MANAGE, unit)
    values = await read_form(request)
    form = read_survey_form(values)
    errors = dict(form.errors)
    try:
        if values.get("action") == "preview":
            if errors:
                raise ValidationFailed(errors)
            problems = check_definitions(form.questions)
            if problems:
                raise ValidationFailed({"questions": "; ".join(problems.values())})
            mode = SurveyMode(values["mode"]) if values.get("mode") in set(SurveyMode) else None
            preview = {"questions": question_views(form.questions), "mode": mode,
                       "mode_label": mode_label(mode) if mode else "",
                       "mode_explanation": mode_explanation(mode) if mode else ""}
            return _page("surveys/new.html", _form_context(unit, values, {}, preview))
        survey = await services.create_survey(
            db, principal, unit, title=values.get("title", ""), description=values.get("description", ""),
            mode=values.get("mode", ""), questions=form.questions, opens_at=form.opens_at, closes_at=form.closes_at,
            results_while_open=form.checked["results_while_open"], breakdown=form.checked["breakdown"],
            now=utcnow())
    except ValidationFailed as exc:
        errors = {**exc.errors, **errors}
        return _page("surveys/new.html", _form_context(unit, values, errors), 422)
    return Redirect(path=f"/surveys/{survey.id}")


# --- the member page ----------------------------------------------------------------------------------------


async def _detail_context(db: DB, principal: Any, survey: Survey, *, answers: Any = None,
                          errors: dict[str, str] | None = None) -> dict[str, Any]:
    now = utcnow()
    answered, eligible = await services.turnout(db, survey)
    member_id = principal.member_id if principal else None
    return {
        "survey": survey, "unit": survey.unit, "now": now, "answered": answered, "eligible": eligible,
        "is_eligible": services.is_eligible(principal, survey),
        "has_answered": member_id is not None and await services.has_answered(db, survey, member_id),
        "can_manage": services.may_manage(principal, survey),
        "results_visible": services.results_visible(survey, now),
        "mode_label": mode_label(survey.mode), "mode_explanation": mode_explanation(survey.mode),
        "raw": answers or {}, "errors": errors or {}, "error": "", "questions": question_views(survey.questions),
    }


@get("/surveys/{survey_id:int}", name="survey-detail")
async def survey_detail(db: DB, principal: CurrentPrincipal, survey_id: FromPath[int]) -> Template:
    """The survey with its mode and schedule; the questions while it is open and not yet answered."""
    survey = await services.get_survey(db, survey_id)
    services.ensure_visible(principal, survey)
    return _page("surveys/detail.html", await _detail_context(db, principal, survey))


@post("/surveys/{survey_id:int}", name="survey-answer")
async def survey_answer(request: Req, db: DB, principal: CurrentPrincipal, settings: AppSettings,
                        survey_id: FromPath[int]) -> Any:
    """Check every answer (errors beside their question, 422) and store them once."""
    survey = await services.get_survey(db, survey_id)
    services.ensure_visible(principal, survey)
    data = await request.form()
    submitted = {key: [str(v) for v in data.getall(key)] for key in data if key != "_csrf_token"}
    answers, errors, raw = parse_answers(survey.questions, submitted)
    if errors:
        context = await _detail_context(db, principal, survey, answers=raw, errors=errors)
        return _page("surveys/detail.html", context, 422)
    try:
        await services.submit(db, principal, survey, answers, settings, utcnow())
    except Conflict as exc:
        survey = await services.get_survey(db, survey_id)  # a lost race rolled the session back: read afresh
        context = await _detail_context(db, principal, survey, answers=raw)
        context["error"] = exc.message
        return _page("surveys/detail.html", context, 409)
    return Redirect(path=f"/surveys/{survey.id}?thanks=1")


@get("/surveys/{survey_id:int}/turnout", name="survey-turnout")
async def survey_turnout(db: DB, principal: CurrentPrincipal, survey_id: FromPath[int]) -> Template:
    """The live turnout counter (a count only), polled by htmx while the survey is open."""
    survey = await services.get_survey(db, survey_id)
    services.ensure_visible(principal, survey)
    answered, eligible = await services.turnout(db, survey)
    return _page("surveys/_turnout.html", {"survey": survey, "answered": answered, "eligible": eligible,
                                            "now": utcnow()})


@post("/surveys/{survey_id:int}/reminders", name="survey-remind")
async def survey_remind(db: DB, principal: CurrentPrincipal, settings: AppSettings,
                        survey_id: FromPath[int]) -> Any:
    """Remind those who have not answered (the board)."""
    survey = await services.get_survey(db, survey_id)
    try:
        sent = await services.send_reminders(db, principal, survey, settings, utcnow())
    except Conflict as exc:
        context = await _detail_context(db, principal, survey)
        context["error"] = exc.message
        return _page("surveys/detail.html", context, 409)
    return Redirect(path=f"/surveys/{survey.id}?reminded={sent}")


# --- results ------------------------------------------------------------------------------------------------


async def _visible_results(db: DB, principal: Any, survey_id: int) -> Survey:
    survey = await services.get_survey(db, survey_id)
    services.ensure_visible(principal, survey)
    if not services.results_visible(survey, utcnow()):
        raise PermissionDenied(_("The results are published when the survey closes."))
    return survey


@get("/surveys/{survey_id:int}/results", name="survey-results")
async def survey_results_page(db: DB, principal: CurrentPrincipal, settings: AppSettings,
                              survey_id: FromPath[int]) -> Template:
    """Counts, percentages, charts, rankings, free texts and the breakdown by unit."""
    survey = await _visible_results(db, principal, survey_id)
    total, results = await survey_results(db, survey, settings.surveys.min_cell_size)
    answered, eligible = await services.turnout(db, survey)
    return _page("surveys/results.html", {
        "survey": survey, "unit": survey.unit, "total": total, "results": results, "eligible": eligible,
        "answered": answered, "min_cell": settings.surveys.min_cell_size, "now": utcnow(),
        "can_export": services.may_manage(principal, survey), "mode_label": mode_label(survey.mode)})


@get("/surveys/{survey_id:int}/export/report.pdf", name="survey-report", include_in_schema=True,
     operation_id="surveyReport", summary="The results report (PDF), for everyone who sees the results",
     responses=browser_download(bytes, "application/pdf", "The report (a download)", 403, 404))
async def survey_report(db: DB, principal: CurrentPrincipal, settings: AppSettings,
                        survey_id: FromPath[int]) -> Response[bytes]:
    """``report.pdf``: the results report for everyone who sees the results."""
    survey = await _visible_results(db, principal, survey_id)
    total, results = await survey_results(db, survey, settings.surveys.min_cell_size)
    answered, eligible = await services.turnout(db, survey)
    data = exports.pdf_report(settings, survey, total, results, answered, eligible, mode_label(survey.mode))
    return exports.download(data, "application/pdf", f"survey-{survey.id}.pdf")


async def _managed_results(db: DB, principal: Any, survey_id: int) -> Survey:
    survey = await _visible_results(db, principal, survey_id)
    authorize(principal, Action.SURVEY_MANAGE, survey.unit)
    return survey


@get("/surveys/{survey_id:int}/export/results.csv", name="survey-export-csv", include_in_schema=True,
     operation_id="surveyAnswersCsv", summary="Every response, one row each in random order (the board)",
     responses=browser_download(str, "text/csv", "The answers (a download)", 403, 404))
async def survey_export_csv(db: DB, principal: CurrentPrincipal, survey_id: FromPath[int]) -> Response[bytes]:
    """``results.csv``: one row per response (the board)."""
    survey = await _managed_results(db, principal, survey_id)
    return exports.download(await exports.csv_export(db, survey), "text/csv; charset=utf-8",
                            f"survey-{survey.id}.csv")


@get("/surveys/{survey_id:int}/export/results.json", name="survey-export-json", include_in_schema=True,
     operation_id="surveyResultsJson", summary="The aggregated results (the board)",
     responses=browser_download(SurveyResultsExport, "application/json", "The results (a download)",
                                403, 404))
async def survey_export_json(db: DB, principal: CurrentPrincipal, settings: AppSettings,
                             survey_id: FromPath[int]) -> Response[bytes]:
    """``results.json``: the aggregated results (the board)."""
    survey = await _managed_results(db, principal, survey_id)
    _total, results = await survey_results(db, survey, settings.surveys.min_cell_size)
    return exports.download(await exports.json_export(db, survey, results), "application/json",
                            f"survey-{survey.id}.json")


routes: list[ControllerRouterHandler] = [
    my_surveys, unit_surveys, survey_new, survey_create, survey_detail, survey_answer, survey_turnout,
    survey_remind, survey_results_page, survey_report, survey_export_csv, survey_export_json,
]
