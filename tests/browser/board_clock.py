"""The whole-path test server's app: ballot.server.app with the board's clock movable by the test (test code only).

A binding ballot spans weeks: the demo statute asks for two weeks' notice before the opening and a week of voting
before the close, and the services refuse anything else. The unit tests move through that schedule by replacing
``views_board.utcnow``, the time the board's pages pass to the services (the new-ballot form and the formal acts:
lock, finish, open, close, publish). This factory does the same in the test server: the board's clock is the real
time plus the number of seconds in ``$BALLOT_VAR_DIR/board-clock-offset`` (0 when the file is missing), which the
test writes. Everything else (login, casting, the booth, the trustee uploads, the board's entries) runs on the real
clock; casting still checks the real time against the ballot's opening and close. Production code has no such
switch: uvicorn loads this module only in tests/browser/test_whole_path.py.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from ballot.db import utcnow as real_utcnow
from ballot.referendums.board import views as views_board
from ballot.server.app import app_from_env as real_app_from_env
from ballot.web.access_log import AccessLog

OFFSET_FILE = "board-clock-offset"


def offset_file(var_dir: Path) -> Path:
    """Where the test writes the board clock's offset in seconds."""
    return var_dir / OFFSET_FILE


def board_now() -> datetime:
    """The real time plus the offset the test set."""
    path = offset_file(Path(os.environ["BALLOT_VAR_DIR"]))
    seconds = float(path.read_text(encoding="ascii")) if path.exists() else 0.0
    return real_utcnow() + timedelta(seconds=seconds)


def app_from_env() -> AccessLog:
    """uvicorn ``--factory`` entry point: the real app with the board's clock replaced."""
    views_board.utcnow = board_now  # type: ignore[attr-defined]
    return real_app_from_env()
