"""Turn a parsed TOML table into the dataclasses of :mod:`model`, collecting every problem on the way.

The dataclass field types drive the checks: unknown keys, wrong types, bad fractions and durations, values out of
range. Conversion never stops at the first problem; each one carries the key path (``referendum.quorum.on_miss``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from fractions import Fraction
from typing import Any, Literal, get_args, get_origin, get_type_hints

from ballot_crypto.statutes.values import DURATION_FORMS, FRACTION_FORMS, Duration, fraction_str, parse_fraction

Problems = list[tuple[str, str]]
"""(key path, message) pairs."""

_MISSING = object()
_SCALARS = (bool, int, str, date, Fraction, Duration)


def _type_name(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "float", str: "string", list: "array", dict: "table"}.get(
        type(value), "date" if isinstance(value, date) else type(value).__name__
    )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def build(cls: type, data: Any, path: str, problems: Problems, defaults: Any = None) -> Any:
    """Build ``cls`` from ``data``; missing keys take the values of ``defaults`` (or the class defaults)."""
    if defaults is None:
        defaults = cls()
    if not isinstance(data, dict):
        problems.append((path, f"expected a table, got {_type_name(data)}"))
        return defaults
    hints = get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    for key in data:
        if key not in names:
            problems.append((_join(path, key), f"unknown key (known here: {', '.join(names)})"))
    values: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        default = getattr(defaults, item.name)
        source = item.metadata.get("defaults_from")
        element_default = values[source] if source else None
        raw = data.get(item.name, _MISSING)
        if raw is _MISSING:
            values[item.name] = default
            continue
        value = convert(hints[item.name], raw, _join(path, item.name), problems, default, element_default)
        values[item.name] = default if value is _MISSING else value
    return cls(**values)


def convert(hint: Any, raw: Any, path: str, problems: Problems, default: Any = None, element: Any = None) -> Any:
    """Convert one value; on a problem record it and return the sentinel ``_MISSING``."""
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _union(get_args(hint), raw, path, problems)
    if origin is Literal:
        choices = get_args(hint)
        if isinstance(raw, str) and raw in choices:
            return raw
        return _bad(problems, path, f"expected one of {', '.join(repr(c) for c in choices)}, got {raw!r}")
    if origin is tuple:
        if not isinstance(raw, list):
            return _bad(problems, path, f"expected an array, got {_type_name(raw)}")
        items = [convert(get_args(hint)[0], v, f"{path}[{i}]", problems) for i, v in enumerate(raw)]
        return _MISSING if _MISSING in items else tuple(items)
    if origin is dict:
        if not isinstance(raw, dict):
            return _bad(problems, path, f"expected a table, got {_type_name(raw)}")
        value_type = get_args(hint)[1]
        out = {k: build(value_type, v, _join(path, k), problems, element) for k, v in raw.items()}
        return dict(sorted(out.items()))
    if hint in _SCALARS:
        return _scalar(hint, raw, path, problems)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return build(hint, raw, path, problems, default if dataclasses.is_dataclass(default) else None)
    raise TypeError(f"no converter for {hint!r}")  # pragma: no cover - a programming error in model.py


def _union(options: tuple[Any, ...], raw: Any, path: str, problems: Problems) -> Any:
    options = tuple(o for o in options if o is not type(None))
    if len(options) == 1:
        return convert(options[0], raw, path, problems)
    if date in options and isinstance(raw, date):
        return _scalar(date, raw, path, problems)
    if Duration in options and isinstance(raw, str):
        return _scalar(Duration, raw, path, problems)
    return _bad(problems, path, f"expected a date (YYYY-MM-DD) or {DURATION_FORMS}, got {_type_name(raw)}")


def _scalar(hint: Any, raw: Any, path: str, problems: Problems) -> Any:
    if hint is bool:
        return raw if isinstance(raw, bool) else _bad(problems, path, f"expected true or false, got {raw!r}")
    if hint is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            return _bad(problems, path, f"expected an integer, got {_type_name(raw)}")
        if raw < 0:
            return _bad(problems, path, f"out of range: {raw} is negative")
        return raw
    if hint is str:
        return raw if isinstance(raw, str) else _bad(problems, path, f"expected a string, got {_type_name(raw)}")
    if hint is date:
        if isinstance(raw, date) and not hasattr(raw, "hour"):
            return raw
        return _bad(problems, path, f"expected a date (YYYY-MM-DD), got {_type_name(raw)}")
    if hint is Fraction:
        if not isinstance(raw, str):
            return _bad(problems, path, f"expected {FRACTION_FORMS}, got {_type_name(raw)} {raw!r}")
        try:
            value = parse_fraction(raw)
        except ValueError as exc:
            return _bad(problems, path, str(exc))
        if value > 1:
            return _bad(problems, path, f"out of range: {raw!r} is more than 1 (100 %)")
        return value
    if hint is Duration:
        if not isinstance(raw, str):
            return _bad(problems, path, f"expected {DURATION_FORMS}, got {_type_name(raw)}")
        try:
            return Duration.parse(raw)
        except ValueError as exc:
            return _bad(problems, path, str(exc))
    raise TypeError(f"no converter for {hint!r}")  # pragma: no cover - a programming error in model.py


def _bad(problems: Problems, path: str, message: str) -> Any:
    problems.append((path, message))
    return _MISSING


def to_json(value: Any) -> Any:
    """JSON form of resolved rules: fractions as ``"p/q"``, durations as ISO strings, dates as ISO dates."""
    if isinstance(value, Fraction):
        return fraction_str(value)
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [to_json(v) for v in value]
    return value
