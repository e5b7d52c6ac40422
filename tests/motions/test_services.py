"""The motion services: drafting with co-authors and conflict detection, amendments, support against the statute,
workflow permissions and merging."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ballot.db import utcnow
from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.motions import amendments, consultations, drafting, merge, steps, support
from ballot.motions.drafting import EditConflict
from ballot.motions.models import MotionKind, State, TargetKind
from ballot.motions.steps import Votes
from tests.motions.conftest import BODY, World


async def _admitted(world: World) -> drafting.MotionRef:
    motion = await world.motion()
    ref = await world.ref(motion, world.initiator)
    await steps.move(world.db, await world.p(world.initiator), ref, "submitted")
    for account in (world.woman, world.man):
        await support.set_support(world.db, await world.p(account), ref.unit, ref.consultation, TargetKind.MOTION,
                                  motion.id, motion.state, set(), support=True)
    await steps.move(world.db, await world.p(world.board), await world.ref(motion), "admitted")
    return await world.ref(motion)


async def test_coauthors_edit_with_history_and_conflicts_are_refused(world: World) -> None:
    motion = await world.motion()
    ref = await world.ref(motion, world.initiator)
    name = await drafting.add_coauthor(world.db, await world.p(world.initiator), ref, world.coauthor.email)
    assert name == "Cem Mitautor"
    co_ref = await world.ref(motion, world.coauthor)
    await drafting.edit_motion(world.db, await world.p(world.coauthor), co_ref, base_version=1,
                               title=motion.title, body=BODY.replace("29 Euro", "19 Euro"), reason="Weil.")
    assert motion.version == 2
    with pytest.raises(EditConflict) as caught:  # the initiator still edits version 1
        await drafting.edit_motion(world.db, await world.p(world.initiator), ref, base_version=1,
                                   title=motion.title, body=BODY + "\n\nNeu.", reason="Weil.")
    assert any(line.startswith("+") and "19 Euro" in line for line in caught.value.diff)
    assert "version 2" in caught.value.message
    assert [v.number for v in await drafting.versions(world.db, motion)] == [2, 1]
    with pytest.raises(PermissionDenied):
        await drafting.edit_motion(world.db, await world.p(world.woman), ref, base_version=2, title="x",
                                   body="y", reason="")


async def test_coauthor_must_be_a_member_of_the_unit(world: World) -> None:
    ref = await world.ref(await world.motion(), world.initiator)
    with pytest.raises(ValidationFailed) as caught:
        await drafting.add_coauthor(world.db, await world.p(world.initiator), ref, world.outsider.email)
    assert "email" in caught.value.errors


async def test_bad_motion_input_names_the_fields(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await world.motion(body=" ", title="")
    assert set(caught.value.errors) == {"title", "body"}
    with pytest.raises(PermissionDenied):
        await drafting.create_motion(world.db, await world.p(world.outsider), world.consultation, world.tree.state_a,
                                     title="t", body="b", reason="")


async def test_deadline_refuses_new_motions_but_not_procedural_ones(world: World) -> None:
    world.consultation.deadline = utcnow() - timedelta(hours=1)
    with pytest.raises(ValidationFailed):
        await world.motion()
    procedural = await world.motion(kind=MotionKind.PROCEDURAL.value, title="Schluss der Debatte")
    assert drafting.code(procedural) == "GO1"


async def test_admission_needs_the_statutes_supporters(world: World) -> None:
    motion = await world.motion()
    ref = await world.ref(motion, world.initiator)
    await steps.move(world.db, await world.p(world.initiator), ref, "submitted")
    board = await world.p(world.board)
    await support.set_support(world.db, await world.p(world.man), ref.unit, ref.consultation, TargetKind.MOTION,
                              motion.id, motion.state, set(), support=True)
    await support.set_support(world.db, await world.p(world.coauthor), ref.unit, ref.consultation, TargetKind.MOTION,
                              motion.id, motion.state, set(), support=True)
    tally = await support.tally(world.db, board, ref.unit, TargetKind.MOTION, motion.id)
    assert (tally.count, tally.women, tally.needed, tally.women_needed, tally.met) == (2, 0, 2, 1, False)
    with pytest.raises(ValidationFailed) as caught:
        await steps.move(world.db, board, await world.ref(motion), "admitted")
    assert "women: 0 of 1" in caught.value.errors["target"]
    await support.set_support(world.db, await world.p(world.coauthor), ref.unit, ref.consultation, TargetKind.MOTION,
                              motion.id, motion.state, set(), support=False)
    await support.set_support(world.db, await world.p(world.woman), ref.unit, ref.consultation, TargetKind.MOTION,
                              motion.id, motion.state, set(), support=True)
    await steps.move(world.db, board, await world.ref(motion), "admitted")
    assert motion.state == State.ADMITTED
    with pytest.raises(PermissionDenied):  # no more support once admitted
        await support.set_support(world.db, await world.p(world.coauthor), ref.unit, ref.consultation,
                                  TargetKind.MOTION, motion.id, motion.state, set(), support=True)


async def test_workflow_permissions(world: World) -> None:
    motion = await world.motion()
    ref = await world.ref(motion, world.initiator)
    with pytest.raises(PermissionDenied):  # a member who is not an author cannot submit it
        await steps.move(world.db, await world.p(world.woman), ref, "submitted")
    with pytest.raises(PermissionDenied):  # the author cannot admit it
        await steps.move(world.db, await world.p(world.initiator), ref, "admitted")
    await steps.move(world.db, await world.p(world.initiator), ref, "submitted")
    with pytest.raises(PermissionDenied):  # the author cannot decide it
        await steps.move(world.db, await world.p(world.initiator), ref, "adopted")
    with pytest.raises(PermissionDenied):  # no skipping: submitted is not yet admitted
        await steps.move(world.db, await world.p(world.board), await world.ref(motion), "adopted")
    with pytest.raises(PermissionDenied):  # board of another state
        other = await world.factory.account(roles=[(world_board_role(), world.tree.state_b)])
        await steps.move(world.db, await world.p(other), await world.ref(motion), "admitted")


def world_board_role():  # type: ignore[no-untyped-def]
    from ballot.authz.models import Role
    return Role.BOARD


async def test_recommendation_and_decision_with_counts_are_in_the_history(world: World) -> None:
    ref = await _admitted(world)
    board = await world.p(world.board)
    with pytest.raises(ValidationFailed) as caught:
        await steps.move(world.db, board, ref, "recommendation")
    assert "note" in caught.value.errors
    await steps.move(world.db, board, ref, "recommendation", note="Der Vorstand empfiehlt Annahme.")
    await steps.move(world.db, board, ref, "adopted", votes=Votes(120, 30, 5))
    history = await steps.history(world.db, TargetKind.MOTION, ref.motion.id)
    assert [(s.from_state, s.to_state) for s, _n in history] == [
        (State.DRAFT, State.SUBMITTED), (State.SUBMITTED, State.ADMITTED), (State.ADMITTED, State.RECOMMENDATION),
        (State.RECOMMENDATION, State.ADOPTED)]
    assert (history[-1][0].votes_yes, history[-1][0].votes_no, history[-1][0].votes_abstain) == (120, 30, 5)
    assert history[-1][1] == "Berta Vorstand"


def test_parse_votes() -> None:
    votes, errors = steps.parse_votes({"yes": "12", "no": "", "abstain": "-1"})
    assert votes.yes == 12 and votes.no is None and set(errors) == {"abstain"}


async def test_amendments_line_references_collisions_and_merge(world: World) -> None:
    ref = await _admitted(world)
    woman, man = await world.p(world.woman), await world.p(world.man)
    a1 = await amendments.create_amendment(world.db, await world.p(world.coauthor), ref, base_version=1,
                                           body=BODY.replace("29 Euro", "19 Euro"), reason="Billiger.")
    a2 = await amendments.create_amendment(world.db, man, ref, base_version=1,
                                           body=BODY.replace("29 Euro", "9 Euro"), reason="Noch billiger.")
    a3 = await amendments.create_amendment(world.db, man, ref, base_version=1,
                                           body=BODY.replace("Landeshaushalt", "Bundeshaushalt"), reason="")
    with pytest.raises(ValidationFailed):
        await amendments.create_amendment(world.db, man, ref, base_version=1, body=BODY, reason="")
    views = await amendments.amendment_views(world.db, ref.motion, ref.consultation.line_length)
    by_number = {v.amendment.number: v for v in views}
    assert by_number[1].collides_with == ["Amendment 2 to A1"] and by_number[3].collides_with == []
    # line length 40: the third paragraph starts on line 8
    assert by_number[3].reference == "l. 8"
    assert [(s.kind, s.text) for s in by_number[1].segments if s.kind != "same"] == [("del", "29"), ("ins", "19")]
    board = await world.p(world.board)
    for amendment in (a1, a2, a3):
        amendment_ref = await world.ref(ref.motion)
        for account in (world.woman, world.man, world.coauthor):
            if account.id != amendment.author_id:
                await support.set_support(world.db, await world.p(account), ref.unit, ref.consultation,
                                          TargetKind.AMENDMENT, amendment.id, amendment.state, set(), support=True)
        await steps.move(world.db, board, amendment_ref, "admitted", amendment=amendment)
        await steps.move(world.db, board, amendment_ref, "adopted", amendment=amendment)
    plan = await merge.plan(world.db, ref)
    assert [v.amendment.number for v in plan.clean] == [3]
    assert [[v.amendment.number for v in g] for g in plan.groups] == [[1, 2]]
    key = merge.group_key(plan.groups[0])
    with pytest.raises(ValidationFailed) as caught:
        await merge.merge(world.db, board, ref, {})
    assert key in caught.value.errors
    with pytest.raises(PermissionDenied):
        await merge.merge(world.db, woman, ref, {key: str(a1.id)})
    new = await merge.merge(world.db, board, ref, {key: str(a1.id)})
    assert "19 Euro" in new.body and "Bundeshaushalt" in new.body and "29 Euro" not in new.body
    assert new.merge_record == {"base_version": 1, "merged": [1, 3], "choices": [{"group": [1, 2], "chosen": 1}]}
    assert (a1.state, a2.state, a3.state) == (State.MERGED, State.ADOPTED, State.MERGED)
    assert ref.motion.version == 2


async def test_consultation_input_errors(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await consultations.create_consultation(world.db, await world.p(world.board), world.tree.state_a, title="",
                                                line_length=5, deadline=None, amendment_deadline=None,
                                                workflow="nope")
    assert set(caught.value.errors) == {"title", "line_length", "workflow"}
    with pytest.raises(PermissionDenied):
        await consultations.create_consultation(world.db, await world.p(world.woman), world.tree.state_a, title="x",
                                                line_length=80, deadline=None, amendment_deadline=None)


async def test_a_broken_statute_blocks_admission_with_a_reason(world: World, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    from ballot_crypto.statutes import StatuteError

    motion = await world.motion()
    await steps.move(world.db, await world.p(world.initiator), await world.ref(motion, world.initiator), "submitted")

    async def broken(*_args: object) -> None:
        raise StatuteError([])

    monkeypatch.setattr(support, "effective_rules", broken)
    with pytest.raises(ValidationFailed) as caught:
        await steps.move(world.db, await world.p(world.board), await world.ref(motion), "admitted")
    assert "cannot be applied" in caught.value.errors["target"]


async def test_a_save_racing_a_coauthors_save_is_a_conflict_not_an_error(world: World) -> None:
    """Both read version 1; the co-author's version 2 lands first (written here directly): the later save hits
    the unique version number and is refused as a conflict with the diff."""
    from sqlalchemy import update

    from ballot.motions.models import Motion, MotionVersion

    motion = await world.motion()
    ref = await world.ref(motion, world.initiator)
    world.db.add(MotionVersion(motion_id=motion.id, number=2, title=motion.title, body=BODY + "\n\nVom Mitautor.",
                               reason="", author_id=world.coauthor.id))
    await world.db.execute(update(Motion).where(Motion.id == motion.id).values(version=2)
                           .execution_options(synchronize_session=False))
    assert motion.version == 1  # as the racing request read it
    with pytest.raises(EditConflict) as caught:
        await drafting.edit_motion(world.db, await world.p(world.initiator), ref, base_version=1,
                                   title=motion.title, body=BODY + "\n\nMeins.", reason="")
    assert any("Vom Mitautor" in line for line in caught.value.diff)
    assert [v.number for v in await drafting.versions(world.db, motion)] == [2, 1]


async def test_numbers_taken_meanwhile_are_skipped(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from ballot.motions import numbering

    first = await world.motion()
    calls: list[int] = []
    original = numbering.insert_numbered

    async def stale_first(session, next_number, make):  # type: ignore[no-untyped-def]
        async def number() -> int:
            calls.append(1)
            return 1 if len(calls) == 1 else await next_number()  # the first read is stale: 1 is taken
        return await original(session, number, make)

    monkeypatch.setattr(drafting, "insert_numbered", stale_first)
    second = await world.motion(title="Zweiter Antrag")
    assert (first.number, second.number, len(calls)) == (1, 2, 2)
