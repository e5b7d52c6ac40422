"""Merging adopted amendments into a consolidated new version of the motion. Amendments that collide need the
editor's choice of one per group; the choice is recorded in the new version's ``merge_record``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.motions import access
from ballot.motions.amend import apply, collision_groups, collisions
from ballot.motions.amendments import AmendmentView, amendment_views, changes_of
from ballot.motions.drafting import MotionRef, version
from ballot.motions.models import MotionVersion, State
from ballot.motions.steps import record_merge_step

MERGEABLE_MOTION_STATES = frozenset({State.ADMITTED, State.RECOMMENDATION, State.ADOPTED, State.ADOPTED_AS_AMENDED})


@dataclass(frozen=True)
class MergePlan:
    """Adopted amendments: those that merge without a question, groups that need a choice, and outdated ones
    (written against an older version: they must be merged by hand in an edit)."""

    clean: list[AmendmentView]
    groups: list[list[AmendmentView]]
    outdated: list[AmendmentView]

    @property
    def empty(self) -> bool:
        return not self.clean and not self.groups


def group_key(group: list[AmendmentView]) -> str:
    """The form field that holds the choice for a group."""
    return "choice-" + "-".join(str(v.amendment.id) for v in group)


async def plan(session: AsyncSession, ref: MotionRef) -> MergePlan:
    """What a merge of the adopted amendments would do now."""
    views = await amendment_views(session, ref.motion, ref.consultation.line_length)
    adopted = [v for v in views if v.amendment.state == State.ADOPTED]
    current = [v for v in adopted if not v.outdated]
    by_id = {v.amendment.id: v for v in current}
    pairs = collisions({v.amendment.id: changes_of(v.amendment) for v in current})
    groups = collision_groups(by_id, pairs)
    grouped = {i for group in groups for i in group}
    return MergePlan([v for v in current if v.amendment.id not in grouped],
                     [[by_id[i] for i in group] for group in groups], [v for v in adopted if v.outdated])


async def merge(session: AsyncSession, principal: Principal | None, ref: MotionRef,
                choices: dict[str, str]) -> MotionVersion:
    """A new version with the adopted amendments applied (managers). ``choices`` maps each group's field to the
    chosen amendment id; ValidationFailed names a group without a valid choice. The merge record names amendments
    by their number (language-neutral)."""
    principal = access.ensure_manager(principal, ref.unit)
    if ref.motion.state not in MERGEABLE_MOTION_STATES:
        raise PermissionDenied(_("Amendments can be merged into an admitted or adopted motion only."))
    found = await plan(session, ref)
    if found.empty:
        raise ValidationFailed({"merge": _("There are no adopted amendments to merge.")})
    chosen = list(found.clean)
    record_choices: list[dict[str, object]] = []
    errors: dict[str, str] = {}
    for group in found.groups:
        key = group_key(group)
        pick = next((v for v in group if str(v.amendment.id) == choices.get(key, "")), None)
        if pick is None:
            errors[key] = _("These amendments collide: please choose the one to merge.")
            continue
        chosen.append(pick)
        record_choices.append({"group": [v.amendment.number for v in group], "chosen": pick.amendment.number})
    if errors:
        raise ValidationFailed(errors)
    old = await version(session, ref.motion)
    body = apply(old.body, [c for v in chosen for c in changes_of(v.amendment)])
    ref.motion.version += 1
    new = MotionVersion(motion_id=ref.motion.id, number=ref.motion.version, title=old.title, body=body,
                        reason=old.reason, author_id=principal.account_id, created_at=utcnow(),
                        merge_record={"base_version": old.number,
                                      "merged": sorted(v.amendment.number for v in chosen),
                                      "choices": record_choices})
    session.add(new)
    note = _("Merged into version %(number)s.", number=new.number)
    for v in chosen:
        await record_merge_step(session, principal, v.amendment, note)
    record_event(session, "motions:motion:merge", account_id=principal.account_id, unit_id=ref.unit.id,
                 motion=ref.motion.id, version=new.number, amendments=[v.amendment.id for v in chosen])
    await session.flush()
    return new
