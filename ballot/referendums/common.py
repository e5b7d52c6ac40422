"""Small helpers shared by the referendum services: loading, the forward-only state machine, dates, the manifest."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.exceptions import Conflict, NotFound
from ballot.i18n import LOCAL_ZONE
from ballot.i18n import gettext as _
from ballot.referendums.models import Election, ElectionState
from ballot.statutes.models import StatuteSnapshot
from ballot.statutes.services import snapshot_rules
from ballot.units.models import Unit
from ballot_crypto import canonical
from ballot_crypto.statutes import Rules

#: Statute dates (notice periods, voting periods, freeze) are calendar days in Germany.

ORDER = (ElectionState.DRAFT, ElectionState.CEREMONY, ElectionState.READY, ElectionState.OPEN,
         ElectionState.CLOSED, ElectionState.TALLIED)


def local_date(moment: datetime) -> date:
    """The calendar day of ``moment`` in Germany (the day a statute's periods count in)."""
    return moment.astimezone(LOCAL_ZONE).date()


def rfc3339(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` as manifest.json wants it (whole seconds, UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def require_state(election: Election, *states: ElectionState) -> None:
    """Conflict unless the election is in one of ``states``."""
    if election.state not in states:
        raise Conflict(_("This ballot is in the state “%(state)s”; that step is not possible now.",
                         state=election.state.value))


def advance(election: Election, target: ElectionState) -> None:
    """Move to ``target``, which must be the next state (never back, never skipping one)."""
    if ORDER.index(target) != ORDER.index(election.state) + 1:
        raise Conflict(_("This ballot is in the state “%(state)s”; that step is not possible now.",
                         state=election.state.value))
    election.state = target


async def unit_of(session: AsyncSession, election: Election) -> Unit:
    unit = await session.get(Unit, election.unit_id)
    if unit is None:  # pragma: no cover - foreign key
        raise NotFound(_("This unit does not exist."))
    return unit


async def frozen_rules(session: AsyncSession, election: Election) -> Rules:
    """The statute snapshot's rules (the election must be locked)."""
    snapshot_id = election.statute_snapshot_id
    snapshot = await session.get(StatuteSnapshot, snapshot_id) if snapshot_id is not None else None
    if snapshot is None:
        raise Conflict(_("This ballot has no frozen statute yet."))
    return snapshot_rules(snapshot)


def processes_of(questions: list[dict[str, Any]]) -> list[str]:
    """The statute processes the questions run under, sorted, without duplicates."""
    return sorted({str(q.get("process")) for q in questions})


def manifest_document(election: Election) -> dict[str, Any]:
    """The stored manifest.json as a JSON value (the election must be locked)."""
    if election.manifest_json is None:
        raise Conflict(_("This ballot has no manifest yet."))
    document: dict[str, Any] = canonical.loads(election.manifest_json)
    return document


def manifest_context(election: Election) -> bytes:
    """M = H(bytes of manifest.json), the context of the trustees' proofs (docs/election-record.md 3.4)."""
    if election.manifest_json is None:
        raise Conflict(_("This ballot has no manifest yet."))
    return canonical.sha256(election.manifest_json.encode())
