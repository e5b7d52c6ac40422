"""Helpers to tamper with a record the way an attacker without the board key could (tests only)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ballot_audit import canonical
from ballot_audit.report import Report, Verification
from ballot_audit.verify import verify


def read(record: Path, name: str) -> Any:
    return json.loads((record / name).read_bytes())


def write(record: Path, name: str, value: Any) -> None:
    (record / name).write_bytes(canonical.encode(value))


def entries(record: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (record / "ballots.jsonl").read_bytes().splitlines()]


def write_entries(record: Path, values: list[dict[str, Any]], *, rechain: bool = False) -> None:
    """Write board entries; with `rechain`, renumber them and recompute trackers and the hash chain."""
    if rechain:
        previous = read(record, "index.json")["election"]
        for position, entry in enumerate(values, start=1):
            entry["position"], entry["previous"] = position, previous
            entry["tracker"] = canonical.hash_hex(entry["ballot"])
            entry["chain"] = canonical.hash_hex({"chain": "ballot-board/1", "position": position,
                                                 "previous": previous, "tracker": entry["tracker"]})
            previous = entry["chain"]
    (record / "ballots.jsonl").write_bytes(b"".join(canonical.encode(e) + b"\n" for e in values))


def reseal(record: Path) -> None:
    """Recompute every file's SHA-256 and size in index.json (as anyone can)."""
    index = read(record, "index.json")
    for entry in index["files"]:
        data = (record / entry["name"]).read_bytes()
        entry["sha256"], entry["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
    write(record, "index.json", index)


def check(record: Path) -> Report:
    return verify(record, processes=1)


def failures(report: Report, check_number: int) -> list[Verification]:
    return [v for v in report.failures if v.check == check_number]


def assert_fails(report: Report, check_number: int, location: str, words: str) -> Verification:
    """The report has a failure of this check at a location containing `location`, with `words` in its message."""
    for v in failures(report, check_number):
        if location in v.location and words in v.message:
            return v
    listed = "\n".join(v.line() for v in report.failures)
    raise AssertionError(f"no failure of check {check_number} at {location!r} saying {words!r}; got:\n{listed}")
