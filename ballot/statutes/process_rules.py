"""The rules of one process kind (referendum, survey, election) in plain language: who may start it, deadlines,
quorum, majority, subjects, secrecy and seats, each rule with its paragraph."""

from __future__ import annotations

from ballot.i18n import gettext as _
from ballot.i18n import ngettext
from ballot.statutes.labels import LEVELS, value_label
from ballot.statutes.wording import Row, Section, duration_text, fraction_text, majority_text
from ballot_crypto.statutes.model import Election, PetitionRoute, Process


def _list(values: tuple[str, ...]) -> str:
    return ", ".join(value_label(v) for v in values)


def _initiation(process: Process) -> list[Row]:
    initiation = process.initiation
    rows: list[Row] = []
    for body in initiation.bodies:
        rows.append(
            Row(
                _(
                    "A resolution of the body %(name)s: %(majority)s",
                    name=body.name,
                    majority=majority_text(body.majority),
                ),
                body.paragraph or initiation.paragraph,
            )
        )
    for route in initiation.sub_units:
        parts = []
        if route.number:
            parts.append(ngettext("at least %(num)s sub-unit", "at least %(num)s sub-units", route.number))
        if route.share:
            parts.append(_("at least %(share)s of the sub-units", share=fraction_text(route.share)))
        if route.representing:
            parts.append(_("representing at least %(share)s of the members", share=fraction_text(route.representing)))
        text = _(
            "A request of sub-units (levels: %(levels)s): %(conditions)s.",
            levels=", ".join(str(LEVELS.get(v, v)) for v in route.levels),
            conditions=", ".join(parts),
        )
        rows.append(Row(text, route.paragraph or initiation.paragraph))
    for petition in initiation.petitions:
        rows.extend(_petition(petition, initiation.paragraph))
    if not rows:
        rows.append(Row(_("The statute names no route to start it."), initiation.paragraph))
    return rows


def _petition(petition: PetitionRoute, paragraph: str | None) -> list[Row]:
    name = petition.name or _("Petition")
    rows = []
    for number, stage in enumerate(petition.stages, 1):
        needed = []
        if stage.share:
            needed.append(_("%(share)s of the members", share=fraction_text(stage.share)))
        if stage.number:
            needed.append(ngettext("%(num)s signature", "%(num)s signatures", stage.number))
        text = _("%(name)s, stage %(stage)s: %(needed)s", name=name, stage=number, needed=_(" or ").join(needed))
        if stage.window is not None:
            text += " " + _("within %(window)s", window=duration_text(stage.window))
        if stage.spread_sub_units:
            text += ", " + ngettext(
                "from at least %(num)s sub-units", "from at least %(num)s sub-units", stage.spread_sub_units
            )
        if stage.spread_states:
            text += ", " + ngettext("in at least %(num)s state", "in at least %(num)s states", stage.spread_states)
        text += "."
        if stage.admissibility is not None:
            text += " " + _(
                "The board decides on admissibility within %(period)s.", period=duration_text(stage.admissibility)
            )
        rows.append(Row(text, stage.paragraph or petition.paragraph or paragraph))
    details = []
    if petition.validity is not None:
        details.append(_("A signature counts for %(period)s.", period=duration_text(petition.validity)))
    details.append(_("Members may sign online.") if petition.online else _("Signatures are collected on paper only."))
    rows.append(Row(" ".join(details), petition.paragraph or paragraph))
    return rows


def _deadlines(process: Process) -> list[Row]:
    d = process.deadlines
    rows = []
    if d.announcement.amount:
        text = _("The vote is announced at least %(period)s before it opens", period=duration_text(d.announcement))
        text += _(", naming the subject.") if d.announcement_names_subject else "."
    else:
        text = _("No notice period before the vote opens.")
    rows.append(Row(text, d.paragraph))
    if d.voting_max is not None:
        rows.append(
            Row(
                _(
                    "Voting runs at least %(min)s and at most %(max)s.",
                    min=duration_text(d.voting_min),
                    max=duration_text(d.voting_max),
                ),
                d.paragraph,
            )
        )
    else:
        rows.append(Row(_("Voting runs at least %(min)s.", min=duration_text(d.voting_min)), d.paragraph))
    if d.grace.amount:
        rows.append(
            Row(
                _("Late (postal) ballots are accepted for %(period)s after the close.", period=duration_text(d.grace)),
                d.paragraph,
            )
        )
    return rows


