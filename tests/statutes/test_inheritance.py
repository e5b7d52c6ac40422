"""Inheritance down the unit tree, merge semantics, content and text hashes, following ``extends``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballot_crypto.statutes import StatuteError, load, merge, resolve, rules_sha256, text_sha256
from ballot_crypto.statutes.model import Rules
from tests.statutes.helpers import EXAMPLES

STATE = """
[referendum.quorum]
participation = "1/5"
on_miss = "advisory"
paragraph = "§ 10 LS"

[referendum.ballot]
channels = ["online", "postal"]

[[referendum.initiation.bodies]]
name = "Landesvorstand"

[[referendum.initiation.bodies]]
name = "Landesparteitag"
"""
DISTRICT = """
extends = "state"

[referendum.quorum]
participation = "1/4"

[referendum.ballot]
channels = ["postal"]

[[referendum.initiation.bodies]]
name = "Kreisvorstand"
"""


def test_merge_is_deep_for_tables_and_replaces_arrays() -> None:
    parent = {"a": {"x": 1, "y": [1, 2], "t": {"p": 1}}, "b": 2, "arr": [{"n": 1}, {"n": 2}]}
    child = {"a": {"y": [3], "t": {"q": 2}}, "arr": [{"n": 3}], "c": 4}
    merged = merge(parent, child)
    assert merged == {"a": {"x": 1, "y": [3], "t": {"p": 1, "q": 2}}, "b": 2, "arr": [{"n": 3}], "c": 4}
    assert parent["a"]["t"] == {"p": 1}  # pure: inputs untouched


def test_table_replaced_by_scalar_and_back() -> None:
    assert merge({"a": {"x": 1}}, {"a": 3}) == {"a": 3}
    assert merge({"a": 3}, {"a": {"x": 1}}) == {"a": {"x": 1}}


def test_district_inherits_and_overrides() -> None:
    statute = resolve([("state", STATE), ("district", DISTRICT)])
    quorum = statute.rules.referendum.quorum
    assert quorum.participation.numerator == 1 and quorum.participation.denominator == 4  # overridden
    assert quorum.on_miss == "advisory" and quorum.paragraph == "§ 10 LS"                # inherited
    assert statute.rules.referendum.ballot.channels == ("postal",)
    assert [b.name for b in statute.rules.referendum.initiation.bodies] == ["Kreisvorstand"]
    assert [s.name for s in statute.sources] == ["state", "district"]
    assert statute.sources[1].extends == "state" and statute.sources[0].extends is None
    assert statute.sources[1].text_sha256 == text_sha256(DISTRICT)


def test_child_without_overrides_equals_parent() -> None:
    parent = resolve([("state", STATE)])
    child = resolve([("state", STATE), ("district", 'extends = "state"\n')])
    assert child.rules == parent.rules and child.sha256 == parent.sha256
    assert child.sources[1].text_sha256 != parent.sources[0].text_sha256


def test_content_hash_ignores_wording_and_defaults() -> None:
    a = resolve([("a", '[referendum.quorum]\nparticipation = "20 %"\n')])
    b = resolve([("b", '[referendum.quorum]\nparticipation = "1/5"  # same\non_miss = "invalid"\n')])
    c = resolve([("c", '[referendum.quorum]\nparticipation = "1/4"\n')])
    assert a.sha256 == b.sha256 != c.sha256
    assert resolve([("e", "")]).sha256 == rules_sha256(Rules())
    assert len(a.sha256) == 64 and a.to_json()["format"] == "ballot-statute/1"
    assert a.to_json()["rules"]["referendum"]["quorum"]["participation"] == "1/5"


def test_each_file_is_validated_and_named() -> None:
    with pytest.raises(StatuteError) as info:
        resolve([("state", '[referendum.quorum]\nparticipation = 0.2\n'), ("district", "[x]\n")])
    files = {(p.file, p.path) for p in info.value.problems}
    assert files == {("state", "referendum.quorum.participation"), ("district", "x")}


def test_consistency_is_checked_after_merging() -> None:
    parent = '[referendum.deadlines]\nvoting_max = "P2W"\n'
    child = '[referendum.deadlines]\nvoting_min = "P3W"\n'
    resolve([("parent", parent)])
    with pytest.raises(StatuteError) as info:
        resolve([("parent", parent), ("child", child)])
    [problem] = info.value.problems
    assert (problem.file, problem.path) == ("child", "referendum.deadlines.voting_min")


def test_load_follows_extends() -> None:
    files = {"state": STATE, "district": DISTRICT, "federal": ""}

    def fetch(reference: str, child: str) -> tuple[str, str]:
        return reference, files[reference]

    statute = load("district", DISTRICT, fetch)
    assert statute.sha256 == resolve([("state", STATE), ("district", DISTRICT)]).sha256
    with pytest.raises(StatuteError, match="no parent can be fetched"):
        load("district", DISTRICT)
    with pytest.raises(StatuteError, match="not found"):
        load("x", 'extends = "nowhere"\n', fetch)
    files["a"], files["b"] = 'extends = "b"\n', 'extends = "a"\n'
    with pytest.raises(StatuteError, match="cycle"):
        load("a", files["a"], fetch)


def test_example_inheritance_file() -> None:
    parent_text = (EXAMPLES / "linke.toml").read_text(encoding="utf-8")
    child_text = (EXAMPLES / "linke-berlin.toml").read_text(encoding="utf-8")

    def fetch(reference: str, child: str) -> tuple[str, str]:
        path = Path(child).parent / reference
        return str(path), path.read_text(encoding="utf-8")

    statute = load(str(EXAMPLES / "linke-berlin.toml"), child_text, fetch)
    federal = resolve([("linke", parent_text)]).rules
    assert statute.rules.referendum.quorum == federal.referendum.quorum
    assert statute.rules.referendum.lockout == federal.referendum.lockout
    assert [b.name for b in statute.rules.referendum.initiation.bodies] == ["Landesparteitag", "Landesausschuss"]
    assert statute.rules.statute.unit == "Landesverband Berlin"
