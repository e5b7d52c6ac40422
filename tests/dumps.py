"""Read a table as an operator's ordinary tools list it: ``pg_dump`` (PostgreSQL) or ``sqlite3 .dump`` (SQLite),
in the order the dump prints the rows; and the pairwise agreement of two orders (decision 0002, "Order in dumps")."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Sequence
from itertools import combinations
from typing import Any


def dumped_rows(database: tuple[str, str | None], table: str) -> list[tuple[Any, ...]]:
    """The rows of ``table`` in dump order, each a tuple of its column values (NULL as None, numbers as int,
    everything else as text)."""
    url, schema = database
    if url.startswith("sqlite"):
        dump = subprocess.run(["sqlite3", url.split("///", 1)[1], f".dump {table}"],  # noqa: S603,S607
                              capture_output=True, text=True, check=True).stdout
        prefix = f"INSERT INTO {table} VALUES("
        evaluator = sqlite3.connect(":memory:")
        try:  # a dumped VALUES list is a valid SELECT list: let SQLite parse its own quoting
            return [tuple(evaluator.execute("SELECT " + line[len(prefix):-2]).fetchone())
                    for line in dump.splitlines() if line.startswith(prefix)]
        finally:
            evaluator.close()
    dump = subprocess.run(["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--data-only",  # noqa: S603,S607
                           f"--table={schema}.{table}", "test"], capture_output=True, text=True, check=True).stdout
    body = dump.split(f"COPY {schema}.{table} ", 1)[1].split("\n", 1)[1].split("\n\\.", 1)[0]
    return [tuple(_copy_value(v) for v in line.split("\t")) for line in body.splitlines()]


def _copy_value(text: str) -> Any:
    if text == "\\N":
        return None
    return int(text) if text.lstrip("-").isdigit() else text.replace("\\\\", "\\")


def pairwise_agreement(listed: Sequence[Any], rank: dict[Any, int]) -> float:
    """Over all pairs of items of ``listed`` (in the order a dump lists them), the share of pairs that ``rank``
    (the true order of events: 0 first) puts in the same relative order. 0.5 is chance; 1.0 is the order of events."""
    assert set(listed) == set(rank) and len(listed) == len(rank), "the dump and the events differ"
    pairs = list(combinations(listed, 2))
    return sum(1 for a, b in pairs if rank[a] < rank[b]) / len(pairs)
