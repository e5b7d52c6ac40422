"""Decryption shares, finalize (record written and verified), export and the public board (E2)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import update

from ballot.authz.models import Role
from ballot.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from ballot.referendums.booth.casting import close_election, open_election
from ballot.referendums.box import outcome_of
from ballot.referendums.models import BoardEntry, ElectionState
from ballot.referendums.record.export import board_listing, record_zip
from ballot.referendums.record.tally import RecordRejected, finalize, submit_decryption
from ballot.settings import Settings
from ballot_audit.verify import verify
from ballot_crypto import canonical, trustee
from tests.referendums.box_helpers import ABSTAIN, BLANK, NO, YES, Ready, cast, open_ready, ready_election
from tests.referendums.conftest import World


async def _cast_and_close(world: World, settings: Settings) -> tuple[Ready, dict[str, int]]:
    ready = await open_ready(world, settings)
    v = ready.voters()
    plan = [(v[0], YES), (v[1], NO), (v[2], YES), (v[3], ABSTAIN), (v[4], BLANK), (v[0], NO)]  # v0 revotes
    for member_id, choice in plan:
        await cast(world, settings, ready, member_id, choice)
    await close_election(world.db, world.board, ready.election, ready.election.closes_at)
    return ready, {"yes": 1, "no": 2, "abstain": 1}


def _share(ready: Ready, index: int, aggregates_json: str) -> dict[str, object]:
    return trustee.decrypt(ready.secrets[index - 1], bytes.fromhex(str(ready.election.fingerprint)),
                           canonical.loads(aggregates_json))


@pytest.mark.parametrize("pair", [(1, 2), (1, 3), (2, 3)])
async def test_whole_path_every_pair(world: World, settings: Settings, tmp_path: Path, pair: tuple[int, int]) -> None:
    ready, expected = await _cast_and_close(world, settings)
    election = ready.election
    outcome = await outcome_of(world.db, election)
    assert outcome is not None and outcome.result_json is None
    with pytest.raises(Conflict):  # one share is not enough
        await submit_decryption(world.db, world.trustees[pair[0] - 1], election,
                                _share(ready, pair[0], outcome.aggregates_json))
        await finalize(world.db, settings, election, ready.after)
    await submit_decryption(world.db, world.trustees[pair[1] - 1], election,
                            _share(ready, pair[1], outcome.aggregates_json))
    outcome = await finalize(world.db, settings, election, ready.after)
    await world.db.commit()
    assert election.state == ElectionState.TALLIED
    result = json.loads(str(outcome.result_json))
    assert result == {"ballots": 5, "questions": [{"question": "q1", "counts": expected, "blank": 1}]}
    evaluation = json.loads(str(outcome.evaluation_json))
    assert evaluation["eligible"] == election.eligible_count and evaluation["cast"] == 6
    digest, data = await record_zip(world.db, world.member, election)
    assert digest == outcome.record_sha256
    path = tmp_path / "record.zip"
    path.write_bytes(data)
    report = verify(path, processes=1)
    assert report.ok, [v.line() for v in report.failures]
    assert report.summary["record_hash"] == digest


async def test_share_refusals(world: World, settings: Settings) -> None:
    ready, _expected = await _cast_and_close(world, settings)
    election = ready.election
    outcome = await outcome_of(world.db, election)
    assert outcome is not None
    share = _share(ready, 1, outcome.aggregates_json)
    with pytest.raises(PermissionDenied):  # trustee 2 uploading index 1
        await submit_decryption(world.db, world.trustees[1], election, share)
    with pytest.raises(PermissionDenied):
        await submit_decryption(world.db, world.board, election, share)
    tampered = copy.deepcopy(share)
    tampered["questions"][0]["choices"][0]["factor"] = share["questions"][0]["choices"][1]["factor"]
    with pytest.raises(ValidationFailed):
        await submit_decryption(world.db, world.trustees[0], election, tampered)
    with pytest.raises(ValidationFailed):
        await submit_decryption(world.db, world.trustees[0], election, {"index": 1, "questions": []})
    await submit_decryption(world.db, world.trustees[0], election, share)
    with pytest.raises(Conflict):
        await submit_decryption(world.db, world.trustees[0], election, share)


async def test_finalize_refuses_a_record_that_does_not_verify(world: World, settings: Settings) -> None:
    ready, _expected = await _cast_and_close(world, settings)
    election = ready.election
    outcome = await outcome_of(world.db, election)
    assert outcome is not None
    for index in (1, 2):
        await submit_decryption(world.db, world.trustees[index - 1], election,
                                _share(ready, index, outcome.aggregates_json))
    await world.db.execute(update(BoardEntry).where(BoardEntry.position == 3).values(chain="00" * 32))
    with pytest.raises(RecordRejected) as refused:
        await finalize(world.db, settings, election, ready.after)
    assert 11 in refused.value.checks
    assert election.state == ElectionState.CLOSED and outcome.record_zip is None


async def test_board_listing_and_record_access(world: World, settings: Settings) -> None:
    ready = await ready_election(world, settings)
    with pytest.raises(NotFound):
        await board_listing(world.db, ready.election)
    await open_election(world.db, world.board, ready.election, ready.election.opens_at)
    receipts = [await cast(world, settings, ready, m, YES) for m in ready.voters()[:3]]
    lines = await board_listing(world.db, ready.election)
    assert [(line.position, line.tracker, line.chain) for line in lines] == [
        (r["position"], r["tracker"], r["chain"]) for r in receipts]
    assert [line.position for line in await board_listing(world.db, ready.election, tracker=receipts[1]["tracker"])
            ] == [2]
    assert len(await board_listing(world.db, ready.election, after=2)) == 1
    with pytest.raises(NotFound):  # not tallied yet
        await record_zip(world.db, world.member, ready.election)
    outsider = await world.factory.principal(await world.factory.account())
    with pytest.raises(PermissionDenied):
        await record_zip(world.db, outsider, ready.election)
    auditor = await world.factory.account(roles=[(Role.AUDITOR, world.tree.federal)])
    with pytest.raises(NotFound):  # allowed, but nothing published yet
        await record_zip(world.db, await world.factory.principal(auditor), ready.election)
