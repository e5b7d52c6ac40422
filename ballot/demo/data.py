"""Load the demo organisation once: units, bodies, groups, 300 members and one login per role.

Everything comes from ``random.Random(SEED)`` and a fixed reference day, so two fresh databases get the same data.
Loading is idempotent: when the demo's federal unit exists, nothing changes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.accounts.passwords import PasswordHasher
from ballot.audit.services import record_event
from ballot.authz.models import Role, RoleGrant
from ballot.db import utcnow
from ballot.demo.discussions import load_demo_discussions
from ballot.demo.motions import load_demo_motions
from ballot.demo.names import DIVERSE_GIVEN, FAMILY, FEMALE_GIVEN, MALE_GIVEN, STREETS
from ballot.demo.statutes import load_statutes
from ballot.demo.surveys import load_demo_surveys
from ballot.exceptions import Conflict
from ballot.i18n import gettext as _
from ballot.members.models import DuesStatus, Gender, GroupMembership, Member, MemberClass
from ballot.units.models import BodyType, Unit, UnitKind
from ballot.units.services import create_unit, slugify

SEED = 20260115
REFERENCE_DAY = date(2026, 1, 15)
YEARS = 30
DEMO_PASSWORD = "demo-passwort-2026"  # noqa: S105 (published demo password, printed on purpose)
PARTY_NAME = "Demokratische Beteiligungspartei"
FEDERAL_SLUG = "bundesverband"
MEMBER_DOMAIN = "mail.example"


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


STATES = (
    ("Landesverband Nordrhein-Westfalen", "lv-nrw", "Landesvorstand NRW", "landesvorstand-nrw"),
    ("Landesverband Sachsen", "lv-sachsen", "Landesvorstand Sachsen", "landesvorstand-sachsen"),
)
#: (state slug, district name, slug, phone area code)
DISTRICTS = (
    ("lv-nrw", "Kreisverband Köln", "kv-koeln", "221"),
    ("lv-nrw", "Kreisverband Münster", "kv-muenster", "251"),
    ("lv-sachsen", "Kreisverband Leipzig", "kv-leipzig", "341"),
    ("lv-sachsen", "Kreisverband Dresden", "kv-dresden", "351"),
)
#: (district slug, local name, slug, city, postal codes, members)
LOCALS = (
    ("kv-koeln", "Ortsverband Köln-Ehrenfeld", "ov-koeln-ehrenfeld", "Köln", ("50823", "50825", "50827"), 52),
    ("kv-koeln", "Ortsverband Köln-Nippes", "ov-koeln-nippes", "Köln", ("50733", "50735", "50739"), 40),
    ("kv-muenster", "Ortsverband Münster-Mitte", "ov-muenster-mitte", "Münster", ("48143", "48145", "48147"), 45),
    ("kv-muenster", "Ortsverband Münster-Hiltrup", "ov-muenster-hiltrup", "Münster", ("48165",), 25),
    ("kv-leipzig", "Ortsverband Leipzig-Connewitz", "ov-leipzig-connewitz", "Leipzig", ("04277", "04279"), 48),
    ("kv-leipzig", "Ortsverband Leipzig-Gohlis", "ov-leipzig-gohlis", "Leipzig", ("04155", "04157"), 32),
    ("kv-dresden", "Ortsverband Dresden-Neustadt", "ov-dresden-neustadt", "Dresden", ("01097", "01099"), 38),
    ("kv-dresden", "Ortsverband Dresden-Blasewitz", "ov-dresden-blasewitz", "Dresden", ("01277", "01309"), 20),
)
GROUPS = (
    ("AG Digitales und Netzpolitik", "ag-digitales", 34),
    ("AG Klima und Umwelt", "ag-klima", 27),
)


@dataclass(frozen=True)
class DemoLogin:
    """A demo account: email, what it can do, and the registry entry behind it."""

    email: str
    role: str
    given_name: str
    family_name: str
    gender: Gender
    local: str
    grants: tuple[tuple[Role, str], ...] = ()
    seat: tuple[str, str] | None = None  # (body slug, function)


LOGINS = (
    DemoLogin("mitglied@demo.example", N_("member"), "Miriam", "Kowalski", Gender.FEMALE, "ov-koeln-ehrenfeld"),
    DemoLogin(
        "vorstand@demo.example",
        N_("board"),
        "Thomas",
        "Berger",
        Gender.MALE,
        "ov-muenster-mitte",
        ((Role.BOARD, FEDERAL_SLUG),),
        ("bundesvorstand", "Vorsitz"),
    ),
    DemoLogin(
        "wahlkommission@demo.example",
        N_("election committee (trustee)"),
        "Elif",
        "Demir",
        Gender.FEMALE,
        "ov-leipzig-connewitz",
        ((Role.ELECTION_COMMITTEE, FEDERAL_SLUG), (Role.ELECTION_COMMITTEE, "bundeswahlkommission")),
        ("bundeswahlkommission", "Vorsitz"),
    ),
    # Two more trustees, so that the demo can hold a 2-of-3 key ceremony (the demo statute requires a secret ballot).
    DemoLogin(
        "wahlkommission2@demo.example",
        N_("election committee (trustee)"),
        "Jan",
        "Nowak",
        Gender.MALE,
        "ov-koeln-nippes",
        ((Role.ELECTION_COMMITTEE, FEDERAL_SLUG), (Role.ELECTION_COMMITTEE, "bundeswahlkommission")),
        ("bundeswahlkommission", "Stellvertretender Vorsitz"),
    ),
    DemoLogin(
        "wahlkommission3@demo.example",
        N_("election committee (trustee)"),
        "Aylin",
        "Yıldız",
        Gender.FEMALE,
        "ov-dresden-neustadt",
        ((Role.ELECTION_COMMITTEE, FEDERAL_SLUG), (Role.ELECTION_COMMITTEE, "bundeswahlkommission")),
        ("bundeswahlkommission", "Mitglied"),
    ),
    DemoLogin(
        "moderation@demo.example",
        N_("moderator"),
        "Jonas",
        "Weber",
        Gender.MALE,
        "ov-dresden-neustadt",
        ((Role.MODERATOR, FEDERAL_SLUG),),
    ),
    DemoLogin(
        "pruefung@demo.example",
        N_("auditor"),
        "Sabine",
        "Krause",
        Gender.FEMALE,
        "ov-leipzig-gohlis",
        ((Role.AUDITOR, FEDERAL_SLUG),),
    ),
    DemoLogin(
        "admin@demo.example",
        N_("admin"),
        "Karim",
        "Haddad",
        Gender.MALE,
        "ov-koeln-nippes",
        ((Role.ADMIN, FEDERAL_SLUG),),
    ),
)
BOARD_FUNCTIONS = (
    "Stellvertretender Vorsitz",
    "Stellvertretender Vorsitz",
    "Schatzamt",
    "Beisitz",
    "Beisitz",
    "Beisitz",
)


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


def _ascii(text: str) -> str:
    return slugify(text.replace("ı", "i").replace("ł", "l").replace("Ł", "L")).replace("-", "")


class _Builder:
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
    builder = _Builder(session, hasher)
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
