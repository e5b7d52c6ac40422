"""The voter's side of the pages: who may vote now and why not, the questions as form controls, reading the
choices from a form, the choices in words, and the receipt of a board position (helpers of booth/views.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.principal import Principal
from ballot.i18n import get_locale
from ballot.i18n import gettext as _
from ballot.referendums.models import BoardEntry, Election, ElectionState, ElectorateEntry, VoterRegister
from ballot.referendums.register import has_voted
from ballot.referendums.trustees.ceremony import board_signing_key
from ballot.settings import Settings
from ballot_crypto.ballots import signed_message
from ballot_crypto.board import RECEIPT_DOMAIN

TRACKER_RE = re.compile(r"^[0-9a-f]{64}$")
YES_NO_KINDS = ("referendum", "yes_no_abstain")
BLANK = "blank"


@dataclass(frozen=True)
class Standing:
    """Whether the member may cast now; ``reason`` says why not (a translated sentence), ``revote`` whether a
    cast replaces an earlier one."""

    may_vote: bool
    reason: str = ""
    eligible: bool = False
    voted: bool = False
    revote: bool = False
    status: int = 200


async def standing(session: AsyncSession, principal: Principal, election: Election, now: datetime) -> Standing:
    """The member's standing in this ballot at ``now``."""
    entry = None
    if principal.member_id is not None:
        entry = await session.get(ElectorateEntry, (election.id, principal.member_id))
    if entry is None:
        return Standing(False, _("You are not in the electorate of this ballot, so you cannot vote in it. The "
                                 "electorate was fixed from the member registry at the cut-off date the statute "
                                 "sets."), status=403)
    registered = await session.get(VoterRegister, (election.id, principal.member_id))
    voted = has_voted(registered)
    if election.state in (ElectionState.CLOSED, ElectionState.TALLIED) or now >= election.closes_at:
        return Standing(False, _("This ballot is closed; voting is no longer possible. You can check on the "
                                 "bulletin board whether your ballot was counted."), eligible=True, voted=voted,
                        status=409)
    if election.state != ElectionState.OPEN or now < election.opens_at:
        return Standing(False, _("This ballot is not open yet. Voting starts when the board opens the ballot box."),
                        eligible=True, status=409)
    if registered is not None and registered.channel == "postal":
        return Standing(False, _("You have already voted by post, so you cannot vote online."), eligible=True,
                        voted=True, status=409)
    if voted and not election.revoting:
        return Standing(False, _("You have already voted; this ballot does not allow changing a vote."),
                        eligible=True, voted=True, status=409)
    return Standing(True, eligible=True, voted=voted, revote=voted)


def _text(value: Any) -> str:
    if isinstance(value, dict):
        locale = get_locale()
        return str(value.get(locale) or value.get("de") or value.get("en") or next(iter(value.values()), ""))
    return str(value or "")


@dataclass(frozen=True)
class OptionView:
    id: str
    label: str
    max: int


@dataclass(frozen=True)
class QuestionView:
    """A manifest question as the booth shows it. ``control``: radio (one of), checkbox (up to max), number
    (votes per option, cumulative)."""

    id: str
    kind: str
    text: str
    options: tuple[OptionView, ...]
    min: int
    max: int
    control: str

    @property
    def field(self) -> str:
        return f"q-{self.id}"

    @property
    def blank_allowed(self) -> bool:
        return self.min == 0

    @property
    def has_abstain(self) -> bool:
        return any(o.id == "abstain" for o in self.options)


def _label(kind: str, option: dict[str, Any]) -> str:
    if kind in YES_NO_KINDS:
        fixed = {"yes": _("Yes"), "no": _("No"), "abstain": _("Abstention")}
        if option["id"] in fixed:
            return fixed[option["id"]]
    return _text(option.get("label"))


def questions_of(election: Election) -> list[QuestionView]:
    views = []
    for q in election.questions:
        kind = str(q["kind"])
        options = tuple(OptionView(str(o["id"]), _label(kind, o), int(o.get("max", 1))) for o in q["options"])
        if kind == "cumulative":
            control = "number"
        elif kind == "approval" and int(q["max"]) > 1:
            control = "checkbox"
        else:
            control = "radio"
        text = _text(q.get("text"))
        if kind == "yes_no_abstain":  # one candidate, whose name is the question's text
            text = _("Candidate: %(name)s", name=text)
        views.append(QuestionView(str(q["id"]), kind, text, options, int(q.get("min", 0)), int(q["max"]), control))
    return views


