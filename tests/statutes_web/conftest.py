"""The page tests' organisation (a member and a board member in Hessen, a member in Sachsen, a federal admin),
plus statute texts used across these tests."""

from __future__ import annotations

from tests.pages.conftest import World, world

__all__ = ["FEDERAL", "STATE", "World", "world"]

FEDERAL = """
[statute]
name = "Bundessatzung (Test)"

[referendum]
paragraph = "§ 10"

[referendum.quorum]
participation = "20 %"
paragraph = "§ 10 Abs. 3"

[referendum.majority]
base = "valid"
paragraph = "§ 10 Abs. 4"

[referendum.deadlines]
announcement = "P2W"
voting_min = "P1W"
voting_max = "P4W"
paragraph = "§ 11"

[referendum.subjects]
advisory = ["programme"]
paragraph = "§ 9 PartG"
"""

STATE = """
[referendum.quorum]
participation = "1/4"
paragraph = "§ 5 Landessatzung"
"""
