"""``ballot simulate-referendum``: a whole binding ballot through the service layer (referendums.simulation)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click

from ballot.db import create_engine, create_session_factory
from ballot.settings import get_settings


@click.command("simulate-referendum")
@click.option("--voters", type=click.IntRange(min=1), required=True, help="Number of simulated members.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the election record (a ZIP); truth.json goes beside it.")
@click.option("--trustees", type=click.IntRange(min=1, max=15), default=3, show_default=True)
@click.option("--threshold", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--revote-share", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Share of voters who cast a second ballot.")
@click.option("--questions", type=click.IntRange(min=1, max=10), default=2, show_default=True)
@click.option("--seed", type=int, help="Make choices and randomness reproducible.")
@click.option("--processes", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@click.option("--postal", type=click.IntRange(min=0), default=0, show_default=True,
              help="Members who vote by post instead (certificates and paper ballots entered by the committee).")
@click.option("--postal-online", type=click.IntRange(min=0), default=0, show_default=True,
              help="Of the postal voters, how many also vote online first; the statute then gives the postal vote "
                   "precedence and the trustees' joint opening removes those online ballots.")
def simulate_referendum(voters: int, out: Path, trustees: int, threshold: int, revote_share: float, questions: int,
                        seed: int | None, processes: int | None, postal: int, postal_online: int) -> None:
    """Run a simulated referendum against the configured database and write its verified record."""
    from ballot.referendums.simulation.services import Options, simulate

    if threshold > trustees:
        raise click.UsageError("--threshold cannot exceed --trustees")
    if postal > voters:
        raise click.UsageError("--postal cannot exceed --voters")
    if postal_online > postal:
        raise click.UsageError("--postal-online cannot exceed --postal")
    settings = get_settings()
    options = Options(voters=voters, trustees=trustees, threshold=threshold, revote_share=revote_share,
                      seed=seed, questions=questions, processes=processes, postal=postal,
                      postal_online=postal_online)

    async def run() -> dict[str, object]:
        engine = create_engine(settings.database_url, settings.database_schema)
        try:
            return await simulate(create_session_factory(engine), settings, options, out)
        finally:
            await engine.dispose()

    summary = asyncio.run(run())
    click.echo(json.dumps(summary, indent=2, ensure_ascii=False))


def register(group: click.Group) -> None:
    """Add ``ballot simulate-referendum``."""
    group.add_command(simulate_referendum)
