"""Small simulated records for the verifier tests (made once per session with ballot_crypto.simulate)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ballot_crypto.simulate import Options, simulate


def _make(root: Path, name: str, opts: Options) -> Path:
    out = root / name / "record"
    simulate(opts, out)
    return out


@pytest.fixture(scope="session")
def revote_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6 voters, one referendum question, revoting allowed with 2 revotes; 3 trustees, threshold 2."""
    opts = Options(voters=6, questions=1, trustees=3, threshold=2, revote_share=0.34, seed=11, processes=1)
    return _make(tmp_path_factory.mktemp("audits"), "revote", opts)


@pytest.fixture(scope="session")
def once_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 voters, revoting not allowed, 2 trustees, threshold 2."""
    opts = Options(voters=3, questions=1, trustees=2, threshold=2, revote_share=0.0, seed=12, processes=1)
    return _make(tmp_path_factory.mktemp("audits"), "once", opts)


@pytest.fixture
def record(revote_record: Path, tmp_path: Path) -> Path:
    """A private copy of the revoting record, free to tamper with."""
    return Path(shutil.copytree(revote_record, tmp_path / "record"))


@pytest.fixture
def once(once_record: Path, tmp_path: Path) -> Path:
    """A private copy of the record without revoting."""
    return Path(shutil.copytree(once_record, tmp_path / "once"))
