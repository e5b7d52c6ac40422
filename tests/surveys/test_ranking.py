"""Schulze and Borda on known examples. Examples 1-4 are from Markus Schulze, "The Schulze Method of Voting"
(section 3; example 1 also with its matrix of strongest paths, as printed there and in the Wikipedia article)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballot.surveys.ranking import borda, borda_ranking, pairwise, schulze


def ballots(spec: Sequence[tuple[int, str]], candidates: str) -> list[list[int]]:
    out: list[list[int]] = []
    for count, order in spec:
        out += [[candidates.index(c) for c in order]] * count
    return out


def named(tiers: list[list[int]], candidates: str) -> str:
    return " > ".join("=".join(candidates[i] for i in tier) for tier in tiers)


EXAMPLE_1 = [(5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"), (7, "CAEBD"), (2, "CBADE"), (7, "DCEBA"),
             (8, "EBADC")]


def test_example_1_45_voters_5_candidates() -> None:
    result = schulze(ballots(EXAMPLE_1, "ABCDE"), 5)
    assert result.d == [[0, 20, 26, 30, 22], [25, 0, 16, 33, 18], [19, 29, 0, 17, 24], [15, 12, 28, 0, 14],
                        [23, 27, 21, 31, 0]]
    assert result.p == [[0, 28, 28, 30, 24], [25, 0, 28, 33, 24], [25, 29, 0, 29, 24], [25, 28, 28, 0, 24],
                        [25, 28, 28, 31, 0]]
    assert named(result.ranking, "ABCDE") == "E > A > C > B > D"


@pytest.mark.parametrize(("spec", "candidates", "expected"), [
    # Example 2: 30 voters, 4 candidates.
    ([(5, "ACBD"), (2, "ACDB"), (3, "ADCB"), (4, "BACD"), (3, "CBDA"), (3, "CDBA"), (1, "DACB"), (5, "DBAC"),
      (4, "DCBA")], "ABCD", "D > A > C > B"),
    # Example 3: 30 voters, 5 candidates.
    ([(3, "ABDEC"), (5, "ADEBC"), (1, "ADECB"), (2, "BADEC"), (2, "BDECA"), (4, "CABDE"), (6, "CBADE"),
      (2, "DBECA"), (5, "DECAB")], "ABCDE", "B > A > D > E > C"),
])
def test_paper_examples(spec: list[tuple[int, str]], candidates: str, expected: str) -> None:
    assert named(schulze(ballots(spec, candidates), len(candidates)).ranking, candidates) == expected


def test_example_4_two_potential_winners() -> None:
    """9 voters: B and D are both potential winners (p[B,D] = p[D,B]); B beats C and D beats A."""
    result = schulze(ballots([(3, "ABCD"), (2, "DABC"), (2, "DBCA"), (2, "CBDA")], "ABCD"), 4)
    assert result.ranking[0] == [1, 3]
    assert result.p[1][3] == result.p[3][1]
    assert result.p[1][2] > result.p[2][1] and result.p[3][0] > result.p[0][3]


def test_condorcet_cycle_is_a_tie() -> None:
    result = schulze(ballots([(1, "ABC"), (1, "BCA"), (1, "CAB")], "ABC"), 3)
    assert result.ranking == [[0, 1, 2]]


def test_borda_points_and_ranking() -> None:
    # 3 candidates: first place 2 points, second 1, third 0.
    points = borda(ballots([(5, "ABC"), (4, "BCA"), (2, "CBA")], "ABC"), 3)
    assert points == [10, 15, 8]
    assert borda_ranking(points) == [[1], [0], [2]]
    # Example 1 by Borda (A by hand: 5*4 + 5*4 + 8*1 + 3*3 + 7*3 + 2*2 + 7*0 + 8*2 = 98; E: 102):
    # B and C swap places compared with Schulze's E > A > C > B > D.
    example = borda(ballots(EXAMPLE_1, "ABCDE"), 5)
    assert example == [98, 92, 89, 69, 102]
    assert named(borda_ranking(example), "ABCDE") == "E > A > B > C > D"
    assert borda_ranking([3, 3, 0]) == [[0, 1], [2]]


@given(st.lists(st.permutations([0, 1, 2, 3]), min_size=1, max_size=30))
def test_schulze_ranks_a_condorcet_winner_first(raw: list[list[int]]) -> None:
    d = pairwise(raw, 4)
    winners = [i for i in range(4) if all(d[i][j] > d[j][i] for j in range(4) if j != i)]
    result = schulze(raw, 4)
    assert sorted(i for tier in result.ranking for i in tier) == [0, 1, 2, 3]
    if winners:
        assert result.ranking[0] == winners
