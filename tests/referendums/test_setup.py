"""Creating and locking a binding ballot: validation, permissions, the statute snapshot, the manifest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from ballot.audit.models import AuditEvent
from ballot.exceptions import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from ballot.referendums.board.services import create_election, lock_election
from ballot.referendums.common import advance
from ballot.referendums.models import ElectionState, ElectionTrustee
from ballot.statutes.models import StatuteSnapshot
from ballot.statutes.services import store_version
from ballot_crypto import canonical
from ballot_crypto.manifest import Manifest
from tests.referendums.conftest import NOW, STATUTE, World, referendum_question

DAY = timedelta(days=1)


async def test_create_makes_a_draft_with_trustees(world: World) -> None:
    election = await world.create()
    assert election.state == ElectionState.DRAFT
    assert (election.trustee_count, election.threshold) == (3, 2)
    rows = (await world.db.scalars(select(ElectionTrustee).order_by(ElectionTrustee.index))).all()
    assert [(r.index, r.account_id) for r in rows] == [(i + 1, a.id) for i, a in enumerate(world.trustee_accounts)]
    event = await world.db.scalar(select(AuditEvent).where(AuditEvent.tag == "referendums:election:create"))
    assert event is not None and event.data["election"] == election.uuid


def _bad_question() -> dict[str, Any]:
    question = referendum_question()
    question["options"] = question["options"][:2]
    return question


def _single() -> dict[str, Any]:
    return {"id": "c", "kind": "single", "min": 0, "max": 1, "process": "election", "subject": None, "seats": 1,
            "text": {"de": "Wer?", "en": "Who?"},
            "options": [{"id": "a", "label": {"de": "A", "en": "A"}, "max": 1}]}


CASES: list[tuple[str, dict[str, Any]]] = [
    ("title_de", {"title_de": "  "}),
    ("title_en", {"title_en": "x" * 301}),
    ("description", {"description": "x" * 20_001}),
    ("kind", {"kind": "poll"}),
    ("questions", {"questions": []}),
    ("questions", {"questions": [_bad_question()]}),
    ("questions", {"questions": [{"id": "q1"}]}),
    ("questions", {"questions": [_single()]}),
    ("questions", {"questions": [referendum_question(), referendum_question()]}),
    ("announcement_at", {"announcement_at": NOW - DAY}),
    ("announcement_at", {"announcement_at": (NOW + DAY).replace(tzinfo=None)}),
    ("opens_at", {"opens_at": NOW}),
    ("closes_at", {"closes_at": NOW + 19 * DAY}),
    ("announcement_at", {"announcement_at": NOW + 10 * DAY}),  # statute: 14 days' notice
    ("closes_at", {"closes_at": NOW + 22 * DAY}),  # statute: at least 7 days open
    ("closes_at", {"closes_at": NOW + 60 * DAY}),  # statute: at most 28 days open
    ("trustee_account_ids", {"trustee_account_ids": []}),
    ("threshold", {"threshold": 0}),
    ("threshold", {"threshold": 4}),
    ("threshold", {"threshold": True}),
]


@pytest.mark.parametrize(("field", "overrides"), CASES)
async def test_every_field_is_validated(world: World, field: str, overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await world.create(**overrides)
    assert field in caught.value.errors, caught.value.errors


async def test_trustees_need_the_committee_grant(world: World) -> None:
    ids = [a.id for a in world.trustee_accounts]
    for wrong in ([*ids[:2], world.member.account_id], [ids[0], ids[0]]):
        with pytest.raises(ValidationFailed) as caught:
            await world.create(trustee_account_ids=wrong)
        assert "trustee_account_ids" in caught.value.errors
    # a grant in another unit does not count
    with pytest.raises(ValidationFailed) as caught:
        await create_election(world.db, world.board, world.tree.state_a, **world.election_args())
    assert "trustee_account_ids" in caught.value.errors


async def test_body_units_hold_no_ballots(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await create_election(world.db, world.board, world.tree.committee, **world.election_args())
    assert "unit" in caught.value.errors


async def test_only_board_and_admin_manage(world: World) -> None:
    assert (await world.create(world.admin)).state == ElectionState.DRAFT
    for principal in (world.member, world.trustees[0]):
        with pytest.raises(PermissionDenied):
            await world.create(principal)
    with pytest.raises(NotAuthenticated):
        await create_election(world.db, None, world.tree.federal, **world.election_args())
    election = await world.create()
    for principal in (world.member, world.trustees[0]):
        with pytest.raises(PermissionDenied):
            await lock_election(world.db, principal, election, NOW)


async def test_lock_freezes_statute_and_writes_the_manifest(world: World) -> None:
    election = await world.create()
    await lock_election(world.db, world.board, election, NOW)
    assert election.state == ElectionState.CEREMONY
    snapshot = await world.db.get(StatuteSnapshot, election.statute_snapshot_id)
    assert snapshot is not None and election.statute_sha256 == snapshot.rules_sha256
    assert election.manifest_json is not None
    manifest = Manifest.from_json(canonical.loads(election.manifest_json))
    assert canonical.dumps(manifest.to_json()).decode() == election.manifest_json
    assert manifest.id == election.uuid and manifest.statute_sha256 == snapshot.rules_sha256
    assert manifest.revoting is True and election.revoting is True
    assert manifest.title == {"de": "Satzungsänderung", "en": "Statute change"}
    event = await world.db.scalar(select(AuditEvent).where(AuditEvent.tag == "referendums:election:lock"))
    assert event is not None and event.data["statute_sha256"] == snapshot.rules_sha256
    with pytest.raises(Conflict):
        await lock_election(world.db, world.board, election, NOW)


async def test_lock_takes_revoting_from_the_statute(world: World) -> None:
    election = await world.create()
    await store_version(world.db, world.tree.federal, STATUTE + "\n[referendum.ballot]\nrevoting = false\n")
    await lock_election(world.db, world.board, election, NOW)
    assert election.revoting is False
    assert canonical.loads(election.manifest_json or "")["revoting"] is False


@pytest.mark.parametrize("ballot", ['channels = ["postal"]', 'channels = ["online", "assembly"]\n'
                                    "offline_required = true"])
async def test_lock_refuses_what_the_statute_forbids(world: World, ballot: str) -> None:
    election = await world.create()
    await store_version(world.db, world.tree.federal, STATUTE + f"\n[referendum.ballot]\n{ballot}\n")
    with pytest.raises(Conflict):
        await lock_election(world.db, world.board, election, NOW)
    assert election.state == ElectionState.DRAFT


async def test_lock_refuses_a_threshold_that_breaks_secrecy(world: World) -> None:
    election = await world.create(threshold=1)
    with pytest.raises(Conflict, match="secret"):
        await lock_election(world.db, world.board, election, NOW)


async def test_lock_rechecks_schedule_and_time(world: World) -> None:
    election = await world.create()
    with pytest.raises(ValidationFailed):
        await lock_election(world.db, world.board, election, NOW + 2 * DAY)
    await store_version(world.db, world.tree.federal, STATUTE.replace('"P14D"', '"P30D"'))
    with pytest.raises(ValidationFailed) as caught:
        await lock_election(world.db, world.board, election, NOW)
    assert "announcement_at" in caught.value.errors


async def test_states_only_move_forward(world: World) -> None:
    election = await world.create()
    for target in (ElectionState.DRAFT, ElectionState.READY, ElectionState.OPEN):
        with pytest.raises(Conflict):
            advance(election, target)
    advance(election, ElectionState.CEREMONY)
    with pytest.raises(Conflict):
        advance(election, ElectionState.DRAFT)