def _quorum(process: Process) -> list[Row]:
    q = process.quorum
    rows = []
    if q.participation:
        rows.append(
            Row(
                _("At least %(share)s of the eligible members must take part.", share=fraction_text(q.participation)),
                q.paragraph,
            )
        )
    if q.approval:
        rows.append(
            Row(
                _(
                    "The yes votes must reach at least %(share)s of the eligible members.",
                    share=fraction_text(q.approval),
                ),
                q.paragraph,
            )
        )
    if not rows:
        rows.append(Row(_("No quorum."), q.paragraph))
    elif q.on_miss == "invalid":
        rows.append(Row(_("If a quorum is missed, the vote is invalid."), q.paragraph))
    else:
        rows.append(Row(_("If a quorum is missed, the result is only advisory."), q.paragraph))
    return rows


def _majority(process: Process) -> list[Row]:
    m = process.majority
    abstentions = {
        "turnout_only": _("Abstentions count for turnout, not for the majority."),
        "as_no": _("Abstentions count as no votes."),
        "ignored": _("Abstentions do not count at all."),
    }[m.abstentions]
    ties = {
        "rejected": _("A tie means the proposal is rejected."),
        "runoff": _("A tie leads to a runoff."),
        "lot": _("A tie is decided by lot."),
    }[m.ties]
    rows = [Row(majority_text(m), m.paragraph), Row(f"{abstentions} {ties}", m.paragraph)]
    for subject, special in process.majorities.items():
        rows.append(
            Row(
                _("On %(subject)s: %(majority)s", subject=value_label(subject), majority=majority_text(special)),
                special.paragraph,
            )
        )
    return rows


def _subjects(process: Process) -> list[Row]:
    s = process.subjects
    rows = []
    if s.advisory:
        rows.append(Row(_("Only advisory on: %(subjects)s.", subjects=_list(s.advisory)), s.paragraph))
    if s.confirmatory:
        rows.append(
            Row(
                _("Confirms or rejects a convention resolution on: %(subjects)s.", subjects=_list(s.confirmatory)),
                s.paragraph,
            )
        )
    if s.excluded:
        rows.append(Row(_("No member vote on: %(subjects)s.", subjects=_list(s.excluded)), s.paragraph))
    if not rows:
        rows.append(Row(_("Every subject may be decided with binding effect."), s.paragraph))
    if process.lockout.period is not None:
        rows.append(
            Row(
                _(
                    "The same matter may be put to a vote again only after %(period)s.",
                    period=duration_text(process.lockout.period),
                ),
                process.lockout.paragraph,
            )
        )
    return rows


def _ballot(process: Process) -> list[Row]:
    b = process.ballot
    rows = [
        Row(_("The vote is secret.") if b.secret else _("The vote may be open."), b.paragraph),
        Row(
            _("Voters may change their vote until the close.") if b.revoting else _("A ballot is final once cast."),
            b.paragraph,
        ),
        Row(_("Channels: %(channels)s.", channels=_list(b.channels)), b.paragraph),
    ]
    if b.offline_required:
        rows.append(Row(_("A channel other than online voting must be offered."), b.paragraph))
    return rows


def _election(election: Election) -> list[Row]:
    rows = [
        Row(
            ngettext("%(num)s seat is filled", "%(num)s seats are filled", election.seats)
            + ", "
            + (_("each winner needs the majority.") if election.method == "majority" else _("the most votes win.")),
            election.paragraph,
        )
    ]
    quota = election.quota
    if quota.odd_places_women:
        rows.append(Row(_("Odd list places (1, 3, 5, …) are reserved for women."), quota.paragraph))
    if quota.women_min_share:
        rows.append(
            Row(
                _("At least %(share)s of a list's places go to women.", share=fraction_text(quota.women_min_share)),
                quota.paragraph,
            )
        )
    return rows


def process_sections(kind: str, process: Process) -> list[Section]:
    sections = [
        Section(f"{kind}.initiation", _("Who may start it"), _initiation(process)),
        Section(f"{kind}.deadlines", _("Deadlines"), _deadlines(process)),
        Section(f"{kind}.quorum", _("Quorum"), _quorum(process)),
        Section(f"{kind}.majority", _("Majority"), _majority(process)),
        Section(f"{kind}.subjects", _("Binding or advisory by subject"), _subjects(process)),
        Section(f"{kind}.ballot", _("Secrecy, revoting and channels"), _ballot(process)),
    ]
    if isinstance(process, Election):
        sections.insert(0, Section(f"{kind}.seats", _("Seats and lists"), _election(process)))
    return sections
