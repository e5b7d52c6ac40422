"""What the frozen (or effective) statute says about a ballot's schedule and its online, secret conduct."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ballot.i18n import gettext as _
from ballot.referendums.common import local_date
from ballot_crypto.statutes import Rules, check_ballot, check_schedule


def schedule_errors(rules: Rules, processes: Sequence[str], announcement_at: datetime, opens_at: datetime,
                    closes_at: datetime) -> dict[str, str]:
    """The statute's notice and voting-period rules for every process the questions run under."""
    errors: dict[str, str] = {}
    for process in processes:
        decision = check_schedule(rules, process, local_date(announcement_at), local_date(opens_at),
                                  local_date(closes_at))
        for check in decision.trail:
            if check.result == "met":
                continue
            where = f" ({check.paragraph})" if check.paragraph else ""
            if check.name == "deadlines.announcement":
                errors["announcement_at"] = _("The statute requires the announcement by %(date)s%(where)s.",
                                              date=check.inputs["announce_by"].isoformat(), where=where)
            else:
                latest = check.inputs["latest_close"]
                errors["closes_at"] = _(
                    "The statute requires a close between %(earliest)s and %(latest)s%(where)s.",
                    earliest=check.inputs["earliest_close"].isoformat(),
                    latest=latest.isoformat() if latest else "…", where=where)
    return errors


def postal_errors(rules: Rules, processes: Sequence[str], postal: bool) -> list[str]:
    """Why the statute forbids offering postal voting (Briefwahl) beside online voting here, or requires it."""
    problems = []
    for process in processes:
        ballot = rules.process(process).ballot
        where = f" ({ballot.paragraph})" if ballot.paragraph else ""
        if postal and "postal" not in ballot.channels:
            problems.append(_("The statute does not allow postal voting in a %(process)s%(where)s.",
                              process=process, where=where))
        elif not postal and ballot.offline_required and "postal" in ballot.channels:
            problems.append(_("The statute requires a channel besides online voting%(where)s: offer postal "
                              "voting.", where=where))
    if postal and len({rules.process(p).ballot.postal_precedence for p in processes}) > 1:
        problems.append(_("The questions of this ballot fall under statute rules with different precedences "
                          "between online and postal votes; put them to separate ballots."))
    return problems


def postal_by_default(rules: Rules, processes: Sequence[str]) -> bool:
    """Whether the statute requires a channel besides online voting that postal voting provides."""
    return any(rules.process(p).ballot.offline_required and "postal" in rules.process(p).ballot.channels
               for p in processes)


def ballot_refusals(rules: Rules, processes: Sequence[str], threshold: int, postal: bool = False) -> list[str]:
    """Why the statute forbids this ballot online (and, with ``postal``, by post besides); empty when it allows
    it."""
    problems = postal_errors(rules, processes, postal)
    for process in processes:
        ballot = rules.process(process).ballot
        where = f" ({ballot.paragraph})" if ballot.paragraph else ""
        if "online" not in ballot.channels:
            problems.append(_("The statute does not allow online voting in a %(process)s%(where)s.",
                              process=process, where=where))
            continue
        channels = ["online", "postal"] if postal else ["online"]
        if check_ballot(rules, process, True, ballot.revoting, channels).outcome != "valid" and not (
                not postal and ballot.offline_required and "postal" in ballot.channels):
            problems.append(_("The statute requires a channel besides online voting that is not offered "
                              "here%(where)s.", where=where))
        if ballot.secret and threshold < 2:
            problems.append(_("The statute requires a secret ballot: with a threshold of 1, a single trustee "
                              "could decrypt every ballot. Choose a threshold of at least 2%(where)s.", where=where))
    return problems
