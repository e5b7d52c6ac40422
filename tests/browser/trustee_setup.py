"""A referendum in its key ceremony in the live server's database, for the trustee browser test.

Run with the server's environment (``python -m tests.browser.trustee_setup STEP [UUID]``), like booth_setup.py:

- ``create``: the demo board creates and locks a 2-of-3 referendum whose trustees are the demo election committee
  member (trustee 1) and two new committee accounts with known passwords (2 and 3); prints {"uuid", "trustees"}.
- ``vote UUID``: once every trustee has confirmed, the board finishes the ceremony and opens the ballot, three
  members vote (yes, yes, no) and the board closes it; prints {"cast": 3}.
- ``finalize UUID``: the tally with the uploaded decryption shares; prints the result.json object.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from ballot.accounts.models import Account
from ballot.authz.loader import load_principal
from ballot.authz.models import Role
from ballot.db import create_engine, create_session_factory, utcnow
from ballot.referendums.acts import close_election, open_election
from ballot.referendums.board.services import create_election, lock_election
from ballot.referendums.booth.casting import cast_ballot
from ballot.referendums.models import Election
from ballot.referendums.record.tally import finalize
from ballot.referendums.trustees.ceremony import finish_ceremony
from ballot.settings import get_settings
from ballot.units.models import Unit
from tests.browser.booth_setup import BOARD, TRUSTEE, MemorySink, question
from tests.factories import PASSWORD, Factory
from tests.referendums.box_helpers import NO, YES, make_ballot


async def _board(session: Any) -> Any:
    account = await session.scalar(select(Account).where(Account.email == BOARD))
    return await load_principal(session, account.id)


async def create(session: Any, settings: Any) -> dict[str, Any]:
    board = await _board(session)
    committee = await session.scalar(select(Account).where(Account.email == TRUSTEE))
    federal = await session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    factory = Factory(session, settings)
    tag = uuid.uuid4().hex[:8]
    extra = [await factory.account(email=f"treuhand-{tag}-{k}@example.org", roles=[(Role.ELECTION_COMMITTEE, federal)])
             for k in (2, 3)]
    await session.commit()
    real = utcnow().replace(microsecond=0)
    opens = real - timedelta(days=2)
    start = opens - timedelta(days=16)
    election = await create_election(
        session, board, federal, kind="referendum", title_de="Treuhand im Browser", title_en="Trustees in the browser",
        description="Probeabstimmung für den Browsertest der Treuhänder.", questions=[question()],
        announcement_at=opens - timedelta(days=15), opens_at=opens, closes_at=real + timedelta(days=5),
        trustee_account_ids=[committee.id, *(a.id for a in extra)], threshold=2, now=start)
    await lock_election(session, board, election, start)
    await session.commit()
    return {"uuid": election.uuid, "trustees": [{"email": a.email, "password": PASSWORD} for a in extra]}


async def _election(session: Any, election_uuid: str) -> Election:
    election = await session.scalar(select(Election).where(Election.uuid == election_uuid))
    assert election is not None
    return election


async def vote(session: Any, settings: Any, election_uuid: str) -> dict[str, Any]:
    board = await _board(session)
    election = await _election(session, election_uuid)
    start = election.opens_at - timedelta(days=16)
    sink = MemorySink()
    await finish_ceremony(session, settings, board, election, start, sink)
    await session.commit()
    now = utcnow().replace(microsecond=0)
    await open_election(session, board, election, now)
    voters = sorted(sink.issued)[:3]
    for member_id, choice in zip(voters, (YES, YES, NO), strict=True):
        await cast_ballot(session, settings, election, member_id, make_ballot(election, sink.issued[member_id],
                                                                                 [choice]), now)
    await close_election(session, board, election, election.closes_at)
    await session.commit()
    return {"cast": len(voters)}


async def tally(session: Any, settings: Any, election_uuid: str) -> dict[str, Any]:
    election = await _election(session, election_uuid)
    outcome = await finalize(session, settings, election, election.closes_at)
    await session.commit()
    return dict(json.loads(str(outcome.result_json)))


async def main(argv: list[str]) -> dict[str, Any]:
    settings = get_settings()
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            if argv[0] == "create":
                return await create(session, settings)
            if argv[0] == "vote":
                return await vote(session, settings, argv[1])
            return await tally(session, settings, argv[1])
    finally:
        await engine.dispose()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1:]))))
