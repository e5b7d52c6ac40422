"""The statute page over HTTP: reading, storing versions, planning, the dry run, the htmx partials.

The client asks for English (``lang`` cookie) unless a test checks the German labels."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from ballot.statutes.models import StatuteVersion
from ballot.statutes.services import add_version
from tests.factories import Factory
from tests.statutes_web.conftest import FEDERAL, STATE, World

Client = AsyncTestClient[Litestar]


async def login(client: Client, factory: Factory, account: Any, lang: str = "en") -> None:
    await factory.login(client, account)
    client.cookies.set("lang", lang)


async def seed(factory: Factory, world: World) -> None:
    admin = await factory.principal(world.admin_account)
    await add_version(factory.session, admin, world.tree.federal, FEDERAL, "first")
    await add_version(factory.session, admin, world.tree.state_a, STATE, "Landesparteitag")
    await factory.commit()


async def count_versions(factory: Factory) -> int:
    return int(await factory.session.scalar(select(func.count(StatuteVersion.id))) or 0)


def path(world: World, unit: str = "state_a") -> str:
    return f"/units/{getattr(world.tree, unit).slug}/statute"


async def test_anonymous_is_sent_to_login(client: Client, world: World) -> None:
    response = await client.get(path(world), follow_redirects=False)
    assert response.status_code in {302, 303, 307} and response.headers["location"].startswith("/login")


async def test_member_reads_the_effective_rules_with_sources(client: Client, factory: Factory, world: World) -> None:
    await seed(factory, world)
    await login(client, factory, world.member_account)
    page = (await client.get(path(world, "local_a"))).text  # no version of its own
    assert "Statute rules of Ortsverband Wilhelmshöhe" in page
    assert "At least 1/4 of the eligible members must take part." in page
    assert "§ 5 Landessatzung" in page and "§ 10 Abs. 4" in page
    assert "More than one half of the valid votes." in page
    assert "From: Landesverband Hessen, version 1" in page and "From: Bundesverband, version 1" in page
    assert "Default rules (nobody set this)" in page
    assert f"/units/{world.tree.federal.slug}/statute/versions/1" in page
    assert "This unit has no statute of its own" in page
    assert 'name="source"' not in page  # no edit form for members
    unit_page = (await client.get(f"/units/{world.tree.local_a.slug}")).text
    assert f'href="/units/{world.tree.local_a.slug}/statute"' in unit_page


async def test_german_page(client: Client, factory: Factory, world: World) -> None:
    await seed(factory, world)
    await login(client, factory, world.member_account, lang="de")
    page = (await client.get(path(world))).text
    assert "Satzungsregeln" in page and "Beteiligung" in page and "Probelauf" in page and "Planung" in page


async def test_version_source_page(client: Client, factory: Factory, world: World) -> None:
    await seed(factory, world)
    await login(client, factory, world.other_account)
    page = (await client.get(f"{path(world, 'federal')}/versions/1")).text
    assert "Bundessatzung (Test)" in page and "first" in page
    assert (await client.get(f"{path(world, 'federal')}/versions/9")).status_code == 404


async def test_admin_stores_a_version(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.admin_account)
    page = (await client.get(path(world))).text
    assert 'name="source"' in page
    token = client.cookies.get("csrftoken")
    response = await client.post(
        path(world), data={"_csrf_token": token, "source": STATE, "note": "Beschluss"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == f"{path(world)}?saved=1"
    page = (await client.get(response.headers["location"])).text
    assert "Version 1 has been stored" in page and "Beschluss" in page
    assert await count_versions(factory) == 1
    same = await client.post(path(world), data={"_csrf_token": token, "source": STATE, "note": "again"})
    assert same.status_code == 422 and "same as the current version 1; nothing to store" in same.text
    assert await count_versions(factory) == 1


@pytest.mark.parametrize("who", ["board_account", "member_account"])
async def test_board_and_members_cannot_store(client: Client, factory: Factory, world: World, who: str) -> None:
    await login(client, factory, getattr(world, who))
    page = (await client.get(path(world))).text
    assert 'name="source"' not in page
    token = client.cookies.get("csrftoken")
    response = await client.post(path(world), data={"_csrf_token": token, "source": STATE}, follow_redirects=False)
    assert response.status_code == 403
    assert await count_versions(factory) == 0


async def test_invalid_text_lists_every_problem_and_stores_nothing(
    client: Client, factory: Factory, world: World
) -> None:
    await login(client, factory, world.admin_account)
    await client.get(path(world))
    token = client.cookies.get("csrftoken")
    bad = '[referendum.quorum]\nparticipation = 0.2\non_miss = "maybe"\n\n[referendum.colour]\nx = 1\n'
    response = await client.post(path(world), data={"_csrf_token": token, "source": bad, "note": "n"})
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    page = response.text
    for key in ("referendum.quorum.participation", "referendum.quorum.on_miss", "referendum.colour"):
        assert f"<code>{key}</code>" in page
    assert "3 problems; nothing was stored" in page
    assert "Unknown key." in page and "not a TOML float" in page
    assert "participation = 0.2" in page  # the text is kept for correction
    assert await count_versions(factory) == 0
    broken = await client.post(path(world), data={"_csrf_token": token, "source": "[referendum\n"})
    assert broken.status_code == 422 and "The text is not valid TOML." in broken.text


async def test_german_problem_labels(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.admin_account, lang="de")
    await client.get(path(world))
    token = client.cookies.get("csrftoken")
    response = await client.post(
        path(world), data={"_csrf_token": token, "source": '[referendum.quorum]\nparticipation = "120 %"\n'}
    )
    assert response.status_code == 422
    assert "Mitgliederentscheid › Quorum › Beteiligung" in response.text
    assert "Wert außerhalb des zulässigen Bereichs." in response.text


async def test_form_needs_the_csrf_token(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.admin_account)
    await client.get(path(world))
    response = await client.post(path(world), data={"source": STATE}, follow_redirects=False)
    assert response.status_code == 403
    assert await count_versions(factory) == 0


async def test_planning(client: Client, factory: Factory, world: World) -> None:
    await seed(factory, world)
    await login(client, factory, world.member_account)
    response = await client.get(
        f"{path(world)}/plan", params={"process": "referendum", "opening": "2026-03-01", "eligible": "1000"}
    )
    assert response.status_code == 200
    page = response.text
    assert "Dates for a Member referendum opening on March 1, 2026" in page
    assert "February 15, 2026" in page  # announcement two weeks before
    assert "March 8, 2026" in page and "March 29, 2026" in page  # voting at least 1 week, at most 4
    assert "250 members (1/4)" in page
    bad = await client.get(f"{path(world)}/plan", params={"process": "referendum", "opening": "1.3.2026"})
    assert bad.status_code == 422 and "Please enter the opening date as YYYY-MM-DD" in bad.text
    assert 'id="f-plan-opening-error"' in bad.text


async def test_dry_run_shows_decision_and_trail(client: Client, factory: Factory, world: World) -> None:
    await seed(factory, world)
    await login(client, factory, world.member_account)
    query = {"process": "referendum", "eligible": "1.000", "yes": "150", "no": "90", "abstain": "20", "invalid": ""}
    page = (await client.get(f"{path(world)}/dry-run", params=query)).text
    assert 'class="outcome outcome-adopted"' in page and "The decision would be binding." in page
    for label in ("Participation quorum", "Approval quorum", "Majority", "Decision"):
        assert f'<th scope="row">{label}</th>' in page
    assert "§ 5 Landessatzung" in page and "§ 10 Abs. 4" in page
    low = (await client.get(f"{path(world)}/dry-run", params={**query, "yes": "100"})).text
    assert "outcome-invalid" in low and "The decision would not be binding." in low
    advisory = (await client.get(f"{path(world)}/dry-run", params={**query, "subject": "programme"})).text
    assert "outcome-advisory" in advisory


async def test_dry_run_of_an_election(client: Client, factory: Factory, world: World) -> None:
    await login(client, factory, world.member_account)
    query = {"process": "election", "eligible": "100", "candidates": "Anna = 40\nBert: 30\n", "abstain": "5"}
    page = (await client.get(f"{path(world)}/dry-run", params=query)).text
    assert "outcome-elected" in page and "Elected: Anna" in page
    bad = await client.get(f"{path(world)}/dry-run", params={**query, "candidates": "Anna forty"})
    assert bad.status_code == 422 and "Line 1: write a name" in bad.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("yes", "-5", "must not be negative"),
        ("no", "viele", "Please enter a whole number"),
        ("eligible", "", "Please enter a number."),
        ("eligible", "100", "More ballots (260) than eligible members (100)"),
        ("subject", "weather", "Please choose one of the offered subjects."),
        ("abstain", "99999999999", "The number is too large."),
    ],
)
async def test_dry_run_bad_input_is_shown_beside_the_field(
    client: Client, factory: Factory, world: World, field: str, value: str, message: str
) -> None:
    await seed(factory, world)
    await login(client, factory, world.member_account)
    query = {"process": "referendum", "eligible": "1000", "yes": "150", "no": "90", "abstain": "20", field: value}
    response = await client.get(f"{path(world)}/dry-run", params=query)
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert f'id="f-dry-{field}-error"' in response.text and message in response.text
    assert 'aria-invalid="true"' in response.text


async def test_htmx_gets_only_the_panel(client: Client, factory: Factory, world: World) -> None:
    await seed(factory, world)
    await login(client, factory, world.member_account)
    headers = {"HX-Request": "true"}
    query = {"process": "referendum", "eligible": "900", "yes": "150", "no": "90"}
    response = await client.get(f"{path(world)}/dry-run", params=query, headers=headers)
    assert response.status_code == 200 and response.headers["vary"] == "HX-Request"
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.lstrip().startswith('<section id="dry-run-panel"') and "<html" not in response.text
    assert "outcome-adopted" in response.text
    bad = await client.get(f"{path(world)}/dry-run", params={**query, "yes": "x"}, headers=headers)
    assert bad.status_code == 200 and 'id="f-dry-yes-error"' in bad.text  # htmx swaps 2xx answers only
    plan = await client.get(f"{path(world)}/plan", params={"opening": "2026-03-01"}, headers=headers)
    assert plan.text.lstrip().startswith('<section id="plan-panel"')
    restore = await client.get(
        f"{path(world)}/plan",
        params={"opening": "2026-03-01"},
        headers={**headers, "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.text
