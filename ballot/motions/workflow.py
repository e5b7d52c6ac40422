"""The workflow of motions and amendments: which state may follow which, and who may make the move.

A consultation stores its workflow (``Consultation.workflow_rules``, the JSON form of :class:`Rules`, edited by the
board in ballot/motions/workflow_editor.py); ``Consultation.workflow`` names the template it started from
(:data:`TEMPLATES`) or ``custom``. Consultations stored before the editor existed have no rules: their template
applies. Roles that may move (:data:`ROLES`): ``author`` (an initiator or co-author; for an amendment its author),
``board`` and ``admin`` (the role in the consultation's unit or above) and ``body:<unit id>`` (the members of a
named body or group, e.g. the Antragskommission). ``merged`` is only reached through a merge (ballot/motions/merge.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ballot.i18n import gettext as _
from ballot.motions.models import State

AUTHOR = "author"
BOARD = "board"
ADMIN = "admin"
BODY_PREFIX = "body:"
#: The fixed roles; named bodies come as ``body:<unit id>``.
ROLES = (AUTHOR, BOARD, ADMIN)

#: States in which a decision was taken (counts may be recorded).
DECISIONS = frozenset({State.ADOPTED, State.ADOPTED_AS_AMENDED, State.REJECTED})
#: States that close a motion: no more support, no more amendments, no more moves.
CLOSED = frozenset({State.WITHDRAWN, State.REFERRED, State.ADOPTED, State.ADOPTED_AS_AMENDED, State.REJECTED,
                    State.MERGED})
#: Where motions (draft) and amendments (submitted) start.
STARTS = (State.DRAFT, State.SUBMITTED)
#: The states the editor offers (``merged`` belongs to the merge, not to the workflow).
EDITABLE_STATES = tuple(s for s in State if s != State.MERGED)


@dataclass(frozen=True)
class Transition:
    """``source`` -> ``target``, made by any of ``roles``."""

    source: State
    target: State
    roles: frozenset[str]


@dataclass(frozen=True)
class Rules:
    """A workflow: the states in use and the allowed moves."""

    states: frozenset[State]
    transitions: tuple[Transition, ...]

    def to_json(self) -> dict[str, Any]:
        """The stored form (sorted, so equal rules give equal JSON)."""
        order = list(State)
        return {"states": [s.value for s in sorted(self.states, key=order.index)],
                "transitions": [{"from": t.source.value, "to": t.target.value, "roles": sorted(t.roles)}
                                for t in sorted(self.transitions,
                                                key=lambda t: (order.index(t.source), order.index(t.target)))]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rules:
        """Read the stored form (as written by :meth:`to_json`)."""
        return cls(frozenset(State(s) for s in data.get("states", [])),
                   tuple(Transition(State(t["from"]), State(t["to"]), frozenset(t["roles"]))
                         for t in data.get("transitions", [])))


def _table(*rows: tuple[State, tuple[State, ...], tuple[str, ...]]) -> Rules:
    transitions = tuple(Transition(source, target, frozenset(roles)) for source, targets, roles in rows
                        for target in targets)
    states = frozenset(s for t in transitions for s in (t.source, t.target))
    return Rules(states, transitions)


S = State
MANAGERS = (BOARD, ADMIN)
DEFAULT = _table(
    (S.DRAFT, (S.SUBMITTED, S.WITHDRAWN), (AUTHOR,)),
    (S.SUBMITTED, (S.WITHDRAWN,), (AUTHOR,)),
    (S.ADMITTED, (S.WITHDRAWN,), (AUTHOR,)),
    (S.SUBMITTED, (S.ADMITTED, S.REJECTED), MANAGERS),
    (S.ADMITTED, (S.REFERRED, S.RECOMMENDATION, S.ADOPTED, S.ADOPTED_AS_AMENDED, S.REJECTED), MANAGERS),
    (S.RECOMMENDATION, (S.REFERRED, S.ADOPTED, S.ADOPTED_AS_AMENDED, S.REJECTED), MANAGERS),
)
#: A convention without a recommendation step by the board or commission.
CONVENTION = Rules(DEFAULT.states - {S.RECOMMENDATION},
                   tuple(t for t in DEFAULT.transitions if S.RECOMMENDATION not in (t.source, t.target)))

#: Templates to start from (the two workflows of the first version).
TEMPLATES: dict[str, Rules] = {"default": DEFAULT, "convention": CONVENTION}
CUSTOM = "custom"


def rules_of(name: str, stored: Mapping[str, Any] | None) -> Rules:
    """The consultation's rules: the stored ones, or (for consultations stored before the editor) the template."""
    return Rules.from_json(stored) if stored else TEMPLATES.get(name, DEFAULT)


def transitions(rules: Rules, source: State, roles: set[str]) -> list[Transition]:
    """The moves from ``source`` that one of ``roles`` may make."""
    return [t for t in rules.transitions if t.source == source and t.roles & roles]


def validate(states: Iterable[State], moves: Iterable[Transition]) -> dict[str, str]:
    """Problems of a workflow, by form field: ``states`` or ``t-<source state>``."""
    chosen, rules = set(states), list(moves)
    errors: dict[str, str] = {}
    missing = [s for s in STARTS if s not in chosen]
    if missing:
        errors["states"] = _("Motions start as a draft and amendments as submitted: please keep both states.")
    elif not chosen & DECISIONS:
        errors["states"] = _("Please keep at least one decision (adopted, adopted as amended or rejected).")
    for t in rules:
        key = f"t-{t.source.value}"
        if key in errors:
            continue
        if t.source in CLOSED:
            errors[key] = _("%(state)s is a final state: no step can follow it.", state=state_label(t.source))
        elif t.source not in chosen or t.target not in chosen:
            errors[key] = _("A step uses a state that is not chosen: %(state)s.",
                            state=state_label(t.target if t.source in chosen else t.source))
        elif t.target in (State.DRAFT, State.MERGED) or t.target == t.source:
            errors[key] = _("No step can lead back to the draft, to the same state or to merged.")
        elif not t.roles:
            errors[key] = _("Please choose who may make each step.")
    if errors:
        return errors
    reached = set(STARTS)
    frontier = list(STARTS)
    while frontier:
        here = frontier.pop()
        for t in rules:
            if t.source == here and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    unreachable = [s for s in EDITABLE_STATES if s in chosen and s not in reached]
    if unreachable:
        errors["states"] = _("These states cannot be reached: %(states)s.",
                             states=", ".join(state_label(s) for s in unreachable))
    for state in EDITABLE_STATES:
        if state in chosen and state not in CLOSED and not any(t.source == state for t in rules):
            errors.setdefault(f"t-{state.value}", _("%(state)s needs at least one next step.",
                                                    state=state_label(state)))
    if not errors and not reached & DECISIONS:
        errors["states"] = _("No decision can be reached.")
    return errors


def workflow_label(name: str) -> str:
    """A workflow's name in words."""
    return {"default": _("With a recommendation of the board or commission"),
            "convention": _("Decision at the convention, without a recommendation"),
            CUSTOM: _("Own workflow of this consultation")}.get(name, name)


def role_label(role: str, bodies: Mapping[int, str] | None = None) -> str:
    """A role in words (a body by its name)."""
    if role.startswith(BODY_PREFIX):
        ref = role.removeprefix(BODY_PREFIX)
        return (bodies or {}).get(int(ref) if ref.isdigit() else -1, _("A body that no longer exists"))
    return {AUTHOR: _("Initiators and co-authors"), BOARD: _("Board"), ADMIN: _("Administrators")}.get(role, role)


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
