"""Run a whole election in-process (key ceremony, credentials, ballots, revotes, board, tally) and write its record.

No web, no database. With a seed, everything (keys, credentials, choices, randomness, proofs) is reproducible and
independent of the number of worker processes: each cast draws from its own deterministic stream.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import random
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nacl.signing

from ballot_crypto import canonical, credentials, record, trustee
from ballot_crypto.ballots import AnswerSecret, Election, encrypt_ballot, sign_ballot, tracker
from ballot_crypto.board import BulletinBoard
from ballot_crypto.elgamal import Ciphertext
from ballot_crypto.errors import CryptoError
from ballot_crypto.evaluation import default_statute, evaluation_json, load_statute, statute_json
from ballot_crypto.group import Point, Rng, Scalar, deterministic_rng
from ballot_crypto.manifest import Manifest
from ballot_crypto.sample import random_choices, sample_manifest
from ballot_crypto.tally import Aggregates, combine, trustee_shares


@dataclass(frozen=True)
class Options:
    voters: int
    questions: int = 1
    trustees: int = 3
    threshold: int = 2
    revote_share: float = 0.05
    seed: int | None = None
    kind: str = "referendum"
    processes: int | None = None
    progress: bool = False
    statute: Path | None = None
    """A statute file (TOML, ``extends`` relative to it); None: the built-in default statute."""
    turnout: float = 1.0
    """The share of the eligible who cast a ballot (rounded; at least one voter)."""


def _stream(seed: bytes, label: str, n: int = 0) -> Rng:
    return deterministic_rng(seed + f"/{label}/{n}".encode())


# Worker state, set once per process by the pool initializer.
_ELECTION: Election | None = None
_SALT = b""


def _init_worker(election: Election, salt: bytes) -> None:
    global _ELECTION, _SALT
    _ELECTION, _SALT = election, salt


def _derive_keys(secrets: Sequence[str]) -> list[bytes]:
    """The credentials' Ed25519 seeds (Argon2id: derived once, in parallel)."""
    return [bytes(credentials.signing_key(s, _SALT)) for s in secrets]


def _partial_sum(election: Election, secrets: Sequence[Sequence[AnswerSecret]]) -> Aggregates:
    """The sum of the counted ballots of a chunk, computed from their plaintexts and randomness.

    Identical to adding their ciphertexts (Enc(m1, r1) + Enc(m2, r2) = Enc(m1 + m2, r1 + r2)), at two
    multiplications per option and chunk instead of two validations and two additions per option and ballot.
    The record's verifier recomputes the aggregates from the ballots on the board.
    """
    partial = Aggregates.empty(election.manifest)
    key = election.public_key

    def enc(values: Sequence[int], rands: Sequence[Scalar]) -> Ciphertext:
        total = Scalar.from_int(0)
        for r in rands:
            total = total + r
        return Ciphertext(Point.base_mul(total), key * total + Point.encode_int(sum(values)))

    for qi, agg in enumerate(partial.questions):
        answers = [ballot[qi] for ballot in secrets]
        agg.choices = [enc([a.choices[o] for a in answers], [a.randomness[o] for a in answers])
                       for o in range(len(agg.choices))]
        if agg.blank is not None:
            agg.blank = enc([a.blank or 0 for a in answers], [a.blank_randomness for a in answers
                                                               if a.blank_randomness is not None])
    partial.ballots = len(secrets)
    return partial


