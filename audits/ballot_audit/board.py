"""Checks 8, 11, 12 and 13 over the whole board; ballots.jsonl is streamed to worker processes in chunks.

The workers check each line on its own (ballots.py); this module checks what needs the order: positions without
gaps, `previous` links, unique trackers, eligibility, the revoting marks and the signed board head.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ballot_audit import canonical, primitives
from ballot_audit.ballots import BallotSpec, Summary, Sums, verify_entry
from ballot_audit.report import Report, Verification
from ballot_audit.source import READ_ERRORS, Source

NAME = "ballots.jsonl"
CHUNK_LINES = 48
POOL_THRESHOLD = 256 * 1024
"""Below this many bytes of ballots.jsonl the check runs in-process (starting workers costs more)."""
HEAD_DOMAIN = "ballot-crypto/board-head/1"
ChunkResult = tuple[list[tuple[int, Summary | None]], list[Verification], Sums]

_SPEC: BallotSpec | None = None


def _init(spec: BallotSpec) -> None:
    global _SPEC
    _SPEC = spec


def _work(chunk: list[tuple[int, bytes]]) -> ChunkResult:
    assert _SPEC is not None
    fails: list[Verification] = []
    sums = Sums([primitives.IDENTITY] * sum(2 * (len(q.maxima) + q.blank_flag) for q in _SPEC.questions))
    summaries = [(number, verify_entry(_SPEC, number, raw, fails, sums)) for number, raw in chunk]
    return summaries, fails, sums


@dataclass
class Board:
    """The order-dependent state, filled while the chunks come back in order."""

    fingerprint: str
    eligible: set[str]
    lines: int = 0
    head: str = ""
    previous: str | None = ""
    trackers: set[str] = field(default_factory=set)
    by_credential: dict[str, list[int]] = field(default_factory=dict)
    superseded: dict[int, int | None] = field(default_factory=dict)
    counted: int = 0
    sums: Sums | None = None
    digest: Any = field(default_factory=hashlib.sha256)

    def take(self, result: ChunkResult, report: Report) -> None:
        summaries, fails, sums = result
        report.extend(fails)
        for number, summary in summaries:
            self._entry(number, summary, report)
        if self.sums is None:
            self.sums = sums
        else:
            self.sums.points = [primitives.add(a, b) for a, b in zip(self.sums.points, sums.points, strict=True)]
            self.sums.ballots += sums.ballots
            self.sums.unsummable += sums.unsummable

    def _entry(self, number: int, summary: Summary | None, report: Report) -> None:
        self.lines = number
        if summary is None:
            self.previous, self.head = None, ""
            return
        _, position, credential, tracker, previous, chain, superseded_by = summary
        where = f"{NAME} line {number}"
        if position != number:
            report.fail(11, where, f"position is {position}, expected {number} (positions count 1, 2, ... "
                                   "without gaps)")
        expected = self.fingerprint if number == 1 else self.previous
        if expected is not None and previous != expected:
            report.fail(11, where, f"previous is {previous}, expected {expected} "
                                   f"({'F' if number == 1 else 'the chain of line ' + str(number - 1)})")
        if tracker in self.trackers:
            report.fail(11, where, f"tracker {tracker} appears twice on the board (a replayed ballot)")
        self.trackers.add(tracker)
        self.previous = self.head = chain
        self.superseded[number] = superseded_by
        self.counted += superseded_by is None
        if credential is None:
            return
        if credential not in self.eligible:
            report.fail(8, where, f"credential {credential} is not on the credential list")
        self.by_credential.setdefault(credential, []).append(number)


def _chunks(src: Source, board: Board, progress: Callable[[int], None]) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for number, raw in enumerate(src.lines(NAME), start=1):
        board.digest.update(raw)
        chunk.append((number, raw))
        if len(chunk) == CHUNK_LINES:
            progress(sum(len(r) for _, r in chunk))
            yield chunk
            chunk = []
    if chunk:
        progress(sum(len(r) for _, r in chunk))
        yield chunk


def stream(src: Source, spec: BallotSpec, board: Board, report: Report, *, processes: int | None = None,
           progress: Callable[[int], None] = lambda n: None) -> bool:
    """Check every line of ballots.jsonl; False if the file could not be read to the end."""
    processes = processes or os.cpu_count() or 1
    use_pool = processes > 1 and src.size(NAME) > POOL_THRESHOLD
    try:
        if not use_pool:
            _init(spec)
            for chunk in _chunks(src, board, progress):
                board.take(_work(chunk), report)
            return True
        methods = multiprocessing.get_all_start_methods()
        mp = multiprocessing.get_context("fork" if "fork" in methods else None)
        with mp.Pool(processes, _init, (spec,)) as pool:
            window: deque[Any] = deque()
            for chunk in _chunks(src, board, progress):
                window.append(pool.apply_async(_work, (chunk,)))
                while len(window) > 3 * processes:
                    board.take(window.popleft().get(), report)
            while window:
                board.take(window.popleft().get(), report)
        return True
    except READ_ERRORS as exc:
        report.fail(1, NAME, f"cannot be read to the end ({exc}); the board was not checked completely")
        return False


def check_revoting(board: Board, revoting: bool, report: Report) -> None:
    """Check 12: superseded_by marks, and no second ballot of a credential without revoting."""
    before = len(report.failures)
    for credential, lines in board.by_credential.items():
        if not revoting:
            for number in lines[1:]:
                report.fail(12, f"{NAME} line {number}", f"credential {credential} already cast the ballot at "
                                                          f"position {lines[0]}, and revoting is not allowed")
        for earlier, later in pairwise(lines):
            if revoting and board.superseded[earlier] != later:
                report.fail(12, f"{NAME} line {earlier}", f"superseded_by is {board.superseded[earlier]}, expected "
                                                          f"{later} (the next ballot of credential {credential})")
        last = lines[-1]
        if revoting and board.superseded[last] is not None:
            report.fail(12, f"{NAME} line {last}", f"superseded_by is {board.superseded[last]}, but this is the "
                                                   f"last ballot of credential {credential}: it must be null")
    if not revoting:
        for number, mark in board.superseded.items():
            if mark is not None:
                report.fail(12, f"{NAME} line {number}", f"superseded_by is {mark}, but revoting is not allowed "
                                                         "(every mark must be null)")
    if len(report.failures) == before:
        report.passed(12, NAME, f"{board.counted} counted ballots from {len(board.by_credential)} distinct "
                                "credentials; only the last ballot of each credential counts")


def check_head(doc: dict[str, Any] | None, board: Board, board_key: bytes | None, report: Report) -> None:
    """Check 13: board.json's count, head and signature."""
    if doc is None or board_key is None:
        report.fail(13, "board.json", "not checked: board.json or election.json is unusable")
        return
    head = board.head if board.lines else board.fingerprint
    failures = []
    if doc["count"] != board.lines:
        failures.append(f"count is {doc['count']}, the board has {board.lines} entries")
    if board.previous is not None and doc["head"] != head:
        failures.append(f"head is {doc['head']}, the chain of the last entry is {head}")
    payload = canonical.encode({"count": doc["count"], "election": board.fingerprint, "head": doc["head"]})
    if not primitives.verify_signature(board_key, primitives.signed_message(HEAD_DOMAIN, payload),
                                       bytes.fromhex(doc["signature"])):
        failures.append("the signature does not verify under election.board_key")
    for failure in failures:
        report.fail(13, "board.json", failure)
    if not failures:
        report.passed(13, "board.json", f"{board.lines} entries, head {head}, signed by the board key")
