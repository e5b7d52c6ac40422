"""``ballot simulate-referendum``: a whole binding ballot through the service layer, against the configured database.

Creates a clearly named root unit ("Simulation <date>") with N members, a board account and trustee accounts,
and drives the same services the web app uses: create, lock, the trustees' ceremony (``ballot_crypto.trustee``),
finish (credentials into memory), open, casts (random choices, some revotes), close, decryption shares, finalize.
Time is injected (``now``), so nothing waits. Writes the verified record and ``truth.json`` (the plain counts).
With ``postal`` > 0 the unit's statute offers postal voting: that many members vote by post instead (the committee
enters their certificates while the ballot is open and their paper ballots after the close). With
``postal_online`` > 0 the statute gives the postal vote precedence ("postal"): that many of the postal voters also
vote online first; their Wahlscheine replace those ballots, which the trustees' joint opening removes from the count
(truth.json counts their paper ballots only and says ``"replaced"``).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ballot.accounts.models import Account
from ballot.authz.loader import load_principal
from ballot.authz.models import Role, RoleGrant
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.members.models import DuesStatus, Member
from ballot.referendums.board import services as setup
from ballot.referendums.booth.casting import cast_ballot, close_election, open_election
from ballot.referendums.box import crypto_election, outcome_of
from ballot.referendums.credentials import election_salt
from ballot.referendums.models import Election, ElectionKind
from ballot.referendums.postal.openings import opening_request, submit_opening
from ballot.referendums.postal.services import enter_certificates, enter_paper
from ballot.referendums.record.tally import finalize, submit_decryption
from ballot.referendums.simulation.voters import encrypt_all, plan
from ballot.referendums.trustees import ceremony
from ballot.referendums.trustees.inprocess import run_key_ceremony
from ballot.settings import Settings
from ballot.statutes.services import store_version
from ballot.units.models import Unit, UnitKind
from ballot.units.services import create_unit
from ballot_crypto import canonical, trustee
from ballot_crypto.group import deterministic_rng
from ballot_crypto.sample import random_choices, yes_no_abstain


@dataclass(frozen=True)
class Options:
    voters: int
    trustees: int = 3
    threshold: int = 2
    revote_share: float = 0.05
    seed: int | None = None
    questions: int = 2
    processes: int | None = None
    postal: int = 0
    postal_online: int = 0
    """Postal voters who also vote online first (postal precedence "postal"); at most ``postal``."""


POSTAL_STATUTE = """[statute]
name = "Simulation with postal voting"

[referendum.ballot]
channels = ["online", "postal"]
"""


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _Sink:
    """Keeps each member's credential in memory (the simulated letters)."""

    def __init__(self) -> None:
        self.credentials: dict[int, str] = {}

    async def deliver(self, member: Member, credential_text: str) -> str:
        self.credentials[member.id] = credential_text
        return "letter"


async def _people(session: AsyncSession, opts: Options, stamp: str, today: date
                  ) -> tuple[Unit, Principal, list[Principal], list[int]]:
    unit = await create_unit(session, f"Simulation {stamp}", UnitKind.FEDERAL,
                             slug=f"simulation-{stamp.replace(' ', '-').replace(':', '')}",
                             description="Created by `ballot simulate-referendum`.")
    tag = hashlib.sha256(f"{stamp}/{os.getpid()}".encode()).hexdigest()[:8]
    members = [Member(number=f"SIM-{tag}-{i:07d}", given_name="Simulation", family_name=f"Voter {i}",
                      email=None, home_unit_id=unit.id, joined_on=today - timedelta(days=730),
                      dues_status=DuesStatus.PAID) for i in range(1, opts.voters + 1)]
    session.add_all(members)
    accounts = [Account(email=f"sim-{tag}-{name}@simulation.invalid", display_name=f"Simulation {name}")
                for name in ["board", *(f"trustee{i}" for i in range(1, opts.trustees + 1))]]
    session.add_all(accounts)
    await session.flush()
    session.add(RoleGrant(account_id=accounts[0].id, unit_id=unit.id, role=Role.BOARD))
    session.add_all(RoleGrant(account_id=a.id, unit_id=unit.id, role=Role.ELECTION_COMMITTEE) for a in accounts[1:])
    await session.flush()
    principals = [await load_principal(session, a.id) for a in accounts]
    assert all(p is not None for p in principals)
    board, *trustees = principals
    assert board is not None
    return unit, board, [t for t in trustees if t is not None], [m.id for m in members]


