"""Members' Markdown renders inert: no script, no event handler, no javascript:/data: link survives, in posts
and in titles (titles are plain text, escaped by the templates)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.discussions.rendering import quote, render
from tests.discussions.conftest import World, login, send

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#115;cript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![img](javascript:alert(1))",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    "[a](http://example.org \"title\" onmouseover=alert(1))",
    '[a](http://example.org" onmouseover="alert(1))',
    "<svg/onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    "`<script>` and ```\n<script>alert(1)</script>\n```",
    "[x](vbscript:msgbox(1))",
    "<details open ontoggle=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
]
BAD = re.compile(r"<script|<img|<svg|<iframe|<details|\son\w+=|javascript:|vbscript:|data:", re.I)


def dangerous(html: str) -> bool:
    """True when ``html`` has markup that runs code (text inside ``&lt;...&gt;`` is inert and does not count)."""
    tags = re.findall(r"<[^>]*>", html)
    return any(BAD.search(tag) for tag in tags)


@pytest.mark.parametrize("attack", ATTACKS)
def test_attacks_render_inert(attack: str) -> None:
    html = render(attack)
    assert not dangerous(html), html


def test_links_keep_safe_targets_and_get_rel() -> None:
    html = render("[Satzung](https://example.org/satzung) and <mailto:vorstand@example.org>")
    assert '<a href="https://example.org/satzung" rel="nofollow noopener noreferrer ugc">Satzung</a>' in html
    assert 'href="mailto:vorstand@example.org"' in html


def test_formatting_and_headings_below_the_page_heading() -> None:
    html = render("# Titel\n\n**fett** *kursiv* ~~weg~~\n\n> Zitat\n\n- eins\n- zwei")
    assert "<h3>Titel</h3>" in html and "<h1>" not in html
    assert "<strong>fett</strong>" in html and "<em>kursiv</em>" in html and "<s>weg</s>" in html
    assert "<blockquote>" in html and "<li>eins</li>" in html


def test_quote_makes_a_blockquote_with_the_author() -> None:
    html = render(quote("Erika *M*", "Erste Zeile\n\nZweite <b>Zeile</b>"))
    assert html.startswith("<blockquote>") and "Erika *M*:" in html and "&lt;b&gt;" in html


@given(st.text(alphabet=st.sampled_from(list("<>\"'=:/()[]!&#;ajvscriptonerolad x\n`")), max_size=80))
def test_random_markup_never_yields_active_content(source: str) -> None:
    assert not dangerous(render(source))


async def test_title_and_body_are_inert_on_the_pages(world: World, client: AsyncTestClient[Litestar]) -> None:
    await login(client, world.factory, world.hessen)
    title = '<script>alert("t")</script><img src=x onerror=alert(2)>'
    response = await send(client, f"/units/{world.tree.state_a.slug}/discussions/new",
                          {"title": title, "body": "[x](javascript:alert(3)) <b onclick=alert(4)>b</b>",
                           "visibility": "unit"})
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in response.text
    assert 'href="javascript:' not in response.text and "<b onclick" not in response.text
    listing = await client.get(f"/units/{world.tree.state_a.slug}/discussions")
    assert "<script>alert" not in listing.text and "&lt;script&gt;" in listing.text
    found = await client.get("/discussions/search", params={"q": "alert"})
    assert "<script>alert" not in found.text and "<b onclick" not in found.text


def test_the_checker_itself_sees_active_content() -> None:
    assert dangerous('<a href="javascript:alert(1)">x</a>') and dangerous("<img src=x onerror=y>")
    assert not dangerous("<p>&lt;script&gt;</p>")
