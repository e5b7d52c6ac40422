"""Voting credentials: issuance (the server as credential authority) and delivery (docs/decisions/0002).

A credential is drawn per member, delivered through a :class:`CredentialSink`, turned into its public key and
forgotten. Only the public list (sorted, no member) and each electorate entry's delivery channel ("email" /
"letter") are stored; no credential text reaches the database, a log or an audit event. (The development mailbox
does hold the credential mails, as it holds every mail.)
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.i18n import get_locale, use_locale
from ballot.i18n import gettext as _
from ballot.mail.mailer import send_mail
from ballot.members.models import Member
from ballot.referendums.common import LOCAL_ZONE
from ballot.referendums.models import Election, ElectorateEntry, PublicCredential
from ballot.settings import Settings
from ballot.units.models import Unit
from ballot_crypto.credentials import generate_credential, public_credential

EMAIL, LETTER = "email", "letter"
CHUNK = 500


class CredentialSink(Protocol):
    """Where a freshly drawn credential goes; returns the channel used: "email" or "letter"."""

    async def deliver(self, member: Member, credential_text: str) -> str: ...


class MailCredentialSink:
    """Mails the credential in the member's language (their account's, else the site's default). Members without
    an email address are counted as "letter"; this sink discards their credential (:class:`LetterCredentialSink`
    keeps it in memory for the printed letters)."""

    def __init__(self, session: AsyncSession, settings: Settings, election: Election, *,
                 reissued: bool = False) -> None:
        self.session, self.settings, self.election = session, settings, election
        self.reissued = reissued  # a re-issue before the opening: the mail says that earlier credentials are void
        self.letters = 0
        self.mails = 0
        self._unit_name: str | None = None

    async def _locale(self, member: Member) -> str:
        locale = await self.session.scalar(select(Account.locale).where(Account.member_id == member.id))
        return locale or self.settings.default_locale

    async def deliver(self, member: Member, credential_text: str) -> str:
        if not member.email:
            self.letters += 1
            await self.letter(member, credential_text)
            return LETTER
        if self._unit_name is None:
            unit = await self.session.get(Unit, self.election.unit_id)
            self._unit_name = unit.name if unit else ""
        with use_locale(await self._locale(member)):
            subject, body = credential_mail(self.settings, self.election, self._unit_name, member, credential_text,
                                            reissued=self.reissued)
        await send_mail(self.session, self.settings, member.email, subject, body)
        self.mails += 1
        return EMAIL

    async def letter(self, member: Member, credential_text: str) -> None:
        """A member without email: nothing here (the credential is forgotten)."""


@dataclass(frozen=True)
class Letter:
    """One printed letter: the addressee from the registry and their credential (in memory only)."""

    name: str
    street: str
    postal_code: str
    city: str
    credential: str


class LetterCredentialSink(MailCredentialSink):
    """Mails like :class:`MailCredentialSink`; for members without email it keeps name, postal address and
    credential in memory so that :func:`~ballot.referendums.announcements.pdfs.credential_letters_pdf` can print
    one letter each. Nothing of it is stored: the PDF
    is handed to the election committee once, to be printed and posted."""

    def __init__(self, session: AsyncSession, settings: Settings, election: Election, *,
                 reissued: bool = False) -> None:
        super().__init__(session, settings, election, reissued=reissued)
        self._letters: list[Letter] = []

    async def letter(self, member: Member, credential_text: str) -> None:
        if self._unit_name is None:
            unit = await self.session.get(Unit, self.election.unit_id)
            self._unit_name = unit.name if unit else ""
        self._letters.append(Letter(member.full_name, member.street or "", member.postal_code or "",
                                    member.city or "", credential_text))

    def take_letters(self) -> dict[str, Any] | None:
        """The letters' template context (sorted by postal code and name, titles in the current locale), or None
        without letters. The letters are forgotten afterwards: they cannot be printed again."""
        if not self._letters:
            return None
        letters = sorted(self._letters, key=lambda letter: (letter.postal_code, letter.name))
        self._letters = []
        context = {
            "opens": self.election.opens_at, "closes": self.election.closes_at,
            "election": self.election, "unit_name": self._unit_name or "",
            "title": self.election.title_de if get_locale() == "de" else self.election.title_en,
            "letters": [{"letter": letter, "groups": _groups(letter.credential)}
                        for letter in letters],
            "base_url": self.settings.base_url, "reissued": self.reissued,
        }
        return context


def credential_mail(settings: Settings, election: Election, unit_name: str, member: Member,
                    credential_text: str, *, reissued: bool = False) -> tuple[str, str]:
    """Subject and body of the credential mail, in the current locale (``reissued``: says that every earlier
    credential of this ballot is void)."""
    title = election.title_de if get_locale() == "de" else election.title_en
    opens = election.opens_at.astimezone(LOCAL_ZONE).strftime("%d.%m.%Y %H:%M")
    closes = election.closes_at.astimezone(LOCAL_ZONE).strftime("%d.%m.%Y %H:%M")
    subject = (_("Your new voting credential: %(title)s", title=title) if reissued
               else _("Your voting credential: %(title)s", title=title))
    lines = [
        _("Hello %(name)s,", name=member.full_name),
        "",
        *([_("The election committee has issued new voting credentials for this ballot before its opening. The "
             "credential you received earlier is void: use only the one in this mail."), ""] if reissued else []),
        _("%(unit)s holds a binding secret ballot: “%(title)s”. Voting is open from %(opens)s to %(closes)s.",
          unit=unit_name, title=title, opens=opens, closes=closes),
        "",
        _("This is your personal voting credential for this ballot:"),
        "",
        "    " + credential_text,
        "",
        _("You type it in the voting booth when you vote; it signs your encrypted ballot, so that anyone can "
          "check that only eligible members voted, without learning who voted how."),
        _("Keep it secret and keep this mail: anyone who knows the credential can vote in your name. We do not "
          "store it and cannot send it again."),
        "",
        "-- ",
        _("Member portal") + " · " + settings.base_url,
    ]
    return subject, "\n".join(lines) + "\n"


def election_salt(election: Election) -> bytes:
    """The 16 bytes of the election's UUID (RFC 4122 order), as docs/election-record.md 3.5 says."""
    return uuid.UUID(election.uuid).bytes


