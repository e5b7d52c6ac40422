"""Demo surveys in the federal unit: one open (anonymous, with a breakdown by state) for members to answer, and
one closed with 40 answers from demo members, so that the results page has something to show."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.authz.loader import load_principal
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.members.models import Member
from ballot.settings import get_settings
from ballot.surveys import services
from ballot.surveys.forms import parse_questions
from ballot.units.models import Unit

OPEN_TITLE = "Mitgliederbefragung: Unsere Schwerpunkte 2027"
OPEN_QUESTIONS = """thema | single | Welches Thema soll der Bundesverband 2027 in den Mittelpunkt stellen?
- Bezahlbares Wohnen
- Klimaschutz vor Ort
- Digitale Verwaltung

warum | text 500 | optional | Warum ist Ihnen dieses Thema wichtig?
if thema = Bezahlbares Wohnen; Klimaschutz vor Ort

formate | multiple 1-2 | An welchen Formaten würden Sie teilnehmen?
- Regionalkonferenz
- Online-Abend
- Sommerfest

reihenfolge | ranking | Bringen Sie die Kampagnenideen in Ihre Reihenfolge
- Haustürgespräche
- Plakate
- Soziale Medien

zufrieden | scale 1-5 | Wie zufrieden sind Sie mit der Arbeit des Bundesvorstands?

newsletter | yesno | Soll es einen monatlichen Newsletter geben?"""

CLOSED_TITLE = "Befragung: Termin des Bundesparteitags"
CLOSED_QUESTIONS = """termin | single | Welcher Termin passt Ihnen am besten?
- Frühjahr
- Sommer
- Herbst

orte | ranking | Bringen Sie die Tagungsorte in Ihre Reihenfolge
- Kassel
- Leipzig
- Hannover
- Erfurt

anreise | scale 0-10 | Wie wichtig ist Ihnen eine gute Bahnanbindung?"""


async def load_demo_surveys(session: AsyncSession, federal_slug: str) -> int:
    """Create the two demo surveys (returns how many); nothing when the board account or the unit is missing."""
    settings = get_settings()
    board_id = await session.scalar(select(Account.id).where(Account.email == "vorstand@demo.example"))
    federal = await session.scalar(select(Unit).where(Unit.slug == federal_slug))
    board = await load_principal(session, board_id) if board_id is not None else None
    if board is None or federal is None:
        return 0
    now = utcnow()
    await services.create_survey(
        session, board, federal, title=OPEN_TITLE, mode="anonymous", questions=parse_questions(OPEN_QUESTIONS),
        description="Ihre Meinung hilft dem Bundesvorstand bei der Planung. Die Befragung ist nicht bindend.",
        opens_at=now - timedelta(days=2), closes_at=now + timedelta(days=28), results_while_open=False,
        breakdown=True, now=now)
    then = now - timedelta(days=20)
    closed = await services.create_survey(
        session, board, federal, title=CLOSED_TITLE, mode="anonymous", questions=parse_questions(CLOSED_QUESTIONS),
        description="", opens_at=then - timedelta(days=1), closes_at=now - timedelta(days=5),
        results_while_open=False, breakdown=True, now=then)
    rng = random.Random(2027)
    rows = (await session.execute(select(Member.id, Unit.path).join(Unit, Unit.id == Member.home_unit_id)
                                  .where(Member.left_on.is_(None)).order_by(Member.id).limit(40))).all()
    for member_id, path in rows:
        voter = Principal(account_id=0, display_name="", email="", member_id=member_id, home_unit_path=path)
        order = rng.sample(range(4), 4)
        answers = {"termin": rng.choice([0, 1, 2, 2]), "orte": order, "anreise": rng.randint(4, 10)}
        await services.submit(session, voter, closed, answers, settings, then)
    return 2