class FormValues:
    """What a form submitted, as single values and lists (checkboxes)."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.pairs = [(k, v.strip()) for k, v in pairs]

    def get(self, name: str) -> str:
        values = self.getall(name)
        return values[-1] if values else ""

    def getall(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]


def read_choices(questions: Sequence[QuestionView], form: FormValues) -> tuple[list[list[int]], dict[str, str]]:
    """The votes per option per question, and errors by field name (``q-<id>``)."""
    choices: list[list[int]] = []
    errors: dict[str, str] = {}
    for q in questions:
        ids = [o.id for o in q.options]
        votes = [0] * len(ids)
        if q.control == "radio":
            value = form.get(q.field)
            if value and value != BLANK:
                if value in ids:
                    votes[ids.index(value)] = 1
                else:
                    errors[q.field] = _("Please choose one of the options.")
        elif q.control == "checkbox":
            picked = set(form.getall(q.field))
            if picked - set(ids):
                errors[q.field] = _("Please choose among the listed options.")
            votes = [1 if i in picked else 0 for i in ids]
            if sum(votes) > q.max:
                errors[q.field] = _("Please choose at most %(max)d.", max=q.max)
        else:
            for n, option in enumerate(q.options):
                raw = form.get(f"{q.field}-{option.id}")
                if not raw:
                    continue
                if not raw.isdigit() or int(raw) > option.max:
                    errors[q.field] = _("Please give each candidate a whole number of votes from 0 to %(max)d.",
                                        max=option.max)
                    break
                votes[n] = int(raw)
            if q.field not in errors and sum(votes) > q.max:
                errors[q.field] = _("Please give at most %(max)d votes in all.", max=q.max)
        if q.field not in errors and sum(votes) < q.min:
            errors[q.field] = _("This question needs at least %(min)d vote(s).", min=q.min)
        choices.append(votes)
    return choices, errors


@dataclass(frozen=True)
class Answer:
    """A question and the choice in words (for the review step)."""

    question: QuestionView
    words: list[str]
    blank: bool


def in_words(questions: Sequence[QuestionView], choices: Sequence[Sequence[int]]) -> list[Answer]:
    answers = []
    for q, votes in zip(questions, choices, strict=True):
        if not any(votes):
            answers.append(Answer(q, [_("No vote (left blank)")], True))
        elif q.control == "number":
            answers.append(Answer(q, [_("%(name)s: %(votes)d vote(s)", name=o.label, votes=v)
                                      for o, v in zip(q.options, votes, strict=True) if v], False))
        else:
            answers.append(Answer(q, [o.label for o, v in zip(q.options, votes, strict=True) if v], False))
    return answers


def hidden_fields(questions: Sequence[QuestionView], choices: Sequence[Sequence[int]]) -> list[tuple[str, str]]:
    """The form fields that submit ``choices`` again (the review step's hidden inputs)."""
    pairs: list[tuple[str, str]] = []
    for q, votes in zip(questions, choices, strict=True):
        for option, v in zip(q.options, votes, strict=True):
            if q.control == "number":
                pairs.append((f"{q.field}-{option.id}", str(v)))
            elif v:
                pairs.append((q.field, option.id))
        if q.control == "radio" and not any(votes):
            pairs.append((q.field, BLANK))
    return pairs


def selected(questions: Sequence[QuestionView], choices: Sequence[Sequence[int]] | None) -> dict[str, Any]:
    """For re-filling the form: the chosen option ids per radio / checkbox field, the numbers per number field."""
    if choices is None:
        return {}
    values: dict[str, Any] = {}
    for q, votes in zip(questions, choices, strict=True):
        for option, v in zip(q.options, votes, strict=True):
            if q.control == "number":
                values[f"{q.field}-{option.id}"] = v
            elif v:
                values.setdefault(q.field, set()).add(option.id)
    return values


def normal_tracker(raw: str) -> str:
    return "".join(raw.split()).lower()


async def entry_by_tracker(session: AsyncSession, election: Election, tracker: str) -> BoardEntry | None:
    return await session.scalar(select(BoardEntry).where(BoardEntry.election_id == election.id,
                                                         BoardEntry.tracker == tracker))


def receipt_of(settings: Settings, election: Election, entry: BoardEntry) -> dict[str, Any]:
    """The signed receipt of a board position (docs/election-record.md 3.8), as casting gives it. Everything in it
    is public board data; Ed25519 signatures are deterministic, so it is the same receipt."""
    payload = {"chain": entry.chain, "election": str(election.fingerprint), "position": entry.position,
               "tracker": entry.tracker}
    signature = board_signing_key(settings, election).sign(signed_message(RECEIPT_DOMAIN, payload)).signature
    return {**payload, "signature": signature.hex()}