async def issue_credentials(session: AsyncSession, election: Election, members: Sequence[Member],
                            sink: CredentialSink) -> list[str]:
    """Draw, deliver and forget one credential per member; store PublicCredential rows and each entry's delivery.
    Returns the sorted public credential list (hex). The members' ElectorateEntry rows must exist."""
    salt = election_salt(election)
    public: set[str] = set()
    channels: dict[str, list[int]] = {}
    for member in members:
        secret = generate_credential()
        key = public_credential(secret, salt).hex()
        channel = await sink.deliver(member, secret)
        del secret
        if channel not in (EMAIL, LETTER):
            raise ValueError(f"unknown delivery channel {channel!r}")
        if key in public:  # pragma: no cover - 90 random bits
            raise RuntimeError("credential collision")
        public.add(key)
        channels.setdefault(channel, []).append(member.id)
    ordered = sorted(public)
    session.add_all(PublicCredential(election_id=election.id, credential=c) for c in ordered)
    for channel, ids in channels.items():
        for start in range(0, len(ids), CHUNK):
            await session.execute(
                update(ElectorateEntry)
                .where(ElectorateEntry.election_id == election.id,
                       ElectorateEntry.member_id.in_(ids[start:start + CHUNK]))
                .values(delivery=channel)
            )
    await session.flush()
    return ordered


def _groups(credential_text: str) -> list[str]:
    """The credential's groups as printed on a letter (the booth accepts them with or without dashes)."""
    return [group for group in credential_text.split("-") if group]
