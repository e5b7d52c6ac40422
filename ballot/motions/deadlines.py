"""Deadlines from the statute: ``[motions] deadline`` and ``amendment_deadline`` say how long before the convention
(or vote) motions and amendments must be in. From the date of the convention the consultation form proposes both
deadlines: the same time of day, the duration earlier in calendar terms (Berlin time; 1 month before 31 March is
28/29 February, as ``Duration.before`` clamps)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.i18n import LOCAL_ZONE, ngettext
from ballot.i18n import gettext as _
from ballot.statutes.services import effective_rules
from ballot.units.models import Unit
from ballot_crypto.statutes import StatuteError
from ballot_crypto.statutes.values import Duration


@dataclass(frozen=True)
class StatuteDeadlines:
    """The statute's durations (None: not set) and its paragraph."""

    deadline: Duration | None
    amendment_deadline: Duration | None
    paragraph: str | None

    @property
    def any(self) -> bool:
        return self.deadline is not None or self.amendment_deadline is not None


async def statute_deadlines(session: AsyncSession, unit: Unit) -> StatuteDeadlines:
    """The durations of the unit's effective statute (none when it cannot be resolved)."""
    try:
        motions = (await effective_rules(session, unit)).rules.motions
    except StatuteError:
        return StatuteDeadlines(None, None, None)
    return StatuteDeadlines(motions.deadline, motions.amendment_deadline, motions.paragraph)


def before(event_at: datetime, duration: Duration) -> datetime:
    """``event_at`` minus ``duration`` in Berlin calendar terms, as UTC."""
    local = event_at.astimezone(LOCAL_ZONE)
    day = duration.before(local.date())
    return datetime.combine(day, local.time(), tzinfo=LOCAL_ZONE).astimezone(UTC)


def propose(event_at: datetime, rules: StatuteDeadlines) -> tuple[datetime | None, datetime | None]:
    """(deadline for motions, deadline for amendments) before the convention at ``event_at``."""
    return (before(event_at, rules.deadline) if rules.deadline else None,
            before(event_at, rules.amendment_deadline) if rules.amendment_deadline else None)


def duration_text(duration: Duration) -> str:
    """A duration in words, e.g. "6 weeks"."""
    words = {
        "D": ngettext("%(num)s day", "%(num)s days", duration.amount),
        "W": ngettext("%(num)s week", "%(num)s weeks", duration.amount),
        "M": ngettext("%(num)s month", "%(num)s months", duration.amount),
        "Y": ngettext("%(num)s year", "%(num)s years", duration.amount),
    }
    return words[duration.unit]


def explanation(rules: StatuteDeadlines) -> str:
    """What the statute says, with its paragraph, e.g. "§ 18: motions 6 weeks, amendments 2 weeks before"."""
    parts = []
    if rules.deadline:
        parts.append(_("motions %(time)s before the convention", time=duration_text(rules.deadline)))
    if rules.amendment_deadline:
        parts.append(_("amendments %(time)s before", time=duration_text(rules.amendment_deadline)))
    text = ", ".join(parts)
    return f"{rules.paragraph}: {text}" if rules.paragraph else text
