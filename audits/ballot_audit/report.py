"""The verification report: one `Verification` per failure, and one passing entry per check that held."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CHECKS: dict[int, str] = {
    1: "files",
    2: "index",
    3: "election",
    4: "manifest",
    5: "trustees",
    6: "credentials",
    7: "ballot structure",
    8: "eligibility",
    9: "signature",
    10: "proofs",
    11: "chain",
    12: "revoting",
    13: "board head",
    14: "aggregates",
    15: "decryption shares",
    16: "result",
    17: "evaluation",
    18: "spoiled ballot reveal",
    19: "statute",
    20: "decision",
    21: "postal ballots",
    22: "openings",
}
"""The checks of docs/election-record.md section 4, by number; 18 is section 5 (a spoiled ballot's reveal)."""
RECORD_CHECKS = tuple(n for n in CHECKS if n != 18)
"""The checks a whole record goes through."""


@dataclass(frozen=True)
class Verification:
    """One finding: whether it holds, the check number (section 4), where, and what."""

    ok: bool
    check: int
    location: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "check_name": CHECKS.get(self.check, "")}

    def line(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        where = f"{self.location}: " if self.location else ""
        return f"{mark} [{self.check:2d} {CHECKS.get(self.check, '')}] {where}{self.message}"


@dataclass
class Report:
    """All findings of one verification, plus the summary values shown when the record is valid."""

    items: list[Verification] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    def fail(self, check: int, location: str, message: str) -> None:
        self.items.append(Verification(False, check, location, message))

    def passed(self, check: int, location: str, message: str) -> None:
        self.items.append(Verification(True, check, location, message))

    def extend(self, items: list[Verification]) -> None:
        self.items.extend(items)

    @property
    def failures(self) -> list[Verification]:
        return [item for item in self.items if not item.ok]

    @property
    def ok(self) -> bool:
        return not self.failures

    def failed_checks(self) -> set[int]:
        return {item.check for item in self.items if not item.ok}

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "summary": self.summary,
            "failures": len(self.failures),
            "verifications": [item.to_json() for item in self.items],
        }
