"""Stored versions, inheritance through the unit tree, permissions, and frozen snapshots (on both backends)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from ballot.exceptions import PermissionDenied
from ballot.statutes.models import StatuteSnapshot, StatuteVersion
from ballot.statutes.services import (
    StatuteRejected,
    add_version,
    effective_rules,
    freeze,
    rules_from_json,
    snapshot_rules,
    snapshot_sources,
    versions_of,
    view_effective,
)
from ballot_crypto.statutes import Counts, evaluate
from ballot_crypto.statutes.load import canonical_bytes, rules_json
from tests.factories import Factory
from tests.statutes_web.conftest import FEDERAL, STATE, World

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "statutes"


async def test_versions_count_up_per_unit(db, factory: Factory, world: World) -> None:  # type: ignore[no-untyped-def]
    admin = await factory.principal(world.admin_account)
    first = await add_version(db, admin, world.tree.federal, FEDERAL, "Beschluss Parteitag 1")
    second = await add_version(db, admin, world.tree.federal, FEDERAL + "\n# comment\n")
    state = await add_version(db, admin, world.tree.state_a, STATE)
    assert (first.version, second.version, state.version) == (1, 2, 1)
    assert first.created_by_id == world.admin_account.id and first.note == "Beschluss Parteitag 1"
    assert first.text_sha256 != second.text_sha256
    listed = await versions_of(db, admin, world.tree.federal)
    assert [v.version for v in listed] == [2, 1]


async def test_inheritance_follows_the_unit_tree(db, factory: Factory, world: World) -> None:  # type: ignore[no-untyped-def]
    admin = await factory.principal(world.admin_account)
    tree = world.tree
    default = await effective_rules(db, tree.local_a)
    assert default.layers == () and default.rules.referendum.quorum.participation == 0
    await add_version(db, admin, tree.federal, FEDERAL)
    await add_version(db, admin, tree.state_a, STATE)
    federal = await effective_rules(db, tree.federal)
    hessen = await effective_rules(db, tree.state_a)
    kassel = await effective_rules(db, tree.local_a)  # no version of its own: inherits Hessen's merged rules
    sachsen = await effective_rules(db, tree.state_b)  # inherits the federal rules only
    assert str(hessen.rules.referendum.quorum.participation) == "1/4"
    assert hessen.rules.referendum.majority.base == "valid"  # the rest comes from the federal statute
    assert kassel.sha256 == hessen.sha256 != federal.sha256 == sachsen.sha256
    assert [layer.unit.slug for layer in kassel.layers] == [tree.federal.slug, tree.state_a.slug]
    # A newer federal version reaches every unit below that does not override the key.
    await add_version(db, admin, tree.federal, FEDERAL.replace('base = "valid"', 'base = "cast"'))
    assert (await effective_rules(db, tree.local_a)).rules.referendum.majority.base == "cast"
    assert str((await effective_rules(db, tree.local_a)).rules.referendum.quorum.participation) == "1/4"


async def test_invalid_text_is_refused_with_every_problem(db, factory: Factory, world: World) -> None:  # type: ignore[no-untyped-def]
    admin = await factory.principal(world.admin_account)
    bad = '[referendum.quorum]\nparticipation = 0.2\non_miss = "maybe"\n[referendum.colour]\nx = 1\n'
    with pytest.raises(StatuteRejected) as caught:
        await add_version(db, admin, world.tree.federal, bad)
    paths = {p.path for p in caught.value.problems}
    assert {"referendum.quorum.participation", "referendum.quorum.on_miss", "referendum.colour"} <= paths
    with pytest.raises(StatuteRejected) as caught:
        await add_version(db, admin, world.tree.state_a, 'extends = "bund"\n')
    assert [p.path for p in caught.value.problems] == ["extends"]
    assert await db.scalar(select(func.count(StatuteVersion.id))) == 0


async def test_a_parent_version_that_breaks_a_child_is_refused(db, factory: Factory, world: World) -> None:  # type: ignore[no-untyped-def]
    admin = await factory.principal(world.admin_account)
    await add_version(db, admin, world.tree.district_a, '[referendum.deadlines]\nvoting_min = "P3W"\n')
    with pytest.raises(StatuteRejected) as caught:
        await add_version(db, admin, world.tree.federal, '[referendum.deadlines]\nvoting_max = "P2W"\n')
    assert any(
        p.file.startswith(world.tree.district_a.slug) and p.path == "referendum.deadlines.voting_min"
        for p in caught.value.problems
    )


async def test_only_admins_edit_and_every_member_reads(db, factory: Factory, world: World) -> None:  # type: ignore[no-untyped-def]
    board = await factory.principal(world.board_account)
    member = await factory.principal(world.member_account)
    with pytest.raises(PermissionDenied):
        await add_version(db, board, world.tree.state_a, STATE)
    with pytest.raises(PermissionDenied):
        await add_version(db, member, world.tree.local_a, STATE)
    state_admin = await factory.account(email="ladmin@example.org")
    from ballot.authz.models import Role

    await factory.grant(state_admin, Role.ADMIN, world.tree.state_a)
    admin_hessen = await factory.principal(state_admin)
    await add_version(db, admin_hessen, world.tree.local_a, STATE)  # inherited downwards
    with pytest.raises(PermissionDenied):
        await add_version(db, admin_hessen, world.tree.federal, STATE)
    other = await factory.principal(world.other_account)
    assert (await view_effective(db, other, world.tree.state_a)).unit.id == world.tree.state_a.id


async def test_frozen_snapshot_never_changes(db, factory: Factory, world: World) -> None:  # type: ignore[no-untyped-def]
    admin = await factory.principal(world.admin_account)
    tree = world.tree
    await add_version(db, admin, tree.federal, FEDERAL)
    await add_version(db, admin, tree.state_a, STATE)
    snapshot = await freeze(db, tree.local_a)
    assert await freeze(db, tree.local_a) is snapshot or (await freeze(db, tree.local_a)).id == snapshot.id
    await db.commit()
    frozen_json, frozen_hash = snapshot.rules_json, snapshot.rules_sha256
    counts = Counts(yes=130, no=100, abstain=10)  # 240 of 1000 took part: enough for 20 %, not for 1/4
    before = evaluate(snapshot_rules(snapshot), "referendum", 1000, counts)
    assert before.outcome == "invalid"
    assert [(s["unit_slug"], s["version"]) for s in snapshot_sources(snapshot)] == [
        (tree.federal.slug, 1),
        (tree.state_a.slug, 1),
    ]

    await add_version(db, admin, tree.state_a, '[referendum.quorum]\nparticipation = "10 %"\n')
    await db.commit()
    stored = await db.get(StatuteSnapshot, snapshot.id, populate_existing=True)
    assert stored is not None
    assert (stored.rules_json, stored.rules_sha256) == (frozen_json, frozen_hash)
    after = evaluate(snapshot_rules(stored), "referendum", 1000, counts)
    assert after.to_json() == before.to_json()
    newer = await freeze(db, tree.local_a)
    assert newer.id != snapshot.id and newer.rules_sha256 != frozen_hash
    assert evaluate(snapshot_rules(newer), "referendum", 1000, counts).outcome == "adopted"
    assert await db.scalar(select(func.count(StatuteSnapshot.id))) == 2


async def test_default_rules_freeze_too(db, factory: Factory, world: World) -> None:  # type: ignore[no-untyped-def]
    snapshot = await freeze(db, world.tree.local_b)
    assert snapshot_sources(snapshot) == []
    assert snapshot_rules(snapshot).referendum.majority.base == "yes_no"


@pytest.mark.parametrize("name", ["spd", "gruene", "linke", "verein"])
def test_snapshot_json_rebuilds_exactly(name: str) -> None:
    from ballot.cli.statutes import load_file

    statute = load_file(str(EXAMPLES / f"{name}.toml"))
    text = canonical_bytes(rules_json(statute.rules)).decode()
    assert rules_from_json(text, statute.sha256) == statute.rules
    with pytest.raises(ValueError):
        rules_from_json(text, "0" * 64)
