"""The JSON API for units and members: each role, problem documents, the upsert and its validation."""

from __future__ import annotations

import pytest

from ballot.accounts.models import ApiToken
from ballot.accounts.tokens import hash_token, new_token
from ballot.authz.models import Role
from ballot.members.models import DuesStatus


async def bearer(factory, account) -> dict[str, str]:  # type: ignore[no-untyped-def]
    token = new_token()
    factory.session.add(ApiToken(token_hash=hash_token(token), account_id=account.id, name="test"))
    await factory.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def org(factory):  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    a = await factory.member(tree.local_a, given_name="Anna", family_name="Albers")
    b = await factory.member(tree.local_b, given_name="Bernd", family_name="Brandt", dues_status=DuesStatus.DUE)
    plain = await factory.account(a)
    board = await factory.account(roles=[(Role.BOARD, tree.state_a)])
    admin = await factory.account(roles=[(Role.ADMIN, tree.federal)])
    await factory.commit()
    return {"tree": tree, "a": a, "b": b, "plain": plain, "board": board, "admin": admin}


async def test_anonymous_gets_401_problem(client, org) -> None:  # type: ignore[no-untyped-def]
    for path in ("/api/v1/units", "/api/v1/units/bundesverband", "/api/v1/units/bundesverband/members"):
        response = await client.get(path)
        assert response.status_code == 401, path
        assert response.headers["content-type"].startswith("application/problem+json")
    response = await client.get(f"/api/v1/members/{org['a'].number}")
    assert response.status_code == 401


async def test_units_for_any_account(client, factory, org) -> None:  # type: ignore[no-untyped-def]
    headers = await bearer(factory, org["plain"])
    units = (await client.get("/api/v1/units", headers=headers)).json()
    assert len(units) == 10 and units[0]["slug"] == "bundesverband" and units[0]["parent"] is None
    detail = (await client.get("/api/v1/units/landesverband-hessen", headers=headers)).json()
    assert detail["parent"] == "bundesverband"
    assert [u["slug"] for u in detail["ancestors"]] == ["bundesverband"]
    assert [u["slug"] for u in detail["children"]] == ["kreisverband-kassel"]
    missing = await client.get("/api/v1/units/atlantis", headers=headers)
    assert missing.status_code == 404 and missing.json()["status"] == 404


async def test_cookie_session_works_for_get(client, factory, org) -> None:  # type: ignore[no-untyped-def]
    await factory.login(client, org["plain"])
    response = await client.get(f"/api/v1/members/{org['a'].number}")
    assert response.status_code == 200
    assert response.json()["unit"] == "ortsverband-wilhelmshoehe"


async def test_plain_member_cannot_list_or_see_others(client, factory, org) -> None:  # type: ignore[no-untyped-def]
    headers = await bearer(factory, org["plain"])
    assert (await client.get("/api/v1/units/bundesverband/members", headers=headers)).status_code == 403
    response = await client.get(f"/api/v1/members/{org['b'].number}", headers=headers)
    assert response.status_code == 404 and response.json()["title"]  # hidden answers like missing
    own = (await client.get(f"/api/v1/members/{org['a'].number}", headers=headers)).json()
    assert own["given_name"] == "Anna" and own["joined_on"] and own["dues_status"] == "paid"


async def test_board_sees_its_subtree_only(client, factory, org) -> None:  # type: ignore[no-untyped-def]
    headers = await bearer(factory, org["board"])
    listing = (await client.get("/api/v1/units/landesverband-hessen/members", headers=headers)).json()
    assert [m["number"] for m in listing["items"]] == [org["a"].number]
    assert listing["total"] == 1 and listing["pages"] == 1
    assert (await client.get("/api/v1/units/landesverband-sachsen/members", headers=headers)).status_code == 403
    assert (await client.get("/api/v1/units/bundesverband/members", headers=headers)).status_code == 403
    assert (await client.get(f"/api/v1/members/{org['a'].number}", headers=headers)).status_code == 200
    assert (await client.get(f"/api/v1/members/{org['b'].number}", headers=headers)).status_code == 404


async def test_admin_lists_with_filters(client, factory, org) -> None:  # type: ignore[no-untyped-def]
    headers = await bearer(factory, org["admin"])
    url = "/api/v1/units/bundesverband/members"
    assert (await client.get(url, headers=headers)).json()["total"] == 2
    due = (await client.get(url, params={"dues": "due"}, headers=headers)).json()
    assert [m["family_name"] for m in due["items"]] == ["Brandt"]
    found = (await client.get(url, params={"q": "albers"}, headers=headers)).json()
    assert [m["family_name"] for m in found["items"]] == ["Albers"]
    narrowed = (await client.get(url, params={"sub_unit": "landesverband-sachsen"}, headers=headers)).json()
    assert [m["family_name"] for m in narrowed["items"]] == ["Brandt"]
    paged = (await client.get(url, params={"per_page": 1, "page": 2}, headers=headers)).json()
    assert paged["pages"] == 2 and [m["family_name"] for m in paged["items"]] == ["Brandt"]
    assert (await client.get(url, params={"per_page": 0}, headers=headers)).status_code == 400


