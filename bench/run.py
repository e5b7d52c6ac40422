"""Run every benchmark in turn (``make bench``); pass ``--voters N`` for the whole-record verification size.

The PostgreSQL runs need the server of BALLOT_TEST_DATABASE_URL (default 127.0.0.1:5432, database ``test``).

Benchmarks print figures and ratios; they are never part of the test suite. Run them on a quiet machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voters", type=int, default=10_000, help="voters in the verified records (default 10000)")
    args = parser.parse_args()
    runs = [
        [sys.executable, str(HERE / "crypto_ballots.py")],
        [sys.executable, str(HERE / "audit_verify.py"), "--voters", str(args.voters)],
        *([sys.executable, str(HERE / "cast_http.py"), "--voters", "1500", "--backend", backend]
          for backend in ("sqlite", "postgres")),
        *([sys.executable, str(HERE / "polls.py"), "--backend", backend] for backend in ("sqlite", "postgres")),
        [sys.executable, str(HERE / "discussions.py"), "--backend", "both"],
        [sys.executable, str(HERE / "motions.py")],
    ]
    status = 0
    for command in runs:
        print(f"\n$ {' '.join(Path(part).name if part.endswith('.py') else part for part in command[1:])}", flush=True)
        status |= subprocess.run(command, check=False).returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main())
