"""The `ballot-crypto` command line: one subcommand per task (simulate; trustee commands come later)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ballot_crypto.errors import CryptoError


def _simulate(args: argparse.Namespace) -> int:
    from ballot_crypto.simulate import Options, simulate

    if not 1 <= args.threshold <= args.trustees:
        raise SystemExit("ballot-crypto simulate: need 1 <= --threshold <= --trustees")
    if args.voters < 1 or args.questions < 1 or not 0 <= args.revote_share <= 1 or not 0 < args.turnout <= 1:
        raise SystemExit("ballot-crypto simulate: need --voters >= 1, --questions >= 1, 0 <= --revote-share <= 1, "
                         "0 < --turnout <= 1")
    statute = Path(args.statute) if args.statute else None
    if statute is not None and not statute.is_file():
        raise SystemExit(f"ballot-crypto simulate: statute file {statute} not found")
    out = Path(args.out)
    if out.exists() and (out.is_file() or any(out.iterdir())):
        raise SystemExit(f"ballot-crypto simulate: {out} exists and is not empty")
    opts = Options(voters=args.voters, questions=args.questions, trustees=args.trustees, threshold=args.threshold,
                   revote_share=args.revote_share, seed=args.seed, kind=args.kind,
                   processes=args.processes, progress=not args.quiet, statute=statute, turnout=args.turnout)
    start = time.monotonic()
    record_hash, truth = simulate(opts, out, as_zip=args.zip or out.suffix == ".zip")
    print(f"record {out} ({truth['cast']} ballots cast, {truth['ballots']} counted, "
          f"{time.monotonic() - start:.1f} s)\nrecord hash {record_hash}\ntruth {out.parent / 'truth.json'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ballot-crypto", description="Verifiable ballot cryptography.")
    commands = parser.add_subparsers(dest="command", required=True)
    sim = commands.add_parser("simulate", help="run a whole election in-process and write its record")
    sim.add_argument("--voters", type=int, required=True)
    sim.add_argument("--questions", type=int, default=1)
    sim.add_argument("--trustees", type=int, default=3)
    sim.add_argument("--threshold", type=int, default=2)
    sim.add_argument("--revote-share", type=float, default=0.05)
    sim.add_argument("--out", required=True, help="record directory, or a path ending in .zip")
    sim.add_argument("--seed", type=int, help="make the record reproducible")
    sim.add_argument("--kind", choices=("referendum", "election"), default="referendum")
    sim.add_argument("--statute", help="statute rules file (TOML; extends relative to it); default: built-in")
    sim.add_argument("--turnout", type=float, default=1.0, help="share of the eligible who vote (default 1)")
    sim.add_argument("--zip", action="store_true", help="write a ZIP archive")
    sim.add_argument("--processes", type=int, default=None, help="worker processes (default: all cores)")
    sim.add_argument("--quiet", action="store_true", help="no progress on stderr")
    sim.set_defaults(run=_simulate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (CryptoError, OSError) as exc:
        print(f"ballot-crypto {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
