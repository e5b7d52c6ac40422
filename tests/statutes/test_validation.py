"""Every key with good and bad values; every problem is reported, with file, key path and reason."""

from __future__ import annotations

from typing import Any

import pytest

from ballot_crypto.statutes import Rules, StatuteError, resolve
from tests.statutes.helpers import good_and_bad, problems, rules, scalar_keys, snippet

KEYS = list(scalar_keys())
BAD = [(path, bad) for path, hint in KEYS for bad in good_and_bad(hint)[1]]


def test_the_format_has_many_keys() -> None:
    assert len(KEYS) > 100
    assert "referendum.quorum.participation" in dict(KEYS)


def test_empty_file_is_valid_with_defaults() -> None:
    assert rules("") == Rules()


@pytest.mark.parametrize(("path", "hint"), KEYS, ids=[k for k, _ in KEYS])
def test_good_value(path: str, hint: Any) -> None:
    good, _ = good_and_bad(hint)
    text = snippet(path, good)
    if path.endswith("offline_required"):
        text += 'channels = ["online", "postal"]\n'
    assert problems(text) == []


@pytest.mark.parametrize(("path", "bad"), BAD, ids=[f"{k}={b!r}" for k, b in BAD])
def test_bad_value_names_file_and_key(path: str, bad: Any) -> None:
    found = problems(snippet(path, bad))
    assert found, f"{path} = {bad!r} was accepted"
    assert any(p.startswith(f"test.toml: {path}") for p in found), found


def test_unknown_key_lists_known_keys() -> None:
    [problem] = problems('[referendum.quorum]\nparticipaton = "1/5"\n')
    assert problem.startswith("test.toml: referendum.quorum.participaton: unknown key")
    assert "participation" in problem


def test_unknown_table_and_top_level_key() -> None:
    found = problems('colour = "red"\n[referendum.quorom]\nx = 1\n')
    assert any("colour: unknown key" in p for p in found)
    assert any("referendum.quorom: unknown key" in p for p in found)


def test_all_errors_are_reported_not_only_the_first() -> None:
    text = """
[referendum.quorum]
participation = 0.2
on_miss = "maybe"
[referendum.deadlines]
voting_min = "2 months"
[election]
seats = "three"
"""
    found = problems(text)
    assert len(found) == 4
    assert any("float" in p and "referendum.quorum.participation" in p for p in found)
    assert any("'2 months'" in p and '"P2M"' in p for p in found)


def test_syntax_error_names_line() -> None:
    [problem] = problems("[referendum\n")
    assert problem.startswith("test.toml: not valid TOML") and "line 1" in problem


def test_statute_error_carries_problems() -> None:
    with pytest.raises(StatuteError) as info:
        resolve([("a.toml", "[x]\n")])
    assert info.value.problems[0].file == "a.toml"
    assert info.value.problems[0].path == "x"
    assert "a.toml: x: unknown key" in str(info.value)


