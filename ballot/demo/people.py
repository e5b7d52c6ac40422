"""Build the demo organisation's units, members, group seats and login accounts (:mod:`ballot.demo.organisation`).

Every random choice comes from ``random.Random(SEED)``, so two fresh databases get the same people.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.accounts.passwords import PasswordHasher
from ballot.authz.models import RoleGrant
from ballot.db import utcnow
from ballot.demo.names import DIVERSE_GIVEN, FAMILY, FEMALE_GIVEN, MALE_GIVEN, STREETS
from ballot.demo.organisation import (
    BOARD_FUNCTIONS,
    DEMO_PASSWORD,
    DISTRICTS,
    FEDERAL_SLUG,
    GROUPS,
    LOCALS,
    LOGINS,
    MEMBER_DOMAIN,
    PARTY_NAME,
    REFERENCE_DAY,
    SEED,
    STATES,
    YEARS,
    DemoLogin,
)
from ballot.members.models import DuesStatus, Gender, GroupMembership, Member, MemberClass
from ballot.units.models import BodyType, Unit, UnitKind
from ballot.units.services import create_unit, slugify


def _ascii(text: str) -> str:
    return slugify(text.replace("ı", "i").replace("ł", "l").replace("Ł", "L")).replace("-", "")


class DemoBuilder:
    """Creates the demo's units, members, seats and accounts in one session; remembers the units by slug."""


    def __init__(self, session: AsyncSession, hasher: PasswordHasher) -> None:
        self.session = session
        self.hasher = hasher
        self.rng = random.Random(SEED)
        self.units: dict[str, Unit] = {}
        self.emails: set[str] = set()

    async def unit(self, name: str, kind: UnitKind, parent: str | None, slug: str, **kwargs: object) -> Unit:
        parent_unit = self.units[parent] if parent else None
        unit = await create_unit(self.session, name, kind, parent_unit, slug=slug, **kwargs)  # type: ignore[arg-type]
        self.units[slug] = unit
        return unit

    async def tree(self) -> None:
        await self.unit(
            PARTY_NAME,
            UnitKind.FEDERAL,
            None,
            FEDERAL_SLUG,
            description="Bundesverband der Demokratischen Beteiligungspartei (fiktive Demo-Partei).",
        )
        await self.unit("Bundesvorstand", UnitKind.BODY, FEDERAL_SLUG, "bundesvorstand", body_type=BodyType.BOARD)
        await self.unit(
            "Bundeswahlkommission",
            UnitKind.BODY,
            FEDERAL_SLUG,
            "bundeswahlkommission",
            body_type=BodyType.ELECTION_COMMITTEE,
        )
        for name, slug, _count in GROUPS:
            await self.unit(name, UnitKind.GROUP, FEDERAL_SLUG, slug)
        for name, slug, board_name, board_slug in STATES:
            await self.unit(name, UnitKind.STATE, FEDERAL_SLUG, slug)
            await self.unit(board_name, UnitKind.BODY, slug, board_slug, body_type=BodyType.BOARD)
        for state, name, slug, _area in DISTRICTS:
            await self.unit(name, UnitKind.DISTRICT, state, slug)
        for district, name, slug, *_rest in LOCALS:
            await self.unit(name, UnitKind.LOCAL, district, slug)

    def email(self, given: str, family: str) -> str:
        base = f"{_ascii(given)}.{_ascii(family)}"
        candidate, n = f"{base}@{MEMBER_DOMAIN}", 1
        while candidate in self.emails:
            n += 1
            candidate = f"{base}{n}@{MEMBER_DOMAIN}"
        self.emails.add(candidate)
        return candidate

    def person(self) -> tuple[str, str, Gender]:
        roll = self.rng.random()
        if roll < 0.43:
            gender, given = Gender.FEMALE, self.rng.choice(FEMALE_GIVEN)
        elif roll < 0.97:
            gender, given = Gender.MALE, self.rng.choice(MALE_GIVEN)
        elif roll < 0.985:
            gender, given = Gender.DIVERSE, self.rng.choice(DIVERSE_GIVEN)
        else:
            gender, given = Gender.UNSPECIFIED, self.rng.choice(FEMALE_GIVEN + MALE_GIVEN)
        return given, self.rng.choice(FAMILY), gender

    def joined_on(self) -> date:
        span = YEARS * 365
        # More recent joins are more frequent (parties grew in waves; older members have left or died).
        days_ago = int(self.rng.random() ** 1.7 * span)
        return REFERENCE_DAY - timedelta(days=days_ago + 14)

    def status(self) -> tuple[DuesStatus, MemberClass]:
        roll = self.rng.random()
        member_class = MemberClass.FULL
        if roll < 0.06:
            member_class = MemberClass.SUPPORTING
        elif roll < 0.08:
            member_class = MemberClass.GUEST
        roll = self.rng.random()
        if member_class is MemberClass.GUEST:
            dues = DuesStatus.EXEMPT
        elif roll < 0.80:
            dues = DuesStatus.PAID
        elif roll < 0.89:
            dues = DuesStatus.DUE
        elif roll < 0.96:
            dues = DuesStatus.OVERDUE
        else:
            dues = DuesStatus.EXEMPT
        return dues, member_class

    def entry(self, local: tuple[str, str, str, str, tuple[str, ...], int], district_area: str) -> dict[str, object]:
        _district, _name, slug, city, postal_codes, _count = local
        given, family, gender = self.person()
        dues, member_class = self.status()
        rng = self.rng
        if rng.random() < 0.6:
            phone = f"+49 1{rng.choice(('51', '52', '57', '60', '62', '70', '76'))} {rng.randint(1000000, 99999999)}"
        elif rng.random() < 0.6:
            phone = f"+49 {district_area} {rng.randint(100000, 9999999)}"
        else:
            phone = None
        has_address = rng.random() < 0.93
        return {
            "given_name": given,
            "family_name": family,
            "gender": gender,
            "email": self.email(given, family) if rng.random() < 0.95 else None,
            "phone": phone,
            "street": f"{rng.choice(STREETS)} {rng.randint(1, 140)}" if has_address else None,
            "postal_code": rng.choice(postal_codes) if has_address else None,
            "city": city if has_address else None,
            "home_unit_id": self.units[slug].id,
            "joined_on": self.joined_on(),
            "dues_status": dues,
            "member_class": member_class,
        }

    async def members(self) -> tuple[list[Member], dict[str, Member]]:
        areas = {slug: area for _state, _name, slug, area in DISTRICTS}
        entries: list[dict[str, object]] = []
        for_login: dict[int, DemoLogin] = {}
        for local in LOCALS:
            logins = [login for login in LOGINS if login.local == local[2]]
            for i in range(local[5]):
                entry = self.entry(local, areas[local[0]])
                if i < len(logins):
                    login = logins[i]
                    self.emails.add(login.email)
                    entry.update(
                        given_name=login.given_name,
                        family_name=login.family_name,
                        gender=login.gender,
                        email=login.email,
                        dues_status=DuesStatus.PAID,
                        member_class=MemberClass.FULL,
                    )
                    for_login[len(entries)] = login
                entries.append(entry)
        order = sorted(range(len(entries)), key=lambda i: (entries[i]["joined_on"], i))
        number = 100000
        by_login: dict[str, Member] = {}
        members: list[Member] = []
        for i in order:
            number += self.rng.randint(1, 9)
            member = Member(number=str(number), **entries[i])
            members.append(member)
            if i in for_login:
                by_login[for_login[i].email] = member
        self.session.add_all(members)
        await self.session.flush()
        return members, by_login

    async def seats(self, members: list[Member], by_login: dict[str, Member]) -> int:
        seats: list[GroupMembership] = []
        taken: dict[str, set[int]] = {}

        def seat(member: Member, body: str, function: str = "") -> None:
            if member.id in taken.setdefault(body, set()):
                return
            taken[body].add(member.id)
            seats.append(GroupMembership(member_id=member.id, unit_id=self.units[body].id, function=function))

        for login in LOGINS:
            if login.seat:
                seat(by_login[login.email], *login.seat)
        special = {member.id for member in by_login.values()}
        ordinary = [
            member for member in members if member.id not in special and member.member_class is MemberClass.FULL
        ]
        for function in BOARD_FUNCTIONS:
            seat(self.rng.choice(ordinary), "bundesvorstand", function)
        for _name, state, _board, board_slug in STATES:
            path = self.units[state].path
            in_state = [m for m in ordinary if self._path(m).startswith(path)]
            for function in ("Vorsitz", "Stellvertretender Vorsitz", "Schatzamt", "Beisitz", "Beisitz"):
                seat(self.rng.choice(in_state), board_slug, function)
        for _name, slug, count in GROUPS:
            for member in self.rng.sample(members, count):
                seat(member, slug)
        for membership in seats:
            membership.since = REFERENCE_DAY - timedelta(days=self.rng.randint(30, 1400))
        self.session.add_all(seats)
        await self.session.flush()
        return len(seats)

    def _path(self, member: Member) -> str:
        return next(unit.path for unit in self.units.values() if unit.id == member.home_unit_id)

    async def accounts(self, by_login: dict[str, Member]) -> int:
        now = utcnow()
        for login in LOGINS:
            member = by_login[login.email]
            account = Account(
                email=login.email,
                display_name=member.full_name,
                member_id=member.id,
                password_hash=self.hasher.hash(DEMO_PASSWORD),
                password_changed_at=now,
            )
            self.session.add(account)
            await self.session.flush()
            for role, slug in login.grants:
                self.session.add(RoleGrant(account_id=account.id, unit_id=self.units[slug].id, role=role))
        await self.session.flush()
        return len(LOGINS)
