"""Whole-record verification benchmark for `ballot-audit verify` (issue 3, item 8).

Generates (or reuses, cached under bench/out/) a yes/no/abstain referendum record and a 10-candidate,
vote-for-up-to-3 approval record, verifies each through the command-line code path with every core, and prints
wall time, ballots/s, the per-ballot cost (single core, measured on a sample of lines) and its ratio to the
libsodium primitives a ballot needs, measured in the same run.

    .venv/bin/python bench/audit_verify.py [--voters N] [--sample K] [--processes P]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time
from collections.abc import Callable
from pathlib import Path

import nacl.bindings as sodium
import nacl.signing

from ballot_audit import cli
from ballot_audit.ballots import Sums, verify_entry
from ballot_audit.report import Report
from ballot_audit.setup import Context, check_election, open_index
from ballot_audit.source import Source
from ballot_audit.verify import _ballot_spec

OUT = Path(__file__).parent / "out"


def _per_call_us(fn: Callable[[], object], n: int = 200) -> float:
    """Fastest of 7 runs of n calls, in microseconds per call (the least disturbed by other processes)."""
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - start) / n * 1e6)
    return min(runs)


def primitives() -> dict[str, float]:
    """Cost of each libsodium primitive a ballot verification calls, in us."""
    s = sodium.crypto_core_ed25519_scalar_reduce(os.urandom(64))
    p = sodium.crypto_scalarmult_ed25519_base_noclamp(s)
    q = sodium.crypto_scalarmult_ed25519_base_noclamp(sodium.crypto_core_ed25519_scalar_reduce(os.urandom(64)))
    key = nacl.signing.SigningKey.generate()
    message = os.urandom(3000)
    signed = key.sign(message)
    pk = bytes(key.verify_key)
    return {
        "mul": _per_call_us(lambda: sodium.crypto_scalarmult_ed25519_noclamp(s, p)),
        "base": _per_call_us(lambda: sodium.crypto_scalarmult_ed25519_base_noclamp(s)),
        "add": _per_call_us(lambda: sodium.crypto_core_ed25519_add(p, q)),
        "verify": _per_call_us(lambda: sodium.crypto_sign_open(bytes(signed), pk)),
    }


def primitive_calls(ctx: Context) -> dict[str, int]:
    """The primitive calls one counted ballot needs (docs/crypto.md 5.3, docs/election-record.md 3.6 and 3.9)."""
    calls = {"mul": 0, "base": 0, "add": 0, "verify": 1}
    assert ctx.questions is not None
    for q in ctx.questions:
        ranges = [(0, m) for m in q.maxima] + ([(0, 1)] if q.blank_flag else []) + [q.total_range]
        for lo, hi in ranges:
            values = hi - lo + 1
            calls["mul"] += 3 * values
            calls["base"] += values
            calls["add"] += 2 * values + sum(1 for j in range(lo, hi + 1) if j)  # subtractions cost the same
        cts = len(q.options) + q.blank_flag
        calls["add"] += 2 * (len(q.options) - 1 + (q.max if q.blank_flag else 0))  # the total (alpha and beta)
        calls["add"] += 2 * cts  # the aggregate
    return calls


def make(kind: str, voters: int) -> Path:
    """The cached record for this kind and size (simulated on first use)."""
    out = OUT / f"audit-{kind}-{voters}" / "record"
    if (out / "index.json").is_file():
        return out
    from ballot_crypto import sample, simulate

    if kind == "approval":  # one question: 10 candidates, vote for up to 3
        simulate.sample_manifest = lambda _kind, _count, rng=None, *, revoting=True: sample.manifest_with(
            (sample.approval("q1", 10, 3),), rng, revoting=revoting)
    print(f"simulating {voters} voters ({kind}) into {out} ...", flush=True)
    simulate.simulate(simulate.Options(voters=voters, questions=1, seed=2025, progress=True), out)
    return out


def sample_cost(record: Path, lines: int) -> tuple[float, Context]:
    """Single-core verification cost per ballot (us), on the first `lines` board entries."""
    report, ctx, src = Report(), Context(), Source(record)
    open_index(src, report, ctx)
    check_election(src, report, ctx)
    spec = _ballot_spec(ctx)
    raw = [line for _, line in zip(range(lines), src.lines("ballots.jsonl"), strict=False)]
    src.close()
    sums = Sums([b"\x01" + bytes(31)] * sum(2 * (len(q.maxima) + q.blank_flag) for q in spec.questions))
    fails: list = []
    runs = []
    for _ in range(3):  # the fastest of three passes, as for the primitives
        start = time.perf_counter()
        for number, line in enumerate(raw, start=1):
            verify_entry(spec, number, line, fails, sums)
        runs.append((time.perf_counter() - start) / len(raw) * 1e6)
    assert not fails, fails[:3]
    return min(runs), ctx


def run(kind: str, voters: int, sample: int, processes: int | None, costs: dict[str, float]) -> None:
    record = make(kind, voters)
    argv = ["verify", str(record), "--quiet"] + (["--processes", str(processes)] if processes else [])
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = cli.main(argv)
    wall = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"{record} did not verify:\n{out.getvalue()}")
    cast = int(out.getvalue().split("cast ")[1].split(",")[0])
    per_ballot, ctx = sample_cost(record, min(sample, cast))
    calls = primitive_calls(ctx)
    floor = sum(costs[name] * count for name, count in calls.items())
    cores = processes or os.cpu_count() or 1
    print(f"\n{kind}: {cast} ballots ({voters} voters), {cores} processes")
    print(f"  whole record      {wall:8.2f} s wall, {cast / wall:8.1f} ballots/s, "
          f"{wall * cores / cast * 1e6:8.0f} core-us per ballot")
    print(f"  per ballot        {per_ballot:8.0f} us on one core (first {min(sample, cast)} entries)")
    print(f"  primitive floor   {floor:8.0f} us = " + " + ".join(f"{n} x {name}" for name, n in calls.items()))
    print(f"  ratio             {per_ballot / floor:8.2f} (single core), {wall * cores / cast * 1e6 / floor:.2f} "
          "(whole record, all cores)")
    print(f"  100,000 ballots   ~{100_000 * wall / cast:.0f} s wall at this rate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=2000, help="voters per record (default 2000)")
    parser.add_argument("--sample", type=int, default=200, help="entries timed on one core (default 200)")
    parser.add_argument("--processes", type=int, default=None, help="worker processes (default: every core)")
    parser.add_argument("--kinds", default="referendum,approval", help="comma-separated: referendum, approval")
    args = parser.parse_args()
    costs = primitives()
    print("libsodium primitives (us): " + ", ".join(f"{k} {v:.1f}" for k, v in costs.items()))
    for kind in args.kinds.split(","):
        run(kind, args.voters, args.sample, args.processes, costs)


if __name__ == "__main__":
    main()
