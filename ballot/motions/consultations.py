"""Consultations: create (managers), list and read (logged-in accounts)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.principal import Principal
from ballot.exceptions import NotFound, ValidationFailed
from ballot.i18n import gettext as _
from ballot.motions import access
from ballot.motions.lines import MAX_WIDTH, MIN_WIDTH
from ballot.motions.models import Consultation
from ballot.motions.workflow import TEMPLATES
from ballot.units.models import Unit

MAX_TITLE = 200


async def list_consultations(session: AsyncSession, principal: Principal | None, unit: Unit) -> list[Consultation]:
    """The unit's consultations, newest first."""
    access.logged_in(principal)
    rows = await session.scalars(
        select(Consultation).where(Consultation.unit_id == unit.id).order_by(Consultation.id.desc()))
    return list(rows.all())


async def get_consultation(session: AsyncSession, principal: Principal | None,
                           consultation_id: int) -> tuple[Consultation, Unit]:
    """A consultation and its unit (logged-in accounts only)."""
    access.logged_in(principal)
    row = (await session.execute(select(Consultation, Unit).join(Unit, Unit.id == Consultation.unit_id)
                                 .where(Consultation.id == consultation_id))).first()
    if row is None:
        raise NotFound(_("This consultation does not exist."))
    return row[0], row[1]


async def create_consultation(session: AsyncSession, principal: Principal | None, unit: Unit, *, title: str,
                              line_length: int | None, deadline: datetime | None,
                              amendment_deadline: datetime | None, workflow: str = "default",
                              errors: dict[str, str] | None = None) -> Consultation:
    """A new consultation with the workflow template ``workflow`` stored as its own workflow (the board may change
    it until the first motion is written); ValidationFailed names each bad field (``errors``: problems the form
    already found)."""
    principal = access.ensure_manager(principal, unit)
    problems = dict(errors or {})
    if not title.strip():
        problems.setdefault("title", _("Please enter a title."))
    elif len(title) > MAX_TITLE:
        problems.setdefault("title", _("The title has at most %(number)s characters.", number=MAX_TITLE))
    if line_length is None or not MIN_WIDTH <= line_length <= MAX_WIDTH:
        problems.setdefault("line_length", _("Please enter a line length between %(low)s and %(high)s characters.",
                                             low=MIN_WIDTH, high=MAX_WIDTH))
    if workflow not in TEMPLATES:
        problems.setdefault("workflow", _("Please choose a workflow."))
    if deadline and amendment_deadline and amendment_deadline < deadline:
        problems.setdefault("amendment_deadline",
                            _("The deadline for amendments cannot lie before the deadline for motions."))
    if problems:
        raise ValidationFailed(problems)
    assert line_length is not None
    consultation = Consultation(unit_id=unit.id, title=title.strip(), line_length=line_length, deadline=deadline,
                                amendment_deadline=amendment_deadline, workflow=workflow,
                                workflow_rules=TEMPLATES[workflow].to_json(), created_by=principal.account_id)
    session.add(consultation)
    await session.flush()
    record_event(session, "motions:consultation:create", account_id=principal.account_id, unit_id=unit.id,
                 consultation=consultation.id)
    return consultation
