"""Postal voting (Briefwahl): creation against the statute, certificates, paper ballots, the combined tally and its
record (postal.json, verifier check 21), with tampering."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from ballot.exceptions import Conflict, ValidationFailed
from ballot.members.models import Member
from ballot.referendums.board.services import lock_election
from ballot.referendums.booth.casting import close_election, open_election
from ballot.referendums.box import outcome_of
from ballot.referendums.models import ElectionState, VoterRegister
from ballot.referendums.postal.services import (
    Line,
    enter_certificates,
    enter_paper,
    enter_totals,
    postal_state,
    void_entry,
)
from ballot.referendums.record.export import record_zip
from ballot.referendums.record.tally import finalize, submit_decryption
from ballot.referendums.simulation.services import Options, simulate
from ballot.referendums.trustees.ceremony import finish_ceremony
from ballot.referendums.trustees.inprocess import run_key_ceremony
from ballot.settings import Settings
from ballot.statutes.services import store_version
from ballot_audit.verify import verify
from ballot_crypto import canonical, trustee
from tests.audits.tamper import assert_fails, check, read, reseal, write
from tests.referendums.box_helpers import NO, YES, MemorySink, Ready, cast
from tests.referendums.conftest import NOW, STATUTE, World


def paper(mark: str = "valid", choice: str | None = "yes") -> list[dict[str, Any]]:
    votes = {o: int(o == choice and mark == "valid") for o in ("yes", "no", "abstain")}
    return [{"question": "q1", "mark": mark, "votes": votes}]


async def postal_ready(world: World, settings: Settings, precedence: str = "first", grace: str = "P0D") -> Ready:
    await store_version(world.db, world.tree.federal, STATUTE + f'grace = "{grace}"\n\n[referendum.ballot]\n'
                        f'channels = ["online", "postal"]\npostal_precedence = "{precedence}"\n')
    election = await lock_election(world.db, world.board, await world.create(postal=True), NOW)
    secrets = await run_key_ceremony(world.db, election, world.trustees)
    sink = MemorySink()
    await finish_ceremony(world.db, settings, world.board, election, NOW, sink)
    await world.db.commit()
    await open_election(world.db, world.board, election, election.opens_at)
    return Ready(election, secrets, sink.issued)


async def number_of(world: World, member_id: int) -> str:
    member = await world.db.get(Member, member_id)
    assert member is not None
    return member.number


@dataclass
class Tallied:
    ready: Ready
    result: dict[str, Any]
    record: Path


async def tally(world: World, settings: Settings, ready: Ready, now: datetime, tmp_path: Path) -> Tallied:
    election = ready.election
    outcome = await outcome_of(world.db, election)
    assert outcome is not None
    for index in (1, 2):
        share = trustee.decrypt(ready.secrets[index - 1], bytes.fromhex(str(election.fingerprint)),
                                canonical.loads(outcome.aggregates_json))
        await submit_decryption(world.db, world.trustees[index - 1], election, share)
    outcome = await finalize(world.db, settings, election, now)
    await world.db.commit()
    _digest, data = await record_zip(world.db, world.member, election)
    folder = tmp_path / "record"
    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    return Tallied(ready, json.loads(str(outcome.result_json)), folder)


async def test_statute_decides_whether_postal_voting_may_be_offered(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await world.create(postal=True)  # the world's statute lists online only
    assert "does not allow postal voting" in caught.value.errors["postal"]
    await store_version(world.db, world.tree.federal, STATUTE + '\n[referendum.ballot]\nchannels = ["online", '
                        '"postal"]\npostal_precedence = "postal"\n')
    assert (await world.create(postal=True)).postal is True  # "postal" precedence: joint openings (test_openings)
    await store_version(world.db, world.tree.federal, STATUTE + '\n[referendum.ballot]\nchannels = ["online", '
                        '"postal"]\noffline_required = true\n')
    with pytest.raises(ValidationFailed) as caught:
        await world.create(postal=False)
    assert "offer postal voting" in caught.value.errors["postal"]
    election = await world.create()  # None: the statute's requirement decides
    assert election.postal is True


async def test_first_channel_counts_and_the_combined_tally_verifies(world: World, settings: Settings,
                                                                     tmp_path: Path) -> None:
    ready = await postal_ready(world, settings)
    election = ready.election
    online, postal, *_rest = ready.voters()
    await cast(world, settings, ready, online, YES)
    outsider = await world.factory.member(world.tree.local_a, joined_on=date.today())  # joined too late
    await world.factory.commit()
    numbers = [await number_of(world, online), await number_of(world, postal), await number_of(world, postal),
               "X-404", outsider.number, "  "]
    results = await enter_certificates(world.db, world.trustees[0], election, numbers, ready.during)
    assert [r.outcome for r in results] == [Line.VOTED_ONLINE, Line.ACCEPTED, Line.ALREADY_ENTERED, Line.UNKNOWN,
                                           Line.NOT_ELIGIBLE]
    assert "set the envelope aside unopened" in results[0].message
    row = await world.db.get(VoterRegister, (election.id, postal))
    assert row is not None and row.channel == "postal" and row.sealed_ref is None
    with pytest.raises(Conflict, match="by post"):
        await cast(world, settings, ready, postal, NO)
    with pytest.raises(Conflict):  # only the election committee's trustees of the unit, and not before the close
        await enter_paper(world.db, world.trustees[0], election, paper(), ready.during)
    await close_election(world.db, world.board, election, election.closes_at)
    after = ready.after
    first = await enter_paper(world.db, world.trustees[0], election, paper("valid", "yes"), after)
    await world.db.flush()
    with pytest.raises(Conflict, match="as many paper ballots as postal voters"):
        await enter_paper(world.db, world.trustees[1], election, paper("valid", "no"), after)
    await void_entry(world.db, world.trustees[1], election, first.id, after)
    with pytest.raises(ValidationFailed):
        await enter_paper(world.db, world.trustees[1], election, paper("valid", None), after)
    await enter_paper(world.db, world.trustees[1], election, paper("valid", "no"), after)
    await world.db.commit()
    state = await postal_state(world.db, election)
    assert (state.voters, len(state.papers), len(state.log)) == (1, 1, 3)
    done = await tally(world, settings, ready, after, tmp_path)
    assert election.state == ElectionState.TALLIED
    assert done.result == {"ballots": 2, "questions": [
        {"question": "q1", "counts": {"yes": 1, "no": 1, "abstain": 0}, "blank": 0}]}
    doc = read(done.record, "postal.json")
    assert (doc["offered"], doc["voters"], doc["ballots"], doc["precedence"]) == (True, 1, 1, "first")
    assert doc["papers"] == [paper("valid", "no")]
    assert read(done.record, "evaluation.json")["cast"] == 2
    report = check(done.record)
    assert report.ok, [v.line() for v in report.failures]
    assert report.summary["postal"] == 1

    # Tampering: a paper changed (totals no longer its sum), then totals and result changed together.
    doc["papers"][0][0]["votes"] = {"yes": 1, "no": 0, "abstain": 0}
    write(done.record, "postal.json", doc)
    reseal(done.record)
    assert_fails(check(done.record), 21, "totals[0]", "not the sums of the papers")
    doc["totals"][0]["counts"] = {"yes": 1, "no": 0, "abstain": 0}
    write(done.record, "postal.json", doc)
    result = read(done.record, "result.json")
    result["questions"][0]["counts"] = {"yes": 2, "no": 0, "abstain": 0}
    write(done.record, "result.json", result)
    reseal(done.record)
    report = check(done.record)
    assert 21 not in report.failed_checks()
    assert_fails(report, 17, "evaluation.json", "result.json says")
    # An extra paper beyond the postal voters, and an invalid answer.
    doc["papers"].append(paper("blank"))
    doc["ballots"] = 2
    doc["papers"][1][0]["votes"]["abstain"] = 1
    write(done.record, "postal.json", doc)
    reseal(done.record)
    report = check(done.record)
    assert_fails(report, 21, "postal.json", "only 1 postal voters")
    assert_fails(report, 21, "papers[1][0]", "gives no votes")


async def test_online_precedence_waits_for_the_close_and_the_grace_period(world: World, settings: Settings,
                                                                          tmp_path: Path) -> None:
    ready = await postal_ready(world, settings, precedence="online", grace="P3D")
    election = ready.election
    online, postal, third, *_rest = ready.voters()
    await cast(world, settings, ready, online, YES)
    with pytest.raises(Conflict, match="only after the online close"):
        await enter_certificates(world.db, world.trustees[0], election, [await number_of(world, postal)],
                                 ready.during)
    await close_election(world.db, world.board, election, election.closes_at)
    results = await enter_certificates(world.db, world.trustees[0], election,
                                       [await number_of(world, n) for n in (online, postal, third)], ready.after)
    assert [r.outcome for r in results] == [Line.VOTED_ONLINE, Line.ACCEPTED, Line.ACCEPTED]
    with pytest.raises(Conflict, match="end of the period for postal votes"):
        await enter_totals(world.db, world.trustees[0], election, 2, [], ready.after)
    late = election.closes_at + timedelta(days=4)
    with pytest.raises(Conflict, match="period for postal votes has ended"):
        await enter_certificates(world.db, world.trustees[0], election, ["X"], late)
    with pytest.raises(ValidationFailed) as caught:  # 2 papers cannot hold 3 yes votes
        await enter_totals(world.db, world.trustees[0], election, 2,
                           [{"question": "q1", "counts": {"yes": 3, "no": 0, "abstain": 0}, "blank": 0,
                             "invalid": 0}], late)
    assert "q-q1" in caught.value.errors
    with pytest.raises(ValidationFailed):  # more papers than postal voters
        await enter_totals(world.db, world.trustees[0], election, 3,
                           [{"question": "q1", "counts": {"yes": 1, "no": 0, "abstain": 0}, "blank": 1,
                             "invalid": 1}], late)
    await enter_totals(world.db, world.trustees[0], election, 2,
                       [{"question": "q1", "counts": {"yes": 1, "no": 0, "abstain": 0}, "blank": 0,
                         "invalid": 1}], late)
    with pytest.raises(Conflict, match="grace period"):
        await finalize(world.db, settings, election, ready.after)
    done = await tally(world, settings, ready, late, tmp_path)
    assert done.result == {"ballots": 3, "questions": [
        {"question": "q1", "counts": {"yes": 2, "no": 0, "abstain": 0}, "blank": 1}]}
    doc = read(done.record, "postal.json")
    assert doc["papers"] is None and doc["ballots"] == 2 and doc["precedence"] == "online"
    report = check(done.record)
    assert report.ok, [v.line() for v in report.failures]
    doc["totals"][0]["invalid"] = 0  # a counted sheet that no longer adds up to its papers
    write(done.record, "postal.json", doc)
    reseal(done.record)
    assert_fails(check(done.record), 21, "totals[0]", "valid papers give")


async def test_simulation_with_postal_voters(app: Litestar, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "sim" / "record.zip"
    summary = await simulate(app.state.db_factory, settings, Options(voters=7, postal=3, revote_share=0.0, seed=5,
                                                                     processes=1), out, lambda message: None)
    truth = json.loads((out.parent / "truth.json").read_text())
    assert (truth["eligible"], truth["cast"], truth["ballots"], truth["postal"]) == (7, 7, 7, 3)
    report = verify(out, processes=1)
    assert report.ok, [v.line() for v in report.failures]
    assert report.summary["result"] == truth["questions"] and summary["truth"] == truth
    assert report.summary["postal"] == 3
    with zipfile.ZipFile(out) as archive:
        postal = json.loads(archive.read("postal.json"))
    assert (postal["offered"], postal["voters"], len(postal["papers"])) == (True, 3, 3)
