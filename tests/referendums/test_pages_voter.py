"""The voter's pages over HTTP (SQLite and PostgreSQL): the booth without JavaScript (the server encrypts), the
booth's JSON cast with a ballot made as the JavaScript makes it, revoting, refusals, the receipt, the bulletin
board with the tracker check, and the dashboard's "Open for me"."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from ballot.accounts.models import Account
from ballot.authz.principal import Principal
from ballot.referendums.booth import views as views_voter
from ballot.referendums.booth.casting import close_election
from ballot.referendums.models import BoardEntry
from ballot.referendums.trustees.ceremony import board_signing_key
from ballot.settings import Settings
from ballot.web.cookies import SESSION_COOKIE
from ballot_crypto.board import RECEIPT_DOMAIN, verify_signed
from tests.referendums.box_helpers import NO, YES, Ready, make_ballot, open_ready, ready_election
from tests.referendums.conftest import World

Client = AsyncTestClient[Litestar]
TRACKER_SHOWN = re.compile(r'id="receipt-tracker">([0-9a-f]{64})<')


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, datetime]:
    """The pages' clock (ballot.db.utcnow as imported by the voter pages and the dashboard), set by the test."""
    moment: dict[str, datetime] = {}
    monkeypatch.setattr(views_voter, "utcnow", lambda: moment["now"])
    monkeypatch.setattr("ballot.dashboard.views.utcnow", lambda: moment["now"])
    return moment


async def login(client: Client, world: World, principal: Principal) -> str:
    account = await world.db.get(Account, principal.account_id)
    assert account is not None
    await world.factory.login(client, account)
    client.cookies.set("lang", "en")
    await client.get("/")
    token = client.cookies.get("csrftoken")
    assert token
    return str(token)


async def opened(world: World, settings: Settings, clock: dict[str, datetime], *, revoting: bool = True) -> Ready:
    ready = await open_ready(world, settings, revoting=revoting)
    clock["now"] = ready.during
    return ready


def base(ready: Ready) -> str:
    return f"/ballots/{ready.election.uuid}"


async def board_count(world: World, ready: Ready) -> int:
    election_id = ready.election.id
    await world.db.rollback()  # end the test session's snapshot; the pages wrote in sessions of their own
    await world.db.refresh(ready.election)
    return int(await world.db.scalar(select(func.count()).select_from(BoardEntry)
                                     .where(BoardEntry.election_id == election_id)) or 0)


async def test_booth_without_javascript(client: Client, world: World, settings: Settings,
                                        clock: dict[str, datetime]) -> None:
    ready = await opened(world, settings, clock)
    token = await login(client, world, world.member)
    credential = ready.credentials[world.member.member_id or 0]
    page = await client.get(f"{base(ready)}/vote")
    assert page.status_code == 200
    text = page.text
    assert "<fieldset" in text and "<legend>" in text and "Shall the statute change?" in text
    assert 'type="radio"' in text and "Abstention" in text and "No vote (leave this question blank)" in text
    assert "the server sees your choices for the moment" in text
    assert 'src="/static/js/booth.js"' in text and 'src="/static/build/ballot-crypto.js"' in text
    assert " required" not in text  # leaving a question blank is never marked as wrong

    review = await client.post(f"{base(ready)}/vote", data={"_csrf_token": token, "q-q1": "no",
                                                             "credential": credential, "step": "review"})
    assert review.status_code == 200
    assert "Please check your choices" in review.text and "<dd>No</dd>" in review.text
    assert await board_count(world, ready) == 0  # the review casts nothing

    cast = await client.post(f"{base(ready)}/vote", data={"_csrf_token": token, "q-q1": "no",
                                                           "credential": credential, "step": "cast"},
                             follow_redirects=False)
    assert cast.status_code == 303, cast.text
    location = cast.headers["location"]
    assert location == f"{base(ready)}/receipt"  # the tracker travels in the receipt cookie, never in a URL
    cookie = cast.headers["set-cookie"]
    assert cookie.startswith(f"{views_voter.RECEIPT_COOKIE}=") and f"Path={location}" in cookie
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Max-Age=600" in cookie
    receipt = await client.get(location)
    assert receipt.status_code == 200
    match = TRACKER_SHOWN.search(receipt.text)
    assert match and "position 1" in receipt.text
    tracker = match.group(1)
    for word in (">No<", ">Yes<", "Abstention", "blank"):
        assert word not in receipt.text
    download = await client.post(location, data={"_csrf_token": token, "tracker": tracker, "download": "1"})
    assert download.headers["content-disposition"].startswith("attachment")
    signed = download.json()
    assert set(signed) == {"chain", "election", "position", "tracker", "signature"}
    payload = {k: v for k, v in signed.items() if k != "signature"}
    assert verify_signed(RECEIPT_DOMAIN, payload, signed["signature"],
                         bytes(board_signing_key(settings, ready.election).verify_key))
    board = await client.get(f"{base(ready)}/board")
    assert board.status_code == 200 and tracker in board.text
    assert await board_count(world, ready) == 1