async def _ceremony(session: AsyncSession, settings: Settings, election: Election, board: Principal,
                    trustees: list[Principal], opts: Options, seed: bytes, now: datetime,
                    sink: _Sink) -> list[dict[str, Any]]:
    secrets = await run_key_ceremony(session, election, trustees, rng=deterministic_rng(seed + b"/trustees"))
    await ceremony.finish_ceremony(session, settings, board, election, now, sink)
    return secrets


async def _open_references(session: AsyncSession, election: Election, trustees: list[Principal],
                           secrets: list[dict[str, Any]], deciders: list[int], seed: bytes, now: datetime) -> int:
    """The deciding trustees open the sealed references of members whose postal vote replaces their online one."""
    request = await opening_request(session, election, now)
    election_doc = canonical.loads(str(election.election_json))
    for index in deciders:
        answer = trustee.open_references(secrets[index - 1], bytes.fromhex(str(election.fingerprint)), request,
                                         election=election_doc, rng=deterministic_rng(seed + b"/open/%d" % index))
        await submit_opening(session, trustees[index - 1], election, answer, now)
        await session.commit()
    return len(request["ciphertexts"])


async def _paper_ballots(session: AsyncSession, committee: Principal, election: Election, count: int,
                         truth: dict[str, Any], rnd: random.Random, now: datetime) -> dict[str, Any]:
    """Enter ``count`` random paper ballots; the truth with their counts added."""
    manifest = crypto_election(election).manifest
    for _ in range(count):
        choices = random_choices(manifest, rnd)
        answers = []
        for question, votes in zip(manifest.questions, choices, strict=True):
            answers.append({"question": question.id, "mark": "valid" if any(votes) else "blank",
                            "votes": {o.id: v for o, v in zip(question.options, votes, strict=True)}})
            entry = next(q for q in truth["questions"] if q["question"] == question.id)
            for option, value in zip(question.options, votes, strict=True):
                entry["counts"][option.id] += value
            entry["blank"] += 0 if any(votes) else 1
        await enter_paper(session, committee, election, answers, now)
    await session.commit()
    return {**truth, "cast": truth["cast"] + count, "ballots": truth["ballots"] + count, "postal": count}


