"""The result of an evaluation: a decision and the trail of checks that led to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ballot_crypto.statutes.values import Duration, fraction_str

JSONScalar = str | int | bool | None


def plain(value: Any) -> Any:
    """JSON form of an input value: fractions as ``"p/q"``, durations and dates as ISO strings."""
    if isinstance(value, Fraction):
        return fraction_str(value)
    if isinstance(value, Duration):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Check:
    """One rule applied: its ``name``, the ``inputs`` it used, its ``result`` and the statute ``paragraph``."""

    name: str
    inputs: Mapping[str, Any]
    result: str
    paragraph: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "inputs": plain(self.inputs), "result": self.result, "paragraph": self.paragraph}


@dataclass(frozen=True)
class Decision:
    """What the rules decide: ``outcome``, whether it is ``binding``, and every check on the way (``trail``).

    ``majority`` is what the votes alone say (adopted, rejected, tie, or None when no majority was computed),
    so an advisory or invalid outcome still shows how the vote went. ``elected`` lists the winners of an election.
    """

    process: str
    binding: bool
    outcome: str
    trail: tuple[Check, ...]
    majority: str | None = None
    subject: str | None = None
    elected: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "process": self.process,
            "subject": self.subject,
            "binding": self.binding,
            "outcome": self.outcome,
            "majority": self.majority,
            "trail": [c.to_json() for c in self.trail],
        }
        if self.process == "election":
            out["elected"] = list(self.elected)
        return out

    def check(self, name: str) -> Check:
        """The first check called ``name``; KeyError if the trail has none."""
        for item in self.trail:
            if item.name == name:
                return item
        raise KeyError(name)
