"""Write and read the election record `ballot-record/1` (a directory or a .zip; docs/election-record.md).

The writer encodes every file canonically and binds them in index.json; the reader checks the file set, the
canonical encoding, the index hashes and the structure of every object, and names the file and line of a problem.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ballot_crypto import canonical, schema
from ballot_crypto.errors import CryptoError, InvalidEncoding
from ballot_crypto.manifest import Manifest
from ballot_crypto.openings import empty_openings
from ballot_crypto.postal import postal_json, statute_precedence

FORMAT = "ballot-record/1"
ELECTION_FORMAT = "ballot-election/1"
INDEX = "index.json"
FILES = ("election.json", "manifest.json", "statute.json", "trustees.json", "credentials.jsonl", "ballots.jsonl",
         "board.json", "aggregates.json", "decryption.json", "postal.json", "openings.json", "result.json",
         "evaluation.json")


class RecordError(CryptoError):
    """A record that cannot be read or is malformed; names the file (and line) of the problem."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        where = file if line is None else f"{file}, line {line}"
        super().__init__(f"{where}: {message}")
        self.file, self.line, self.reason = file, line, message


def credentials_bytes(credentials: Iterable[str]) -> bytes:
    """credentials.jsonl: one {"credential": hex} a line, sorted, distinct."""
    return b"".join(canonical.dumps_lines({"credential": c} for c in sorted(set(credentials))))


def election_json(manifest: dict[str, Any], trustees: dict[str, Any], credentials: Iterable[str],
                  public_key: str, board_key: str) -> dict[str, Any]:
    """election.json; its canonical hash is the election fingerprint F."""
    return {
        "format": ELECTION_FORMAT,
        "manifest": canonical.hash_json_hex(manifest),
        "trustees": canonical.hash_json_hex(trustees),
        "credentials": canonical.sha256_hex(credentials_bytes(credentials)),
        "public_key": public_key,
        "board_key": board_key,
    }


@dataclass
class RecordContent:
    """Everything a record holds, as JSON values (``entries`` may be a generator: it is streamed).
    ``postal`` None: a ballot without postal voting (postal.json then says so, with zero totals); ``openings``
    None: no sealed reference was opened (openings.json then lists none)."""

    election: dict[str, Any]
    manifest: dict[str, Any]
    statute: dict[str, Any]
    trustees: dict[str, Any]
    credentials: list[str]
    entries: Iterable[dict[str, Any]]
    board: dict[str, Any]
    aggregates: dict[str, Any]
    decryption: dict[str, Any]
    result: dict[str, Any]
    evaluation: dict[str, Any]
    postal: dict[str, Any] | None = None
    openings: dict[str, Any] | None = None

    def chunks(self, name: str) -> Iterator[bytes]:
        if name == "postal.json" and self.postal is None:
            manifest = Manifest.from_json(self.manifest)
            yield canonical.dumps(postal_json(manifest, statute_precedence(self.statute, manifest)))
        elif name == "openings.json" and self.openings is None:
            yield canonical.dumps(empty_openings())
        elif name == "credentials.jsonl":
            yield credentials_bytes(self.credentials)
        elif name == "ballots.jsonl":
            yield from canonical.dumps_lines(self.entries)
        else:
            yield canonical.dumps(getattr(self, name.removesuffix(".json")))


def write_record(path: Path, content: RecordContent, *, as_zip: bool | None = None) -> str:
    """Write the record to a directory (created) or a .zip; returns the record hash (hex)."""
    as_zip = path.suffix == ".zip" if as_zip is None else as_zip
    files = []
    archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) if as_zip else None
    if archive is None:
        path.mkdir(parents=True, exist_ok=True)
    try:
        for name in FILES:
            digest, size = hashlib.sha256(), 0
            big = name == "ballots.jsonl"
            with archive.open(name, "w", force_zip64=big) if archive else (path / name).open("wb") as out:
                for chunk in content.chunks(name):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            files.append({"name": name, "sha256": digest.hexdigest(), "bytes": size})
        index = canonical.dumps({"format": FORMAT, "election": canonical.hash_json_hex(content.election),
                                 "files": files})
        if archive:
            archive.writestr(INDEX, index)
        else:
            (path / INDEX).write_bytes(index)
    finally:
        if archive:
            archive.close()
    return canonical.sha256_hex(index)


