"""The development mailbox: only in development; a logged-in account sees its own mail, or everyone's on request."""

from __future__ import annotations

import dataclasses

from ballot.mail.models import DevMail


async def test_no_mailbox_outside_development(client) -> None:  # type: ignore[no-untyped-def]
    assert (await client.get("/dev/mail")).status_code == 404


async def test_mailbox_shows_my_mail(app, client, db, factory, settings) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = dataclasses.replace(settings, environment="development")
    tree = await factory.tree()
    me = await factory.account(await factory.member(tree.local_a))
    for i in range(60):
        db.add(DevMail(recipient=f"other{i}@example.org", subject=f"other {i}", body="x"))
    db.add(DevMail(recipient=me.email, subject="for me", body="code"))
    await factory.login(client, me)
    client.cookies.set("lang", "en")
    mine = await client.get("/dev/mail")
    assert mine.status_code == 200 and "for me" in mine.text and "other 5" not in mine.text
    everyone = await client.get("/dev/mail?everyone=true")
    assert "other 59" in everyone.text and "Showing the mail to your address" not in everyone.text
