"""The opening step of the trustee page over HTTP (postal precedence "postal"), with files written by the
`ballot-crypto trustee open` command; refusals beside the field; the sums are offered only once opened."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.referendums.booth.casting import close_election
from ballot.referendums.postal.services import enter_certificates, enter_paper
from ballot.referendums.record.tally import finalize
from ballot.referendums.trustees import views as views_trustee
from ballot.settings import Settings
from ballot_crypto import canonical, trustee
from ballot_crypto.cli import main as crypto_cli
from tests.referendums.box_helpers import NO, YES, cast
from tests.referendums.conftest import World
from tests.referendums.test_pages_trustee import as_trustee, download, page, upload
from tests.referendums.test_postal import number_of, paper, postal_ready

Client = AsyncTestClient[Litestar]


def _cli_open(folder: Path, index: int, secret: dict[str, Any], election: Any, request: Any) -> dict[str, Any]:
    """Run `ballot-crypto trustee open` on files, as a trustee does on their own computer."""
    paths = {name: folder / f"{name}-{index}.json" for name in ("secret", "election", "request")}
    paths["secret"].write_text(json.dumps(secret))
    paths["election"].write_text(json.dumps(election))
    paths["request"].write_text(json.dumps(request))
    out = folder / f"oeffnung-{index}.json"
    code = crypto_cli(["trustee", "open", "--secret", str(paths["secret"]), "--election", str(paths["election"]),
                       "--request", str(paths["request"]), "--out", str(out)])
    assert code == 0
    return json.loads(out.read_text())


async def test_the_trustees_open_through_the_page(client: Client, world: World, settings: Settings,
                                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    ready = await postal_ready(world, settings, precedence="postal", grace="P0D")
    election = ready.election
    both, online_only, *_rest = ready.voters()
    await cast(world, settings, ready, both, YES)
    await cast(world, settings, ready, online_only, NO)
    await enter_certificates(world.db, world.trustees[0], election, [await number_of(world, both)], ready.during)
    await world.db.commit()
    await as_trustee(client, world, 1)
    monkeypatch.setattr(views_trustee, "utcnow", lambda: ready.during)
    body = (await client.get(page(election))).text
    assert "Open the sealed references of postal voters" in body
    assert (await client.get(f"{page(election)}/openings.json")).status_code == 409  # nothing before the close

    await close_election(world.db, world.board, election, election.closes_at)
    await enter_paper(world.db, world.trustees[0], election, paper("valid", "no"), ready.after)
    await world.db.commit()
    monkeypatch.setattr(views_trustee, "utcnow", lambda: ready.after)
    body = (await client.get(page(election))).text
    assert "ballot-crypto trustee open --secret geheim-1.json" in body and "References to open: 1." in body
    refused = await client.get(f"{page(election)}/aggregates.json")
    assert refused.status_code == 409  # the sums of the close are never handed out for decryption here

    document = await download(client, election, "election.json")
    request = await download(client, election, "openings.json")
    assert len(request["ciphertexts"]) == 1
    answers = {i: _cli_open(tmp_path, i, ready.secrets[i - 1], document, request) for i in (1, 2)}
    assert "opening shares of trustee 1 for 1 sealed reference(s)" in capsys.readouterr().out

    broken = json.loads(json.dumps(answers[1]))
    broken["shares"][0]["factor"] = answers[2]["shares"][0]["factor"]
    response = await upload(client, election, "openings", broken, filename="oeffnung-1.json")
    assert response.status_code == 422
    assert 'id="f-openings-error"' in response.text and "do not verify" in response.text
    response = await upload(client, election, "openings", answers[2], filename="oeffnung-2.json")
    assert response.status_code == 422 and "belongs to trustee 2" in response.text
    response = await upload(client, election, "openings", answers[1], filename="oeffnung-1.json")
    assert response.status_code == 303, response.text
    shown = await client.get(response.headers["location"])
    assert "opening shares are stored" in shown.text

    await as_trustee(client, world, 2)
    response = await upload(client, election, "openings", answers[2], filename="oeffnung-2.json")
    assert response.status_code == 303, response.text
    for index in (1, 2):
        await as_trustee(client, world, index)
        aggregates = await download(client, election, "aggregates.json")
        assert aggregates["ballots"] == 1  # the online ballot of `both` left the sums
        entry = trustee.decrypt(ready.secrets[index - 1], canonical.hash_json(document), aggregates,
                                election=document)
        response = await upload(client, election, "decryption", entry, filename=f"entschluesselung-{index}.json")
        assert response.status_code == 303, response.text
    await world.db.refresh(election)
    outcome = await finalize(world.db, settings, election, ready.after)
    assert json.loads(str(outcome.result_json))["questions"][0]["counts"] == {"yes": 0, "no": 2, "abstain": 0}
