"""Surveys: creating them, who may answer, answering exactly once, turnout and reminders.

Authorisation is checked here: creating, reminding and exporting need ``Action.SURVEY_MANAGE`` in the survey's unit;
answering needs eligibility (a member of the unit or below it; for a group or body, a seat in it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ballot.authz.policy import Action, authorize, is_allowed
from ballot.authz.principal import Principal
from ballot.exceptions import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.mail.mailer import send_mail
from ballot.members.models import GroupMembership, Member
from ballot.questions.branching import visible_ids
from ballot.questions.model import Answers, Question
from ballot.settings import Settings
from ballot.surveys.models import Survey, SurveyMode, SurveyParticipation, SurveyRespondent, SurveyResponse
from ballot.surveys.questions import check_definitions
from ballot.units.models import Unit
from ballot.unordered import scatter

TITLE_MAX = 200


# --- creating -----------------------------------------------------------------------------------------------


async def create_survey(
    session: AsyncSession, principal: Principal | None, unit: Unit, *, title: str, description: str,
    mode: str, questions: Sequence[Question], opens_at: datetime | None, closes_at: datetime | None,
    results_while_open: bool, breakdown: bool, now: datetime,
) -> Survey:
    """Create a survey for ``unit`` (the unit's board); every problem is reported beside its field."""
    principal = authorize(principal, Action.SURVEY_MANAGE, unit)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Please enter a title.")
    elif len(title.strip()) > TITLE_MAX:
        errors["title"] = _("Please shorten the title to %(max)s characters.", max=TITLE_MAX)
    if mode not in set(SurveyMode):
        errors["mode"] = _("Please choose how answers are stored.")
    if opens_at is None:
        errors.setdefault("opens_at", _("Please enter a date and time."))
    if closes_at is None:
        errors.setdefault("closes_at", _("Please enter a date and time."))
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = _("The survey must close after it opens.")
    elif closes_at and closes_at <= now:
        errors["closes_at"] = _("The closing time must be in the future.")
    if check_definitions(questions):
        errors["questions"] = "; ".join(check_definitions(questions).values())
    if errors:
        raise ValidationFailed(errors)
    assert opens_at is not None and closes_at is not None
    survey = Survey(
        unit_id=unit.id, title=title.strip(), description=description.strip(), mode=SurveyMode(mode),
        questions=list(questions), opens_at=opens_at, closes_at=closes_at,
        results_while_open=results_while_open, breakdown=breakdown and unit.is_territorial,
        created_by=principal.account_id,
    )
    session.add(survey)
    await session.flush()
    survey.unit = unit
    return survey


# --- reading ------------------------------------------------------------------------------------------------


async def get_survey(session: AsyncSession, survey_id: int) -> Survey:
    survey = await session.scalar(select(Survey).options(selectinload(Survey.unit))
                                  .where(Survey.id == survey_id).execution_options(populate_existing=True))
    if survey is None:
        raise NotFound(_("This survey does not exist."))
    return survey


def is_eligible(principal: Principal | None, survey: Survey) -> bool:
    """A member of the survey's unit or below it; for a group or body, a member of it."""
    if principal is None or principal.member_id is None:
        return False
    if survey.unit.is_territorial:
        return bool(principal.home_unit_path) and principal.home_unit_path.startswith(survey.unit.path)
    return survey.unit.id in principal.group_unit_ids


def may_manage(principal: Principal | None, survey_or_unit: Survey | Unit) -> bool:
    unit = survey_or_unit.unit if isinstance(survey_or_unit, Survey) else survey_or_unit
    return is_allowed(principal, Action.SURVEY_MANAGE, unit)


def ensure_visible(principal: Principal | None, survey: Survey) -> None:
    """Eligible members and the unit's board may see a survey; others get NotFound (it is not announced to them)."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    if not (is_eligible(principal, survey) or may_manage(principal, survey)):
        raise NotFound(_("This survey does not exist."))


async def surveys_of(session: AsyncSession, principal: Principal | None, unit: Unit) -> list[Survey]:
    """The unit's surveys the principal may see, newest first."""
    found = (await session.scalars(select(Survey).options(selectinload(Survey.unit))
                                   .where(Survey.unit_id == unit.id).order_by(Survey.opens_at.desc()))).all()
    return [s for s in found if is_eligible(principal, s) or may_manage(principal, s)]


def results_visible(survey: Survey, now: datetime) -> bool:
    """After the close; before it only when the board chose so at creation (and members were told)."""
    return survey.is_closed(now) or (survey.results_while_open and now >= survey.opens_at)


def eligible_members(survey: Survey) -> Select[Any]:
    """A query for the ids of the members who may answer."""
    if survey.unit.is_territorial:
        return (select(Member.id).join(Unit, Unit.id == Member.home_unit_id)
                .where(Unit.path.startswith(survey.unit.path), Member.left_on.is_(None)))
    return (select(Member.id).join(GroupMembership, GroupMembership.member_id == Member.id)
            .where(GroupMembership.unit_id == survey.unit_id, Member.left_on.is_(None)))


async def has_answered(session: AsyncSession, survey: Survey, member_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(
        SurveyParticipation.survey_id == survey.id, SurveyParticipation.member_id == member_id))))


