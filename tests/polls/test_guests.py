"""Who may answer: members of the unit, guests by device only when the session allows it; the device cookie is
signed and HttpOnly; one answer per device and question."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from ballot.polls import identity
from ballot.polls.models import PollAnswer
from tests.factories import csrf_token
from tests.polls.conftest import World, login, send

Client = AsyncTestClient[Litestar]


async def test_members_only_session(client: Client, world: World) -> None:
    session = await world.session(guests=False)
    await world.question(session)
    client.cookies.set("lang", "en")
    anonymous = await client.get(f"/p/{session.code}", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and anonymous.headers["location"].startswith("/login?next=")
    await login(client, world.factory, world.sachsen)  # a member, but of Sachsen
    other = await client.get(f"/p/{session.code}")
    assert other.status_code == 403 and "This poll is for members of Landesverband Hessen." in other.text
    await login(client, world.factory, world.hessen2)
    assert (await client.get(f"/p/{session.code}")).status_code == 200


async def test_guest_answers_once_per_device(client: Client, world: World) -> None:
    session = await world.session(guests=True)
    question = await world.question(session, options=["Vormittag", "Nachmittag"])
    client.cookies.set("lang", "en")
    first = await client.get(f"/p/{session.code}")
    assert first.status_code == 200 and "You answer as a guest on this device." in first.text
    header = first.headers["set-cookie"]
    assert (
        f"{identity.DEVICE_COOKIE}=" in header
        and "HttpOnly" in header
        and "SameSite=lax" in header.replace("SameSite=Lax", "SameSite=lax")
    )
    cookie = client.cookies.get(identity.DEVICE_COOKIE)
    assert cookie and identity.read_device(world.settings.secret_key, cookie)
    assert (
        await send(
            client, f"/p/{session.code}", {"question": str(question.id), "choice": "0"}, page=f"/p/{session.code}"
        )
    ).status_code == 303
    again = await send(client, f"/p/{session.code}", {"question": str(question.id), "choice": "1"})
    assert again.status_code == 409 and "already answered" in again.text
    page = await client.get(f"/p/{session.code}")
    assert "set-cookie" not in page.headers or identity.DEVICE_COOKIE not in page.headers["set-cookie"]

    # A guest who clears cookies is a new device (documented: guest polls are not for decisions).
    client.cookies.delete(identity.DEVICE_COOKIE)
    await client.get(f"/p/{session.code}")
    assert (await send(client, f"/p/{session.code}", {"question": str(question.id), "choice": "1"})).status_code == 303
    answers = (await world.db.scalars(select(PollAnswer))).all()
    assert len(answers) == 2 and all(a.guest for a in answers)


async def test_forged_or_missing_device_cookie(client: Client, world: World) -> None:
    session = await world.session(guests=True)
    question = await world.question(session)
    client.cookies.set("lang", "en")
    token = await csrf_token(client, "/")
    client.cookies.set(identity.DEVICE_COOKIE, "a" * 24 + "." + "0" * 32)  # not signed by us
    forged = await client.post(
        f"/p/{session.code}", data={"_csrf_token": token, "question": str(question.id), "choice": "0"}
    )
    assert forged.status_code == 400 and "did not keep the cookie" in forged.text
    assert (await world.db.scalars(select(PollAnswer))).all() == []
    assert identity.read_device(world.settings.secret_key, "kein-punkt") is None
    assert identity.read_device(world.settings.secret_key, None) is None
    fresh = await client.get(f"/p/{session.code}")
    assert identity.DEVICE_COOKIE in fresh.headers["set-cookie"]  # replaced by a valid one


async def test_member_answers_as_member_in_guest_session(client: Client, world: World) -> None:
    session = await world.session(guests=True)
    question = await world.question(session)
    await login(client, world.factory, world.hessen)
    page = await client.get(f"/p/{session.code}")
    assert "as a guest" not in page.text
    assert (await send(client, f"/p/{session.code}", {"question": str(question.id), "choice": "2"})).status_code == 303
    answer = await world.db.scalar(select(PollAnswer))
    assert answer is not None and answer.guest is False and answer.choices == [2]
