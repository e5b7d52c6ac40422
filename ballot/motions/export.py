"""The open JSON export of a consultation (format ``ballot-motions/1``, specified in docs/motions.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.db import utcnow
from ballot.motions import drafting, steps, support, workflow
from ballot.motions.book import book_motions
from ballot.motions.models import Consultation, TargetKind, WorkflowStep
from ballot.units.models import Unit

FORMAT = "ballot-motions/1"


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _steps(history: list[tuple[WorkflowStep, str]]) -> list[dict[str, Any]]:
    return [{"from": s.from_state.value, "to": s.to_state.value, "at": _time(s.created_at), "by": name,
             "note": s.note, "votes": {"yes": s.votes_yes, "no": s.votes_no, "abstain": s.votes_abstain},
             "result": s.result_url}
            for s, name in history]


async def export(session: AsyncSession, consultation: Consultation, unit: Unit) -> dict[str, Any]:
    """The consultation with every submitted motion, all its versions, amendments and workflow history."""
    motions: list[dict[str, Any]] = []
    for entry in await book_motions(session, consultation):
        motion = entry.motion
        versions = sorted(await drafting.versions(session, motion), key=lambda v: v.number)
        motions.append({
            "code": entry.code, "number": motion.number, "kind": motion.kind.value, "title": motion.title,
            "state": motion.state.value, "version": motion.version, "ballot": motion.election_uuid,
            "survey": motion.survey_id,
            "authors": entry.authors,
            "supporters": entry.supporters,
            "versions": [{"number": v.number, "title": v.title, "body": v.body, "reason": v.reason,
                          "created_at": _time(v.created_at), "merge_record": v.merge_record} for v in versions],
            "history": _steps(await steps.history(session, TargetKind.MOTION, motion.id)),
            "amendments": [{
                "code": a.view.code, "number": a.view.amendment.number, "state": a.view.amendment.state.value,
                "base_version": a.view.amendment.base_version, "lines": list(a.view.lines),
                "survey": a.view.amendment.survey_id,
                "changes": a.view.amendment.changes, "reason": a.view.amendment.reason, "author": a.view.author,
                "supporters": await support.supporter_names(session, TargetKind.AMENDMENT, a.view.amendment.id),
                "collides_with": a.view.collides_with,
                "history": _steps(await steps.history(session, TargetKind.AMENDMENT, a.view.amendment.id)),
            } for a in entry.amendments],
        })
    return {
        "format": FORMAT, "exported_at": _time(utcnow()),
        "consultation": {"id": consultation.id, "title": consultation.title,
                         "unit": {"slug": unit.slug, "name": unit.name}, "line_length": consultation.line_length,
                         "deadline": _time(consultation.deadline),
                         "amendment_deadline": _time(consultation.amendment_deadline),
                         "workflow": consultation.workflow,
                         "workflow_rules": workflow.rules_of(consultation.workflow,
                                                             consultation.workflow_rules).to_json()},
        "motions": motions,
    }
