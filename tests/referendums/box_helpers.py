"""Helpers of the casting / tally tests (E2): a ready election with known credentials, ballots, casting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import nacl.signing

from ballot.members.models import Member
from ballot.referendums.board.services import lock_election
from ballot.referendums.booth.casting import cast_ballot, open_election
from ballot.referendums.box import crypto_election
from ballot.referendums.credentials import election_salt
from ballot.referendums.models import Election
from ballot.referendums.trustees.ceremony import (
    finish_ceremony,
)
from ballot.referendums.trustees.inprocess import run_key_ceremony
from ballot.settings import Settings
from ballot.statutes.services import store_version
from ballot_crypto import credentials
from ballot_crypto.ballots import encrypt_ballot, sign_ballot
from tests.referendums.conftest import NOW, STATUTE, World

YES, NO, ABSTAIN, BLANK = [1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]


class MemorySink:
    def __init__(self) -> None:
        self.issued: dict[int, str] = {}

    async def deliver(self, member: Member, credential_text: str) -> str:
        self.issued[member.id] = credential_text
        return "letter"


@dataclass
class Ready:
    election: Election
    secrets: list[dict[str, Any]]
    credentials: dict[int, str]

    @property
    def during(self) -> datetime:
        """A moment while the ballot is open."""
        return self.election.opens_at + timedelta(hours=1)

    @property
    def after(self) -> datetime:
        return self.election.closes_at + timedelta(minutes=1)

    def voters(self) -> list[int]:
        return sorted(self.credentials)

    def ballot(self, member_id: int, *choices: list[int]) -> dict[str, Any]:
        return make_ballot(self.election, self.credentials[member_id], [list(c) for c in choices] or [YES])


def make_ballot(election: Election, credential_text: str, choices: list[list[int]]) -> dict[str, Any]:
    key = credentials.signing_key(credential_text, election_salt(election))
    ballot, _secrets = encrypt_ballot(crypto_election(election), bytes(key.verify_key), choices)
    return sign_ballot(ballot, key)


def foreign_ballot(election: Election, choices: list[list[int]]) -> dict[str, Any]:
    key = nacl.signing.SigningKey.generate()
    ballot, _secrets = encrypt_ballot(crypto_election(election), bytes(key.verify_key), choices)
    return sign_ballot(ballot, key)


async def ready_election(world: World, settings: Settings, *, revoting: bool = True) -> Ready:
    """An election in state ready (statute of the world; revoting off adds a second statute version)."""
    if not revoting:
        await store_version(world.db, world.tree.federal, STATUTE + "\n[referendum.ballot]\nrevoting = false\n")
    election = await lock_election(world.db, world.board, await world.create(), NOW)
    finished = await run_key_ceremony(world.db, election, world.trustees)
    sink = MemorySink()
    await finish_ceremony(world.db, settings, world.board, election, NOW, sink)
    await world.db.commit()
    assert election.revoting is revoting
    return Ready(election, finished, sink.issued)


async def open_ready(world: World, settings: Settings, *, revoting: bool = True) -> Ready:
    ready = await ready_election(world, settings, revoting=revoting)
    await open_election(world.db, world.board, ready.election, ready.election.opens_at)
    return ready


async def cast(world: World, settings: Settings, ready: Ready, member_id: int, *choices: list[int]
               ) -> dict[str, Any]:
    return await cast_ballot(world.db, settings, ready.election, member_id, ready.ballot(member_id, *choices),
                             ready.during)
