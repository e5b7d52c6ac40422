"""Read a record from a directory or a ZIP archive (docs/election-record.md 3), streaming large files."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

INDEX = "index.json"
FILES = ("election.json", "manifest.json", "statute.json", "trustees.json", "credentials.jsonl", "ballots.jsonl",
         "board.json", "aggregates.json", "decryption.json", "postal.json", "openings.json", "result.json",
         "evaluation.json")
MAX_SMALL_FILE = 256 * 1024 * 1024
"""A file other than ballots.jsonl above this size is refused rather than read into memory."""


class Unreadable(Exception):
    """The record cannot be read at all (exit code 2)."""


class Source:
    """The entries of a record directory or ZIP archive."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive: zipfile.ZipFile | None = None
        self.entries: dict[str, Path | str]
        if path.is_dir():
            self.entries = {p.name + ("/" if p.is_dir() else ""): p for p in path.iterdir()}
        elif path.is_file():
            try:
                self.archive = zipfile.ZipFile(path)
                self.entries = {name: name for name in self.archive.namelist()}
            except (OSError, zipfile.BadZipFile) as exc:
                raise Unreadable(f"{path} is neither a record directory nor a ZIP archive ({exc})") from None
        else:
            raise Unreadable(f"{path} does not exist")

    def names(self) -> set[str]:
        return set(self.entries)

    def open(self, name: str) -> IO[bytes]:
        """A binary stream of one file (raises OSError, zipfile errors or KeyError)."""
        if self.archive is not None:
            return self.archive.open(name)
        return Path(self.entries[name]).open("rb")

    def size(self, name: str) -> int:
        if self.archive is not None:
            return self.archive.getinfo(name).file_size
        return Path(self.entries[name]).stat().st_size

    def read(self, name: str) -> bytes:
        """The bytes of a small file; raises OSError (or a zipfile error) naming the problem."""
        if self.size(name) > MAX_SMALL_FILE:
            raise OSError(f"{name} is larger than {MAX_SMALL_FILE} bytes")
        with self.open(name) as handle:
            return handle.read()

    def lines(self, name: str) -> Iterator[bytes]:
        """The raw lines of a JSON Lines file, LF included (the last may lack it)."""
        with self.open(name) as handle:
            yield from handle

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


READ_ERRORS = (OSError, KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, RuntimeError, ValueError,
               zlib.error)
"""What reading a damaged file can raise (a bad CRC or deflate stream in a ZIP included)."""