@pytest.mark.parametrize(("text", "path", "words"), [
    ('[referendum.deadlines]\nvoting_min = "P6W"\nvoting_max = "P2W"\n', "referendum.deadlines.voting_min",
     "voting_min P6W > voting_max P2W"),
    ('[survey.deadlines]\nvoting_min = "P2M"\nvoting_max = "P30D"\n', "survey.deadlines.voting_min", "inconsistent"),
    ('[referendum.deadlines]\nvoting_min = "P0D"\n', "referendum.deadlines.voting_min", "zero length"),
    ('[referendum.majority]\nfraction = "0"\n', "referendum.majority.fraction", "out of range"),
    ('[referendum.majority]\nfraction = "1"\n', "referendum.majority.strict", "strict = false"),
    ('[referendum.subjects]\nadvisory = ["statute"]\nexcluded = ["statute"]\n', "referendum.subjects.excluded",
     "also in advisory"),
    ('[referendum.ballot]\noffline_required = true\n', "referendum.ballot.offline_required", "only online"),
    ('[referendum.ballot]\nchannels = []\n', "referendum.ballot.channels", "empty"),
    ('[referendum.ballot]\nchannels = ["online", "online"]\n', "referendum.ballot.channels", "twice"),
    ("[eligibility]\nclasses = []\n", "eligibility.classes", "empty"),
    ("[election]\nseats = 0\n", "election.seats", "at least 1"),
    ('[referendum.majorities.statute]\nfraction = "0"\n', "referendum.majorities.statute.fraction", "out of range"),
    ('[referendum.majorities.statute]\nquorum = "1/2"\n', "referendum.majorities.statute.quorum", "unknown key"),
    ('[referendum]\nmajorities = "3/4"\n', "referendum.majorities", "expected a table"),
    ('[referendum.majorities]\nstatute = "3/4"\n', "referendum.majorities.statute", "expected a table"),
    ("[[referendum.initiation.bodies]]\n", "referendum.initiation.bodies[0].name", "missing"),
    ('[[referendum.initiation.bodies]]\nname = "B"\nmajority = { fraction = "2" }\n',
     "referendum.initiation.bodies[0].majority.fraction", "more than 1"),
    ('[[referendum.initiation.bodies]]\nname = "B"\nsize = 3\n', "referendum.initiation.bodies[0].size", "unknown"),
    ("[[referendum.initiation.sub_units]]\nnumber = 3\n", "referendum.initiation.sub_units[0].levels", "missing"),
    ('[[referendum.initiation.sub_units]]\nlevels = ["state"]\n', "referendum.initiation.sub_units[0]",
     "number, share or representing"),
    ('[[referendum.initiation.sub_units]]\nlevels = "state"\nnumber = 3\n',
     "referendum.initiation.sub_units[0].levels", "expected an array"),
    ('[[referendum.initiation.sub_units]]\nlevels = ["state"]\nrepresenting = 0.25\n',
     "referendum.initiation.sub_units[0].representing", "float"),
    ("[[referendum.initiation.petitions]]\n", "referendum.initiation.petitions[0].stages", "at least one stage"),
    ('[[referendum.initiation.petitions]]\nreference = "today"\n'
     '[[referendum.initiation.petitions.stages]]\nnumber = 5\n',
     "referendum.initiation.petitions[0].reference", "expected one of"),
    ('[[referendum.initiation.petitions]]\nvalidity = "3 months"\n'
     '[[referendum.initiation.petitions.stages]]\nnumber = 5\n',
     "referendum.initiation.petitions[0].validity", "bad duration"),
    ("[[referendum.initiation.petitions]]\n[[referendum.initiation.petitions.stages]]\nwindow = \"P2M\"\n",
     "referendum.initiation.petitions[0].stages[0]", "share or number"),
    ('[[referendum.initiation.petitions]]\n[[referendum.initiation.petitions.stages]]\nshare = "1 %"\n'
     'spread_sub_units = 2\nspread_states = 3\n', "referendum.initiation.petitions[0].stages[0].spread_states",
     "cannot be covered"),
    ('[[referendum.initiation.petitions]]\n[[referendum.initiation.petitions.stages]]\nshare = "1 %"\n'
     'window = "P0D"\n', "referendum.initiation.petitions[0].stages[0].window", "zero length"),
    ('[[referendum.initiation.petitions]]\n[[referendum.initiation.petitions.stages]]\nnumber = -5\n',
     "referendum.initiation.petitions[0].stages[0].number", "negative"),
    ('[[referendum.initiation.petitions]]\n[[referendum.initiation.petitions.stages]]\nnumber = 5\ncolour = 1\n',
     "referendum.initiation.petitions[0].stages[0].colour", "unknown key"),
    ("extends = 3\n", "extends", "expected a string"),
    ("[referendum]\nquorum = 5\n", "referendum.quorum", "expected a table"),
    ("[election.quota]\nodd_places_women = 1\n", "election.quota.odd_places_women", "true or false"),
    ("[eligibility]\nmember_since = 2026-01-01T10:00:00\n", "eligibility.member_since", "date"),
])
def test_specific_problems(text: str, path: str, words: str) -> None:
    found = problems(text)
    prefix = f"test.toml: {path}: "
    assert any(p.startswith(prefix) and words in p for p in found), found


def test_good_route_tables() -> None:
    text = """
[[referendum.initiation.bodies]]
name = "Parteivorstand"
paragraph = "§ 13 Abs. 4"
majority = { fraction = "3/4", base = "present", strict = false }

[[referendum.initiation.sub_units]]
levels = ["state", "district"]
number = 3
share = "1/10"
representing = "1/4"
paragraph = "§ 8"

[[referendum.initiation.petitions]]
name = "Begehren"
validity = "P6M"
reference = "stage_start"
cumulative = false
online = false
reasoned_decision = false
paragraph = "§ 13 Abs. 3"

[[referendum.initiation.petitions.stages]]
share = "1 %"
number = 500
window = "P2M"
spread_sub_units = 10
spread_states = 3
admissibility = "P2W"
paragraph = "§ 13 Abs. 3 S. 1"

[referendum.majorities.statute]
fraction = "2/3"
"""
    parsed = rules(text)
    initiation = parsed.referendum.initiation
    assert initiation.bodies[0].majority.base == "present"
    assert initiation.sub_units[0].levels == ("state", "district")
    stage = initiation.petitions[0].stages[0]
    assert (stage.spread_sub_units, stage.spread_states, str(stage.admissibility)) == (10, 3, "P2W")
    assert parsed.referendum.majorities["statute"].strict is True
