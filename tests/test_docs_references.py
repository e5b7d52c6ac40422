"""The tests that docs/security.md and docs/compliance.md name exist, so a reviewer who follows a name finds it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("docs/security.md", "docs/compliance.md")
_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?(?:::(\w+))?(?:\[[^\]`]*\])?`")


def references(doc: str) -> list[tuple[str, str | None]]:
    """(test file, test function or None) for every `tests/x.py::name` and `::name` (same file as before)."""
    found: list[tuple[str, str | None]] = []
    current = ""
    for path, name in _REFERENCE.findall((ROOT / doc).read_text(encoding="utf-8")):
        current = path or current
        if current and (path or name):
            found.append((current, name or None))
    return found


@pytest.mark.parametrize("doc", DOCS)
def test_every_named_test_exists(doc: str) -> None:
    refs = references(doc)
    assert len(refs) > 10
    missing = []
    for path, name in refs:
        file = ROOT / path
        if not file.is_file():
            missing.append(path)
        elif name and not re.search(rf"^(async )?def {name}\(", file.read_text(encoding="utf-8"), re.M):
            missing.append(f"{path}::{name}")
    assert not missing, f"{doc} names tests that do not exist: {missing}"