async def test_receipt_without_the_cookie_asks_for_the_tracker(client: Client, world: World, settings: Settings,
                                                               clock: dict[str, datetime]) -> None:
    ready = await opened(world, settings, clock)
    token = await login(client, world, world.member)
    me = world.member.member_id or 0
    cast = await client.post(f"{base(ready)}/cast", headers={"x-csrftoken": token},
                             content=json.dumps(make_ballot(ready.election, ready.credentials[me], [YES])))
    tracker = cast.json()["receipt"]["tracker"]
    assert TRACKER_SHOWN.search((await client.get(f"{base(ready)}/receipt")).text)
    await login(client, world, world.member)  # a new login session on the same browser: the cookie is not read
    token = client.cookies.get("csrftoken") or ""
    form = await client.get(f"{base(ready)}/receipt")
    assert form.status_code == 200 and 'name="tracker"' in form.text and tracker not in form.text
    session = f"{SESSION_COOKIE}={client.cookies.get(SESSION_COOKIE)}; {views_voter.RECEIPT_COOKIE}=".encode()
    for forged in (tracker, f"{tracker}.{'0' * 32}", "\u00e4.\u00e4", "."):  # no valid tag: the form, never a 500
        page = await client.get(f"{base(ready)}/receipt", headers=[(b"cookie", session + forged.encode())])
        assert page.status_code == 200 and 'name="tracker"' in page.text and tracker not in page.text
    token = client.cookies.get("csrftoken") or ""  # those requests carried no CSRF cookie: a fresh one was set
    shown = await client.post(f"{base(ready)}/receipt", data={"_csrf_token": token, "tracker": tracker.upper()})
    assert shown.status_code == 200 and TRACKER_SHOWN.search(shown.text)[1] == tracker  # type: ignore[index]
    bad = await client.post(f"{base(ready)}/receipt", data={"_csrf_token": token, "tracker": "<b>xyz"})
    assert bad.status_code == 422 and "64 characters" in bad.text and "<b>xyz" not in bad.text
    unknown = await client.post(f"{base(ready)}/receipt", data={"_csrf_token": token, "tracker": "0" * 64})
    assert unknown.status_code == 404
    no_csrf = await client.post(f"{base(ready)}/receipt", data={"tracker": tracker})
    assert no_csrf.status_code == 403


async def test_booth_form_errors(client: Client, world: World, settings: Settings,
                                 clock: dict[str, datetime]) -> None:
    ready = await opened(world, settings, clock)
    token = await login(client, world, world.member)
    url = f"{base(ready)}/vote"
    missing = await client.post(url, data={"_csrf_token": token, "q-q1": "yes", "step": "review"})
    assert missing.status_code == 422 and "Please enter your voting credential" in missing.text
    typo = await client.post(url, data={"_csrf_token": token, "q-q1": "yes", "credential": "ABCD", "step": "review"})
    assert typo.status_code == 422 and "The credential is not valid" in typo.text
    other = ready.credentials[next(m for m in ready.voters() if m != world.member.member_id)]
    blank = await client.post(url, data={"_csrf_token": token, "q-q1": "blank", "credential": other, "step": "review"})
    assert blank.status_code == 200 and "No vote (left blank)" in blank.text
    bogus = await client.post(url, data={"_csrf_token": token, "q-q1": "maybe", "credential": other, "step": "review"})
    assert bogus.status_code == 422
    no_csrf = await client.post(url, data={"q-q1": "yes", "credential": other, "step": "cast"})
    assert no_csrf.status_code == 403
    assert await board_count(world, ready) == 0


