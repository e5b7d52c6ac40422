"""The example statutes load and decide as their statutes say, on hand-computed cases; the docs cover every key."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from ballot_crypto.statutes import (
    Counts,
    check_list,
    check_lockout,
    evaluate,
    evaluate_election,
    evaluate_sub_units,
    resolve,
)
from ballot_crypto.statutes.initiation import SubUnitRequest
from ballot_crypto.statutes.model import Rules
from tests.statutes.helpers import EXAMPLES, scalar_keys

DOCS = Path(__file__).resolve().parents[2] / "docs" / "statutes.md"


def example(name: str) -> Rules:
    return resolve([(name, (EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"))]).rules


@pytest.mark.parametrize("name", ["spd", "gruene", "linke", "verein"])
def test_examples_load_with_paragraphs(name: str) -> None:
    parsed = example(name)
    assert parsed.statute.name and parsed.referendum.quorum.paragraph and parsed.referendum.majority.paragraph


def test_spd_twenty_percent_participation() -> None:
    spd = example("spd")
    adopted = evaluate(spd, "referendum", 1000, Counts(150, 40, 10))   # 200 of 1000 took part; 150 > 100
    assert (adopted.outcome, adopted.binding) == ("adopted", True)
    short = evaluate(spd, "referendum", 1000, Counts(149, 40, 10))     # 199 < 200
    assert (short.outcome, short.binding, short.majority) == ("invalid", False, "adopted")
    assert short.check("quorum.participation").paragraph == "§ 13 Abs. 6 OrgStatut"
    # majority of those voting: abstentions count against (base valid): 100 yes of 200 is no majority
    assert evaluate(spd, "referendum", 1000, Counts(100, 60, 40)).outcome == "rejected"
    assert evaluate(spd, "referendum", 1000, Counts(150, 40, 10), subject="programme").outcome == "advisory"
    assert evaluate(spd, "survey", 1000, Counts(150, 40, 10)).outcome == "advisory"


def test_spd_two_fifths_of_regions() -> None:
    route = example("spd").referendum.initiation.sub_units[0]
    requests = [SubUnitRequest(f"b{i}", "region", 1000) for i in range(8)]
    assert evaluate_sub_units(route, requests, {"region": 20}, 400_000).outcome == "initiated"
    assert evaluate_sub_units(route, requests[:7], {"region": 20}, 400_000).outcome == "failed"


def test_gruene_routes_and_list_quota() -> None:
    gruene = example("gruene")
    tenth, three = gruene.referendum.initiation.sub_units
    districts = [SubUnitRequest(f"kv{i}", "district", 200) for i in range(44)]
    assert evaluate_sub_units(tenth, districts, {"district": 440}, 120_000).outcome == "initiated"
    assert evaluate_sub_units(tenth, districts[:43], {"district": 440}, 120_000).outcome == "failed"
    states = [SubUnitRequest(f"lv{i}", "state", 5000) for i in range(3)]
    assert evaluate_sub_units(three, states, {"state": 16}, 120_000).outcome == "initiated"
    assert gruene.referendum.initiation.petitions[0].stages[0].share == Fraction(1, 20)
    assert {b.name for b in gruene.referendum.initiation.bodies} >= {"Bundesdelegiertenkonferenz"}
    assert check_list(gruene, ["female", "male", "female", "diverse"]).outcome == "valid"
    assert check_list(gruene, ["male", "female"]).outcome == "invalid"


def test_linke_quarter_and_lockout() -> None:
    linke = example("linke")
    assert evaluate(linke, "referendum", 1000, Counts(120, 100, 30)).outcome == "adopted"   # 250 = a quarter
    assert evaluate(linke, "referendum", 1000, Counts(120, 100, 29)).outcome == "invalid"
    assert evaluate(linke, "referendum", 1000, Counts(120, 100, 30), subject="programme").outcome == "advisory"
    merger = evaluate(linke, "referendum", 1000, Counts(120, 100, 30), subject="merger")
    assert merger.binding and merger.check("subject").result == "confirmatory"
    assert check_lockout(linke, "referendum", date(2025, 3, 1), date(2027, 2, 28)).result == "locked"
    assert check_lockout(linke, "referendum", date(2025, 3, 1), date(2027, 3, 1)).result == "met"
    quarter = linke.referendum.initiation.sub_units[0]
    requests = [SubUnitRequest("lv1", "state", 6000), SubUnitRequest("kv1", "district", 500, within="lv1"),
                SubUnitRequest("kv9", "district", 1500, within="lv9")]
    assert evaluate_sub_units(quarter, requests, {}, 30_000).outcome == "initiated"        # 7,500 of 30,000
    assert evaluate_sub_units(quarter, requests[:2], {}, 30_000).outcome == "failed"       # 6,000: no double count


def test_verein_three_quarters_of_votes_cast() -> None:
    verein = example("verein")
    assert evaluate(verein, "referendum", 200, Counts(75, 25, 50), subject="statute").outcome == "adopted"
    rejected = evaluate(verein, "referendum", 200, Counts(74, 25, 50), subject="statute")
    assert rejected.outcome == "rejected" and rejected.check("majority").paragraph == "§ 33 Abs. 1 Satz 1 BGB"
    assert evaluate(verein, "referendum", 200, Counts(74, 25, 50)).outcome == "adopted"      # ordinary resolution
    assert evaluate(verein, "referendum", 200, Counts(50, 50)).outcome == "rejected"          # tie: no majority
    assert evaluate(verein, "referendum", 200, Counts(199, 0, 1), subject="purpose").outcome == "rejected"
    assert evaluate(verein, "referendum", 200, Counts(200, 0), subject="purpose").outcome == "adopted"
    board = evaluate_election(verein, 200, {"Ada": 40, "Bo": 40}, abstain=20)
    assert (board.outcome, board.elected) == ("runoff", ())  # 40 of 80 votes is no majority: another round
    assert evaluate_election(verein, 200, {"Ada": 41, "Bo": 39}, abstain=20).elected == ("Ada",)


def test_docs_name_every_key() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_.<>P]+(?:\.[a-z_<>]+)+)`", text))
    missing = []
    for path, _ in scalar_keys():
        generic = re.sub(r"^(referendum|survey|election)\.", "P.", path)
        if path not in documented and generic not in documented and not path.startswith("election.quota"):
            missing.append(path)
    assert not missing, missing
    for key in ("share", "number", "window", "spread_sub_units", "spread_states", "admissibility", "validity",
                "reference", "cumulative", "levels", "representing", "name", "majority", "reasoned_decision"):
        assert f".{key}`" in text, key
