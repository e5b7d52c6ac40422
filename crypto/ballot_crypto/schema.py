"""Structure of every record file (docs/election-record.md 3), checked by the record reader.

A spec is a type name (``"hex32"``, ``"hex64"``, ``"int"``, ``"str"``, ``"any"``), a dict (exactly these
keys), a one-element list (a list of that), or ``Nullable(spec)``. Semantics (proofs, hashes) are the verifier's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ballot_crypto.errors import InvalidEncoding

_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Nullable:
    spec: Any


CIPHERTEXT = {"alpha": "hex32", "beta": "hex32"}
RANGE = {"challenges": ["hex32"], "responses": ["hex32"]}
PAIR = {"challenge": "hex32", "response": "hex32"}
SHARE = {"factor": "hex32", "proof": PAIR}
ANSWER = {
    "question": "str",
    "choices": [CIPHERTEXT],
    "choice_proofs": [RANGE],
    "blank": Nullable(CIPHERTEXT),
    "blank_proof": Nullable(RANGE),
    "total_proof": RANGE,
}
BALLOT = {"election": "hex32", "credential": "hex32", "answers": [ANSWER], "signature": "hex64"}
ENTRY = {"position": "int", "ballot": BALLOT, "tracker": "hex32", "previous": "hex32", "chain": "hex32",
         "superseded_by": Nullable("int")}
COUNTS = {"question": "str", "counts": "any", "blank": "int"}
DECIDED = {**COUNTS, "decision": "any"}

FILES: dict[str, Any] = {
    "index.json": {"format": "str", "election": "hex32", "files": [{"name": "str", "sha256": "hex32", "bytes": "int"}]},
    "election.json": {"format": "str", "manifest": "hex32", "trustees": "hex32", "credentials": "hex32",
                      "public_key": "hex32", "board_key": "hex32"},
    "manifest.json": "any",  # checked by Manifest.from_json
    "statute.json": {"format": "str", "rules": "any"},  # the rules are the statute engine's
    "trustees.json": {"threshold": "int", "trustees": [{"index": "int", "commitments": ["hex32"], "proofs": [PAIR],
                                                        "verification_key": "hex32"}]},
    "credentials.jsonl": {"credential": "hex32"},
    "ballots.jsonl": ENTRY,
    "board.json": {"count": "int", "head": "hex32", "signature": "hex64"},
    "aggregates.json": {"ballots": "int", "questions": [{"question": "str", "choices": [CIPHERTEXT],
                                                         "blank": Nullable(CIPHERTEXT)}]},
    "decryption.json": {"trustees": [{"index": "int", "questions": [{"question": "str", "choices": [SHARE],
                                                                     "blank": Nullable(SHARE)}]}]},
    "postal.json": {"format": "str", "offered": "any", "precedence": "str", "voters": "int", "ballots": "int",
                    "papers": Nullable([["any"]]), "totals": [{**COUNTS, "invalid": "int"}]},
    "openings.json": {"format": "str", "openings": [{"ciphertext": CIPHERTEXT, "index": "int",
                                                     "excluded": Nullable("int")}],
                      "trustees": [{"index": "int", "shares": [SHARE]}]},
    "result.json": {"ballots": "int", "questions": [COUNTS]},
    "evaluation.json": {"format": "str", "statute_sha256": "hex32", "eligible": "int", "cast": "int",
                        "counted": "int", "questions": [DECIDED]},
}


def check(value: Any, spec: Any, path: str = "$") -> None:
    """Raise InvalidEncoding naming the JSON path of the first mismatch."""
    if isinstance(spec, Nullable):
        if value is not None:
            check(value, spec.spec, path)
    elif isinstance(spec, dict):
        if not isinstance(value, dict):
            raise InvalidEncoding(f"{path}: expected an object")
        if set(value) != set(spec):
            missing, extra = sorted(set(spec) - set(value)), sorted(set(value) - set(spec))
            raise InvalidEncoding(f"{path}: missing keys {missing}, unknown keys {extra}")
        for key, sub in spec.items():
            check(value[key], sub, f"{path}.{key}")
    elif isinstance(spec, list):
        if not isinstance(value, list):
            raise InvalidEncoding(f"{path}: expected a list")
        for i, item in enumerate(value):
            check(item, spec[0], f"{path}[{i}]")
    elif spec in ("hex32", "hex64"):
        size = 64 if spec == "hex32" else 128
        if not isinstance(value, str) or len(value) != size or not _HEX.issuperset(value):
            raise InvalidEncoding(f"{path}: expected {size // 2} bytes as lowercase hex")
    elif spec == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidEncoding(f"{path}: expected a non-negative integer")
    elif spec == "str":
        if not isinstance(value, str):
            raise InvalidEncoding(f"{path}: expected a string")
    elif spec != "any":
        raise ValueError(f"unknown spec {spec!r}")