def _write(out: Path, record_zip: bytes, truth: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(record_zip)
    (out.parent / "truth.json").write_bytes(canonical.dumps(truth) + b"\n")


async def simulate(factory: async_sessionmaker[AsyncSession], settings: Settings, opts: Options, out: Path,
                   progress: Callable[[str], None] = stderr_progress) -> dict[str, Any]:
    """Run the ballot; write the record to ``out`` and truth.json beside it; return a summary with timings."""
    started, times = time.monotonic(), {}
    seed = hashlib.sha256(b"ballot/simulate-referendum/" + (os.urandom(32) if opts.seed is None
                                                             else str(opts.seed).encode())).digest()
    rnd = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    sink = _Sink()
    async with factory() as session:
        unit, board, trustees, member_ids = await _people(session, opts, now.strftime("%Y-%m-%d %H:%M:%S"),
                                                          now.date())
        progress(f"unit {unit.name!r}: {len(member_ids)} members, {len(trustees)} trustees")
        if opts.postal:
            precedence = 'postal_precedence = "postal"\n' if opts.postal_online else ""
            await store_version(session, unit, POSTAL_STATUTE + precedence)
        opens_at, closes_at = now + timedelta(days=2), now + timedelta(days=16)
        questions = [yes_no_abstain(f"q{i}").to_json() for i in range(1, opts.questions + 1)]
        election = await setup.create_election(
            session, board, unit, kind=ElectionKind.REFERENDUM, title_de=f"Simulation {now:%Y-%m-%d}",
            title_en=f"Simulation {now:%Y-%m-%d}", description="Simulated referendum.", questions=questions,
            announcement_at=now + timedelta(hours=1), opens_at=opens_at, closes_at=closes_at,
            trustee_account_ids=[t.account_id for t in trustees], threshold=opts.threshold, now=now,
            postal=opts.postal > 0)
        await setup.lock_election(session, board, election, now)
        secrets = await _ceremony(session, settings, election, board, trustees, opts, seed, now, sink)
        await session.commit()
        times["setup"] = time.monotonic() - started
        progress(f"election {election.uuid} ready: {election.eligible_count} credentials "
                 f"({times['setup']:.1f} s)")
        await open_election(session, board, election, opens_at)
        crypto = crypto_election(election)
        postal_ids, online_ids = member_ids[:opts.postal], member_ids[opts.postal:]
        casts, truth = plan(crypto.manifest, online_ids, opts.revote_share, rnd)
        replaced = postal_ids[:opts.postal_online]  # they vote online first; their Wahlschein replaces that vote
        if replaced:
            extra, extra_truth = plan(crypto.manifest, replaced, 0.0, rnd)
            casts = extra + casts
            truth = {**truth, "cast": truth["cast"] + extra_truth["cast"], "replaced": len(replaced)}
        jobs = [(sink.credentials[m], choices, seed + b"/cast/" + i.to_bytes(8, "big"))
                for i, (m, choices) in enumerate(casts)]
        step, cast_start = max(1, len(jobs) // 10), time.monotonic()
        for i, ballot in enumerate(encrypt_all(crypto, election_salt(election), jobs, opts.processes)):
            await cast_ballot(session, settings, election, casts[i][0], ballot, opens_at + timedelta(seconds=1))
            if (i + 1) % step == 0 or i + 1 == len(jobs):
                progress(f"ballots: {i + 1}/{len(jobs)} ({time.monotonic() - cast_start:.1f} s)")
        if postal_ids:  # after the online casts, so that the replaced members have voted online first
            numbers = [str(await session.scalar(select(Member.number).where(Member.id == m))) for m in postal_ids]
            await enter_certificates(session, trustees[0], election, numbers, opens_at + timedelta(seconds=2))
            await session.commit()
        times["cast"] = time.monotonic() - cast_start
        tally_start = time.monotonic()
        outcome = await close_election(session, board, election, closes_at)
        if postal_ids:
            truth = await _paper_ballots(session, trustees[0], election, len(postal_ids), truth, rnd, closes_at)
        deciders = sorted(rnd.sample(range(1, opts.trustees + 1), opts.threshold))
        if replaced:
            opened = await _open_references(session, election, trustees, secrets, deciders, seed, closes_at)
            progress(f"trustees {deciders} opened {opened} sealed reference(s)")
            refreshed = await outcome_of(session, election)
            assert refreshed is not None
            await session.refresh(refreshed)
            outcome = refreshed
        aggregates = canonical.loads(outcome.aggregates_json)
        election_doc = canonical.loads(str(election.election_json))
        for index in deciders:
            entry = trustee.decrypt(secrets[index - 1], bytes.fromhex(str(election.fingerprint)), aggregates,
                                    election=election_doc, rng=deterministic_rng(seed + b"/decrypt/%d" % index))
            await submit_decryption(session, trustees[index - 1], election, entry, closes_at)
        await session.commit()
        progress(f"closed; trustees {deciders} decrypted; writing and verifying the record")
        outcome = await finalize(session, settings, election, closes_at + timedelta(minutes=1),
                                 processes=opts.processes)
        await session.commit()
        times["tally"] = time.monotonic() - tally_start
    result = canonical.loads(str(outcome.result_json))
    truth = {"eligible": len(member_ids), **truth}
    if result["questions"] != truth["questions"] or result["ballots"] != truth["ballots"]:
        raise RuntimeError("simulation: the decrypted result differs from the plain counts")
    assert outcome.record_zip is not None
    await asyncio.to_thread(_write, out, outcome.record_zip, truth)
    times["total"] = time.monotonic() - started
    progress(f"record {out} (sha256 {outcome.record_sha256}); total {times['total']:.1f} s")
    return {"record": str(out), "record_sha256": outcome.record_sha256, "election": election.uuid,
            "unit": unit.name, "truth": truth, "seconds": {k: round(v, 2) for k, v in times.items()}}
