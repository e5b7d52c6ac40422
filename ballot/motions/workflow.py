"""The workflow of motions and amendments: which state may follow which, and who may make the move.

A consultation names its workflow (``Consultation.workflow``); :data:`WORKFLOWS` holds them as data. Movers:
``author`` (an initiator or co-author; for an amendment its author), ``manager`` (``Action.MOTIONS_MANAGE`` in the
consultation's unit: the board, admins). ``merged`` is only reached through a merge (ballot/motions/merge.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ballot.i18n import gettext as _
from ballot.motions.models import State

AUTHOR = "author"
MANAGER = "manager"

#: States in which a decision was taken (counts may be recorded).
DECISIONS = frozenset({State.ADOPTED, State.ADOPTED_AS_AMENDED, State.REJECTED})
#: States that close a motion: no more support, no more amendments.
CLOSED = frozenset({State.WITHDRAWN, State.REFERRED, State.ADOPTED, State.ADOPTED_AS_AMENDED, State.REJECTED,
                    State.MERGED})


@dataclass(frozen=True)
class Transition:
    """``source`` -> ``target``, made by ``mover``."""

    source: State
    target: State
    mover: str


def _table(*rows: tuple[State, tuple[State, ...], str]) -> tuple[Transition, ...]:
    return tuple(Transition(source, target, mover) for source, targets, mover in rows for target in targets)


S = State
DEFAULT = _table(
    (S.DRAFT, (S.SUBMITTED, S.WITHDRAWN), AUTHOR),
    (S.SUBMITTED, (S.WITHDRAWN,), AUTHOR),
    (S.ADMITTED, (S.WITHDRAWN,), AUTHOR),
    (S.SUBMITTED, (S.ADMITTED, S.REJECTED), MANAGER),
    (S.ADMITTED, (S.REFERRED, S.RECOMMENDATION, S.ADOPTED, S.ADOPTED_AS_AMENDED, S.REJECTED), MANAGER),
    (S.RECOMMENDATION, (S.REFERRED, S.ADOPTED, S.ADOPTED_AS_AMENDED, S.REJECTED), MANAGER),
)
#: A convention without a recommendation step by the board or commission.
CONVENTION = tuple(t for t in DEFAULT if S.RECOMMENDATION not in (t.source, t.target))

WORKFLOWS: dict[str, tuple[Transition, ...]] = {"default": DEFAULT, "convention": CONVENTION}


def transitions(workflow: str, source: State, movers: set[str]) -> list[Transition]:
    """The moves from ``source`` that one of ``movers`` may make in ``workflow``."""
    return [t for t in WORKFLOWS.get(workflow, DEFAULT) if t.source == source and t.mover in movers]


def find(workflow: str, source: State, target: State, movers: set[str]) -> Transition | None:
    """The allowed move to ``target``, or None."""
    return next((t for t in transitions(workflow, source, movers) if t.target == target), None)


def workflow_label(name: str) -> str:
    """A workflow's name in words."""
    return {"default": _("With a recommendation of the board or commission"),
            "convention": _("Decision at the convention, without a recommendation")}.get(name, name)


def state_label(state: State | str) -> str:
    """A state in words."""
    labels = {
        State.DRAFT: _("Draft"), State.SUBMITTED: _("Submitted"), State.ADMITTED: _("Admitted"),
        State.WITHDRAWN: _("Withdrawn"), State.REFERRED: _("Referred"),
        State.RECOMMENDATION: _("Recommendation given"), State.ADOPTED: _("Adopted"),
        State.ADOPTED_AS_AMENDED: _("Adopted as amended"), State.REJECTED: _("Rejected"),
        State.MERGED: _("Merged into the motion"),
    }
    return labels.get(State(state), str(state))


def action_label(state: State) -> str:
    """The button that moves to ``state``."""
    labels = {
        State.SUBMITTED: _("Submit"), State.WITHDRAWN: _("Withdraw"), State.ADMITTED: _("Admit"),
        State.REFERRED: _("Refer"), State.RECOMMENDATION: _("Record a recommendation"),
        State.ADOPTED: _("Record: adopted"), State.ADOPTED_AS_AMENDED: _("Record: adopted as amended"),
        State.REJECTED: _("Record: rejected"),
    }
    return labels.get(state, state_label(state))
