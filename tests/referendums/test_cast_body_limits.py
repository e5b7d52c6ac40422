"""The cast endpoint's body passes the JSON floor (ballot.web.inputs) before parsing: deep or oversized bodies are a
400 problem, a control character in a string a 422 naming its path; nothing reaches the box. A real ballot is far
inside the limits."""

from __future__ import annotations

import json
from datetime import datetime

from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.settings import Settings
from ballot.web.inputs import MAX_JSON_BYTES, MAX_JSON_DEPTH, json_depth
from tests.referendums.box_helpers import YES, make_ballot
from tests.referendums.conftest import World
from tests.referendums.test_pages_voter import base, board_count, clock, login, opened  # noqa: F401

Client = AsyncTestClient[Litestar]


async def test_cast_refuses_deep_oversized_and_control_character_bodies(
        client: Client, world: World, settings: Settings, clock: dict[str, datetime]) -> None:  # noqa: F811
    ready = await opened(world, settings, clock)
    token = await login(client, world, world.member)
    url = f"{base(ready)}/cast"
    headers = {"x-csrftoken": token, "content-type": "application/json"}
    ballot = make_ballot(ready.election, ready.credentials[world.member.member_id or 0], [YES])
    body = json.dumps(ballot).encode()
    assert len(body) < MAX_JSON_BYTES // 50 and json_depth(body) <= MAX_JSON_DEPTH // 4

    for bad in (b"[" * 100_000 + b"]" * 100_000, b'{"credential": "' + b"a" * MAX_JSON_BYTES + b'"}'):
        response = await client.post(url, content=bad, headers=headers)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    nul = await client.post(url, content=json.dumps({**ballot, "credential": "a\x00b"}).encode(), headers=headers)
    assert nul.status_code == 422 and "credential" in nul.json()["detail"]
    assert await board_count(world, ready) == 0

    accepted = await client.post(url, content=body, headers=headers)
    assert accepted.status_code == 200, accepted.text
