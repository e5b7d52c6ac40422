"""The pages of issue 2, item 7, over HTTP, for each relevant role (runs on SQLite and PostgreSQL).

The client asks for English (``lang`` cookie) so that assertions do not depend on the German catalog."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.factories import Factory
from tests.pages.conftest import World

Client = AsyncTestClient[Litestar]


async def login(client: Client, factory: Factory, account) -> None:  # type: ignore[no-untyped-def]
    await factory.login(client, account)
    client.cookies.set("lang", "en")


@pytest.mark.parametrize(
    "path",
    ["/", "/units", "/units/landesverband-hessen", "/units/landesverband-hessen/members", "/members/H0001",
     "/me", "/me/export.json"],
)
async def test_anonymous_is_sent_to_login(client: Client, world: World, path: str) -> None:
    response = await client.get(path, follow_redirects=False)
    assert response.status_code in {302, 303, 307}
    assert response.headers["location"].startswith("/login")


async def test_anonymous_post_is_refused(client: Client, world: World) -> None:
    response = await client.post("/me/consents", data={"consent_newsletter": "yes"}, follow_redirects=False)
    assert response.status_code in {302, 303, 403}
    if response.status_code != 403:
        assert response.headers["location"].startswith("/login")


async def test_dashboard_shows_my_units_roles_and_empty_state(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.member_account)
    page = (await client.get("/")).text
    assert "Hello Hanna Hessler" in page
    for name in ("Ortsverband Wilhelmshöhe", "Kreisverband Kassel", "Landesverband Hessen", "Bundesverband"):
        assert name in page
    assert page.index("Ortsverband Wilhelmshöhe") < page.index("Bundesverband")  # local first, up to federal
    assert "AG Digitales" in page  # a group membership
    assert "Open for me" in page and "Votes, surveys and discussions of your units will appear here" in page
    assert "You hold no role beyond your membership." in page
    assert "Member list:" not in page


async def test_dashboard_of_board_member_lists_roles_and_member_list_link(
    client: Client, factory: Factory, world: World
) -> None:
    await login(client, factory, world.board_account)
    page = (await client.get("/")).text
    assert "Board member" in page
    assert "/units/landesverband-hessen/members" in page
    assert "Bundesvorstand" in page  # seat in a body


async def test_dashboard_in_german_by_default(client: Client, factory: Factory, world: World) -> None:
    await factory.login(client, world.member_account)
    response = await client.get("/")
    assert response.status_code == 200
    assert '<html lang="de">' in response.text


async def test_unit_tree_is_nested(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.member_account)
    page = (await client.get("/units")).text
    assert page.count("<h1>") == 1
    hessen = page.index("Landesverband Hessen")
    assert hessen < page.index("Kreisverband Kassel") < page.index("Ortsverband Wilhelmshöhe")
    assert "<ul>" in page[hessen:]
    assert "Bundesvorstand" not in page  # bodies are on the unit pages


async def test_unit_page_for_a_member(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.member_account)
    response = await client.get("/units/bundesverband")
    page = response.text
    assert response.status_code == 200
    assert "Landesverband Hessen" in page and "Landesverband Sachsen" in page  # sub-units
    assert "Bundesvorstand" in page and "Bernd Brettschneider" in page and "Schatzmeister" in page  # board
    assert "Bundeswahlkommission" in page  # other body
    assert "AG Digitales" in page and "1 member" in page  # group with its size
    assert "3 members" in page  # everyone below the federal unit
    assert "/units/bundesverband/members" not in page  # no member list for a plain member


async def test_unit_page_breadcrumbs_and_member_list_link_for_board(
    client: Client, factory: Factory, world: World
) -> None:
    await login(client, factory, world.board_account)
    page = (await client.get("/units/ortsverband-wilhelmshoehe")).text
    crumbs = page[page.index('aria-label="Breadcrumb"'):page.index("<h1>")]
    assert "Bundesverband" in crumbs and "Landesverband Hessen" in crumbs and "Kreisverband Kassel" in crumbs
    assert "/units/ortsverband-wilhelmshoehe/members" in page  # board role inherited from the state
    other = (await client.get("/units/landesverband-sachsen")).text
    assert "/units/landesverband-sachsen/members" not in other


async def test_unknown_unit_is_404(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.member_account)
    assert (await client.get("/units/gibt-es-nicht")).status_code == 404


async def test_member_cannot_open_a_member_list(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.member_account)
    response = await client.get("/units/ortsverband-wilhelmshoehe/members")
    assert response.status_code == 403
    assert "Hessler" not in response.text


async def test_board_sees_its_subtree_only(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.board_account)
    response = await client.get("/units/landesverband-hessen/members")
    assert response.status_code == 200
    page = response.text
    assert "Hessler" in page and "Brettschneider" in page
    assert "Sachsenberg" not in page
    assert "<caption" in page and 'scope="col"' in page
    for path in ("/units/landesverband-sachsen/members", "/units/bundesverband/members",
                 "/units/ortsverband-connewitz/members"):
        denied = await client.get(path)
        assert denied.status_code == 403, path
        assert "Sachsenberg" not in denied.text


async def test_admin_sees_everyone(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.admin_account)
    page = (await client.get("/units/bundesverband/members")).text
    assert "Hessler" in page and "Sachsenberg" in page


async def test_search_and_filters(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.admin_account)
    base = "/units/bundesverband/members"
    page = (await client.get(base, params={"q": "hess"})).text
    assert "Hessler" in page and "Sachsenberg" not in page
    page = (await client.get(base, params={"q": "S0001"})).text
    assert "Sachsenberg" in page and "Hessler" not in page
    page = (await client.get(base, params={"dues": "overdue"})).text
    assert "Sachsenberg" in page and "Hessler" not in page
    page = (await client.get(base, params={"member_class": "supporting"})).text
    assert "Sachsenberg" in page and "Hessler" not in page
    page = (await client.get(base, params={"sub_unit": "landesverband-hessen"})).text
    assert "Hessler" in page and "Sachsenberg" not in page
    assert 'value="landesverband-hessen" selected' in page
    page = (await client.get(base, params={"q": "nobody-by-this-name"})).text
    assert "No member matches this search." in page


async def test_bad_filter_values_do_not_break_the_page(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.admin_account)
    response = await client.get(
        "/units/bundesverband/members",
        params={"dues": "bogus", "member_class": "x", "sub_unit": "landesverband-nirgendwo", "page": "-3"},
    )
    assert response.status_code == 200
    assert "Hessler" in response.text and "Sachsenberg" in response.text


async def test_a_sub_unit_outside_the_list_is_ignored(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.board_account)
    response = await client.get("/units/landesverband-hessen/members", params={"sub_unit": "landesverband-sachsen"})
    assert response.status_code == 200
    assert "Sachsenberg" not in response.text


async def test_pagination(client: Client, factory: Factory, world: World) -> None:
    for n in range(55):
        await factory.member(world.tree.local_a, given_name="Paul", family_name=f"Zahl{n:03d}")
    await factory.commit()
    await login(client, factory, world.board_account)
    first = (await client.get("/units/landesverband-hessen/members")).text
    assert "57 members found" in first and "page 1 of 2" in first
    assert "Zahl047" in first and "Zahl048" not in first
    assert 'href="/units/landesverband-hessen/members?page=2"' in first
    second = (await client.get("/units/landesverband-hessen/members", params={"page": "2"})).text
    assert "Zahl048" in second and "Zahl054" in second and "Hessler" not in second
    assert "Previous page" in second
    past_end = await client.get("/units/landesverband-hessen/members", params={"page": "99"})
    assert past_end.status_code == 200 and "page 2 of 2" in past_end.text
    filtered = (await client.get("/units/landesverband-hessen/members", params={"q": "Paul"})).text
    assert "page=2&amp;q=Paul" in filtered or "q=Paul&amp;page=2" in filtered


async def test_htmx_request_gets_only_the_results(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.board_account)
    response = await client.get(
        "/units/landesverband-hessen/members", params={"q": "Hessler"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "<form" not in response.text
    assert "<table" in response.text and "Hessler" in response.text
    assert "HX-Request" in response.headers.get("vary", "")
    full = await client.get(
        "/units/landesverband-hessen/members",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in full.text


async def test_member_list_form_works_without_and_with_htmx(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.board_account)
    page = (await client.get("/units/landesverband-hessen/members")).text
    assert '<form method="get" action="/units/landesverband-hessen/members"' in page
    assert 'hx-get="/units/landesverband-hessen/members"' in page
    assert 'hx-target="#member-results"' in page and 'hx-push-url="true"' in page
    assert '<label for="f-q">' in page


async def test_member_detail_permissions(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.board_account)
    response = await client.get("/members/H0001")
    assert response.status_code == 200 and "Hanna Hessler" in response.text and "Kassel" in response.text
    assert (await client.get("/members/S0001")).status_code == 404  # hidden answers like missing
    assert (await client.get("/members/NOPE")).status_code == 404

    await login(client, factory, world.member_account)
    assert (await client.get("/members/H0001")).status_code == 200  # myself
    assert (await client.get("/members/H0002")).status_code == 404


async def test_profile_shows_my_registry_data(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.member_account)
    response = await client.get("/me")
    page = response.text
    assert response.status_code == 200
    assert "H0001" in page and "Hessler" in page and "Königstor 1" in page and "hanna@example.org" in page
    assert "cannot be changed here" in page and "Ortsverband Wilhelmshöhe" in page
    for kind in ("newsletter", "discussion_mail", "contact_visible"):
        assert f'name="consent_{kind}"' in page
    assert 'href="/me/export.json"' in page
    assert "Sachsenberg" not in page and "S0001" not in page
    assert page.count("<h1>") == 1


async def test_profile_of_an_account_without_registry_entry(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.admin_account)
    response = await client.get("/me")
    assert response.status_code == 200
    assert "not linked to a registry entry" in response.text
    assert "consent_newsletter" not in response.text
    export = (await client.get("/me/export.json")).json()
    assert export["registry_entry"] is None and export["role_grants"][0]["role"] == "admin"


async def test_consents_are_recorded_as_events(client: Client, factory: Factory, world: World, db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from ballot.members.models import ConsentEvent, ConsentKind

    await login(client, factory, world.member_account)
    token = (await client.get("/me")) and client.cookies.get("csrftoken")
    assert token
    response = await client.post(
        "/me/consents",
        data={"_csrf_token": token, "consent_newsletter": "yes", "consent_contact_visible": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/me?saved=consents"
    response = await client.post(
        "/me/consents",
        data={"_csrf_token": token, "consent_newsletter": "yes", "consent_contact_visible": "yes"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/me?saved=consents-unchanged"
    await client.post("/me/consents", data={"_csrf_token": token, "consent_newsletter": "yes"}, follow_redirects=False)

    events = (
        await db.scalars(
            select(ConsentEvent).where(ConsentEvent.member_id == world.member.id).order_by(ConsentEvent.id)
        )
    ).all()
    assert [(e.kind, e.granted) for e in events] == [
        (ConsentKind.NEWSLETTER, True),
        (ConsentKind.CONTACT_VISIBLE, True),
        (ConsentKind.CONTACT_VISIBLE, False),
    ]
    assert all(e.source == "profile" for e in events)
    page = (await client.get("/me?saved=consents")).text
    assert "Your consents have been saved." in page
    assert 'name="consent_newsletter" value="yes"' in page
    assert page.count("withdrawn") >= 1 and "History of my consents" in page
    other = (await db.scalars(select(ConsentEvent).where(ConsentEvent.member_id == world.other.id))).all()
    assert other == []


async def test_consents_need_a_csrf_token(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.member_account)
    await client.get("/me")
    response = await client.post("/me/consents", data={"consent_newsletter": "yes"}, follow_redirects=False)
    assert response.status_code == 403


async def test_language_preference(client: Client, factory: Factory, world: World, db) -> None:  # type: ignore[no-untyped-def]
    from ballot.accounts.models import Account

    await factory.login(client, world.member_account)
    await client.get("/me")
    token = client.cookies.get("csrftoken")
    response = await client.post("/me/language", data={"_csrf_token": token, "locale": "en"}, follow_redirects=False)
    assert response.status_code == 303
    assert client.cookies.get("lang") == "en"
    await db.refresh(world.member_account)
    account = await db.get(Account, world.member_account.id)
    assert account is not None and account.locale == "en"
    page = (await client.get("/me")).text
    assert '<html lang="en">' in page and "Your language has been saved." not in page
    bad = await client.post("/me/language", data={"_csrf_token": token, "locale": "fr"}, follow_redirects=False)
    assert bad.status_code == 422 and "Please choose one of the offered languages." in bad.text


async def test_gdpr_export(client: Client, factory: Factory, world: World, db) -> None:  # type: ignore[no-untyped-def]
    from ballot.accounts.models import ApiToken, OneTimeToken, TokenPurpose
    from ballot.accounts.tokens import hash_token
    from ballot.db import utcnow
    from ballot.mail.models import DevMail

    db.add(ApiToken(token_hash=hash_token("api-secret-1"), account_id=world.member_account.id, name="my script"))
    db.add(OneTimeToken(token_hash=hash_token("link-secret-1"), purpose=TokenPurpose.LOGIN,
                        account_id=world.member_account.id, expires_at=utcnow()))
    db.add(DevMail(recipient="hanna@example.org", subject="Ihr Anmeldelink", body="..."))
    db.add(DevMail(recipient="sabine@example.org", subject="Geheim für Sabine", body="..."))
    await db.commit()
    await login(client, factory, world.other_account)  # another member's session exists, too
    client.cookies.clear()
    await login(client, factory, world.member_account)
    token = (await client.get("/me")) and client.cookies.get("csrftoken")
    await client.post("/me/consents", data={"_csrf_token": token, "consent_newsletter": "yes"})

    response = await client.get("/me/export.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert ".json" in response.headers["content-disposition"]
    data = response.json()
    assert data["format_version"] == 1 and data["generated_at"]
    assert data["account"]["email"] == "hanna@example.org" and data["account"]["has_password"] is True
    entry = data["registry_entry"]
    assert entry["number"] == "H0001" and entry["street"] == "Königstor 1"
    assert entry["home_unit_path"] == ["Bundesverband", "Landesverband Hessen", "Kreisverband Kassel",
                                       "Ortsverband Wilhelmshöhe"]
    assert [g["unit"] for g in data["group_memberships"]] == ["AG Digitales"]
    assert data["consents"]["current"]["newsletter"] is True
    assert data["consents"]["history"][0]["kind"] == "newsletter"
    assert len(data["sessions"]) == 1 and set(data["sessions"][0]) == {"created_at", "last_seen_at", "expires_at"}
    assert data["api_tokens"][0]["name"] == "my script"
    assert data["one_time_tokens"][0]["purpose"] == "login"
    assert [m["subject"] for m in data["mails"]] == ["Ihr Anmeldelink"]
    assert any(e["tag"] == "members:consent:grant" for e in data["audit_events"])

    raw = response.text
    assert "password_hash" not in raw and "token_hash" not in raw and "$argon2" not in raw
    assert hash_token("api-secret-1") not in raw and hash_token("link-secret-1") not in raw
    for foreign in ("Sachsenberg", "sabine@example.org", "S0001", "Geheim", "Brettschneider"):
        assert foreign not in raw


async def test_gdpr_export_of_the_other_member_contains_nothing_of_the_first(
    client: Client, factory: Factory, world: World
) -> None:
    await login(client, factory, world.other_account)
    raw = (await client.get("/me/export.json")).text
    assert "Sachsenberg" in raw
    for foreign in ("Hessler", "hanna@example.org", "H0001", "Königstor"):
        assert foreign not in raw
