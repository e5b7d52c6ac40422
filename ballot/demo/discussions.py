"""Demo discussions: a few threads with nested replies in the federal unit, a state and a group, a pinned
welcome thread, the federal code of conduct and one hidden post with its entry in the moderation log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.loader import load_principal
from ballot.authz.principal import Principal
from ballot.discussions import conduct, moderation, services
from ballot.settings import get_settings
from ballot.units.models import Unit

CONDUCT = """Wir diskutieren respektvoll und sachlich.

1. **Respekt**: keine Beleidigungen, keine Herabwürdigung von Personen oder Gruppen.
2. **Wahrhaftigkeit**: keine bewusste Desinformation; Behauptungen mit Quellen belegen.
3. **Beim Thema bleiben**: Werbung und Spam werden ausgeblendet.
4. **Vertraulichkeit**: Interna aus Mitgliederdiskussionen nicht nach außen tragen.

Die Moderation blendet Beiträge nur mit Begründung und Regel aus; jede Entscheidung steht im öffentlichen
Moderationsprotokoll.
"""


async def _principal(session: AsyncSession, email: str) -> Principal | None:
    account_id = await session.scalar(select(Account.id).where(Account.email == email))
    return await load_principal(session, account_id) if account_id is not None else None


async def load_demo_discussions(session: AsyncSession, federal_slug: str) -> int:
    """Create the demo threads (returns how many); nothing when an account or unit is missing."""
    settings = get_settings()
    member = await _principal(session, "mitglied@demo.example")
    board = await _principal(session, "vorstand@demo.example")
    mod = await _principal(session, "moderation@demo.example")
    federal = await session.scalar(select(Unit).where(Unit.slug == federal_slug))
    group = await session.scalar(select(Unit).where(Unit.slug == "ag-digitales"))
    if member is None or board is None or mod is None or federal is None:
        return 0
    await conduct.save(session, board, federal, CONDUCT)
    welcome = await services.create_thread(
        session, board, federal, title="Willkommen im Diskussionsbereich", visibility="public", settings=settings,
        body="Hier diskutieren wir Anträge, Wahlen und alles, was die Partei bewegt.\n\n"
             "Bitte lest den **Verhaltenskodex**; Formatierung geht mit *Markdown*.")
    await moderation.moderate_thread(session, mod, welcome, federal, action="pin", rule="",
                                     reason="Einführung für alle neuen Mitglieder")
    motion = await services.create_thread(
        session, member, federal, title="Antrag: Mitgliederentscheid über das Grundsatzprogramm", visibility="unit",
        settings=settings,
        body="Ich schlage vor, dass wir das neue Grundsatzprogramm per **Mitgliederentscheid** beschließen.\n\n"
             "- mehr Beteiligung\n- klare Legitimation\n- Briefwahl für alle ohne Internet")
    first = await services.reply(session, board, motion, federal, parent_id=None, settings=settings,
                                 body="Der Vorstand unterstützt das. Offen ist, wann die Wahlkommission "
                                      "die Schlüsselzeremonie ansetzt.")
    await services.reply(session, member, motion, federal, parent_id=first.id, settings=settings,
                         body="> Offen ist, wann die Wahlkommission die Schlüsselzeremonie ansetzt.\n\n"
                              "Vielleicht direkt nach dem Parteitag im Herbst?")
    rude = await services.reply(session, member, motion, federal, parent_id=None, settings=settings,
                                body="Wer dagegen ist, hat keine Ahnung.")
    await moderation.set_hidden(session, mod, rude, motion, federal, hidden=True, rule="§ 1 Respekt",
                                reason="Pauschale Herabwürdigung anderer Mitglieder")
    count = 2
    if group is not None and group.id in member.group_unit_ids:
        await services.create_thread(session, member, group, title="Datenschutz bei Online-Abstimmungen",
                                     visibility="group", settings=settings,
                                     body="Wie erklären wir den Mitgliedern die Ende-zu-Ende-Verifizierbarkeit?")
        count += 1
    return count
