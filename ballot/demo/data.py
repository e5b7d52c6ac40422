"""Load the demo organisation once: units, bodies, groups, 300 members and one login per role.

Everything comes from ``random.Random(SEED)`` and a fixed reference day, so two fresh databases get the same data.
Loading is idempotent: when the demo's federal unit exists, nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.accounts.passwords import PasswordHasher
from ballot.audit.services import record_event
from ballot.demo.discussions import load_demo_discussions
from ballot.demo.motions import load_demo_motions
from ballot.demo.organisation import DEMO_PASSWORD, FEDERAL_SLUG, LOGINS, PARTY_NAME, DemoLogin
from ballot.demo.people import DemoBuilder
from ballot.demo.statutes import load_statutes
from ballot.demo.surveys import load_demo_surveys
from ballot.exceptions import Conflict
from ballot.i18n import gettext as _
from ballot.units.models import Unit


@dataclass
class DemoResult:
    """What :func:`load_demo` did."""

    created: bool
    units: int = 0
    members: int = 0
    accounts: int = 0
    seats: int = 0
    statutes: int = 0
    logins: tuple[DemoLogin, ...] = LOGINS
    password: str = DEMO_PASSWORD
    by_kind: dict[str, int] = field(default_factory=dict)


async def demo_present(session: AsyncSession) -> bool:
    """True when the demo organisation has been loaded."""
    query = select(Unit.id).where(Unit.slug == FEDERAL_SLUG, Unit.name == PARTY_NAME, Unit.parent_id.is_(None))
    return await session.scalar(query) is not None


async def _statutes_for_existing_demo(session: AsyncSession) -> int:
    federal = await session.scalar(select(Unit).where(Unit.slug == FEDERAL_SLUG, Unit.parent_id.is_(None)))
    if federal is None:  # pragma: no cover - demo_present checked it
        return 0
    admin = await session.scalar(select(Account.id).where(Account.email == "admin@demo.example"))
    return await load_statutes(session, federal, admin)


async def load_demo(session: AsyncSession, hasher: PasswordHasher) -> DemoResult:
    """Load the demo data into an empty database; do nothing when it is already there.

    Raises :class:`Conflict` when the database holds other units or accounts with the demo emails, so that
    demo data never mixes with a real organisation.
    """
    if await demo_present(session):
        # A demo loaded before statutes existed gets them once; after that nothing changes.
        return DemoResult(created=False, statutes=await _statutes_for_existing_demo(session))
    if await session.scalar(select(func.count(Unit.id))):
        raise Conflict(_("The database already holds other units; demo data is only loaded into an empty database."))
    emails = [login.email for login in LOGINS]
    if await session.scalar(select(func.count(Account.id)).where(Account.email.in_(emails))):
        raise Conflict(_("Accounts with the demo email addresses already exist."))
    builder = DemoBuilder(session, hasher)
    await builder.tree()
    members, by_login = await builder.members()
    seats = await builder.seats(members, by_login)
    accounts = await builder.accounts(by_login)
    admin = await session.scalar(select(Account.id).where(Account.email == "admin@demo.example"))
    statutes = await load_statutes(session, builder.units[FEDERAL_SLUG], admin)
    await load_demo_discussions(session, FEDERAL_SLUG)
    await load_demo_surveys(session, FEDERAL_SLUG)
    await load_demo_motions(session, FEDERAL_SLUG)
    by_kind: dict[str, int] = {}
    for unit in builder.units.values():
        by_kind[unit.kind.value] = by_kind.get(unit.kind.value, 0) + 1
    record_event(session, "demo:data:load", unit_id=builder.units[FEDERAL_SLUG].id, members=len(members))
    await session.flush()
    return DemoResult(
        created=True,
        units=len(builder.units),
        members=len(members),
        accounts=accounts,
        seats=seats,
        statutes=statutes,
        by_kind=by_kind,
    )
