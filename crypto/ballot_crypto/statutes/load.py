"""Load rules files: parse TOML, validate every file, merge down the unit tree, hash the result.

Inheritance: ``resolve`` merges the parsed tables root first (see :func:`merge`); ``load`` follows ``extends``
through a caller-supplied ``fetch`` (files for the CLI, stored versions for the web app).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ballot_crypto.errors import CryptoError
from ballot_crypto.statutes.checks import consistency
from ballot_crypto.statutes.convert import Problems, build, to_json
from ballot_crypto.statutes.model import Rules

FORMAT = "ballot-statute/1"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
MAX_DEPTH = 16
Fetch = Callable[[str, str], tuple[str, str]]
"""``fetch(reference, child_name) -> (parent_name, parent_text)``; raise LookupError/OSError if absent."""


@dataclass(frozen=True)
class Problem:
    """One validation problem: the file, the key path (``""`` for the file as a whole) and what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}" if self.path else f"{self.file}: {self.message}"


class StatuteError(CryptoError):
    """A rules file (or chain of files) that does not validate; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Source:
    """One file of a resolved chain: its name, SHA-256 of its raw UTF-8 text, and its ``extends`` reference."""

    name: str
    text_sha256: str
    extends: str | None


@dataclass(frozen=True)
class Statute:
    """Resolved rules, the content hash that identifies the version, and the files they came from (root first)."""

    rules: Rules
    sha256: str
    sources: tuple[Source, ...]

    def to_json(self) -> dict[str, Any]:
        """The canonical JSON object that :attr:`sha256` hashes."""
        return rules_json(self.rules)


def rules_json(rules: Rules) -> dict[str, Any]:
    """Resolved rules as the JSON object whose canonical encoding is hashed."""
    return {"format": FORMAT, "rules": to_json(rules)}


def rules_from_json(rules_document: Any) -> tuple[Rules | None, Problems]:
    """The inverse of :func:`rules_json`: rebuild rules from their JSON object (``{"format", "rules"}``).

    Returns the rules, or None and every problem (key path, message) when the object is not valid rules. It does
    not check that the object is the canonical form: compare ``rules_json(rules)`` with it for that.
    """
    if not isinstance(rules_document, Mapping) or rules_document.get("format") != FORMAT:
        return None, [("format", f"expected a {FORMAT} object")]
    if not isinstance(rules_document.get("rules"), Mapping):
        return None, [("rules", "expected a table of rules")]
    table = _without_nulls(rules_document["rules"])
    eligibility = table.get("eligibility")
    since = eligibility.get("member_since") if isinstance(eligibility, dict) else None
    if isinstance(since, str) and _ISO_DATE.fullmatch(since):
        with contextlib.suppress(ValueError):  # otherwise build() reports it as a bad duration
            eligibility["member_since"] = date.fromisoformat(since)  # type: ignore[index]
    problems: Problems = []
    rules = build(Rules, table, "", problems)
    if not problems:
        problems = consistency(rules)
    return (None, problems) if problems else (rules, [])


def _without_nulls(value: Any) -> Any:
    """JSON back to TOML-like values: absent optional values are written as null, so drop them."""
    if isinstance(value, Mapping):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def canonical_bytes(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8, no floats (the election record's encoding)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def rules_sha256(rules: Rules) -> str:
    """Content hash of resolved rules: SHA-256 (hex) of the canonical JSON of :func:`rules_json`."""
    return hashlib.sha256(canonical_bytes(rules_json(rules))).hexdigest()


def text_sha256(text: str) -> str:
    """SHA-256 (hex) of a file's raw text as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def merge(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``child`` over ``parent`` (pure): tables merge key by key, recursively; every other value,
    arrays and arrays of tables included, is replaced as a whole by the child's."""
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def parse(name: str, text: str) -> tuple[dict[str, Any], str | None, list[Problem]]:
    """Parse and validate one file on its own: (table without ``extends``, ``extends`` or None, problems)."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return {}, None, [Problem(name, "", f"not valid TOML: {exc}")]
    extends = table.pop("extends", None)
    problems: Problems = []
    if extends is not None and not isinstance(extends, str):
        problems.append(("extends", f"expected a string naming the parent statute, got {type(extends).__name__}"))
        extends = None
    build(Rules, table, "", problems)
    return table, extends, [Problem(name, path, message) for path, message in problems]


def resolve(chain: Sequence[tuple[str, str]]) -> Statute:
    """Resolve files given root first as ``(name, text)``; raise StatuteError listing every problem."""
    if not chain:
        raise ValueError("resolve needs at least one file")
    problems: list[Problem] = []
    merged: dict[str, Any] = {}
    sources = []
    for name, text in chain:
        table, extends, found = parse(name, text)
        problems += found
        merged = merge(merged, table)
        sources.append(Source(name, text_sha256(text), extends))
    leaf = chain[-1][0]
    build_problems: Problems = []
    rules = build(Rules, merged, "", build_problems)
    seen = {p.path for p in problems}
    problems += [Problem(leaf, path, message) for path, message in consistency(rules) if path not in seen]
    if problems:
        raise StatuteError(problems)
    return Statute(rules, rules_sha256(rules), tuple(sources))


def load(name: str, text: str, fetch: Fetch | None = None) -> Statute:
    """Load one file, following ``extends`` upwards through ``fetch`` (which may raise LookupError/OSError)."""
    chain = [(name, text)]
    while True:
        _, extends, _problems = parse(*chain[0])
        if extends is None:
            break
        child = chain[0][0]
        if fetch is None:
            raise StatuteError([Problem(child, "extends", "this file extends a parent, but no parent can be fetched")])
        try:
            parent = fetch(extends, child)
        except (LookupError, OSError) as exc:
            raise StatuteError([Problem(child, "extends", f"parent {extends!r} not found ({exc})")]) from exc
        if parent[0] in {n for n, _ in chain} or len(chain) >= MAX_DEPTH:
            raise StatuteError([Problem(child, "extends", f"inheritance cycle or chain too deep at {parent[0]!r}")])
        chain.insert(0, parent)
    return resolve(chain)
