"""Motion book benchmark (issue 7): a consultation with 100 motions and 1,000 amendments, rendered to PDF.

Builds the consultation in a temporary SQLite database (each motion six paragraphs at 80 characters per line, ten
amendments per motion, some of them colliding), then times the database part (collecting motions, line numbers,
redlines, supporters) and the WeasyPrint rendering apart, and prints pages and size. Target: under 60 s in all.

    .venv/bin/python bench/motions.py [--motions 100] [--amendments 10]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

os.environ.setdefault("BALLOT_ENV", "test")
os.environ.setdefault("BALLOT_SECRET_KEY", "bench-secret-" + "0" * 52)

from ballot.accounts.models import Account
from ballot.db import create_engine, create_session_factory, utcnow
from ballot.i18n import use_locale
from ballot.models import Base
from ballot.motions.amend import diff
from ballot.motions.book import BookMotion, book_motions
from ballot.motions.models import (
    Amendment,
    Consultation,
    Motion,
    MotionAuthor,
    MotionKind,
    MotionVersion,
    State,
    Support,
    TargetKind,
)
from ballot.motions.pdfs import render_book
from ballot.settings import load_settings
from ballot.units.models import Unit, UnitKind
from ballot.units.services import create_unit

WORDS = ("Partei", "Mitglieder", "fordern", "Klimaschutz", "Bildung", "Schiene", "Kommunen", "Wohnraum",
         "Gesundheit", "Pflege", "Digitalisierung", "Verwaltung", "Europa", "Gerechtigkeit", "Arbeit", "Forschung",
         "Landwirtschaft", "Energie", "Verkehr", "Kultur", "Sicherheit", "und", "für", "die", "der", "das", "mit",
         "im", "von", "zu", "auf", "alle", "neue", "starke", "gerechte", "soziale")


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


async def build(url: str, motions: int, per_motion: int) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    factory = create_session_factory(engine)
    rng = random.Random(7)
    async with factory() as session:
        unit = await create_unit(session, "Bundesverband", UnitKind.FEDERAL, None)
        accounts = [Account(email=f"m{i}@bench.example", display_name=f"Mitglied {i}") for i in range(40)]
        session.add_all(accounts)
        await session.flush()
        consultation = Consultation(unit_id=unit.id, title="Bundesparteitag (Benchmark)", line_length=80)
        session.add(consultation)
        await session.flush()
        now = utcnow()
        for number in range(1, motions + 1):
            body = "\n\n".join(paragraph(rng, rng.randint(30, 70)) for _ in range(6))
            motion = Motion(consultation_id=consultation.id, number=number, kind=MotionKind.MOTION,
                            state=State.ADMITTED, title=f"Antrag {number}", version=1, created_at=now)
            session.add(motion)
            await session.flush()
            session.add(MotionVersion(motion_id=motion.id, number=1, title=motion.title, body=body,
                                      reason=paragraph(rng, 40), author_id=accounts[0].id, created_at=now))
            session.add(MotionAuthor(motion_id=motion.id, account_id=accounts[number % 40].id, initiator=True))
            session.add_all(Support(target_kind=TargetKind.MOTION, target_id=motion.id, account_id=a.id)
                            for a in accounts[:20])
            words = body.split(" ")
            for a_number in range(1, per_motion + 1):
                changed = list(words)
                at = rng.randrange(len(changed))
                changed[at] = rng.choice(WORDS)
                if a_number % 3 == 0:
                    changed.insert(at, rng.choice(WORDS))
                changes = diff(body, " ".join(changed)) or diff(body, body + " Ergänzung.")
                session.add(Amendment(motion_id=motion.id, number=a_number, base_version=1,
                                      changes=[c.to_json() for c in changes], reason="Begründung.",
                                      state=State.SUBMITTED, author_id=accounts[a_number].id, created_at=now))
        await session.commit()
    await engine.dispose()


async def collect(url: str) -> tuple[Consultation, Unit, list[BookMotion]]:
    engine = create_engine(url)
    factory = create_session_factory(engine)
    async with factory() as session:
        consultation = await session.scalar(select(Consultation))
        assert consultation is not None
        unit = await session.get(Unit, consultation.unit_id)
        assert unit is not None
        motions = await book_motions(session, consultation)
    await engine.dispose()
    return consultation, unit, motions


def page_count(data: bytes) -> int | str:
    """Pages of the PDF (pdfinfo when installed, else "?")."""
    tool = shutil.which("pdfinfo")
    if tool is None:
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        info = subprocess.run([tool, handle.name], capture_output=True, text=True, check=False).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(match.group(1)) if match else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--motions", type=int, default=100)
    parser.add_argument("--amendments", type=int, default=10, help="amendments per motion (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        settings = dataclasses.replace(load_settings(), database_url=url, var_dir=Path(tmp))
        start = time.perf_counter()
        asyncio.run(build(url, args.motions, args.amendments))
        built = time.perf_counter()
        consultation, unit, motions = asyncio.run(collect(url))
        collected = time.perf_counter()
        with use_locale("de"):
            data = render_book(settings, consultation, unit, motions)
        rendered = time.perf_counter()
    pages = page_count(data)
    lines = sum(len(m.lines) for m in motions)
    amendments = sum(len(m.amendments) for m in motions)
    print(f"motions {len(motions)}, amendments {amendments}, numbered lines {lines}")
    print(f"build data        {built - start:6.1f} s (not part of the target)")
    print(f"collect (db)      {collected - built:6.1f} s")
    print(f"render (PDF)      {rendered - collected:6.1f} s  ({len(data) / 1e6:.1f} MB, {pages} pages)")
    total = rendered - built
    print(f"motion book       {total:6.1f} s  target < 60 s: {'met' if total < 60 else 'MISSED'}")
    return 0 if total < 60 else 1


if __name__ == "__main__":
    raise SystemExit(main())
