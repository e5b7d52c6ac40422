"""Logins for two more demo members, for the whole-path browser test (tests/browser/test_whole_path.py).

Run with the server's environment before the server starts (``python -m tests.browser.whole_path_accounts``): picks
the first two full, paid-up members of the demo registry with an email address and no account yet (by member
number, so the choice is deterministic), gives each an account with the demo password under the member's own email
address (the credential mail goes to that address), and prints their emails as one JSON line."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from sqlalchemy import select

from ballot.accounts.models import Account
from ballot.accounts.passwords import PasswordHasher
from ballot.db import create_engine, create_session_factory, utcnow
from ballot.demo.data import DEMO_PASSWORD
from ballot.members.models import DuesStatus, Member, MemberClass
from ballot.settings import get_settings

HOW_MANY = 2


async def main() -> list[str]:
    settings = get_settings()
    engine = create_engine(settings.database_url, settings.database_schema)
    try:
        async with create_session_factory(engine)() as session:
            has_account = select(Account.member_id).where(Account.member_id.is_not(None))
            joined_before = (utcnow() - timedelta(days=120)).date()
            members = (await session.scalars(
                select(Member).where(
                    Member.member_class == MemberClass.FULL, Member.dues_status == DuesStatus.PAID,
                    Member.email.is_not(None), Member.joined_on < joined_before, Member.left_on.is_(None),
                    Member.id.not_in(has_account))
                .order_by(Member.number).limit(HOW_MANY))).all()
            if len(members) != HOW_MANY:
                raise SystemExit(f"the demo registry has only {len(members)} members to give a login")
            hasher = PasswordHasher(settings.password)
            for member in members:
                session.add(Account(email=str(member.email).lower(), display_name=member.full_name,
                                    member_id=member.id, password_hash=hasher.hash(DEMO_PASSWORD),
                                    password_changed_at=utcnow()))
            await session.commit()
            return [str(member.email).lower() for member in members]
    finally:
        await engine.dispose()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
