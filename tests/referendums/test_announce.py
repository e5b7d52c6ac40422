"""The announcement (Bekanntmachung): one mail per eligible member with email, in their language; letters for the
rest; idempotent and crash-safe (at most once per member); the due-job runner; the board's act over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from ballot.accounts.models import Account
from ballot.exceptions import Conflict
from ballot.mail import mailer
from ballot.mail.mailer import MailDeliveryFailed
from ballot.mail.models import DevMail
from ballot.members.models import Member
from ballot.referendums.announcements import services as announce_module
from ballot.referendums.announcements.runner import due_elections, run_due, run_periodically
from ballot.referendums.announcements.services import begin_announcement, deliver_announcement, progress_of
from ballot.referendums.board.services import lock_election
from ballot.referendums.models import Election, ElectionState, ElectorateEntry
from ballot.server.app import create_app
from ballot.settings import Settings
from tests.factories import csrf_token
from tests.referendums.box_helpers import Ready, ready_election
from tests.referendums.conftest import NOW, World
from tests.referendums.test_pages_board import Client, at, login, reload
from tests.referendums.test_pdfs import pdf_text


class Crash(Exception):
    """Stands for the process dying."""


async def _mails(world: World) -> list[DevMail]:
    return list((await world.db.scalars(select(DevMail).order_by(DevMail.id))).all())


async def _electorate(world: World, election: Election) -> list[Member]:
    return list((await world.db.scalars(select(Member).join(ElectorateEntry, ElectorateEntry.member_id == Member.id)
                                        .where(ElectorateEntry.election_id == election.id))).all())


@dataclass(frozen=True)
class Voter:
    id: int
    email: str | None
    full_name: str


async def _announced(world: World, settings: Settings) -> tuple[Ready, list[Voter]]:
    """A ready ballot, its electorate (plain values) and every account in the site's default language."""
    ready = await ready_election(world, settings)
    electorate = [Voter(m.id, m.email, m.full_name) for m in await _electorate(world, ready.election)]
    await world.db.execute(update(Account).values(locale=None))
    await world.db.commit()
    return ready, electorate


async def test_every_member_with_email_gets_one_mail_in_their_language(world: World, settings: Settings) -> None:
    ready, electorate = await _announced(world, settings)
    with_email = [m for m in electorate if m.email]
    offline = [m for m in electorate if not m.email]
    assert with_email and offline
    english = await world.db.get(Account, world.member.account_id)
    assert english is not None and english.member_id in {m.id for m in with_email}
    english.locale = "en"
    english_email = next(m.email for m in with_email if m.id == english.member_id)
    await world.db.commit()

    assert await begin_announcement(world.db, ready.election, NOW)
    progress = await deliver_announcement(world.db, settings, ready.election)
    assert (progress.mails, progress.letters, progress.unknown, progress.waiting) == (len(with_email), len(offline),
                                                                                      0, 0)
    assert progress.complete
    mails = await _mails(world)
    assert sorted(m.recipient for m in mails) == sorted(str(m.email) for m in with_email)
    by_recipient = {m.recipient: m for m in mails}
    assert by_recipient[str(english_email)].subject == "Announcement: Statute change"
    body = by_recipient[str(english_email)].body
    for text in ("Shall the statute change?", "Vote yes, no or abstain.", "Testsatzung", "§ 12",
                 "14 days before the opening", f"/ballots/{ready.election.uuid}", world.tree.federal.name):
        assert text in body, text
    german = next(m for m in mails if m.recipient != english_email)
    assert "Satzungsänderung" in german.subject  # the German title, in the site's default language

    # Idempotent: a second run and a second announcement send nothing more.
    await deliver_announcement(world.db, settings, ready.election)
    assert await run_due(world.db, settings, NOW + timedelta(days=2)) == []
    with pytest.raises(Conflict):
        await begin_announcement(world.db, ready.election, NOW)
    assert len(await _mails(world)) == len(with_email)


