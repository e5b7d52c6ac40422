"""Creating a binding ballot (state draft) and locking it for the key ceremony (state ceremony).

Only the board or an admin of the unit (``Action.ELECTION_MANAGE``) may do either. The statute snapshot, the
schedule and the questions are fixed by :func:`lock_election`, which writes ``manifest.json`` (docs/election-record.md
3.3) with the snapshot's ``rules_sha256``. The chosen trustees are stored with the draft as ElectionTrustee rows
(the only place the model has for them); locking checks their grants again.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.audit.services import record_event
from ballot.authz.models import Role, RoleGrant
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import Conflict, ValidationFailed
from ballot.i18n import gettext as _
from ballot.referendums.board.statute_checks import ballot_refusals, postal_by_default, postal_errors, schedule_errors
from ballot.referendums.common import (
    advance,
    processes_of,
    require_state,
    rfc3339,
    unit_of,
)
from ballot.referendums.models import Election, ElectionKind, ElectionState, ElectionTrustee
from ballot.statutes.services import effective_rules, freeze, snapshot_rules
from ballot.units.models import Unit
from ballot_crypto import canonical
from ballot_crypto.manifest import Manifest, ManifestError, Question, check_candidates
from ballot_crypto.statutes import StatuteError

MAX_TITLE = 300
MAX_DESCRIPTION = 20_000
MAX_QUESTIONS = 50
MAX_TRUSTEES = 15
QUESTION_KINDS = {
    ElectionKind.REFERENDUM: ("referendum",),
    ElectionKind.ELECTION: ("single", "approval", "yes_no_abstain", "cumulative"),
}


def _questions(kind: ElectionKind | None, questions: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(questions, (list, tuple)) or not questions:
        errors["questions"] = _("Add at least one question.")
        return []
    if len(questions) > MAX_QUESTIONS:
        errors["questions"] = _("At most %(number)s questions.", number=MAX_QUESTIONS)
        return []
    parsed: list[dict[str, Any]] = []
    try:
        for i, item in enumerate(questions):
            question = Question.from_json(item, f"questions[{i}]")
            if kind is not None and question.kind not in QUESTION_KINDS[kind]:
                errors["questions"] = _("Question %(number)s: a %(kind)s has questions of the kinds %(kinds)s.",
                                        number=i + 1, kind=kind.value, kinds=", ".join(QUESTION_KINDS[kind]))
                return []
            parsed.append(question.to_json())
        check_candidates([Question.from_json(q) for q in parsed])
    except ManifestError as exc:
        errors["questions"] = str(exc)
        return []
    if len({q["id"] for q in parsed}) != len(parsed):
        errors["questions"] = _("Question ids must be unique.")
    return parsed


def _dates(announcement_at: Any, opens_at: Any, closes_at: Any, now: datetime, errors: dict[str, str]) -> bool:
    moments = {"announcement_at": announcement_at, "opens_at": opens_at, "closes_at": closes_at}
    for name, moment in moments.items():
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            errors[name] = _("Enter a date and time.")
    if errors.keys() & moments.keys():
        return False
    if announcement_at < now:
        errors["announcement_at"] = _("The announcement must lie in the future.")
    if opens_at < announcement_at:
        errors["opens_at"] = _("The ballot opens after its announcement.")
    if closes_at <= opens_at:
        errors["closes_at"] = _("The ballot closes after it opens.")
    return not (errors.keys() & moments.keys())


async def committee_accounts(session: AsyncSession, unit: Unit, account_ids: Sequence[int]) -> set[int]:
    """The accounts among ``account_ids`` that are active and hold Role.ELECTION_COMMITTEE in ``unit``."""
    rows = await session.scalars(
        select(RoleGrant.account_id)
        .join(Account, Account.id == RoleGrant.account_id)
        .where(RoleGrant.unit_id == unit.id, RoleGrant.role == Role.ELECTION_COMMITTEE,
               RoleGrant.account_id.in_(list(account_ids)), Account.is_active.is_(True))
    )
    return set(rows.all())


async def create_election(
    session: AsyncSession,
    principal: Principal | None,
    unit: Unit,
    *,
    kind: ElectionKind | str,
    title_de: str,
    title_en: str,
    description: str,
    questions: Sequence[dict[str, Any]],
    announcement_at: datetime,
    opens_at: datetime,
    closes_at: datetime,
    trustee_account_ids: Sequence[int],
    threshold: int,
    now: datetime | None = None,
    postal: bool | None = None,
) -> Election:
    """A new election in state draft. ``questions`` are manifest questions (docs/election-record.md 3.3).

    Raises ValidationFailed with one message per field (``unit``, ``title_de``, ``title_en``, ``kind``,
    ``description``, ``questions``, ``announcement_at``, ``opens_at``, ``closes_at``, ``trustee_account_ids``,
    ``threshold``, ``postal``); the schedule is checked against the unit's effective statute rules. ``now``
    defaults to the current time (tests pass it). ``postal``: offer postal voting (Briefwahl) beside online voting;
    None: exactly when the statute requires a channel besides online voting and lists postal."""
    principal = authorize(principal, Action.ELECTION_MANAGE, unit)
    now = now or utcnow()
    errors: dict[str, str] = {}
    if not unit.is_territorial:
        errors["unit"] = _("Binding ballots belong to a territorial unit.")
    try:
        election_kind: ElectionKind | None = ElectionKind(kind)
    except ValueError:
        election_kind = None
        errors["kind"] = _("Choose a referendum or an election.")
    titles = {"title_de": (title_de or "").strip(), "title_en": (title_en or "").strip()}
    for name, value in titles.items():
        if not value:
            errors[name] = _("Enter a title.")
        elif len(value) > MAX_TITLE:
            errors[name] = _("At most %(number)s characters.", number=MAX_TITLE)
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = _("At most %(number)s characters.", number=MAX_DESCRIPTION)
    parsed = _questions(election_kind, questions, errors)
    dates_ok = _dates(announcement_at, opens_at, closes_at, now, errors)
    if dates_ok and parsed:
        try:
            rules = (await effective_rules(session, unit)).rules
        except StatuteError as exc:
            raise Conflict(_("The unit's statute cannot be resolved: %(problem)s", problem=str(exc))) from None
        errors.update(schedule_errors(rules, processes_of(parsed), announcement_at, opens_at, closes_at))
        if postal is None:
            postal = postal_by_default(rules, processes_of(parsed))
        if problems := postal_errors(rules, processes_of(parsed), postal):
            errors["postal"] = " ".join(problems)
    ids = list(trustee_account_ids or [])
    if not ids or len(ids) > MAX_TRUSTEES or len(set(ids)) != len(ids):
        errors["trustee_account_ids"] = _("Choose between 1 and %(number)s different trustees.", number=MAX_TRUSTEES)
    elif await committee_accounts(session, unit, ids) != set(ids):
        errors["trustee_account_ids"] = _("Every trustee must belong to the unit's election committee.")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= max(len(ids), 1):
        errors["threshold"] = _("The threshold lies between 1 and the number of trustees.")
    if errors:
        raise ValidationFailed(errors)
    election = Election(
        uuid=str(uuid.uuid4()), unit_id=unit.id, kind=election_kind, state=ElectionState.DRAFT,
        title_de=titles["title_de"], title_en=titles["title_en"], description=description, questions=parsed,
        announcement_at=announcement_at.replace(microsecond=0), opens_at=opens_at.replace(microsecond=0),
        closes_at=closes_at.replace(microsecond=0), trustee_count=len(ids), threshold=threshold,
        created_by_id=principal.account_id, created_at=now, postal=bool(postal),
    )
    session.add(election)
    await session.flush()
    session.add_all(ElectionTrustee(election_id=election.id, index=i, account_id=account_id)
                    for i, account_id in enumerate(ids, start=1))
    await session.flush()
    record_event(session, "referendums:election:create", account_id=principal.account_id, unit_id=unit.id,
                 election=election.uuid, kind=election.kind.value, questions=len(parsed),
                 trustees=len(ids), threshold=threshold, postal=election.postal)
    return election


async def lock_election(session: AsyncSession, principal: Principal | None, election: Election,
                        now: datetime) -> Election:
    """Freeze the statute, fix revoting, write manifest.json, check the trustees; state draft -> ceremony.
    Conflict when the state is not draft or the statute forbids this ballot; ValidationFailed when the schedule
    no longer fits the statute or the trustees lost their committee grant."""
    unit = await unit_of(session, election)
    principal = authorize(principal, Action.ELECTION_MANAGE, unit)
    require_state(election, ElectionState.DRAFT)
    if election.announcement_at < now:
        raise ValidationFailed({"announcement_at": _("The announcement must lie in the future.")})
    snapshot = await freeze(session, unit)
    rules = snapshot_rules(snapshot)
    processes = processes_of(election.questions)
    errors = schedule_errors(rules, processes, election.announcement_at, election.opens_at, election.closes_at)
    trustees = list(await session.scalars(select(ElectionTrustee).where(ElectionTrustee.election_id == election.id)
                                          .order_by(ElectionTrustee.index)))
    ids = [t.account_id for t in trustees]
    if await committee_accounts(session, unit, ids) != set(ids):
        errors["trustee_account_ids"] = _("Every trustee must belong to the unit's election committee.")
    if errors:
        raise ValidationFailed(errors)
    refusals = ballot_refusals(rules, processes, election.threshold, election.postal)
    if refusals:
        raise Conflict(" ".join(refusals))
    revoting = all(rules.process(p).ballot.revoting for p in processes)
    manifest = Manifest.from_json({
        "format": "ballot-manifest/1", "id": election.uuid,
        "title": {"de": election.title_de, "en": election.title_en},
        "unit": {"id": unit.slug, "name": unit.name},
        "dates": {"announcement": rfc3339(election.announcement_at), "open": rfc3339(election.opens_at),
                  "close": rfc3339(election.closes_at)},
        "statute_sha256": snapshot.rules_sha256, "revoting": revoting, "questions": election.questions,
    })
    election.statute_snapshot_id = snapshot.id
    election.statute_sha256 = snapshot.rules_sha256
    election.revoting = revoting
    election.manifest_json = canonical.dumps(manifest.to_json()).decode()
    election.locked_at = now
    advance(election, ElectionState.CEREMONY)
    await session.flush()
    record_event(session, "referendums:election:lock", account_id=principal.account_id, unit_id=unit.id,
                 election=election.uuid, statute_sha256=snapshot.rules_sha256, revoting=revoting,
                 manifest_sha256=canonical.sha256_hex(election.manifest_json.encode()))
    return election
