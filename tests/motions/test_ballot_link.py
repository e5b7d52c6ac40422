"""Linking a binding ballot to a motion: only the board, only a ballot of the motion's unit, errors beside the
field, and the link on the motion page and in the export."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.db import utcnow
from ballot.exceptions import PermissionDenied
from ballot.motions import ballots, steps, support
from ballot.motions.models import TargetKind
from ballot.referendums.models import Election, ElectionKind, ElectionState
from ballot.units.models import Unit
from tests.motions.conftest import World, login, send


async def _election(world: World, unit: Unit, title: str) -> Election:
    now = utcnow()
    election = Election(uuid=str(uuid.uuid4()), unit_id=unit.id, kind=ElectionKind.REFERENDUM,
                        state=ElectionState.OPEN, title_de=title, title_en=title, announcement_at=now,
                        opens_at=now, closes_at=now + timedelta(days=7), trustee_count=3, threshold=2)
    world.db.add(election)
    await world.db.flush()
    return election


async def _admitted_motion(world: World) -> int:
    motion = await world.motion()
    await steps.move(world.db, await world.p(world.initiator), await world.ref(motion, world.initiator), "submitted")
    ref = await world.ref(motion)
    for account in (world.woman, world.man):
        await support.set_support(world.db, await world.p(account), ref.unit, ref.consultation, TargetKind.MOTION,
                                  motion.id, motion.state, set(), support=True)
    await steps.move(world.db, await world.p(world.board), ref, "admitted")
    await world.factory.commit()
    return motion.id


async def test_board_links_a_ballot_of_the_unit(client: AsyncTestClient[Litestar], world: World) -> None:
    mid = await _admitted_motion(world)
    own = await _election(world, world.tree.state_a, "Mitgliederentscheid Nahverkehr")
    other = await _election(world, world.tree.state_b, "Fremder Entscheid")
    await world.factory.commit()
    await login(client, world.factory, world.board)
    page = await client.get(f"/motions/{mid}")
    assert "Mitgliederentscheid Nahverkehr" in page.text and "Fremder Entscheid" not in page.text
    wrong = await send(client, f"/motions/{mid}/ballot", {"election": other.uuid})
    assert wrong.status_code == 422 and 'id="f-election-error"' in wrong.text
    bad = await send(client, f"/motions/{mid}/ballot", {"election": "not-a-uuid"})
    assert bad.status_code == 422
    done = await send(client, f"/motions/{mid}/ballot", {"election": own.uuid})
    assert done.status_code == 200 and f'href="/ballots/{own.uuid}"' in done.text
    export = json.loads((await client.get(f"/consultations/{world.consultation.id}/export.json")).content)
    assert export["motions"][0]["ballot"] == own.uuid
    await login(client, world.factory, world.woman)
    assert (await send(client, f"/motions/{mid}/ballot", {"election": ""})).status_code == 403


async def test_only_admitted_motions_take_a_ballot(world: World) -> None:
    motion = await world.motion()
    election = await _election(world, world.tree.state_a, "Entscheid")
    with pytest.raises(PermissionDenied):
        await ballots.link(world.db, await world.p(world.board), await world.ref(motion), election.uuid)
