"""The trustee page (P2): the offline ceremony of docs/trustee.md through HTTP, with files made by the same
ballot_crypto.trustee functions the `ballot-crypto trustee` command uses; refusals; permissions; CSRF."""

from __future__ import annotations

import json
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from ballot.accounts.models import Account
from ballot.referendums.acts import close_election, open_election
from ballot.referendums.board.services import lock_election
from ballot.referendums.booth.casting import cast_ballot
from ballot.referendums.models import DecryptionUpload, Election, ElectionState, ElectionTrustee, SealedShare
from ballot.referendums.record.tally import finalize
from ballot.referendums.trustees.ceremony import finish_ceremony
from ballot.settings import Settings
from ballot_crypto import canonical, trustee
from tests.factories import csrf_token
from tests.referendums.box_helpers import NO, YES, MemorySink, make_ballot
from tests.referendums.conftest import NOW, World

Client = AsyncTestClient[Litestar]


def page(election: Election) -> str:
    return f"/ballots/{election.uuid}/trustee"


async def locked(world: World) -> Election:
    election = await lock_election(world.db, world.board, await world.create(), NOW)
    await world.db.commit()
    return election


async def login(client: Client, world: World, account: Account) -> None:
    """A fresh session for ``account``, with English pages (the assertions read the English messages)."""
    client.cookies.clear()
    client.cookies.set("lang", "en")
    await world.factory.login(client, account)


async def as_trustee(client: Client, world: World, index: int) -> None:
    await login(client, world, world.trustee_accounts[index - 1])


async def upload(client: Client, election: Election, step: str, content: Any = None, *, text: str | None = None,
                 filename: str = "upload.json", token: str | None = "fetch") -> Any:  # noqa: S107
    """POST one upload as the browser's multipart form (a file, or pasted text)."""
    if token == "fetch":
        token = await csrf_token(client, page(election))
    data = {"step": step}
    if token:
        data["_csrf_token"] = token
    files = None
    if text is not None:
        data["text"] = text
    else:
        raw = content if isinstance(content, bytes) else json.dumps(content, indent=2).encode()
        files = {"file": (filename, raw, "application/json")}
    return await client.post(f"{page(election)}/upload", data=data, files=files, follow_redirects=False)


async def download(client: Client, election: Election, name: str) -> Any:
    response = await client.get(f"{page(election)}/{name}")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment")
    return response.json()