async def test_unknown_member_is_404_problem(client, factory, org) -> None:  # type: ignore[no-untyped-def]
    headers = await bearer(factory, org["admin"])
    response = await client.get("/api/v1/members/nope", headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


BODY = {
    "given_name": "Canan",
    "family_name": "Çelik",
    "email": "canan@example.org",
    "unit": "ortsverband-connewitz",
    "joined_on": "01.09.2015",
    "dues_status": "paid",
    "gender": "female",
}


async def test_admin_put_creates_then_updates(client, factory, org) -> None:  # type: ignore[no-untyped-def]
    headers = await bearer(factory, org["admin"])
    created = await client.put("/api/v1/members/X-1", json=BODY, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["joined_on"] == "2015-09-01" and created.json()["member_class"] == "full"
    updated = await client.put("/api/v1/members/X-1", json={**BODY, "dues_status": "overdue"}, headers=headers)
    assert updated.status_code == 200
    assert updated.json()["dues_status"] == "overdue" and updated.json()["email"] == "canan@example.org"
    cleared = await client.put(
        "/api/v1/members/X-1", json={k: v for k, v in BODY.items() if k != "email"}, headers=headers
    )
    assert cleared.json()["email"] is None
    fetched = (await client.get("/api/v1/members/X-1", headers=headers)).json()
    assert fetched["family_name"] == "Çelik" and fetched["unit_name"] == "Ortsverband Connewitz"


async def test_put_validation_is_422_with_field_errors(client, factory, org) -> None:  # type: ignore[no-untyped-def]
    headers = await bearer(factory, org["admin"])
    bad = {**BODY, "unit": "atlantis", "joined_on": "gestern", "email": "nope", "dues_status": "vielleicht"}
    response = await client.put("/api/v1/members/X-2", json=bad, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert set(response.json()["errors"]) == {"unit", "joined_on", "email", "dues_status"}
    missing = await client.put("/api/v1/members/X-2", json={"given_name": "Eva"}, headers=headers)
    assert missing.status_code == 422 and "family_name" in missing.json()["errors"]
    mismatch = await client.put("/api/v1/members/X-2", json={**BODY, "number": "X-3"}, headers=headers)
    assert mismatch.status_code == 422 and "number" in mismatch.json()["errors"]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'{"given_name": 5}', b'{"favourite_colour": "blue"}'],
    ids=["malformed", "not-object", "wrong-type", "unknown-field"],
)
async def test_put_bad_json_is_422_problem(client, factory, org, content: bytes) -> None:  # type: ignore[no-untyped-def]
    headers = {**(await bearer(factory, org["admin"])), "content-type": "application/json"}
    response = await client.put("/api/v1/members/X-4", content=content, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"]


async def test_put_needs_admin_and_a_token(client, factory, org) -> None:  # type: ignore[no-untyped-def]
    board = await bearer(factory, org["board"])
    assert (await client.put("/api/v1/members/X-5", json=BODY, headers=board)).status_code == 403
    existing = {**BODY, "unit": "ortsverband-wilhelmshoehe"}
    assert (await client.put(f"/api/v1/members/{org['a'].number}", json=existing, headers=board)).status_code == 403
    assert (await client.put("/api/v1/members/X-5", json=BODY)).status_code == 401
    await factory.login(client, org["admin"])
    assert (await client.put("/api/v1/members/X-5", json=BODY)).status_code == 401


async def test_state_admin_cannot_move_member_out_of_reach(client, factory, org) -> None:  # type: ignore[no-untyped-def]
    state_admin = await factory.account(roles=[(Role.ADMIN, org["tree"].state_a)])
    headers = await bearer(factory, state_admin)
    moved = {**BODY, "unit": "ortsverband-connewitz"}
    assert (await client.put(f"/api/v1/members/{org['a'].number}", json=moved, headers=headers)).status_code == 403
    stay = {**BODY, "unit": "ortsverband-wilhelmshoehe"}
    assert (await client.put(f"/api/v1/members/{org['a'].number}", json=stay, headers=headers)).status_code == 200


async def test_schema_documents_the_api(client) -> None:  # type: ignore[no-untyped-def]
    schema = (await client.get("/schema/openapi.json")).json()
    assert {"/api/v1/units", "/api/v1/units/{slug}", "/api/v1/units/{slug}/members", "/api/v1/members/{number}"} <= set(
        schema["paths"]
    )
    assert {"MemberOut", "MemberIn", "UnitDetail", "MemberList"} <= set(schema["components"]["schemas"])
