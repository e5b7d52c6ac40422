"""The demo organisation as fixed data: the party, its states, districts, locals and groups, one login per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ballot.authz.models import Role
from ballot.members.models import Gender

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
