"""What the ballot's detail page shows about the announcement, the credentials and the closing minutes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.exceptions import BallotError
from ballot.i18n import lazy_gettext
from ballot.referendums.announcements.content import announcement_deadline, is_late
from ballot.referendums.announcements.reissue import reissue_refusal
from ballot.referendums.announcements.services import progress_of, refusal
from ballot.referendums.common import frozen_rules
from ballot.referendums.models import Election, ElectionState

#: The notice on the detail page after one of these acts (``?done=<name>``).
PANEL_NOTICES = {
    "announce": lazy_gettext("The announcement is made; the mails are being sent."),
    "reissue": lazy_gettext("New credentials were issued and sent; every earlier credential is void."),
}


async def panel_context(session: AsyncSession, election: Election, can_manage: bool,
                        now: datetime) -> dict[str, Any]:
    """``announcement``: the dict the partial templates/referendums/_announcement_panel.html reads."""
    deadline = None
    if election.statute_snapshot_id is not None:
        try:
            deadline = announcement_deadline(await frozen_rules(session, election), election)
        except BallotError:  # pragma: no cover - a locked ballot has its statute
            deadline = None
    announced = election.announced_at
    progress = await progress_of(session, election) if can_manage and announced is not None else None
    open_states = (ElectionState.DRAFT, ElectionState.CEREMONY, ElectionState.READY, ElectionState.OPEN)
    return {
        "announced_at": announced, "progress": progress, "deadline": deadline,
        "late": is_late(deadline, announced) if announced else False,
        "late_now": can_manage and announced is None and election.state in open_states and is_late(deadline, now),
        "can_announce": can_manage and refusal(election) is None,
        "can_reissue": can_manage and reissue_refusal(election) is None,
        "reissue_refusal": reissue_refusal(election) if can_manage and election.state != ElectionState.DRAFT
        and election.state != ElectionState.CEREMONY else None,
        "closing_minutes": election.closed_at is not None,
    }
