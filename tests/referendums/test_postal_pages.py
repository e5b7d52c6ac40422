"""The election committee's postal voting page: certificates with a result per line, paper ballots with errors beside
their fields, counted totals, corrections; the link on the detail page; permissions; the board's channel choice."""

from __future__ import annotations

from datetime import datetime

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.referendums.booth.casting import close_election
from ballot.referendums.postal import views as postal_views
from ballot.settings import Settings
from tests.factories import csrf_token
from tests.referendums.box_helpers import YES, cast
from tests.referendums.conftest import World
from tests.referendums.test_pages_trustee import login
from tests.referendums.test_postal import number_of, postal_ready

Client = AsyncTestClient[Litestar]


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(postal_views, "utcnow", lambda: moment)


async def post(client: Client, path: str, data: dict[str, str]) -> tuple[int, str]:
    token = await csrf_token(client, path.rsplit("/", 1)[0] if "/void/" not in path else path.split("/void/")[0])
    response = await client.post(path, data={**data, "_csrf_token": token})
    return response.status_code, response.text


async def test_certificates_and_paper_ballots_through_the_page(client: Client, world: World, settings: Settings,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    ready = await postal_ready(world, settings)
    election = ready.election
    base = f"/ballots/{election.uuid}/postal"
    online, postal, *_rest = ready.voters()
    await cast(world, settings, ready, online, YES)
    await world.db.commit()

    await login(client, world, world.trustee_accounts[0])
    detail = await client.get(f"/ballots/{election.uuid}")
    assert base in detail.text and "Online and by post" in detail.text
    at(monkeypatch, ready.during)
    page = await client.get(base)
    assert page.status_code == 200 and "Postal voting certificates" in page.text
    assert "Paper ballots are entered after the close" in page.text
    status, text = await post(client, f"{base}/certificates", {
        "number": "", "numbers": f"{await number_of(world, online)}\n{await number_of(world, postal)}\nX-1\n"})
    assert status == 200
    assert "Already voted online" in text and "Accepted: the postal vote counts" in text
    assert "Unknown member number" in text
    status, text = await post(client, f"{base}/certificates", {"number": "", "numbers": " \n"})
    assert status == 422 and 'id="f-numbers-error"' in text and "Enter at least one member number" in text

    await close_election(world.db, world.board, election, election.closes_at)
    await world.db.commit()
    at(monkeypatch, ready.after)
    status, text = await post(client, f"{base}/papers", {"q-q1": "yes", "q-q1-mark": "blank"})
    assert status == 422 and 'id="f-q-q1-error"' in text and "clear the choices" in text
    status, text = await post(client, f"{base}/papers", {"q-q1-mark": "valid"})
    assert status == 422 and "A valid answer needs a vote" in text
    response = await client.post(f"{base}/papers", data={"q-q1": "yes", "q-q1-mark": "valid",
                                                         "_csrf_token": await csrf_token(client, base)},
                                 follow_redirects=False)
    assert response.status_code == 303
    page = await client.get(base + "?done=paper")
    assert "The paper ballot is entered." in page.text and "one paper ballot" in page.text
    status, text = await post(client, f"{base}/papers", {"q-q1": "no", "q-q1-mark": "valid"})
    assert status == 409 and "as many paper ballots as postal voters" in text
    status, text = await post(client, f"{base}/totals", {"ballots": "1", "q-q1-yes": "1"})
    assert status == 409 and "void them first" in text
    entry = page.text.split(f"{base}/void/")[1].split('"')[0]
    response = await client.post(f"{base}/void/{entry}", data={"_csrf_token": await csrf_token(client, base)},
                                 follow_redirects=False)
    assert response.status_code == 303
    status, text = await post(client, f"{base}/totals", {"ballots": "x", "q-q1-yes": "1"})
    assert status == 422 and 'id="f-ballots-error"' in text
    status, text = await post(client, f"{base}/totals", {"ballots": "1", "q-q1-yes": "2"})
    assert status == 422 and 'id="t-q-q1-error"' in text
    response = await client.post(f"{base}/totals", data={"ballots": "1", "q-q1-invalid": "1",
                                                          "_csrf_token": await csrf_token(client, base)},
                                 follow_redirects=False)
    assert response.status_code == 303
    page = await client.get(base)
    assert "counted totals of 1 paper ballot" in page.text and "(voided)" in page.text


async def test_only_the_committee_and_only_postal_ballots(client: Client, world: World, settings: Settings) -> None:
    ready = await postal_ready(world, settings)
    base = f"/ballots/{ready.election.uuid}/postal"
    await login(client, world, await world.factory.account(roles=[]))
    assert (await client.get(base)).status_code in (403, 404)
    other = await world.create(postal=False)
    await world.db.commit()
    await login(client, world, world.trustee_accounts[0])
    assert (await client.get(f"/ballots/{other.uuid}/postal")).status_code == 404
    assert (await client.post(f"{base}/certificates", data={"numbers": "1"})).status_code == 403  # no CSRF token
