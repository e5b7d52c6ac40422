"""The `ballot-crypto` command line: one subcommand per task (simulate; trustee init / shares / finish / decrypt /
open)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ballot_crypto import canonical
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


class _Unreadable(Exception):
    """A file that cannot be read as JSON (exit status 2)."""


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError("duplicate key")
    return dict(pairs)


def _read(path: str, what: str) -> Any:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise _Unreadable(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(data, object_pairs_hook=_no_duplicates, parse_float=_reject_float)
    except ValueError:
        raise _Unreadable(f"{what} {path} is not valid JSON") from None


def _reject_float(text: str) -> None:
    raise ValueError(f"number {text} is not an integer")


def _write(path: str, value: Any, *, secret: bool = False, replace: bool = True) -> None:
    """Write canonical JSON; a secret file with mode 0600, atomically (temporary file + rename)."""
    data = canonical.dumps(value) + b"\n"
    target = Path(path)
    if not replace:
        with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        return
    fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600 if secret else 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _trustee_init(args: argparse.Namespace) -> int:
    from ballot_crypto import trustee

    if Path(args.secret).exists():
        raise CryptoError(f"{args.secret} exists; refusing to overwrite a secret file")
    manifest = _read(args.manifest, "manifest")
    try:
        context = canonical.hash_json(manifest)
    except CryptoError as exc:
        raise CryptoError(f"manifest {args.manifest}: {exc}") from None
    public, secret = trustee.init(context, args.index, args.threshold, args.trustees, manifest=manifest)
    _write(args.secret, secret, secret=True, replace=False)
    _write(args.public, public)
    print(f"trustee {args.index} of {args.trustees} (threshold {args.threshold}): secret file {args.secret} "
          f"(keep it offline), public object {args.public} (send it to the committee)\n"
          f"public object fingerprint {canonical.hash_json_hex(public)}")
    return 0


def _trustee_shares(args: argparse.Namespace) -> int:
    from ballot_crypto import trustee

    shares = trustee.make_shares(_read(args.secret, "secret file"), _read(args.publics, "public objects"))
    _write(args.out, shares)
    print(f"{len(shares)} sealed shares for trustees {[s['to'] for s in shares]} in {args.out}")
    return 0


def _trustee_finish(args: argparse.Namespace) -> int:
    from ballot_crypto import trustee

    secret, key = trustee.finish(_read(args.secret, "secret file"), _read(args.publics, "public objects"),
                                 _read(args.shares, "received shares"))
    _write(args.secret, secret, secret=True)
    print(f"all shares check out; secret file {args.secret} updated\nverification key {key}\n"
          f"election public key {secret['public_key']}")
    return 0


def _trustee_decrypt(args: argparse.Namespace) -> int:
    from ballot_crypto import trustee

    election = _read(args.election, "election")
    try:
        fingerprint = canonical.hash_json(election)
    except CryptoError as exc:
        raise CryptoError(f"election {args.election}: {exc}") from None
    entry = trustee.decrypt(_read(args.secret, "secret file"), fingerprint, _read(args.aggregates, "aggregates"),
                            election=election)
    _write(args.out, entry)
    print(f"decryption share of trustee {entry['index']} for election {fingerprint.hex()} in {args.out}")
    return 0


def _trustee_open(args: argparse.Namespace) -> int:
    from ballot_crypto import trustee

    election = _read(args.election, "election")
    try:
        fingerprint = canonical.hash_json(election)
    except CryptoError as exc:
        raise CryptoError(f"election {args.election}: {exc}") from None
    entry = trustee.open_references(_read(args.secret, "secret file"), fingerprint,
                                    _read(args.request, "opening request"), election=election)
    _write(args.out, entry)
    print(f"opening shares of trustee {entry['index']} for {len(entry['shares'])} sealed reference(s) of election "
          f"{fingerprint.hex()} in {args.out}")
    return 0


def _add_trustee(commands: Any) -> None:
    parser = commands.add_parser("trustee", help="a trustee's steps of the key ceremony and the decryption")
    steps = parser.add_subparsers(dest="step", required=True)
    init = steps.add_parser("init", help="create the secret file and the public object")
    init.add_argument("--manifest", required=True)
    for name in ("--index", "--threshold", "--trustees"):
        init.add_argument(name, type=int, required=True)
    init.add_argument("--secret", required=True, help="secret file to create (mode 0600, never overwritten)")
    init.add_argument("--public", required=True, help="public object to send to the committee")
    init.set_defaults(run=_trustee_init)
    shares = steps.add_parser("shares", help="seal a share for every other trustee")
    shares.add_argument("--secret", required=True)
    shares.add_argument("--publics", required=True, help="JSON list of every trustee's public object")
    shares.add_argument("--out", required=True)
    shares.set_defaults(run=_trustee_shares)
    finish = steps.add_parser("finish", help="open and check the shares sent to you")
    finish.add_argument("--secret", required=True)
    finish.add_argument("--publics", required=True)
    finish.add_argument("--shares", required=True, help="JSON list of the sealed shares sent to you")
    finish.set_defaults(run=_trustee_finish)
    dec = steps.add_parser("decrypt", help="decryption share with proofs for the published aggregates")
    dec.add_argument("--secret", required=True)
    dec.add_argument("--election", required=True)
    dec.add_argument("--aggregates", required=True)
    dec.add_argument("--out", required=True)
    dec.set_defaults(run=_trustee_decrypt)
    opening = steps.add_parser("open", help="opening shares with proofs for the sealed references the committee "
                                            "must open (postal vote replaces an online vote)")
    opening.add_argument("--secret", required=True)
    opening.add_argument("--election", required=True)
    opening.add_argument("--request", required=True, help="the opening request from the trustee page")
    opening.add_argument("--out", required=True)
    opening.set_defaults(run=_trustee_open)


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
    _add_trustee(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    name = args.command if args.command != "trustee" else f"trustee {args.step}"
    try:
        return int(args.run(args))
    except _Unreadable as exc:
        print(f"ballot-crypto {name}: {exc}", file=sys.stderr)
        return 2
    except (CryptoError, OSError) as exc:
        print(f"ballot-crypto {name}: {exc}", file=sys.stderr)
        return 1
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if args.command != "trustee":
            raise
        print(f"ballot-crypto {name}: malformed input ({type(exc).__name__})", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