@dataclass
class Record:
    """A record opened for reading: small files parsed and checked; ballots.jsonl streamed by ``entries()``."""

    path: Path
    record_hash: str
    documents: dict[str, Any] = field(default_factory=dict)
    credentials: list[str] = field(default_factory=list)
    manifest: Manifest | None = None

    def _open(self, name: str) -> IO[bytes]:
        if self.path.is_dir():
            return (self.path / name).open("rb")
        archive = zipfile.ZipFile(self.path)
        handle = archive.open(name)
        archive.close()  # the member handle keeps the file open until it is closed
        return handle

    def read_bytes(self, name: str) -> bytes:
        with self._open(name) as handle:
            return handle.read()

    def lines(self, name: str) -> Iterator[tuple[int, Any]]:
        """Parse a .jsonl file line by line, checking canonical form and structure."""
        with self._open(name) as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.endswith(b"\n"):
                    raise RecordError(name, "the last line is not terminated by LF", number)
                try:
                    value = canonical.loads(raw[:-1])
                    schema.check(value, schema.FILES[name])
                except InvalidEncoding as exc:
                    raise RecordError(name, str(exc), number) from exc
                yield number, value

    def entries(self) -> Iterator[dict[str, Any]]:
        """The board entries in order (structure checked)."""
        for _, value in self.lines("ballots.jsonl"):
            yield value


def _names(path: Path) -> set[str]:
    if path.is_dir():
        return {p.name if p.is_file() else p.name + "/" for p in path.iterdir()}
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile) as exc:
        raise RecordError(str(path), f"neither a record directory nor a ZIP archive ({exc})") from exc
    if len(set(names)) != len(names):
        raise RecordError(str(path), "the ZIP archive holds a file name twice")
    return set(names)


def open_record(path: Path) -> Record:
    """Open a record and check everything but the board's lines (see ``read_record``). Raises RecordError."""
    names = _names(path)
    expected = {INDEX, *FILES}
    if names != expected:
        missing, unknown = sorted(expected - names), sorted(names - expected)
        raise RecordError(str(path), f"missing files {missing}, unknown files {unknown}")
    record = Record(path, "")
    index_bytes = record.read_bytes(INDEX)
    record.record_hash = canonical.sha256_hex(index_bytes)
    index = _document(INDEX, index_bytes)
    if index["format"] != FORMAT:
        raise RecordError(INDEX, f"format is {index['format']!r}, expected {FORMAT!r}")
    if [f["name"] for f in index["files"]] != list(FILES):
        raise RecordError(INDEX, f"files must be listed in this order: {', '.join(FILES)}")
    for entry in index["files"]:
        data = record.read_bytes(entry["name"])
        if len(data) != entry["bytes"] or canonical.sha256_hex(data) != entry["sha256"]:
            raise RecordError(entry["name"], "size or SHA-256 differs from index.json")
        if entry["name"].endswith(".json"):
            record.documents[entry["name"]] = _document(entry["name"], data)
    record.documents[INDEX] = index
    try:
        record.manifest = Manifest.from_json(record.documents["manifest.json"])
    except InvalidEncoding as exc:
        raise RecordError("manifest.json", str(exc)) from exc
    if canonical.sha256_hex(record.read_bytes("statute.json")) != record.manifest.statute_sha256:
        raise RecordError("statute.json", "SHA-256 differs from the manifest's statute_sha256")
    record.credentials = [value["credential"] for _, value in record.lines("credentials.jsonl")]
    return record


def _document(name: str, data: bytes) -> Any:
    try:
        value = canonical.loads(data)
        schema.check(value, schema.FILES[name])
    except InvalidEncoding as exc:
        raise RecordError(name, str(exc)) from exc
    return value


def read_record(path: Path) -> tuple[Record, list[dict[str, Any]]]:
    """Open a record and read every board entry into memory."""
    record = open_record(path)
    return record, list(record.entries())