async def init_via_page(client: Client, world: World, election: Election, index: int
                        ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Step 1 as a trustee does it: download manifest.json, run `trustee init`, upload the public file."""
    await as_trustee(client, world, index)
    response = await client.get(f"{page(election)}/manifest.json")
    assert response.status_code == 200
    manifest = json.loads(response.content)
    public, secret = trustee.init(canonical.sha256(response.content), index, 2, 3, manifest=manifest)
    return public, secret


async def test_whole_ceremony_and_decryption_through_the_pages(client: Client, world: World,
                                                                settings: Settings) -> None:
    election = await locked(world)
    pairs: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
    for index in (1, 2, 3):
        pairs[index] = await init_via_page(client, world, election, index)
        body = (await client.get(page(election))).text
        assert f"ballot-crypto trustee init --manifest manifest.json --index {index} --threshold 2 --trustees 3" \
            in body
        response = await upload(client, election, "public", pairs[index][0], filename=f"oeffentlich-{index}.json")
        assert response.status_code == 303, response.text
        shown = await client.get(response.headers["location"])
        assert shown.status_code == 200
        assert canonical.hash_json_hex(pairs[index][0]) in shown.text  # the fingerprint `trustee init` prints
        assert "notice-success" in shown.text

    publics: list[dict[str, Any]] = []
    for index in (1, 2, 3):
        await as_trustee(client, world, index)
        publics = await download(client, election, "publics.json")
        assert publics == [pairs[i][0] for i in (1, 2, 3)]
        shares = trustee.make_shares(pairs[index][1], publics)
        response = await upload(client, election, "shares", shares, filename=f"anteile-{index}.json")
        assert response.status_code == 303, response.text

    finished: dict[int, dict[str, Any]] = {}
    for index in (1, 2, 3):
        await as_trustee(client, world, index)
        received = await download(client, election, "shares.json")
        assert sorted(s["from"] for s in received) == [i for i in (1, 2, 3) if i != index]
        finished[index], key = trustee.finish(pairs[index][1], publics, received)
        response = await upload(client, election, "verification_key", text=f"  {key}\n")
        assert response.status_code == 303, response.text
        shown = (await client.get(page(election))).text
        assert key in shown and finished[index]["public_key"] in shown

    # The board finishes, opens, two members vote, the board closes (through the services).
    await world.db.refresh(election)
    sink = MemorySink()
    await finish_ceremony(world.db, settings, world.board, election, NOW, sink)
    await world.db.commit()
    await open_election(world.db, world.board, election, election.opens_at)
    voters = sorted(sink.issued)[:2]
    for member_id, choice in zip(voters, (YES, NO), strict=True):
        ballot = make_ballot(election, sink.issued[member_id], [choice])
        await cast_ballot(world.db, settings, election, member_id, ballot, election.opens_at)
    await close_election(world.db, world.board, election, election.closes_at)
    await world.db.commit()

    for index in (1, 3):
        await as_trustee(client, world, index)
        body = (await client.get(page(election))).text
        assert f"entschluesselung-{index}.json" in body
        document = await download(client, election, "election.json")
        aggregates = await download(client, election, "aggregates.json")
        entry = trustee.decrypt(finished[index], canonical.hash_json(document), aggregates, election=document)
        response = await upload(client, election, "decryption", entry, filename=f"entschluesselung-{index}.json")
        assert response.status_code == 303, response.text

    await world.db.refresh(election)
    count = await world.db.scalar(select(func.count()).select_from(DecryptionUpload).where(
        DecryptionUpload.election_id == election.id))
    assert count == 2
    outcome = await finalize(world.db, settings, election, election.closes_at)
    assert election.state == ElectionState.TALLIED
    assert json.loads(str(outcome.result_json))


async def test_only_trustees_see_the_page(client: Client, world: World) -> None:
    election = await locked(world)
    account = await world.db.get(Account, world.member.account_id)
    assert account is not None
    await login(client, world, account)
    for path in ("", "/manifest.json", "/shares.json"):
        assert (await client.get(page(election) + path)).status_code == 404
    assert (await client.get(f"{page(election)}/panel")).text == ""
    board = await world.db.get(Account, world.board.account_id)
    assert board is not None
    await login(client, world, board)
    assert (await client.get(page(election))).status_code == 404  # the board is not a trustee
    token = await csrf_token(client, f"/ballots/{election.uuid}")
    response = await client.post(f"{page(election)}/upload", data={"_csrf_token": token, "step": "public"},
                                 files={"file": ("x.json", b"{}", "application/json")}, follow_redirects=False)
    assert response.status_code == 404

    await as_trustee(client, world, 2)
    response = await client.get(page(election))
    assert response.status_code == 200
    assert "Key ceremony: trustee 2 of 3" in response.text
    assert "never leaves your computer" in response.text
    panel = await client.get(f"{page(election)}/panel")
    assert "trustee 2 of 3" in panel.text and "Your turn" in panel.text and page(election) in panel.text


async def test_bad_uploads_are_refused_beside_the_field(client: Client, world: World) -> None:
    election = await locked(world)
    public, secret = await init_via_page(client, world, election, 1)
    other, _secret = trustee.init(bytes.fromhex(secret["context"]), 2, 2, 3)

    async def refused(step: str, content: Any = None, *, text: str | None = None) -> str:
        response = await upload(client, election, step, content, text=text)
        assert response.status_code == 422, response.text
        assert f'id="f-{step}-error"' in response.text
        return response.text

    assert "not valid JSON" in await refused("public", b"hello, not json")
    assert "Please choose a file" in await refused("public", b"")
    assert "belongs to trustee 2; you are trustee 1" in await refused("public", other)
    tampered = json.loads(json.dumps(public))
    tampered["proofs"][0], tampered["proofs"][1] = tampered["proofs"][1], tampered["proofs"][0]
    assert "proof" in await refused("public", tampered)
    body = await refused("public", secret)
    assert "This is your secret file" in body and "not stored" in body
    assert secret["transport_secret"] not in body and secret["coefficients"][0] not in body
    body = await refused("public", text=json.dumps(secret))
    assert "This is your secret file" in body and secret["transport_secret"] not in body
    assert "This is your secret file" in await refused("verification_key", text=json.dumps(secret))
    row = await world.db.scalar(select(ElectionTrustee).where(ElectionTrustee.election_id == election.id,
                                                              ElectionTrustee.index == 1))
    assert row is not None and row.commitments is None  # nothing stored

    # Steps out of order: a clear error beside the field, not a crash.
    response = await upload(client, election, "shares", [{"from": 1, "to": 2, "sealed": "00"}])
    assert response.status_code == 409 and "Not every trustee" in response.text
    response = await upload(client, election, "shares", [{"from": 3, "to": 2, "sealed": "00"}])
    assert response.status_code == 422 and "belongs to trustee 3" in response.text
    response = await upload(client, election, "decryption", {"index": 1, "questions": []})
    assert response.status_code == 409

    assert (await upload(client, election, "public", public)).status_code == 303
    response = await upload(client, election, "public", public)
    assert response.status_code == 409 and "cannot be replaced" in response.text
    assert await world.db.scalar(select(func.count()).select_from(SealedShare)) == 0


async def test_uploads_need_the_csrf_token(client: Client, world: World) -> None:
    election = await locked(world)
    public, _secret = await init_via_page(client, world, election, 1)
    # Pasted text: a refused multipart file part is left open by the CSRF middleware (an unraisable warning).
    response = await upload(client, election, "public", text=json.dumps(public), token=None)
    assert response.status_code == 403
    assert "reload the page" in response.text
    row = await world.db.scalar(select(ElectionTrustee).where(ElectionTrustee.election_id == election.id,
                                                              ElectionTrustee.index == 1))
    assert row is not None and row.commitments is None
