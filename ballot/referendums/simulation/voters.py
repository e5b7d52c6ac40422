"""The simulated members' devices: derive each credential's key, encrypt, prove and sign (in worker processes).

Kept apart from :mod:`ballot.referendums.simulation.services` so that worker processes import no database code.
"""

from __future__ import annotations

import multiprocessing
import os
import random
from collections.abc import Iterator, Sequence
from typing import Any

from ballot_crypto import credentials
from ballot_crypto.ballots import Election, encrypt_ballot, sign_ballot
from ballot_crypto.group import deterministic_rng
from ballot_crypto.manifest import Manifest
from ballot_crypto.sample import random_choices

Job = tuple[str, list[list[int]], bytes]
"""(credential text, choices, randomness seed)."""

_ELECTION: Election | None = None
_SALT = b""


def _init(election: Election, salt: bytes) -> None:
    global _ELECTION, _SALT
    _ELECTION, _SALT = election, salt


def _encrypt(jobs: Sequence[Job]) -> list[dict[str, Any]]:
    assert _ELECTION is not None
    out = []
    for credential_text, choices, seed in jobs:
        key = credentials.signing_key(credential_text, _SALT)
        ballot, _secrets = encrypt_ballot(_ELECTION, bytes(key.verify_key), choices, rng=deterministic_rng(seed))
        out.append(sign_ballot(ballot, key))
    return out


def encrypt_all(election: Election, salt: bytes, jobs: Sequence[Job], processes: int | None = None,
                chunk: int = 50) -> Iterator[dict[str, Any]]:
    """Signed ballots for ``jobs``, in order, made by ``processes`` workers (fork)."""
    processes = processes or os.cpu_count() or 1
    chunks = [jobs[i:i + chunk] for i in range(0, len(jobs), chunk)]
    if processes == 1 or len(chunks) == 1:
        _init(election, salt)
        for part in chunks:
            yield from _encrypt(part)
        return
    with multiprocessing.get_context("fork").Pool(processes, _init, (election, salt)) as pool:
        for ballots in pool.imap(_encrypt, chunks):
            yield from ballots


def plan(manifest: Manifest, voters: Sequence[int], revote_share: float, rnd: random.Random
         ) -> tuple[list[tuple[int, list[list[int]]]], dict[str, Any]]:
    """Board order of (voter, choices) casts (some voters twice), and the plain counts of each voter's last cast."""
    casts = [(v, random_choices(manifest, rnd)) for v in voters]
    revoters = rnd.sample(list(voters), round(len(voters) * revote_share)) if manifest.revoting else []
    rnd.shuffle(casts)
    extra = [(v, random_choices(manifest, rnd)) for v in revoters]
    for item in extra:  # a revote comes after the voter's first ballot
        first = next(i for i, (v, _c) in enumerate(casts) if v == item[0])
        casts.insert(rnd.randint(first + 1, len(casts)), item)
    last = {voter: i for i, (voter, _) in enumerate(casts)}
    counted = [choices for i, (voter, choices) in enumerate(casts) if last[voter] == i]
    questions = []
    for qi, question in enumerate(manifest.questions):
        totals = {o.id: sum(c[qi][oi] for c in counted) for oi, o in enumerate(question.options)}
        questions.append({"question": question.id, "counts": totals,
                          "blank": sum(1 for c in counted if sum(c[qi]) == 0)})
    return casts, {"cast": len(casts), "ballots": len(counted), "questions": questions}