def _cast(jobs: Sequence[tuple[bytes, list[list[int]], bytes, bool]]) -> tuple[list[tuple[dict, str]], dict]:
    """Encrypt, prove and sign a chunk of casts; also sum the counted ones (as JSON: points do not pickle)."""
    assert _ELECTION is not None
    counted_secrets = []
    out = []
    for key_seed, choices, seed, counted in jobs:
        key = nacl.signing.SigningKey(key_seed)
        ballot, secrets = encrypt_ballot(_ELECTION, bytes(key.verify_key), choices, rng=deterministic_rng(seed))
        ballot = sign_ballot(ballot, key)
        if counted:
            counted_secrets.append(secrets)
        out.append((ballot, tracker(ballot)))
    return out, _partial_sum(_ELECTION, counted_secrets).to_json()


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class _Progress:
    """Progress on stderr: rewritten in place on a terminal, a line per tenth otherwise."""

    def __init__(self, enabled: bool, label: str, total: int) -> None:
        self.enabled, self.label, self.total, self.done, self.start = enabled, label, total, 0, time.monotonic()
        self.tty, self.next_line = sys.stderr.isatty(), 0

    def step(self, n: int) -> None:
        self.done += n
        finished = self.done >= self.total
        if not self.enabled or not (self.tty or finished or self.done >= self.next_line):
            return
        self.next_line = self.done + max(1, self.total // 10)
        elapsed = time.monotonic() - self.start
        end = "\r" if self.tty and not finished else "\n"
        print(f"{self.label}: {self.done}/{self.total} ({elapsed:.0f} s)", end=end, file=sys.stderr, flush=True)


def _plan(manifest: Manifest, opts: Options, seed: bytes) -> tuple[list[tuple[int, list[list[int]]]], dict]:
    """Board order of (voter, choices) casts, and the plain counts of the counted (last) casts."""
    rnd = random.Random(_stream(seed, "plan")(32))
    voters = list(range(opts.voters))
    if opts.turnout < 1:
        voters = sorted(rnd.sample(voters, max(1, round(opts.voters * opts.turnout))))
    casts = [(v, random_choices(manifest, rnd)) for v in voters]
    revoters = rnd.sample(voters, round(len(voters) * opts.revote_share)) if manifest.revoting else []
    casts += [(v, random_choices(manifest, rnd)) for v in revoters]
    rnd.shuffle(casts)
    last = {voter: i for i, (voter, _) in enumerate(casts)}
    counted = [choices for i, (voter, choices) in enumerate(casts) if last[voter] == i]
    questions = []
    for qi, question in enumerate(manifest.questions):
        totals = [sum(c[qi][oi] for c in counted) for oi in range(len(question.options))]
        blank = sum(1 for c in counted if sum(c[qi]) == 0)
        questions.append({"question": question.id, "counts": {o.id: n for o, n in
                                                              zip(question.options, totals, strict=True)},
                          "blank": blank})
    truth = {"eligible": opts.voters, "cast": len(casts), "ballots": len(counted), "questions": questions}
    return casts, truth


def simulate(opts: Options, out: Path, *, as_zip: bool | None = None) -> tuple[str, dict[str, Any]]:
    """Run the election, write the record to ``out`` and truth.json beside it; return (record hash, truth)."""
    seed = hashlib.sha256(b"ballot-crypto/simulate" + (os.urandom(32) if opts.seed is None else
                                                       str(opts.seed).encode())).digest()
    statute = default_statute() if opts.statute is None else load_statute(opts.statute)
    manifest = sample_manifest(opts.kind, opts.questions, _stream(seed, "manifest"), revoting=opts.revote_share > 0)
    manifest = Manifest.from_json(dataclasses.replace(manifest, statute_sha256=statute.sha256).to_json())
    salt = uuid.UUID(manifest.id).bytes
    trustees, secret_shares, public_key = trustee.ceremony(manifest.hash(), opts.threshold, opts.trustees,
                                                            rng=_stream(seed, "trustees"))
    cred_rng = _stream(seed, "credentials")
    secrets = [credentials.generate_credential(rng=cred_rng) for _ in range(opts.voters)]
    board_key = nacl.signing.SigningKey(_stream(seed, "board")(32))
    ctx = multiprocessing.get_context("fork")
    processes = opts.processes or os.cpu_count() or 1
    with ctx.Pool(processes, _init_worker, (None, salt)) as pool:
        progress = _Progress(opts.progress, "credentials", opts.voters)
        key_seeds: list[bytes] = []
        for part in pool.imap(_derive_keys, _chunks(secrets, 500)):
            key_seeds.extend(part)
            progress.step(len(part))
    public = [bytes(nacl.signing.SigningKey(k).verify_key).hex() for k in key_seeds]
    manifest_json = manifest.to_json()
    election_json = record.election_json(manifest_json, trustees, public, public_key.hex(),
                                         bytes(board_key.verify_key).hex())
    election = Election(manifest, public_key, canonical.hash_json(election_json))
    casts, truth = _plan(manifest, opts, seed)
    last = {voter: i for i, (voter, _) in enumerate(casts)}
    jobs = [(key_seeds[v], choices, seed + b"/cast/" + i.to_bytes(8, "big"), last[v] == i)
            for i, (v, choices) in enumerate(casts)]
    board = BulletinBoard(election.fingerprint, public, revoting=manifest.revoting)
    aggregates = Aggregates.empty(manifest)
    with ctx.Pool(processes, _init_worker, (election, salt)) as pool:
        progress = _Progress(opts.progress, "ballots", len(jobs))
        for ballots, partial in pool.imap(_cast, _chunks(jobs, max(1, min(200, len(jobs) // (4 * processes))))):
            for ballot, ballot_tracker in ballots:
                board.append(ballot, ballot_tracker)
            aggregates.merge(Aggregates.from_json(partial))
            progress.step(len(ballots))
    deciders = sorted(random.Random(_stream(seed, "deciders")(32)).sample(range(1, opts.trustees + 1),
                                                                          opts.threshold))
    dec_rng = _stream(seed, "decryption")
    entries = [trustee_shares(election.fingerprint, secret_shares[j], j, aggregates, rng=dec_rng) for j in deciders]
    keys = {t["index"]: Point.from_hex(t["verification_key"]) for t in trustees["trustees"]}
    result = combine(manifest, election.fingerprint, aggregates, entries, keys, opts.threshold)
    content = record.RecordContent(
        election=election_json, manifest=manifest_json, statute=statute_json(statute), trustees=trustees,
        credentials=public,
        entries=(entry.to_json() for entry in board.entries), board=board.close(board_key),
        aggregates=aggregates.to_json(), decryption={"trustees": entries}, result=result,
        evaluation=evaluation_json(manifest, statute.rules, opts.voters, len(board.entries), result),
    )
    if result["questions"] != truth["questions"] or result["ballots"] != truth["ballots"]:
        raise CryptoError("simulation: the decrypted result differs from the plain counts")
    record_hash = record.write_record(out, content, as_zip=as_zip)
    (out.parent / "truth.json").write_bytes(canonical.dumps(truth) + b"\n")
    return record_hash, truth