async def turnout(session: AsyncSession, survey: Survey) -> tuple[int, int]:
    """(members who answered, members who may answer): counts only."""
    answered = await session.scalar(select(func.count()).select_from(SurveyParticipation)
                                    .where(SurveyParticipation.survey_id == survey.id))
    eligible = await session.scalar(select(func.count()).select_from(eligible_members(survey).subquery()))
    return int(answered or 0), int(eligible or 0)


# --- answering ----------------------------------------------------------------------------------------------


def pseudonym(settings: Settings, survey: Survey, member_id: int) -> str:
    """A per-survey pseudonym: the same member gets the same one in this survey and unrelated ones elsewhere."""
    mac = hmac.new(settings.secret_key.encode(), f"survey-pseudonym:{survey.id}:{member_id}".encode(), hashlib.sha256)
    return "P-" + mac.hexdigest()[:12]


def segment_of(principal: Principal, survey: Survey) -> int | None:
    """The respondent's unit one level below the survey's unit (itself for members directly in it)."""
    if not survey.breakdown:
        return None
    ids = [int(part) for part in principal.home_unit_path.strip("/").split("/") if part]
    if survey.unit.id not in ids:
        return None
    position = ids.index(survey.unit.id)
    return ids[position + 1] if position + 1 < len(ids) else survey.unit.id


async def submit(session: AsyncSession, principal: Principal | None, survey: Survey, answers: Answers,
                 settings: Settings, now: datetime) -> None:
    """Store one member's answers (``answers`` already checked by ``parse_answers``; answers to questions that
    branching hides are dropped here too): the participation mark and the response in one transaction.

    The participation's primary key (survey, member) makes a second answer fail, also when two arrive at once
    (the mark is written first, so the loser stops before its response exists); the caller's commit writes both.
    """
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    if not is_eligible(principal, survey):
        raise PermissionDenied(_("Only members of %(unit)s can answer this survey.", unit=survey.unit.name))
    if now < survey.opens_at:
        raise Conflict(_("This survey has not opened yet."))
    if survey.is_closed(now):
        raise Conflict(_("This survey has closed."))
    member_id = principal.member_id
    assert member_id is not None
    if await has_answered(session, survey, member_id):
        raise Conflict(_("You have already answered this survey. Thank you!"))
    shown = visible_ids(survey.questions, answers)
    response_id = secrets.token_hex(16)
    session.add(SurveyParticipation(survey_id=survey.id, member_id=member_id))
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise Conflict(_("You have already answered this survey. Thank you!")) from None
    session.add(SurveyResponse(id=response_id, survey_id=survey.id, segment_unit_id=segment_of(principal, survey),
                               answers={qid: value for qid, value in answers.items() if qid in shown}))
    await session.flush()
    if survey.mode == SurveyMode.ANONYMOUS:  # the answers take a random place: no pairing by order with the mark
        await scatter(session, SurveyResponse, SurveyResponse.survey_id == survey.id, [(response_id,)],
                      ("segment_unit_id", "answers"))
    if survey.mode == SurveyMode.PSEUDONYMOUS:
        session.add(SurveyRespondent(response_id=response_id, pseudonym=pseudonym(settings, survey, member_id)))
    elif survey.mode == SurveyMode.NAMED:
        session.add(SurveyRespondent(response_id=response_id, member_id=member_id))
    await session.flush()


# --- reminders ----------------------------------------------------------------------------------------------


async def send_reminders(session: AsyncSession, principal: Principal | None, survey: Survey, settings: Settings,
                         now: datetime) -> int:
    """Mail every eligible member who has not answered yet (read from the participation table only; the mail
    says nothing about anyone's answers). Returns the number of mails sent."""
    authorize(principal, Action.SURVEY_MANAGE, survey.unit)
    if not survey.is_open(now):
        raise Conflict(_("Reminders can only be sent while the survey is open."))
    answered = select(SurveyParticipation.member_id).where(SurveyParticipation.survey_id == survey.id)
    query = (select(Member).where(Member.id.in_(eligible_members(survey)), Member.id.not_in(answered),
                                  Member.email.is_not(None)).order_by(Member.id))
    members = (await session.scalars(query)).all()
    link = f"{settings.base_url}/surveys/{survey.id}"
    for member in members:
        assert member.email is not None
        await send_mail(session, settings, member.email, _("Reminder: %(title)s", title=survey.title),
                        _reminder_body(member, survey, link))
    survey.reminded_at = now
    await session.flush()
    return len(members)


def _reminder_body(member: Member, survey: Survey, link: str) -> str:
    lines: list[Any] = [
        _("Hello %(name)s,", name=member.full_name), "",
        _("%(unit)s asks its members: “%(title)s”. You have not answered yet; the survey is open until %(close)s "
          "(UTC).", unit=survey.unit.name, title=survey.title, close=survey.closes_at.strftime("%Y-%m-%d %H:%M")),
        "", link, "",
        _("You receive this reminder because you have not answered yet. Nobody learns from it what anyone answered."),
    ]
    return "\n".join(str(line) for line in lines) + "\n"
