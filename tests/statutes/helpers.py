"""Helpers for the statute tests: load TOML text, enumerate every scalar key of the format."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

from ballot_crypto.statutes import Rules, Statute, StatuteError, resolve
from ballot_crypto.statutes.values import Duration

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "statutes"


def rules(text: str) -> Rules:
    return resolve([("test.toml", text)]).rules


def statute(text: str) -> Statute:
    return resolve([("test.toml", text)])


def problems(text: str, name: str = "test.toml") -> list[str]:
    try:
        resolve([(name, text)])
    except StatuteError as exc:
        return [str(p) for p in exc.problems]
    return []


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def snippet(path: str, value: Any) -> str:
    table, _, key = path.rpartition(".")
    return f"[{table}]\n{key} = {toml_value(value)}\n" if table else f"{key} = {toml_value(value)}\n"


def scalar_keys(cls: type = Rules, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar key reachable through plain tables (not arrays of tables or subject tables), with its type."""
    hints = get_type_hints(cls)
    for item in dataclasses.fields(cls):
        hint = hints[item.name]
        path = f"{prefix}.{item.name}" if prefix else item.name
        if dataclasses.is_dataclass(hint) and hint not in (Duration,):
            yield from scalar_keys(hint, path)
        elif get_origin(hint) is dict or (get_origin(hint) is tuple and dataclasses.is_dataclass(get_args(hint)[0])):
            continue
        else:
            yield path, hint


def good_and_bad(hint: Any) -> tuple[Any, list[Any]]:
    """A value of the type that validates, and values that must not."""
    origin, args = get_origin(hint), get_args(hint)
    if hint is bool:
        return True, ["yes", 1]
    if hint is int:
        return 2, [-1, "2", 2.5]
    if hint is str:
        return "x", [1, ["x"]]
    if hint is Fraction:
        return "1/3", [0.5, "3/2", "half", "1/0", "120 %"]
    if hint is Duration:
        return "P2W", ["2 weeks", "P2", "P1M2D", 14]
    if origin is Literal:
        return args[-1], ["nonsense", 1]
    if origin is tuple:
        good, _ = good_and_bad(args[0])
        return [good], ["x" if args[0] is str else good, [1]]
    options = [a for a in args if a is not type(None)]
    if set(options) == {date, Duration}:
        return date(2026, 1, 1), ["soon", 5, "two months"]
    if len(options) == 1:
        return good_and_bad(options[0])
    raise AssertionError(hint)
