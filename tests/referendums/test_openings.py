"""Postal precedence "postal": a Wahlschein replaces the member's online vote, removed by a joint opening of the
sealed reference (postal_openings.py, openings.json, verifier check 22), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import select

from ballot.exceptions import Conflict, PermissionDenied, ValidationFailed
from ballot.referendums.booth.casting import close_election
from ballot.referendums.box import outcome_of
from ballot.referendums.models import BoardEntry, VoterRegister
from ballot.referendums.postal.openings import Openings, opening_request, opening_status, submit_opening
from ballot.referendums.postal.services import Line, enter_certificates, enter_paper
from ballot.referendums.record.export import record_zip
from ballot.referendums.record.tally import finalize, submit_decryption
from ballot.referendums.record.views import _postal_figures
from ballot.referendums.simulation.services import Options, simulate
from ballot.settings import Settings
from ballot_audit.verify import verify
from ballot_crypto import canonical, trustee
from tests.audits.tamper import assert_fails, check, read, reseal, write
from tests.referendums.box_helpers import NO, YES, Ready, cast
from tests.referendums.conftest import World
from tests.referendums.test_postal import number_of, paper, postal_ready


def _election_json(ready: Ready) -> dict[str, Any]:
    return json.loads(str(ready.election.election_json))


def _fingerprint(ready: Ready) -> bytes:
    return bytes.fromhex(str(ready.election.fingerprint))


async def _open(world: World, ready: Ready, index: int, now: Any) -> dict[str, Any]:
    request = await opening_request(world.db, ready.election, now)
    answer = trustee.open_references(ready.secrets[index - 1], _fingerprint(ready), request,
                                     election=_election_json(ready))
    await submit_opening(world.db, world.trustees[index - 1], ready.election, answer, now)
    await world.db.commit()
    return answer


async def _reset(world: World, election: Any) -> None:
    """End a refused request's transaction (as the web layer does) and reload the ballot."""
    await world.db.rollback()
    await world.db.refresh(election)


async def _decrypt(world: World, ready: Ready, index: int, now: Any) -> None:
    outcome = await outcome_of(world.db, ready.election)
    assert outcome is not None
    share = trustee.decrypt(ready.secrets[index - 1], _fingerprint(ready), canonical.loads(outcome.aggregates_json))
    await submit_decryption(world.db, world.trustees[index - 1], ready.election, share, now)


async def test_a_postal_vote_replaces_the_online_vote(world: World, settings: Settings, tmp_path: Path) -> None:
    ready = await postal_ready(world, settings, precedence="postal", grace="P2D")
    election = ready.election
    both, online_only, postal_only, *_rest = ready.voters()
    await cast(world, settings, ready, both, YES)
    await cast(world, settings, ready, online_only, NO)
    numbers = [await number_of(world, n) for n in (both, postal_only, both)]
    results = await enter_certificates(world.db, world.trustees[0], election, numbers, ready.during)
    await world.db.commit()
    assert [r.outcome for r in results] == [Line.REPLACES_ONLINE, Line.ACCEPTED, Line.ALREADY_ENTERED]
    assert "online ballot is removed at the tally" in results[0].message
    row = await world.db.get(VoterRegister, (election.id, both))
    assert row is not None and row.channel == "postal" and row.sealed_ref is not None  # marked "to open"
    sealed = dict(row.sealed_ref)
    untouched = await world.db.get(VoterRegister, (election.id, online_only))
    assert untouched is not None and untouched.channel == "online"
    with pytest.raises(Conflict, match="by post"):  # online casting after a Wahlschein stays refused
        await cast(world, settings, ready, both, NO)

    await close_election(world.db, world.board, election, election.closes_at)
    in_grace, after = ready.after, election.closes_at + timedelta(days=3)
    assert (await opening_status(world.db, election, in_grace)).state == Openings.PENDING
    with pytest.raises(Conflict, match="period for postal votes"):  # the gross aggregates are never decrypted
        await _decrypt(world, ready, 1, in_grace)
    with pytest.raises(Conflict, match="No sealed reference"):
        await opening_request(world.db, election, in_grace)
    await _reset(world, election)
    await enter_paper(world.db, world.trustees[0], election, paper("valid", "no"), after)
    await enter_paper(world.db, world.trustees[1], election, paper("valid", "yes"), after)
    await world.db.commit()

    status = await opening_status(world.db, election, after)
    assert (status.state, status.references, status.answered) == (Openings.REQUESTED, 1, [])
    request = await opening_request(world.db, election, after)
    assert request["ciphertexts"] == [sealed]  # exactly the row marked "to open"
    with pytest.raises(Conflict, match="opened first"):
        await _decrypt(world, ready, 1, after)
    await _reset(world, election)
    forged = trustee.open_references(ready.secrets[0], _fingerprint(ready), request)
    forged["shares"][0]["proof"]["response"] = forged["shares"][0]["proof"]["challenge"]
    with pytest.raises(ValidationFailed) as caught:
        await submit_opening(world.db, world.trustees[0], election, forged, after)
    assert "do not verify" in caught.value.errors["openings"]
    await _reset(world, election)
    with pytest.raises(PermissionDenied):  # trustee 2 uploading trustee 1's answer
        await submit_opening(world.db, world.trustees[1], election,
                             trustee.open_references(ready.secrets[0], _fingerprint(ready), request), after)
    await _reset(world, election)

    gross = await outcome_of(world.db, election)
    assert gross is not None and json.loads(gross.aggregates_json)["ballots"] == 2
    await _open(world, ready, 1, after)
    with pytest.raises(Conflict, match="already stored"):
        await _open(world, ready, 1, after)
    await _reset(world, election)
    await _open(world, ready, 3, after)
    assert (await opening_status(world.db, election, after)).state == Openings.SETTLED
    outcome = await outcome_of(world.db, election)
    assert outcome is not None
    await world.db.refresh(outcome)
    assert json.loads(outcome.aggregates_json)["ballots"] == 1  # the online ballot of `both` left the count
    with pytest.raises(Conflict, match="No sealed reference"):
        await _open(world, ready, 2, after)
    await _reset(world, election)

    for index in (1, 2):
        await _decrypt(world, ready, index, after)
    outcome = await finalize(world.db, settings, election, after)
    await world.db.commit()
    result = json.loads(str(outcome.result_json))
    assert result == {"ballots": 3, "questions": [  # online: NO of online_only; papers: NO and YES
        {"question": "q1", "counts": {"yes": 1, "no": 2, "abstain": 0}, "blank": 0}]}
    positions = (await world.db.scalars(select(BoardEntry.position).where(
        BoardEntry.election_id == election.id))).all()
    assert sorted(positions) == [1, 2]  # the board keeps every accepted ballot

    _digest, data = await record_zip(world.db, world.member, election)
    assert _postal_figures(data) == {"ballots": 2, "voters": 2, "replaced": 1}  # the result page's split
    folder = tmp_path / "record"
    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    doc = read(folder, "openings.json")
    assert [(o["excluded"], o["ciphertext"]) for o in doc["openings"]] == [(1, sealed)]
    assert [t["index"] for t in doc["trustees"]] == [1, 3]
    assert read(folder, "evaluation.json")["counted"] == 3
    report = check(folder)
    assert report.ok, [v.line() for v in report.failures]
    assert any(v.check == 22 and v.ok and "1 counted entries excluded" in v.message for v in report.items)

    doc["openings"][0]["excluded"] = None  # the opened ballot claimed as still counted
    write(folder, "openings.json", doc)
    reseal(folder)
    tampered = check(folder)
    assert_fails(tampered, 22, "opening 0", "excluded is None")
    assert_fails(tampered, 14, "aggregates.json", "counted entries")


