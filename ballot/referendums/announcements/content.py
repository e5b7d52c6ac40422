"""What the announcement (Bekanntmachung) of a binding ballot says, in one language.

The same facts go into the mail (``templates/email/announcement.txt``) and the printed letters
(``templates/referendums/pdf/announcement_letters.html``): the unit, the title, the questions or candidates with
the voting method, when voting opens and closes, the statute (with the paragraph of its announcement deadline),
how the voting credential arrives and the link to the ballot. Nothing here is secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime, get_timezone
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.i18n import get_locale, use_locale
from ballot.i18n import gettext as _
from ballot.referendums.common import frozen_rules, local_date, processes_of, unit_of
from ballot.referendums.models import Election, ElectionKind
from ballot.settings import Settings
from ballot.statutes.models import StatuteSnapshot
from ballot.statutes.wording import duration_text
from ballot_crypto.statutes import Rules, schedule
from ballot_crypto.statutes.values import Duration

_BERLIN = get_timezone("Europe/Berlin")


@dataclass(frozen=True)
class Deadline:
    """The statute's announcement deadline for this ballot: announce on or before ``by`` (``paragraph``)."""

    by: date
    duration: Duration
    paragraph: str | None

    @property
    def period(self) -> str:
        """The period in words, in the current locale."""
        return duration_text(self.duration)


def announcement_deadline(rules: Rules, election: Election) -> Deadline | None:
    """The strictest announcement deadline of the ballot's processes, or None when the statute sets none."""
    found: Deadline | None = None
    for process in processes_of(election.questions):
        deadlines = rules.process(process).deadlines
        if deadlines.announcement.amount == 0:
            continue
        by = schedule(rules, process, local_date(election.opens_at)).announce_by
        if found is None or by < found.by:
            found = Deadline(by, deadlines.announcement, deadlines.paragraph)
    return found


def is_late(deadline: Deadline | None, moment: datetime) -> bool:
    """Whether an announcement made at ``moment`` misses the statute's deadline (calendar days in Germany)."""
    return deadline is not None and local_date(moment) > deadline.by


def _when(moment: datetime) -> str:
    return format_datetime(moment, format="long", locale=get_locale(), tzinfo=_BERLIN)


def _localized(text: Any) -> str:
    if isinstance(text, dict):
        return str(text.get(get_locale()) or text.get("de") or "")
    return str(text or "")


def method_text(question: dict[str, Any]) -> str:
    """How a member votes on ``question``, in a sentence."""
    kind, most = question.get("kind"), question.get("max")
    if kind == "referendum":
        return _("Vote yes, no or abstain.")
    if kind == "single":
        return _("Vote for one candidate.")
    if kind == "approval":
        return _("Vote for up to %(number)s candidates.", number=most)
    if kind == "yes_no_abstain":
        return _("Vote yes, no or abstain for each candidate.")
    if kind == "cumulative":
        per = max((int(o.get("max") or 0) for o in question.get("options", [])), default=0)
        return _("Give up to %(total)s votes in total, at most %(per)s per candidate.", total=most, per=per)
    return ""


@dataclass(frozen=True)
class Facts:
    """The language-independent facts of an announcement, loaded once per run."""

    election: Election
    unit_name: str
    statute_name: str
    deadline: Deadline | None


async def load_facts(session: AsyncSession, election: Election) -> Facts:
    """Unit, statute and deadline of ``election`` (which must be locked)."""
    unit = await unit_of(session, election)
    rules = await frozen_rules(session, election)
    snapshot = await session.get(StatuteSnapshot, election.statute_snapshot_id)
    name = rules.statute.name or (snapshot.rules_sha256[:12] if snapshot else "")
    return Facts(election, unit.name, name, announcement_deadline(rules, election))


def announcement_context(settings: Settings, facts: Facts, locale: str) -> dict[str, Any]:
    """Everything the mail and the letters show, in ``locale`` (no addressee)."""
    election = facts.election
    with use_locale(locale):
        title = election.title_en if locale == "en" and election.title_en else election.title_de
        kind = _("member referendum") if election.kind == ElectionKind.REFERENDUM else _("election")
        questions = [{"text": _localized(q["text"]), "method": method_text(q),
                      "options": [_localized(o["label"]) for o in q["options"]]} for q in election.questions]
        deadline = facts.deadline
        statute = (_("%(statute)s; announcement deadline: %(period)s before the opening (%(paragraph)s)",
                     statute=facts.statute_name, period=deadline.period, paragraph=deadline.paragraph or "–")
                   if deadline else facts.statute_name)
        return {
            "unit": facts.unit_name, "title": title, "kind": kind, "questions": questions,
            "candidates": election.kind == ElectionKind.ELECTION,
            "opens": _when(election.opens_at), "closes": _when(election.closes_at),
            "statute": statute, "statute_sha256": election.statute_sha256 or "",
            "link": f"{settings.base_url}/ballots/{election.uuid}",
            "deadline": format_date(deadline.by, format="long", locale=locale) if deadline else "",
        }


def announcement_subject(context: dict[str, Any], locale: str) -> str:
    """The subject line of the announcement mail."""
    with use_locale(locale):
        return _("Announcement: %(title)s", title=context["title"])
