"""Builders for test data. Each method flushes, so ids are available at once; call ``commit`` before HTTP calls."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account, AuthSession, TotpSecret
from ballot.accounts.passwords import PasswordHasher
from ballot.accounts.tokens import hash_token, new_token
from ballot.accounts.totp import new_secret, seal_secret
from ballot.accounts.two_factor import holds_privileged_role
from ballot.authz.loader import load_principal
from ballot.authz.models import Role, RoleGrant
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.members.models import DuesStatus, GroupMembership, Member
from ballot.settings import Settings
from ballot.units.models import BodyType, Unit, UnitKind
from ballot.units.services import create_unit
from ballot.web.cookies import SESSION_COOKIE

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


@dataclass
class Tree:
    """A small organisation: federal > 2 states > districts > locals, with a board, a committee and a group."""

    federal: Unit
    state_a: Unit
    state_b: Unit
    district_a: Unit
    district_b: Unit
    local_a: Unit
    local_b: Unit
    board: Unit
    committee: Unit
    group: Unit


class Factory:
    """Creates rows in the test database."""

    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.hasher = PasswordHasher(settings.password)

    async def commit(self) -> None:
        await self.session.commit()

    async def unit(self, name: str, kind: UnitKind, parent: Unit | None = None, **kwargs: object) -> Unit:
        return await create_unit(self.session, name, kind, parent, **kwargs)  # type: ignore[arg-type]

    async def tree(self) -> Tree:
        federal = await self.unit("Bundesverband", UnitKind.FEDERAL)
        state_a = await self.unit("Landesverband Hessen", UnitKind.STATE, federal)
        state_b = await self.unit("Landesverband Sachsen", UnitKind.STATE, federal)
        district_a = await self.unit("Kreisverband Kassel", UnitKind.DISTRICT, state_a)
        district_b = await self.unit("Kreisverband Leipzig", UnitKind.DISTRICT, state_b)
        local_a = await self.unit("Ortsverband Wilhelmshöhe", UnitKind.LOCAL, district_a)
        local_b = await self.unit("Ortsverband Connewitz", UnitKind.LOCAL, district_b)
        board = await self.unit("Bundesvorstand", UnitKind.BODY, federal, body_type=BodyType.BOARD)
        committee = await self.unit(
            "Bundeswahlkommission", UnitKind.BODY, federal, body_type=BodyType.ELECTION_COMMITTEE
        )
        group = await self.unit("AG Digitales", UnitKind.GROUP, federal)
        return Tree(federal, state_a, state_b, district_a, district_b, local_a, local_b, board, committee, group)

    async def member(self, unit: Unit, **fields: object) -> Member:
        n = next(_numbers)
        values: dict[str, object] = {
            "number": f"M{n:06d}",
            "given_name": "Erika",
            "family_name": f"Muster{n}",
            "email": f"member{n}@example.org",
            "home_unit_id": unit.id,
            "joined_on": date.today() - timedelta(days=400),
            "dues_status": DuesStatus.PAID,
        }
        values.update(fields)
        member = Member(**values)
        self.session.add(member)
        await self.session.flush()
        return member

    async def join_group(self, member: Member, unit: Unit, function: str = "") -> GroupMembership:
        membership = GroupMembership(member_id=member.id, unit_id=unit.id, function=function)
        self.session.add(membership)
        await self.session.flush()
        return membership

    async def account(
        self,
        member: Member | None = None,
        *,
        email: str | None = None,
        password: str | None = PASSWORD,
        roles: list[tuple[Role, Unit]] | None = None,
    ) -> Account:
        account = Account(
            email=(email or (member.email if member else None) or f"staff{next(_numbers)}@example.org").lower(),
            display_name=member.full_name if member else "Staff",
            member_id=member.id if member else None,
            password_hash=self.hasher.hash(password) if password else None,
        )
        self.session.add(account)
        await self.session.flush()
        for role, unit in roles or []:
            await self.grant(account, role, unit)
        return account

    async def grant(self, account: Account, role: Role, unit: Unit) -> RoleGrant:
        grant = RoleGrant(account_id=account.id, unit_id=unit.id, role=role)
        self.session.add(grant)
        await self.session.flush()
        return grant

    async def principal(self, account: Account) -> Principal:
        principal = await load_principal(self.session, account.id)
        assert principal is not None
        return principal

    async def enrol_totp(self, account: Account) -> str:
        """Switch TOTP on for ``account`` directly in the database (as a finished enrolment); returns the secret."""
        secret = new_secret()
        self.session.add(
            TotpSecret(
                account_id=account.id,
                secret_box=seal_secret(self.settings.secret_key, secret),
                confirmed_at=utcnow(),
            )
        )
        await self.session.flush()
        return secret

    async def login(self, client: AsyncTestClient[Litestar], account: Account) -> None:
        """Start a session for ``account`` directly in the database and give the client its cookie.

        Such a session stands for a finished log-in, second step included (two-factor pages have their own tests):
        a board, election committee or admin account without TOTP is enrolled first, as the real log-in requires."""
        if (
            await holds_privileged_role(self.session, account.id)
            and await self.session.get(TotpSecret, account.id) is None
        ):
            await self.enrol_totp(account)
        token = new_token()
        self.session.add(
            AuthSession(
                token_hash=hash_token(token),
                account_id=account.id,
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        await self.session.commit()
        client.cookies.set(SESSION_COOKIE, token)


async def csrf_token(client: AsyncTestClient[Litestar], path: str = "/login") -> str:
    """Fetch a page so that the client holds a CSRF cookie, and return the token to post back."""
    await client.get(path)
    token = client.cookies.get("csrftoken")
    assert token, "no CSRF cookie was set"
    return token