async def test_a_crash_between_claim_and_mail_is_never_repeated(world: World, settings: Settings,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ready, electorate = await _announced(world, settings)
    with_email = [m for m in electorate if m.email]
    assert len(with_email) >= 3
    real = mailer.send_mail
    calls: list[str] = []

    async def crashing(session: Any, settings_: Settings, to: str, subject: str, body: str) -> None:
        calls.append(to)
        if len(calls) == 2:
            raise Crash  # the process dies after the claim was committed, before the mail left
        await real(session, settings_, to, subject, body)

    monkeypatch.setattr(announce_module, "send_mail", crashing)
    await begin_announcement(world.db, ready.election, NOW)
    with pytest.raises(Crash):
        await deliver_announcement(world.db, settings, ready.election)
    await world.db.rollback()
    monkeypatch.setattr(announce_module, "send_mail", real)

    election = await reload(world, ready.election)
    assert [d.election for d in await run_due(world.db, settings, NOW)] == [election.uuid]
    progress = await progress_of(world.db, election)
    assert (progress.mails, progress.unknown, progress.waiting) == (len(with_email) - 1, 1, 0)
    recipients = [m.recipient for m in await _mails(world)]
    assert len(recipients) == len(set(recipients)) == len(with_email) - 1
    assert calls[1] not in recipients  # the interrupted one is not sent again
    assert await due_elections(world.db, NOW + timedelta(days=3)) == []


async def test_a_refusing_mail_server_stops_the_run_and_the_next_run_resumes(
        world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    ready, electorate = await _announced(world, settings)
    with_email = [m for m in electorate if m.email]
    real = mailer.send_mail
    refused: list[str] = []

    async def refusing(session: Any, settings_: Settings, to: str, subject: str, body: str) -> None:
        if not refused:
            refused.append(to)
            raise MailDeliveryFailed("mail server down")
        await real(session, settings_, to, subject, body)

    monkeypatch.setattr(announce_module, "send_mail", refusing)
    done = await run_due(world.db, settings, ready.election.announcement_at)
    assert done[0].error == "mail server down"
    election = await reload(world, ready.election)
    assert election.announced_at == ready.election.announcement_at
    assert (await progress_of(world.db, election)).waiting == len(with_email)
    done = await run_due(world.db, settings, election.announcement_at + timedelta(minutes=5))
    assert done and not done[0].error and done[0].waiting == 0
    recipients = [m.recipient for m in await _mails(world)]
    assert sorted(recipients) == sorted(str(m.email) for m in with_email)  # the refused one too, once


async def test_the_runner_announces_only_ready_ballots_whose_time_has_come(world: World,
                                                                          settings: Settings) -> None:
    locked = await lock_election(world.db, world.board, await world.create(title_en="Other"), NOW)
    await world.db.commit()
    ready = await ready_election(world, settings)
    before = ready.election.announcement_at - timedelta(minutes=1)
    assert await run_due(world.db, settings, before) == []
    assert locked.state == ElectionState.CEREMONY
    done = await run_due(world.db, settings, ready.election.announcement_at)
    assert [d.election for d in done] == [ready.election.uuid]
    locked = await reload(world, locked)
    assert locked.announced_at is None
    assert int(await world.db.scalar(select(func.count()).select_from(DevMail)) or 0) == done[0].mails > 0


def test_cli_run_due_names_what_it_did(monkeypatch: pytest.MonkeyPatch) -> None:
    from ballot.cli import maintenance

    monkeypatch.setattr(maintenance, "run_with_session", lambda work: [
        maintenance.Done("e1", 3, 1, 0, 0), maintenance.Done("e2", 0, 0, 0, 2, "mail server down")])
    monkeypatch.setattr(maintenance, "send_digests", lambda settings: maintenance.DigestRun())
    result = CliRunner().invoke(maintenance.maintenance, ["run-due"])
    assert result.exit_code == 1
    assert "ballot e1: 3 mails, 1 letters to print" in result.output
    assert "stopped: mail server down" in result.output


# --- the board's act over HTTP --------------------------------------------------------------------------------


async def test_board_sends_the_announcement_and_prints_the_letters(
        client: Client, world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    offline = next(m for m in world.members if not m.email)
    offline.street, offline.postal_code, offline.city = "Hauptstraße 7", "10115", "Berlin"
    offline_name = offline.full_name
    await world.db.commit()
    ready, electorate = await _announced(world, settings)
    uuid = ready.election.uuid
    await login(client, world, world.member)
    assert "Send the announcement now" not in (await client.get(f"/ballots/{uuid}")).text
    assert (await client.get(f"/ballots/{uuid}/announce")).status_code == 403

    await login(client, world, world.board)
    at(monkeypatch, NOW + timedelta(minutes=5))
    detail = await client.get(f"/ballots/{uuid}")
    assert "Send the announcement now" in detail.text and "Not yet (scheduled for" in detail.text
    confirm = await client.get(f"/ballots/{uuid}/announce")
    assert confirm.status_code == 200 and "you may announce earlier" in confirm.text
    token = await csrf_token(client, f"/ballots/{uuid}")
    done = await client.post(f"/ballots/{uuid}/announce", data={"_csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?done=announce")
    mails = await _mails(world)
    assert len(mails) == sum(1 for m in electorate if m.email)
    detail = await client.get(done.headers["location"])
    assert "The announcement is made" in detail.text
    assert f"Mails: {len(mails)} · letters to print: 1" in detail.text
    assert "Send the announcement now" not in detail.text

    again = await client.post(f"/ballots/{uuid}/announce", data={"_csrf_token": token}, follow_redirects=False)
    assert again.status_code == 409 and "The announcement was made on" in again.text
    assert len(await _mails(world)) == len(mails)

    for _ in range(2):  # not secret: as often as needed
        letters = await client.get(f"/ballots/{uuid}/announcement-letters.pdf")
        assert letters.status_code == 200 and letters.headers["content-type"].startswith("application/pdf")
    text = pdf_text(letters.content, tmp_path)
    if text is not None:
        assert offline_name in text and "10115 Berlin" in text
        assert "Satzungsänderung" in text  # the site's default language
    await login(client, world, world.member)
    assert (await client.get(f"/ballots/{uuid}/announcement-letters.pdf")).status_code == 403


async def test_the_page_warns_when_the_announcement_would_be_late(client: Client, world: World, settings: Settings,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ready = await ready_election(world, settings)
    uuid = ready.election.uuid
    await login(client, world, world.board)
    at(monkeypatch, NOW + timedelta(minutes=5))
    assert "it is late if it goes out now" not in (await client.get(f"/ballots/{uuid}")).text
    late = ready.election.opens_at - timedelta(days=10)  # the statute wants 14 days' notice (§ 12)
    at(monkeypatch, late)
    monkeypatch.setattr("ballot.referendums.announcements.views.utcnow", lambda: late)
    detail = await client.get(f"/ballots/{uuid}")
    assert "it is late if it goes out now" in detail.text and "§ 12" in detail.text
    confirm = await client.get(f"/ballots/{uuid}/announce")
    assert "Sending now is late" in confirm.text


async def test_the_periodic_task_runs_the_due_jobs(app: Any, world: World, settings: Settings) -> None:
    ready, electorate = await _announced(world, settings)
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr("ballot.referendums.announcements.runner.utcnow", lambda: ready.election.announcement_at)
    task = asyncio.create_task(run_periodically(app.state.db_factory, settings, 3600))
    try:
        for _ in range(200):
            await asyncio.sleep(0.05)
            world.db.expire_all()
            if len(await _mails(world)) == sum(1 for m in electorate if m.email):
                break
        else:
            pytest.fail("the periodic task sent no announcement")
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        monkeypatch.undo()


@pytest.mark.parametrize("seconds", [0, 1])
async def test_the_app_starts_the_periodic_task_only_when_the_setting_enables_it(
        settings: Settings, seconds: int, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[Any] = []

    async def spy(session: Any, settings_: Settings, now: Any) -> list[Any]:
        runs.append(now)
        return []

    monkeypatch.setattr("ballot.referendums.announcements.runner.run_due", spy)
    app = create_app(dataclasses.replace(settings, due_jobs_seconds=seconds))
    async with AsyncTestClient(app=app) as client:
        for _ in range(40):
            await asyncio.sleep(0.05)
            if runs:
                break
        assert (await client.get("/healthz")).status_code in (200, 503)
    await app.state.engine.dispose()
    assert bool(runs) is (seconds > 0)