async def test_first_precedence_still_refuses_an_online_voters_certificate(world: World,
                                                                           settings: Settings) -> None:
    ready = await postal_ready(world, settings, precedence="first")
    voter, *_rest = ready.voters()
    await cast(world, settings, ready, voter, YES)
    results = await enter_certificates(world.db, world.trustees[0], ready.election, [await number_of(world, voter)],
                                       ready.during)
    assert [r.outcome for r in results] == [Line.VOTED_ONLINE]
    row = await world.db.get(VoterRegister, (ready.election.id, voter))
    assert row is not None and row.channel == "online"
    assert (await opening_status(world.db, ready.election, ready.after)).state == Openings.NONE


async def test_nothing_to_open_settles_at_the_end_of_the_grace_period(world: World, settings: Settings,
                                                                      tmp_path: Path) -> None:
    ready = await postal_ready(world, settings, precedence="postal", grace="P0D")
    online, postal_only, *_rest = ready.voters()
    await cast(world, settings, ready, online, YES)
    await enter_certificates(world.db, world.trustees[0], ready.election, [await number_of(world, postal_only)],
                             ready.during)
    await world.db.commit()
    await close_election(world.db, world.board, ready.election, ready.election.closes_at)
    assert (await opening_status(world.db, ready.election, ready.after)).state == Openings.SETTLED
    await enter_paper(world.db, world.trustees[0], ready.election, paper("valid", "no"), ready.after)
    for index in (1, 2):
        await _decrypt(world, ready, index, ready.after)
    outcome = await finalize(world.db, settings, ready.election, ready.after)
    await world.db.commit()
    assert json.loads(str(outcome.result_json))["ballots"] == 2
    _digest, data = await record_zip(world.db, world.member, ready.election)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert json.loads(archive.read("openings.json"))["openings"] == []


async def test_simulation_with_postal_voters_who_also_voted_online(app: Litestar, settings: Settings,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "sim" / "record.zip"
    summary = await simulate(app.state.db_factory, settings,
                             Options(voters=8, postal=3, postal_online=2, revote_share=0.0, seed=7, processes=1),
                             out, lambda message: None)
    truth = json.loads((out.parent / "truth.json").read_text())
    # 5 online-only and 2 replaced online ballots on the board, 3 paper ballots; 5 + 3 counted
    assert (truth["eligible"], truth["cast"], truth["ballots"], truth["postal"], truth["replaced"]) == (8, 10, 8, 3, 2)
    report = verify(out, processes=1)
    assert report.ok, [v.line() for v in report.failures]
    assert report.summary["result"] == truth["questions"] and summary["truth"] == truth
    assert report.summary["excluded"] == 2
    with zipfile.ZipFile(out) as archive:
        openings = json.loads(archive.read("openings.json"))
    assert len(openings["openings"]) == 2 and all(o["excluded"] is not None for o in openings["openings"])
