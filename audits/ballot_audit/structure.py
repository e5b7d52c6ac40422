"""Key and type checks of every record object (check 1: "exactly the keys specified, with the types specified").

A shape is a type name, a dict (exactly these keys), a one-element list (a list of that shape) or `Maybe(shape)`
(null or that shape). Shapes follow docs/election-record.md section 3; meaning (hashes, proofs) is checked elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_INT = 2**53 - 1
HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Maybe:
    shape: Any


CIPHERTEXT = {"alpha": "point", "beta": "point"}
RANGE = {"challenges": ["scalar"], "responses": ["scalar"]}
PAIR = {"challenge": "scalar", "response": "scalar"}
SHARE = {"factor": "point", "proof": PAIR}
COUNTS = {"blank": "int", "counts": {"*": "int"}, "question": "str"}
TEXT = {"de": "str", "en": "str"}

SHAPES: dict[str, Any] = {
    "index.json": {"election": "hash", "files": [{"bytes": "int", "name": "str", "sha256": "hash"}], "format": "str"},
    "election.json": {"board_key": "hash", "credentials": "hash", "format": "str", "manifest": "hash",
                      "public_key": "point", "trustees": "hash"},
    "manifest.json": {
        "dates": {"announcement": "str", "close": "str", "open": "str"}, "format": "str", "id": "str",
        "questions": [{"id": "str", "kind": "str", "max": "int", "min": "int",
                       "options": [{"id": "str", "label": TEXT, "max": "int"}], "process": "str",
                       "seats": Maybe("int"), "subject": Maybe("str"), "text": TEXT}],
        "revoting": "bool", "statute_sha256": "hash", "title": TEXT, "unit": {"id": "str", "name": "str"}},
    "statute.json": {"format": "str", "rules": "object"},
    "trustees.json": {"threshold": "int", "trustees": [{"commitments": ["point"], "index": "int", "proofs": [PAIR],
                                                        "verification_key": "point"}]},
    "credentials.jsonl": {"credential": "hash"},
    "board.json": {"count": "int", "head": "hash", "signature": "signature"},
    "aggregates.json": {"ballots": "int", "questions": [{"blank": Maybe(CIPHERTEXT), "choices": [CIPHERTEXT],
                                                         "question": "str"}]},
    "decryption.json": {"trustees": [{"index": "int", "questions": [{"blank": Maybe(SHARE), "choices": [SHARE],
                                                                     "question": "str"}]}]},
    "postal.json": {"ballots": "int", "format": "str", "offered": "bool",
                    "papers": Maybe([[{"mark": "str", "question": "str", "votes": {"*": "int"}}]]),
                    "precedence": "str", "totals": [{**COUNTS, "invalid": "int"}], "voters": "int"},
    "openings.json": {"format": "str", "openings": [{"ciphertext": CIPHERTEXT, "excluded": Maybe("int"),
                                                     "index": "int"}],
                      "trustees": [{"index": "int", "shares": [SHARE]}]},
    "result.json": {"ballots": "int", "questions": [COUNTS]},
    "evaluation.json": {"cast": "int", "counted": "int", "eligible": "int", "format": "str",
                        "questions": [{**COUNTS, "decision": "object"}], "statute_sha256": "hash"},
}
_HEX_LENGTHS = {"hash": 64, "point": 64, "scalar": 64, "signature": 128}


def is_hex(value: Any, digits: int) -> bool:
    """Lowercase hex of exactly `digits` characters."""
    return isinstance(value, str) and len(value) == digits and HEX.issuperset(value)


def is_int(value: Any) -> bool:
    """A JSON integer in [0, 2^53 - 1] (booleans are not integers)."""
    return type(value) is int and 0 <= value <= MAX_INT


def check(value: Any, shape: Any, path: str = "$") -> list[str]:
    """Every mismatch between value and shape, as 'path: problem' strings (empty when it fits)."""
    if isinstance(shape, Maybe):
        return [] if value is None else check(value, shape.shape, path)
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{path}: expected an object"]
        if "*" in shape:  # a map with any keys
            return [err for key, item in value.items() for err in check(item, shape["*"], f"{path}.{key}")]
        problems = []
        missing, extra = sorted(set(shape) - set(value)), sorted(set(value) - set(shape))
        if missing or extra:
            problems.append(f"{path}: missing keys {missing}, unknown keys {extra}")
        for key in sorted(set(shape) & set(value)):
            problems += check(value[key], shape[key], f"{path}.{key}")
        return problems
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        return [err for i, item in enumerate(value) for err in check(item, shape[0], f"{path}[{i}]")]
    if shape in _HEX_LENGTHS:
        digits = _HEX_LENGTHS[shape]
        return [] if is_hex(value, digits) else [f"{path}: expected {digits // 2} bytes as lowercase hex"]
    if shape == "int":
        return [] if is_int(value) else [f"{path}: expected an integer in [0, 2^53 - 1]"]
    if shape == "bool":
        return [] if isinstance(value, bool) else [f"{path}: expected true or false"]
    if shape == "str":
        return [] if isinstance(value, str) else [f"{path}: expected a string"]
    if shape == "object":  # any object; its content is checked elsewhere
        return [] if isinstance(value, dict) else [f"{path}: expected an object"]
    raise ValueError(f"unknown shape {shape!r}")
