"""Checks 1 to 6: the file set, canonical form and shapes, the index, the election, manifest, trustees, credentials."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
from dataclasses import dataclass, field
from typing import Any

from ballot_audit import canonical, primitives, structure
from ballot_audit.manifest import Question, check_manifest
from ballot_audit.report import Report
from ballot_audit.source import FILES, INDEX, READ_ERRORS, Source, Unreadable
from ballot_audit.trustees import check_trustees

RECORD_FORMAT, ELECTION_FORMAT = "ballot-record/1", "ballot-election/1"
CREDENTIAL_LINE = re.compile(rb'\{"credential":"([0-9a-f]{64})"\}\n')
PARALLEL_CREDENTIALS = 20_000
"""From this many credentials on, their point checks run in worker processes."""


@dataclass
class Context:
    """What the later checks need from the setup files (None where a file failed)."""

    record_hash: str = ""
    fingerprint: str = ""
    docs: dict[str, Any] = field(default_factory=dict)
    file_hashes: dict[str, str] = field(default_factory=dict)
    questions: list[Question] | None = None
    revoting: bool = False
    public_key: bytes | None = None
    board_key: bytes | None = None
    threshold: int = 0
    verification_keys: dict[int, bytes] | None = None
    credentials: set[str] = field(default_factory=set)
    credentials_ok: bool = False
    eligible: int = 0

    @property
    def ballots_checkable(self) -> bool:
        return bool(self.fingerprint) and self.questions is not None and self.public_key is not None


def _parse(report: Report, name: str, data: bytes, where: str = "") -> Any:
    """Check 1 for one .json file (or line): canonical form and shape; the value, or None when unusable."""
    try:
        value = canonical.parse(data)
    except canonical.NotCanonical as exc:
        report.fail(1, where or name, str(exc))
        return None
    problems = structure.check(value, structure.SHAPES[name])
    for problem in problems:
        report.fail(1, where or name, problem)
    return None if problems else value


def open_index(src: Source, report: Report, ctx: Context) -> None:
    """File set (check 1) and index.json (check 2, the ballots.jsonl hash is compared while streaming)."""
    names, expected = src.names(), {INDEX, *FILES}
    if INDEX not in names:
        raise Unreadable(f"{src.path}: index.json is missing, this is not an election record")
    try:
        data = src.read(INDEX)
        json.loads(data)
    except (*READ_ERRORS, UnicodeDecodeError) as exc:
        raise Unreadable(f"{src.path}: index.json cannot be read as JSON ({exc})") from None
    for name in sorted(expected - names):
        report.fail(1, name, "file missing")
    for name in sorted(names - expected):
        report.fail(1, name, "unknown file or directory (a record holds exactly the files of section 3)")
    ctx.record_hash = canonical.sha256_hex(data)
    index = _parse(report, INDEX, data)
    if index is None:
        return
    ctx.docs[INDEX] = index
    if index["format"] != RECORD_FORMAT:
        report.fail(2, INDEX, f"format is {index['format']!r}, expected {RECORD_FORMAT!r}")
    listed = [f["name"] for f in index["files"]]
    if listed != list(FILES):
        report.fail(2, INDEX, f"files listed as {listed}, expected exactly {list(FILES)} in this order")
    for entry in index["files"]:
        name = entry["name"]
        if name not in FILES or name not in names or name == "ballots.jsonl":
            continue
        try:
            data = src.read(name)
        except READ_ERRORS as exc:
            report.fail(1, name, f"cannot be read ({exc})")
            continue
        digest = canonical.sha256_hex(data)
        ctx.file_hashes[name] = digest
        if digest != entry["sha256"] or len(data) != entry["bytes"]:
            report.fail(2, name, f"SHA-256 {digest} / {len(data)} bytes differ from index.json "
                                 f"({entry['sha256']} / {entry['bytes']} bytes)")
        if name.endswith(".json"):
            ctx.docs[name] = _parse(report, name, data)


def _invalid_points(credentials: list[str]) -> list[int]:
    """Indices of the credentials that are not valid non-identity points (43 us each: run in parallel)."""
    return [i for i, c in enumerate(credentials) if primitives.point(c) is None]


def _validate(credentials: list[str], processes: int | None) -> list[int]:
    processes = processes or os.cpu_count() or 1
    if processes == 1 or len(credentials) < PARALLEL_CREDENTIALS:
        return _invalid_points(credentials)
    size = -(-len(credentials) // (4 * processes))
    chunks = [credentials[i : i + size] for i in range(0, len(credentials), size)]
    methods = multiprocessing.get_all_start_methods()
    with multiprocessing.get_context("fork" if "fork" in methods else None).Pool(processes) as pool:
        results = pool.map(_invalid_points, chunks)
    return [k * size + i for k, bad in enumerate(results) for i in bad]


def check_credentials(src: Source, report: Report, ctx: Context, processes: int | None = None) -> None:
    """Check 6 (and check 1 for credentials.jsonl): valid points, sorted, distinct; the file hash for check 3."""
    name, digest, previous, count, bad = "credentials.jsonl", hashlib.sha256(), "", 0, 0
    listed: list[str] = []
    try:
        for number, raw in enumerate(src.lines(name), start=1):
            digest.update(raw)
            count = number
            where = f"{name} line {number}"
            match = CREDENTIAL_LINE.fullmatch(raw)
            if match is None:  # the slow path names the problem
                if not raw.endswith(b"\n"):
                    report.fail(1, where, "the last line is not terminated by LF")
                value = _parse(report, name, raw.removesuffix(b"\n"), where)
                if value is None:
                    bad += 1
                    continue
            credential = match.group(1).decode() if match else value["credential"]
            if credential <= previous:
                report.fail(6, where, "not sorted ascending" if credential < previous else "duplicate credential")
                bad += 1
            previous = credential
            listed.append(credential)
    except READ_ERRORS as exc:
        report.fail(1, name, f"cannot be read ({exc})")
        return
    for i in _validate(listed, processes):
        report.fail(6, f"{name} credential {i + 1}", f"{listed[i]} is not a valid Ed25519 public key (a non-identity "
                                                     "point of the prime-order subgroup)")
        bad += 1
    ctx.credentials = set(listed)
    ctx.file_hashes[name] = digest.hexdigest()
    ctx.credentials_ok, ctx.eligible = bad == 0, count
    if bad == 0:
        report.passed(6, name, f"{count} eligible credentials, valid, sorted and distinct")


def check_election(src: Source, report: Report, ctx: Context) -> None:
    """Checks 3, 4 and 5: the election's hashes and fingerprint, the manifest, the trustees."""
    election, index = ctx.docs.get("election.json"), ctx.docs.get(INDEX)
    if election is not None:
        data = canonical.encode(election)
        ctx.fingerprint = ctx.file_hashes.get("election.json") or canonical.sha256_hex(data)
        problems = [f"format is {election['format']!r}, expected {ELECTION_FORMAT!r}"] * (
            election["format"] != ELECTION_FORMAT)
        for key, name in (("manifest", "manifest.json"), ("trustees", "trustees.json"),
                          ("credentials", "credentials.jsonl")):
            if name in ctx.file_hashes and election[key] != ctx.file_hashes[name]:
                problems.append(f"{key} is {election[key]}, but SHA-256 of {name} is {ctx.file_hashes[name]}")
        if index is not None and index["election"] != ctx.fingerprint:
            problems.append(f"index.json names election {index['election']}, but F = H(election.json) is "
                            f"{ctx.fingerprint}")
        for problem in problems:
            report.fail(3, "election.json", problem)
        if not problems:
            report.passed(3, "election.json", f"fingerprint F = {ctx.fingerprint}")
        ctx.public_key = primitives.point(election["public_key"])
        if ctx.public_key is None:
            report.fail(3, "election.json", "public_key is not a valid non-identity point")
        ctx.board_key = bytes.fromhex(election["board_key"])
    manifest = ctx.docs.get("manifest.json")
    if manifest is not None:
        questions, problems = check_manifest(manifest)
        for problem in problems:
            report.fail(4, "manifest.json", problem)
        if not problems:
            ctx.questions, ctx.revoting = questions, manifest["revoting"]
            report.passed(4, "manifest.json", f"{len(questions)} questions, revoting "
                                              f"{'allowed' if ctx.revoting else 'not allowed'}")
    trustees = ctx.docs.get("trustees.json")
    manifest_hash = ctx.file_hashes.get("manifest.json")
    if trustees is not None and manifest_hash is not None:
        keys = check_trustees(report, trustees, bytes.fromhex(manifest_hash), ctx.public_key)
        if keys is not None:
            ctx.threshold, ctx.verification_keys = trustees["threshold"], keys
