"""An open referendum in the live server's database, for the booth tests.

Run with the server's environment (``python -m tests.browser.booth_setup``): drives the services as
tests/referendums/box_helpers.py does (the demo board creates and locks; the demo election committee member is the
first of three trustees, 2 of 3), with dates placed so that the ballot is open now, and prints one JSON line with the
ballot's uuid and the demo member's credential (taken from an in-memory sink instead of the mail)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from sqlalchemy import select

from ballot.accounts.models import Account
from ballot.authz.loader import load_principal
from ballot.authz.models import Role
from ballot.db import create_engine, create_session_factory, utcnow
from ballot.members.models import Member
from ballot.referendums.acts import open_election
from ballot.referendums.board.services import create_election, lock_election
from ballot.referendums.trustees.ceremony import (
    finish_ceremony,
)
from ballot.referendums.trustees.inprocess import run_key_ceremony
from ballot.settings import get_settings
from ballot.units.models import Unit
from tests.factories import Factory

MEMBER = "mitglied@demo.example"
BOARD = "vorstand@demo.example"
TRUSTEE = "wahlkommission@demo.example"


class MemorySink:
    def __init__(self) -> None:
        self.issued: dict[int, str] = {}

    async def deliver(self, member: Member, credential_text: str) -> str:
        self.issued[member.id] = credential_text
        return "letter"


def question() -> dict[str, object]:
    return {
        "id": "q1", "kind": "referendum", "min": 0, "max": 1, "process": "referendum", "subject": None,
        "seats": None,
        "text": {"de": "Soll der Bundesverband eine Mitgliederzeitung herausgeben?",
                 "en": "Shall the federal association publish a members' newspaper?"},
        "options": [{"id": o, "label": {"de": de, "en": o}, "max": 1}
                    for o, de in (("yes", "Ja"), ("no", "Nein"), ("abstain", "Enthaltung"))],
    }


async def main() -> dict[str, str]:
    settings = get_settings()
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            accounts = {a.email: a for a in (await session.scalars(
                select(Account).where(Account.email.in_([MEMBER, BOARD, TRUSTEE])))).all()}
            board = await load_principal(session, accounts[BOARD].id)
            committee = await load_principal(session, accounts[TRUSTEE].id)
            federal = await session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
            assert board and committee and federal
            factory = Factory(session, settings)
            extra = [await factory.account(roles=[(Role.ELECTION_COMMITTEE, federal)]) for _ in range(2)]
            await session.commit()
            trustees = [committee] + [await factory.principal(a) for a in extra]
            real = utcnow().replace(microsecond=0)
            opens = real - timedelta(days=2)
            start = opens - timedelta(days=16)
            election = await create_election(
                session, board, federal, kind="referendum", title_de="Mitgliederzeitung", title_en="Newspaper",
                description="Probeabstimmung für die Browsertests.", questions=[question()],
                announcement_at=opens - timedelta(days=15), opens_at=opens, closes_at=real + timedelta(days=5),
                trustee_account_ids=[t.account_id for t in trustees], threshold=2, now=start)
            await lock_election(session, board, election, start)
            await run_key_ceremony(session, election, trustees)
            sink = MemorySink()
            await finish_ceremony(session, settings, board, election, start, sink)
            await session.commit()
            await open_election(session, board, election, real)
            member_id = accounts[MEMBER].member_id
            assert member_id is not None and member_id in sink.issued, "the demo member is not eligible"
            return {"uuid": election.uuid, "credential": sink.issued[member_id]}
    finally:
        await engine.dispose()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
