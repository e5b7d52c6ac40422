"""Per-ballot encrypt+prove+sign and verify, against the libsodium primitives they call (measured in the same run).

Run: .venv/bin/python bench/crypto_ballots.py [--rounds N]
Ballots: a yes/no/abstain referendum (1 question) and a 10-candidate vote-for-up-to-3 election. The primitive calls
of one ballot are counted by wrapping nacl.bindings; the ratio divides the ballot's median time by the sum of
(calls x median cost) over the primitives it calls.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import nacl.bindings as sodium
import nacl.signing

from ballot_crypto import canonical
from ballot_crypto.ballots import Election, encrypt_ballot, sign_ballot, verify_ballot
from ballot_crypto.group import Point, Scalar
from ballot_crypto.sample import approval, manifest_with, yes_no_abstain

PRIMITIVES = (
    "crypto_scalarmult_ed25519_noclamp",
    "crypto_scalarmult_ed25519_base_noclamp",
    "crypto_core_ed25519_add",
    "crypto_core_ed25519_sub",
    "crypto_core_ed25519_is_valid_point",
    "crypto_sign_open",
    "crypto_sign",
)


def timed_us(fn: Callable[[], Any], batch: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(batch):
        fn()
    return (time.perf_counter() - start) / batch * 1e6


def primitive_calls() -> dict[str, Callable[[], Any]]:
    s, t = Scalar.random().to_bytes(), Scalar.random().to_bytes()
    p = sodium.crypto_scalarmult_ed25519_base_noclamp(s)
    q = sodium.crypto_scalarmult_ed25519_base_noclamp(t)
    key = nacl.signing.SigningKey.generate()
    message = b"m" * 2000
    signed = key.sign(message)
    pk, sk = bytes(key.verify_key), key._signing_key
    return {
        "crypto_scalarmult_ed25519_noclamp": lambda: sodium.crypto_scalarmult_ed25519_noclamp(s, q),
        "crypto_scalarmult_ed25519_base_noclamp": lambda: sodium.crypto_scalarmult_ed25519_base_noclamp(s),
        "crypto_core_ed25519_add": lambda: sodium.crypto_core_ed25519_add(p, q),
        "crypto_core_ed25519_sub": lambda: sodium.crypto_core_ed25519_sub(p, q),
        "crypto_core_ed25519_is_valid_point": lambda: sodium.crypto_core_ed25519_is_valid_point(p),
        "crypto_sign_open": lambda: sodium.crypto_sign_open(bytes(signed), pk),
        "crypto_sign": lambda: sodium.crypto_sign(message, sk),
    }


@contextmanager
def counting() -> Iterator[Counter[str]]:
    """Count calls of the primitives through nacl.bindings (the group code looks them up at call time)."""
    counts: Counter[str] = Counter()
    originals = {name: getattr(sodium, name) for name in PRIMITIVES}

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any) -> Any:
            counts[name] += 1
            return fn(*args)
        return counted

    for name, fn in originals.items():
        setattr(sodium, name, wrap(name, fn))
    try:
        yield counts
    finally:
        for name, fn in originals.items():
            setattr(sodium, name, fn)


def ballot_ops(election: Election, choices: list[list[int]]) -> dict[str, Callable[[], Any]]:
    key = nacl.signing.SigningKey.generate()
    credential = bytes(key.verify_key)

    def make() -> dict[str, Any]:
        return sign_ballot(encrypt_ballot(election, credential, choices)[0], key)

    ballot = canonical.loads(canonical.dumps(make()))  # as the server receives it: parsed from JSON
    return {"encrypt+prove+sign": make, "verify": lambda: verify_ballot(election, ballot)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args()
    public_key = Point.base_mul(Scalar.random())
    ops: dict[tuple[str, str], Callable[[], Any]] = {}
    for label, question, choices in (
        ("referendum yes/no/abstain", yes_no_abstain("q1"), [[1, 0, 0]]),
        ("election 10 candidates, k=3", approval("q1", 10, 3), [[1, 0, 1, 0, 0, 0, 1, 0, 0, 0]]),
    ):
        manifest = manifest_with((question,))
        election = Election(manifest, public_key, manifest.hash())
        for name, fn in ballot_ops(election, choices).items():
            ops[(label, name)] = fn
    prims = primitive_calls()
    counts = {}
    for op, fn in ops.items():
        with counting() as counted:
            fn()
        counts[op] = dict(counted)
    # Interleave primitive and ballot samples, so that load from other processes hits both alike.
    prim_samples: dict[str, list[float]] = {name: [] for name in prims}
    op_samples: dict[tuple[str, str], list[float]] = {op: [] for op in ops}
    for _ in range(args.rounds):
        for name, fn in prims.items():
            prim_samples[name].append(timed_us(fn, batch=20))
        for op, fn in ops.items():
            op_samples[op].append(timed_us(fn))
    costs = {name: statistics.median(samples) for name, samples in prim_samples.items()}
    print("libsodium primitives (median per call):")
    for name, cost in costs.items():
        print(f"  {name:<42} {cost:7.1f} us")
    print(f"\nballots (median of {args.rounds}; ratio = ballot time / sum of its primitive calls x their cost):")
    for (label, name), samples in op_samples.items():
        elapsed = statistics.median(samples)
        floor = sum(costs[p] * n for p, n in counts[(label, name)].items())
        calls = ", ".join(f"{n} {p.removeprefix('crypto_')}" for p, n in sorted(counts[(label, name)].items()))
        print(f"{label:<28} {name:<20} {elapsed / 1000:8.2f} ms   primitives {floor / 1000:6.2f} ms   "
              f"ratio {elapsed / floor:4.2f}   ({calls})")


if __name__ == "__main__":
    main()
