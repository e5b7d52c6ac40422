"""Ranking results: the Schulze method (strongest paths, Floyd-Warshall) and the Borda count.

A ballot is a list of option indices from the first place to the last; options missing from a ballot share the
last place (a strict weak order). Reference: Markus Schulze, "The Schulze Method of Voting" (docs/surveys.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Ballot = Sequence[int]


@dataclass(frozen=True)
class SchulzeResult:
    """``d[i][j]``: voters preferring i to j; ``p[i][j]``: strength of the strongest path from i to j;
    ``ranking``: tiers of option indices, best first (options in one tier are tied)."""

    d: list[list[int]]
    p: list[list[int]]
    ranking: list[list[int]]


def pairwise(ballots: Sequence[Ballot], count: int) -> list[list[int]]:
    """The pairwise preference matrix ``d``."""
    d = [[0] * count for _ in range(count)]
    for ballot in ballots:
        place = {option: position for position, option in enumerate(ballot)}
        last = len(ballot)
        for i in range(count):
            for j in range(count):
                if i != j and place.get(i, last) < place.get(j, last):
                    d[i][j] += 1
    return d


def strongest_paths(d: Sequence[Sequence[int]]) -> list[list[int]]:
    """``p`` by the widest-path variant of Floyd-Warshall (links only where d[i][j] > d[j][i])."""
    n = len(d)
    p = [[d[i][j] if i != j and d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
    for k in range(n):
        for i in range(n):
            if i == k:
                continue
            for j in range(n):
                if j not in (i, k):
                    p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
    return p


def schulze(ballots: Sequence[Ballot], count: int) -> SchulzeResult:
    """The Schulze ranking: i is better than j when p[i][j] > p[j][i] (a transitive relation); tiers are formed
    by repeatedly taking the options no remaining option is better than."""
    d = pairwise(ballots, count)
    p = strongest_paths(d)
    remaining = list(range(count))
    ranking: list[list[int]] = []
    while remaining:
        tier = [i for i in remaining if all(p[i][j] >= p[j][i] for j in remaining if j != i)]
        ranking.append(tier)
        remaining = [i for i in remaining if i not in tier]
    return SchulzeResult(d=d, p=p, ranking=ranking)


def borda(ballots: Sequence[Ballot], count: int) -> list[int]:
    """Borda points per option: ``count - 1`` for a first place down to 0 for the last (survey rankings are
    complete; an option missing from a ballot gets no points from it)."""
    points = [0] * count
    for ballot in ballots:
        for position, option in enumerate(ballot):
            points[option] += count - 1 - position
    return points


def borda_ranking(points: Sequence[int]) -> list[list[int]]:
    """Tiers of option indices by Borda points, best first."""
    ranking: list[list[int]] = []
    for value in sorted(set(points), reverse=True):
        ranking.append([i for i, p in enumerate(points) if p == value])
    return ranking
