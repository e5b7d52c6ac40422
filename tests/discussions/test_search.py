"""Full-text search on both backends: German stemming on PostgreSQL, diacritics folding plus rough stems as
prefixes on SQLite, visibility, hidden posts, escaped snippets, bad input."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.discussions.search import fts5_query, rough_stem, search, snippet_html
from ballot.exceptions import ValidationFailed
from tests.discussions.conftest import World, login


def test_rough_stems() -> None:
    assert rough_stem("Anträge") == rough_stem("Antrag") == rough_stem("Antrags") == "antrag"
    assert rough_stem("Mitgliedern") == rough_stem("Mitglieder") == "mitglied"
    assert rough_stem("Wahl") == "wahl"


def test_fts5_query_passes_no_syntax() -> None:
    assert fts5_query('Antrag" OR title_text:x NEAR(a b) *') == '"antrag"* "or"* "title_text"* "x"* "near"* "a"* "b"*'
    assert fts5_query("!!!") == ""


def test_snippet_is_escaped_before_marking() -> None:
    html = snippet_html("<script>\x02Antrag\x03</script> \x01s")
    assert str(html) == "&lt;script&gt;<mark>Antrag</mark>&lt;/script&gt; s"


async def test_german_forms_find_each_other(world: World) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Antrag zur Satzung",
                                body="Der Antrag betrifft die Mitglieder.")
    await world.reply(world.hessen2, thread, "Weitere Anträge folgen im Herbst.")
    reader = await world.principal(world.hessen)
    for query in ("Anträge", "Antrag", "antrag", "Mitgliedern"):
        hits = await search(world.db, reader, query)
        assert hits, query
        assert all(h.thread_id == thread.id for h in hits)
    both = await search(world.db, reader, "Anträge")
    assert len(both) == 2  # "Antrag" in the opening post and "Anträge" in the reply
    assert any("<mark>" in str(h.snippet) for h in both)
    assert await search(world.db, reader, "Haushalt") == []


async def test_title_words_find_the_thread(world: World) -> None:
    thread = await world.thread(world.hessen, world.tree.state_a, title="Klimaschutzkonzept", body="Bitte lesen.")
    hits = await search(world.db, await world.principal(world.hessen), "Klimaschutzkonzept")
    assert [h.thread_id for h in hits] == [thread.id]


async def test_edits_update_the_index(world: World) -> None:
    from ballot.discussions import services

    thread = await world.thread(world.hessen, world.tree.state_a, body="Fahrradstraße")
    opening = await services.opening_post(world.db, thread)
    assert opening is not None
    await services.edit_post(world.db, await world.principal(world.hessen), opening, thread, world.tree.state_a,
                             body="Straßenbahn")
    reader = await world.principal(world.hessen)
    assert await search(world.db, reader, "Fahrradstraße") == []
    assert len(await search(world.db, reader, "Straßenbahn")) == 1


async def test_scope_to_a_unit(world: World) -> None:
    await world.thread(world.hessen, world.tree.state_a, body="Wahlprogramm Hessen")
    await world.thread(world.hessen, world.tree.federal, body="Wahlprogramm Bund")
    reader = await world.principal(world.hessen)
    assert len(await search(world.db, reader, "Wahlprogramm")) == 2
    assert len(await search(world.db, reader, "Wahlprogramm", world.tree.state_a)) == 1


async def test_too_long_query(world: World, client: AsyncTestClient[Litestar]) -> None:
    with pytest.raises(ValidationFailed):
        await search(world.db, None, "x" * 201)
    await login(client, world.factory, world.hessen)
    response = await client.get("/discussions/search", params={"q": "x" * 201})
    assert response.status_code == 422 and 'id="f-q-error"' in response.text
    odd = await client.get("/discussions/search", params={"q": '"*) NEAR( OR'})
    assert odd.status_code == 200
