"""Demo motions: a federal convention's consultation with a motion awaiting support, an admitted motion with three
amendments (two of them collide) and a procedural motion. The admitted motion was admitted by resolution of the
federal board (the demo has too few logins to gather the statute's supporters), and its history says so."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.loader import load_principal
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.motions import amendments, consultations, drafting, steps
from ballot.motions.models import Motion, MotionKind, State, TargetKind, WorkflowStep
from ballot.units.models import Unit

CLIMATE = (
    "Die Partei setzt sich dafür ein, dass Deutschland spätestens 2040 klimaneutral wird. Dazu braucht es einen "
    "verbindlichen Ausbaupfad für Wind- und Solarenergie in allen Bundesländern.\n\n"
    "Wir fordern ein Tempolimit von 130 km/h auf Autobahnen und den Ausbau des Schienennetzes, damit jede "
    "Mittelstadt stündlich mit dem Fernverkehr erreichbar ist.\n\n"
    "Die Einnahmen aus dem CO2-Preis fließen vollständig als Klimageld an die Bürgerinnen und Bürger zurück."
)
DIGITAL = (
    "Die Partei richtet für alle Gliederungen ein gemeinsames Mitgliederportal ein, das Diskussionen, "
    "Anträge und verbindliche Mitgliederentscheide an einem Ort zusammenführt.\n\n"
    "Das Portal wird als freie Software entwickelt und ist barrierefrei nutzbar."
)


async def _principal(session: AsyncSession, email: str) -> Principal | None:
    account_id = await session.scalar(select(Account.id).where(Account.email == email))
    return await load_principal(session, account_id) if account_id is not None else None


async def _admit_by_resolution(session: AsyncSession, board: Principal, motion: Motion) -> None:
    session.add(WorkflowStep(target_kind=TargetKind.MOTION, target_id=motion.id, from_state=motion.state,
                             to_state=State.ADMITTED, account_id=board.account_id,
                             note="Zugelassen durch Beschluss des Bundesvorstands (Demo).", created_at=utcnow()))
    motion.state = State.ADMITTED
    await session.flush()


async def load_demo_motions(session: AsyncSession, federal_slug: str) -> int:
    """Create the demo consultation and its motions (returns how many motions); nothing when a login is missing."""
    member = await _principal(session, "mitglied@demo.example")
    board = await _principal(session, "vorstand@demo.example")
    moderator = await _principal(session, "moderation@demo.example")
    federal = await session.scalar(select(Unit).where(Unit.slug == federal_slug))
    if member is None or board is None or federal is None:
        return 0
    consultation = await consultations.create_consultation(
        session, board, federal, title="Bundesparteitag 2027", line_length=80,
        deadline=utcnow() + timedelta(days=42), amendment_deadline=utcnow() + timedelta(days=56))
    digital = await drafting.create_motion(session, member, consultation, federal, title="Ein Mitgliederportal "
                                           "für alle", body=DIGITAL, reason="Beteiligung darf nicht am Wohnort "
                                           "scheitern.")
    ref = await drafting.get_motion(session, member, digital.id)
    await steps.move(session, member, ref, State.SUBMITTED.value)
    climate = await drafting.create_motion(session, member, consultation, federal, title="Klimaneutral bis 2040",
                                           body=CLIMATE, reason="Die Klimaziele sind verbindlich.")
    ref = await drafting.get_motion(session, member, climate.id)
    await steps.move(session, member, ref, State.SUBMITTED.value)
    await _admit_by_resolution(session, board, climate)
    ref = await drafting.get_motion(session, board, climate.id)
    await amendments.create_amendment(session, member, ref, base_version=1,
                                      body=CLIMATE.replace("130 km/h", "120 km/h"), reason="Mehr Sicherheit.")
    if moderator is not None and moderator.is_member:
        await amendments.create_amendment(session, moderator, ref, base_version=1,
                                          body=CLIMATE.replace("von 130 km/h ", ""), reason="Kein Tempolimit.")
    await amendments.create_amendment(session, member, ref, base_version=1,
                                      body=CLIMATE.replace("vollständig", "zu mindestens 90 Prozent"),
                                      reason="Ein Teil finanziert den sozialen Ausgleich.")
    procedural = await drafting.create_motion(session, board, consultation, federal,
                                              title="Begrenzung der Redezeit auf drei Minuten",
                                              body="Die Redezeit wird für die Antragsberatung auf drei Minuten "
                                              "begrenzt.", reason="", kind=MotionKind.PROCEDURAL.value) \
        if board.is_member else None
    if procedural is not None:
        await steps.move(session, board, await drafting.get_motion(session, board, procedural.id),
                         State.SUBMITTED.value)
    return 3 if procedural is not None else 2
