"""The facts of the closing minutes (Protokoll der Schließung): who closed the ballot and when, the box's final
count and chain head, how many members voted (by channel, from the register), the electorate and the statute.

Only after the close: no count of the register exists anywhere while the ballot is open.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.audit.models import AuditEvent
from ballot.exceptions import NotFound
from ballot.i18n import gettext as _
from ballot.referendums.common import frozen_rules
from ballot.referendums.models import BoardEntry, Election, VoterRegister

CLOSE_TAG = "referendums:election:close"


async def act_of(session: AsyncSession, election: Election, tag: str) -> tuple[str | None, dict[str, Any]]:
    """The display name of the account that performed the act ``tag`` on ``election`` and the event's data
    (the latest such audit event)."""
    query = (select(AuditEvent.data, Account.display_name).outerjoin(Account, Account.id == AuditEvent.account_id)
             .where(AuditEvent.tag == tag, AuditEvent.unit_id == election.unit_id).order_by(AuditEvent.id.desc()))
    for data, name in (await session.execute(query)).all():
        if isinstance(data, dict) and data.get("election") == election.uuid:
            return (str(name) if name else None), data
    return None, {}


async def closing_facts(session: AsyncSession, election: Election) -> dict[str, Any]:
    """Everything the closing minutes state; NotFound before the close."""
    if election.closed_at is None:
        raise NotFound(_("The minutes exist once the ballot is closed."))
    closed_by, data = await act_of(session, election, CLOSE_TAG)
    counted = await session.scalar(select(func.count()).select_from(BoardEntry).where(
        BoardEntry.election_id == election.id, BoardEntry.superseded_by.is_(None))) or 0
    channels = dict((await session.execute(
        select(VoterRegister.channel, func.count())
        .where(VoterRegister.election_id == election.id, VoterRegister.channel.is_not(None))
        .group_by(VoterRegister.channel))).all())
    rules = await frozen_rules(session, election)
    return {
        "closed_by": closed_by, "early": bool(data.get("early")), "board_count": election.board_count,
        "board_head": election.board_head, "counted_entries": int(counted),
        "voted": sum(int(n) for n in channels.values()), "voted_online": int(channels.get("online", 0)),
        "voted_postal": int(channels.get("postal", 0)), "has_postal": "postal" in channels,
        "eligible": election.eligible_count or 0, "statute_name": rules.statute.name,
    }
