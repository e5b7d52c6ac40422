"""rules_from_json is the inverse of rules_json (snapshots in the web app and statute.json in records use it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballot_crypto.statutes import load, rules_from_json, rules_json, rules_sha256

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "statutes"


def _fetch(reference: str, child: str) -> tuple[str, str]:
    path = EXAMPLES / reference
    return path.name, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_round_trip(path: Path) -> None:
    statute = load(path.name, path.read_text(encoding="utf-8"), _fetch)
    rules, problems = rules_from_json(rules_json(statute.rules))
    assert problems == [] and rules == statute.rules
    assert rules_sha256(rules) == statute.sha256


def test_not_rules() -> None:
    assert rules_from_json({"format": "other"}) == (None, [("format", "expected a ballot-statute/1 object")])
    rules, problems = rules_from_json({"format": "ballot-statute/1", "rules": {"referendum": {"binding": "yes"}}})
    assert rules is None and problems and problems[0][0] == "referendum.binding"