async def test_json_cast_revote_and_refusals(client: Client, world: World, settings: Settings,
                                             clock: dict[str, datetime]) -> None:
    ready = await opened(world, settings, clock)
    token = await login(client, world, world.member)
    me = world.member.member_id or 0
    url = f"{base(ready)}/cast"
    headers = {"x-csrftoken": token, "content-type": "application/json"}

    booth = await client.get(f"{base(ready)}/booth.json")
    assert booth.status_code == 200
    data = booth.json()
    assert data["fingerprint"] == ready.election.fingerprint and data["manifest"]["id"] == ready.election.uuid
    assert data["election"]["public_key"] == ready.election.public_key

    first = make_ballot(ready.election, ready.credentials[me], [YES])
    response = await client.post(url, content=json.dumps(first), headers=headers)
    assert response.status_code == 200, response.text
    receipt = response.json()["receipt"]
    assert receipt["position"] == 1 and response.json()["receipt_url"] == f"{base(ready)}/receipt"
    assert receipt["tracker"] in response.headers["set-cookie"]

    # A second cast with the same credential replaces the first (revoting).
    second = make_ballot(ready.election, ready.credentials[me], [NO])
    response = await client.post(url, content=json.dumps(second), headers=headers)
    assert response.status_code == 200 and response.json()["receipt"]["position"] == 2
    page = await client.get(f"{base(ready)}/vote")
    assert "You have already voted" in page.text

    # Tampered ballot: the signature no longer covers it -> problem+json with the check number.
    tampered = copy.deepcopy(make_ballot(ready.election, ready.credentials[me], [YES]))
    tampered["answers"][0]["choices"][0], tampered["answers"][0]["choices"][1] = (
        tampered["answers"][0]["choices"][1], tampered["answers"][0]["choices"][0])
    refused = await client.post(url, content=json.dumps(tampered), headers=headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["check"] in (9, 10)

    # Another member's credential is not this account's to use, but the box cannot tell; a foreign key can.
    replay = await client.post(url, content=json.dumps(first), headers=headers)
    assert replay.status_code == 422 and replay.json()["check"] == 11
    garbage = await client.post(url, content=b"{not json", headers=headers)
    assert garbage.status_code == 400 and garbage.headers["content-type"].startswith("application/problem+json")
    no_csrf = await client.post(url, content=json.dumps(first), headers={"content-type": "application/json"})
    assert no_csrf.status_code == 403
    assert await board_count(world, ready) == 2

    # Closed: refused with a reason.
    await close_election(world.db, world.board, ready.election, ready.after)
    clock["now"] = ready.after
    closed = await client.post(url, content=json.dumps(make_ballot(ready.election, ready.credentials[me], [YES])),
                               headers=headers)
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    page = await client.get(f"{base(ready)}/vote")
    assert page.status_code == 409 and "This ballot is closed" in page.text


async def test_wrong_credential_and_not_eligible(client: Client, world: World, settings: Settings,
                                                 clock: dict[str, datetime]) -> None:
    ready = await opened(world, settings, clock)
    outsider = await world.factory.account(await world.factory.member(world.tree.local_a))  # joined today
    await world.factory.commit()
    token = await login(client, world, world.member)
    assert "Vote now" in (await client.get(base(ready))).text  # in the electorate: the ballot's page offers the booth
    # A well-formed credential of another ballot: check 8 beside the credential field, nothing stored.
    from ballot_crypto.credentials import generate_credential

    wrong = await client.post(f"{base(ready)}/vote", data={"_csrf_token": token, "q-q1": "yes",
                                                           "credential": generate_credential(), "step": "cast"})
    assert wrong.status_code == 422 and "does not belong to this ballot" in wrong.text
    assert await board_count(world, ready) == 0

    client.cookies.clear()
    token = await login(client, world, await world.factory.principal(outsider))
    page = await client.get(f"{base(ready)}/vote")
    assert page.status_code == 403 and "You are not in the electorate" in page.text
    detail = await client.get(base(ready))  # the ballot's page offers the booth only to the electorate
    assert detail.status_code == 200 and "Vote now" not in detail.text
    assert "You are not in the electorate" in detail.text
    member = ready.voters()[0]
    cast = await client.post(f"{base(ready)}/cast", headers={"x-csrftoken": token},
                             content=json.dumps(make_ballot(ready.election, ready.credentials[member], [YES])))
    assert cast.status_code == 403 and cast.headers["content-type"].startswith("application/problem+json")
    assert await board_count(world, ready) == 0


async def test_board_search_and_answers(client: Client, world: World, settings: Settings,
                                        clock: dict[str, datetime]) -> None:
    ready = await opened(world, settings, clock)
    token = await login(client, world, world.member)
    me = world.member.member_id or 0
    headers = {"x-csrftoken": token}
    receipts: list[dict[str, Any]] = []
    for choice in (YES, NO):
        response = await client.post(f"{base(ready)}/cast", headers=headers,
                                     content=json.dumps(make_ballot(ready.election, ready.credentials[me], [choice])))
        receipts.append(response.json()["receipt"])
    old, new = receipts
    board_url = f"{base(ready)}/board"

    async def check(tracker: str, partial: bool = True) -> Any:
        return await client.post(board_url, data={"_csrf_token": token, "tracker": tracker},
                                 headers={"hx-request": "true"} if partial else {})

    found = await check(new["tracker"].upper(), partial=False)
    assert "Your ballot is on the bulletin board at position 2." in found.text
    assert "replaced" not in found.text  # no marks while the ballot is open
    partial = await check(old["tracker"])
    assert partial.status_code == 200 and "<html" not in partial.text
    assert "position 1." in partial.text
    missing = await check("0" * 64)
    assert "Not found" in missing.text
    bad = await check("xyz", partial=False)
    assert bad.status_code == 422 and "64 characters" in bad.text
    ignored = await client.get(board_url, params={"tracker": new["tracker"]})  # a tracker in the URL is not read
    assert ignored.status_code == 200 and "check-result" not in ignored.text
    page = await client.get(board_url)
    main = page.text.split("<main", 1)[1].split("</main>")[0]
    assert world.member.display_name not in main and "<time" not in main

    await close_election(world.db, world.board, ready.election, ready.after)
    clock["now"] = ready.after
    counted = await check(new["tracker"])
    assert "position 2 and is counted" in counted.text
    superseded = await check(old["tracker"])
    assert "replaced by a later vote" in superseded.text and "(position 2)" in superseded.text
    page = await client.get(board_url)
    assert "replaced (by position 2)" in page.text and "counted" in page.text


async def test_dashboard_open_for_me(client: Client, world: World, settings: Settings,
                                     clock: dict[str, datetime]) -> None:
    ready = await ready_election(world, settings)
    clock["now"] = ready.election.opens_at - (ready.election.closes_at - ready.election.opens_at)
    await login(client, world, world.member)
    page = (await client.get("/")).text
    assert f"/ballots/{ready.election.uuid}" in page and "Statute change" in page and "opens" in page
    assert f"/ballots/{ready.election.uuid}/vote" not in page
    from ballot.referendums.booth.casting import open_election

    await open_election(world.db, world.board, ready.election, ready.election.opens_at)
    clock["now"] = ready.during
    page = (await client.get("/")).text
    assert f"/ballots/{ready.election.uuid}/vote" in page and "Vote now" in page
    # A trustee sees the trusteeship with a link to the trustee page.
    client.cookies.clear()
    await login(client, world, world.trustees[0])
    page = (await client.get("/")).text
    assert f"/ballots/{ready.election.uuid}/trustee" in page


def test_form_controls_for_every_kind() -> None:
    """Approval: checkboxes up to k; cumulative: numbers 0..option max, at most V in all; single: radio or blank."""
    from ballot.referendums.booth.services import (
        FormValues,
        OptionView,
        QuestionView,
        hidden_fields,
        in_words,
        read_choices,
    )

    options = tuple(OptionView(o, o.upper(), 2) for o in ("a", "b", "c"))
    approval = QuestionView("ap", "approval", "Approve", tuple(OptionView(o.id, o.label, 1) for o in options), 0, 2,
                            "checkbox")
    cumulative = QuestionView("cu", "cumulative", "Cumulate", options, 0, 3, "number")
    single = QuestionView("si", "single", "One", tuple(OptionView(o.id, o.label, 1) for o in options), 0, 1, "radio")
    questions = [approval, cumulative, single]
    form = FormValues([("q-ap", "a"), ("q-ap", "c"), ("q-cu-a", "2"), ("q-cu-b", "1"), ("q-cu-c", ""),
                       ("q-si", "blank")])
    choices, errors = read_choices(questions, form)
    assert errors == {} and choices == [[1, 0, 1], [2, 1, 0], [0, 0, 0]]
    assert [a.words for a in in_words(questions, choices)] == [["A", "C"], ["A: 2 vote(s)", "B: 1 vote(s)"],
                                                               ["No vote (left blank)"]]
    again, _errors = read_choices(questions, FormValues(hidden_fields(questions, choices)))
    assert again == choices
    _choices, errors = read_choices(questions, FormValues([("q-ap", "a"), ("q-ap", "b"), ("q-ap", "c"),
                                                           ("q-cu-a", "3"), ("q-si", "x")]))
    assert set(errors) == {"q-ap", "q-cu", "q-si"}
    _choices, errors = read_choices(questions, FormValues([("q-cu-a", "2"), ("q-cu-b", "2")]))
    assert "at most 3 votes in all" in errors["q-cu"]
