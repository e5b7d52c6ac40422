"""The demo loader stores the demo party's statute once: the federal rules and one state's override."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from ballot.demo.data import FEDERAL_SLUG, load_demo
from ballot.statutes.models import StatuteVersion
from ballot.statutes.services import effective_rules
from ballot.units.services import get_unit


async def test_demo_statutes_load_once(db, factory) -> None:  # type: ignore[no-untyped-def]
    result = await load_demo(db, factory.hasher)
    await db.commit()
    assert result.statutes == 2
    federal = await get_unit(db, FEDERAL_SLUG)
    sachsen = await get_unit(db, "lv-sachsen")
    nrw_local = await get_unit(db, "ov-koeln-ehrenfeld")
    leipzig = await effective_rules(db, await get_unit(db, "ov-leipzig-connewitz"))
    koeln = await effective_rules(db, nrw_local)
    assert [(layer.unit.slug, layer.version.version) for layer in leipzig.layers] == [
        (FEDERAL_SLUG, 1),
        ("lv-sachsen", 1),
    ]
    assert str(leipzig.rules.referendum.quorum.participation) == "1/4"
    assert str(koeln.rules.referendum.quorum.participation) == "1/5"
    assert koeln.rules.referendum.quorum.paragraph == "§ 14 Abs. 3 Bundessatzung"
    assert koeln.sha256 == (await effective_rules(db, federal)).sha256 != leipzig.sha256
    assert (await effective_rules(db, sachsen)).sha256 == leipzig.sha256

    again = await load_demo(db, factory.hasher)
    await db.commit()
    assert not again.created and again.statutes == 0
    assert await db.scalar(select(func.count(StatuteVersion.id))) == 2


async def test_an_older_demo_gets_its_statutes_once(db, factory) -> None:  # type: ignore[no-untyped-def]
    await load_demo(db, factory.hasher)
    await db.execute(delete(StatuteVersion))  # as if loaded before statutes existed
    await db.commit()
    assert (await load_demo(db, factory.hasher)).statutes == 2
    assert (await load_demo(db, factory.hasher)).statutes == 0
    await db.commit()
    assert await db.scalar(select(func.count(StatuteVersion.id))) == 2
