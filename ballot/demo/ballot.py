"""A demo ballot that is already open, so that a visitor of ``make run`` can vote at once.

It runs through the real services (create, lock, key ceremony, credentials, open) with the clock set back: the
statute's announcement period lies in the past. The three demo trustees' secret files are written to
``<var>/demo-trustees/`` (mode 0600), so the committee can decrypt with ``ballot-crypto trustee decrypt`` after the
close. The credentials go out by mail, which in development lands in the mailbox at /dev/mail.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.loader import load_principal
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.referendums.acts import open_election
from ballot.referendums.announcements.services import announce, deliver_announcement
from ballot.referendums.board.services import create_election, lock_election
from ballot.referendums.credentials import MailCredentialSink
from ballot.referendums.models import Election
from ballot.referendums.trustees.ceremony import (
    finish_ceremony,
)
from ballot.referendums.trustees.inprocess import run_key_ceremony
from ballot.settings import Settings
from ballot.units.models import Unit

BOARD = "vorstand@demo.example"
TRUSTEES = ("wahlkommission@demo.example", "wahlkommission2@demo.example", "wahlkommission3@demo.example")
THRESHOLD = 2


def _question() -> dict[str, Any]:
    return {
        "id": "q1", "kind": "referendum", "min": 0, "max": 1, "process": "referendum", "subject": None,
        "seats": None,
        "text": {"de": "Soll die Partei ein Mitgliedermagazin herausgeben, gedruckt und online?",
                 "en": "Shall the party publish a members' magazine, in print and online?"},
        "options": [{"id": option, "label": {"de": de, "en": en}, "max": 1}
                    for option, de, en in (("yes", "Ja", "Yes"), ("no", "Nein", "No"),
                                           ("abstain", "Enthaltung", "Abstain"))],
    }


async def _principals(session: AsyncSession, emails: tuple[str, ...]) -> list[Principal] | None:
    accounts = {a.email: a for a in (await session.scalars(select(Account).where(Account.email.in_(emails)))).all()}
    principals = [await load_principal(session, accounts[e].id) if e in accounts else None for e in emails]
    return None if any(p is None for p in principals) else principals  # type: ignore[return-value]


def _keep_secret(folder: Path, index: int, secret: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"trustee-{index}.json"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(secret, handle, sort_keys=True)


async def load_demo_ballot(session: AsyncSession, settings: Settings, federal_slug: str) -> Election | None:
    """Create and open the demo referendum; None when the federal unit already has a ballot or logins are missing."""
    federal = await session.scalar(select(Unit).where(Unit.slug == federal_slug))
    board = await _principals(session, (BOARD,))
    trustees = await _principals(session, TRUSTEES)
    if federal is None or board is None or trustees is None:
        return None
    if await session.scalar(select(Election.id).where(Election.unit_id == federal.id).limit(1)) is not None:
        return None
    now = utcnow().replace(microsecond=0)
    opens = now - timedelta(days=1)
    start = opens - timedelta(days=16)
    election = await create_election(
        session, board[0], federal, kind="referendum", title_de="Mitgliedermagazin (Demo)",
        title_en="Members' magazine (demo)",
        description="Eine Probeabstimmung der Demodaten: Ihr Stimmcode steht im Entwicklungs-Postfach (/dev/mail).",
        questions=[_question()], announcement_at=opens - timedelta(days=15), opens_at=opens,
        closes_at=now + timedelta(days=21), trustee_account_ids=[t.account_id for t in trustees],
        threshold=THRESHOLD, now=start)
    await lock_election(session, board[0], election, start)
    folder = settings.var_dir / "demo-trustees" / election.uuid
    for index, finished in enumerate(await run_key_ceremony(session, election, trustees), start=1):
        _keep_secret(folder, index, finished)
    await finish_ceremony(session, settings, board[0], election, start, MailCredentialSink(session, settings,
                                                                                           election))
    await session.commit()
    await announce(session, board[0], election, start)
    await deliver_announcement(session, settings, election)
    await open_election(session, board[0], election, now)
    return election
