"""The workflow editor of a consultation (board and admins): states, steps and who may make them, errors beside the
fields; a template (the two built-in workflows or the stored one) to start from."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from ballot.exceptions import ValidationFailed
from ballot.motions import access, consultations, workflow, workflow_editor
from ballot.motions.models import Consultation
from ballot.motions.views import Req, page
from ballot.motions.workflow_editor import SOURCES, TARGETS, Submitted
from ballot.units.models import Unit
from ballot.web.deps import DB, CurrentPrincipal


async def _context(db: DB, consultation: Consultation, unit: Unit, values: dict[str, set[str]],
                   errors: dict[str, str], template: str = "") -> dict[str, Any]:
    bodies = await workflow_editor.bodies_of(db, unit)
    return {"consultation": consultation, "unit": unit, "values": values, "errors": errors,
            "states": workflow.EDITABLE_STATES, "sources": SOURCES, "targets": TARGETS,
            "roles": workflow_editor.role_choices(bodies), "final": workflow.CLOSED,
            "templates": [(name, workflow.workflow_label(name)) for name in workflow.TEMPLATES],
            "template": template, "locked": await workflow_editor.motion_count(db, consultation) > 0,
            "state_label": workflow.state_label, "current_label": workflow.workflow_label(consultation.workflow)}


@get("/consultations/{consultation_id:int}/workflow", name="motion-workflow")
async def workflow_form(db: DB, principal: CurrentPrincipal, consultation_id: FromPath[int],
                        template: FromQuery[str] = "") -> Template:
    """The editor, filled with the stored workflow or with the chosen template."""
    consultation, unit = await consultations.get_consultation(db, principal, consultation_id)
    access.ensure_manager(principal, unit)
    chosen = workflow.TEMPLATES.get(template)
    rules = chosen or workflow.rules_of(consultation.workflow, consultation.workflow_rules)
    return page("workflow.html", await _context(db, consultation, unit, workflow_editor.form_values(rules), {},
                                                template if chosen else ""))


@post("/consultations/{consultation_id:int}/workflow", name="motion-workflow-save")
async def workflow_save(request: Req, db: DB, principal: CurrentPrincipal, consultation_id: FromPath[int]) -> Any:
    """Store the workflow; errors beside the fields."""
    consultation, unit = await consultations.get_consultation(db, principal, consultation_id)
    form = await request.form()
    submitted: Submitted = workflow_editor.read_form(
        (key, value) for key, value in form.multi_items() if isinstance(value, str))
    try:
        await workflow_editor.save_workflow(db, principal, consultation, unit, submitted)
    except ValidationFailed as exc:
        values = workflow_editor.form_values(workflow.Rules(submitted.states, submitted.transitions))
        return page("workflow.html", await _context(db, consultation, unit, values, exc.errors), 422)
    return Redirect(path=f"/consultations/{consultation.id}")


routes: list[ControllerRouterHandler] = [workflow_form, workflow_save]
