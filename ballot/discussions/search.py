"""Full-text search over the posts (and thread titles) a principal may read, on either backend.

PostgreSQL: ``websearch_to_tsquery('german', ...)`` against the GIN expression index, so German stemming applies
("Anträge" finds "Antrag"); snippets by ``ts_headline``. SQLite: FTS5 with the ``unicode61`` tokenizer (case and
diacritics folded: "Anträge" is indexed as "antrage"); FTS5 has no German stemmer, so each query word is cut to a
rough stem by :func:`rough_stem` and searched as a prefix ("Anträge" -> ``antrag*`` finds "Antrag", "Anträge",
"Antrags"). Both return snippets with ``\\x02``/``\\x03`` around hits; :func:`snippet_html` escapes the text and
only then turns the markers into ``<mark>``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import column, func, literal_column, select, table, text
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.principal import Principal
from ballot.discussions import access
from ballot.discussions.models import Post, Thread
from ballot.discussions.search_schema import FTS_TABLE, PG_VECTOR
from ballot.exceptions import ValidationFailed
from ballot.i18n import gettext as _
from ballot.units.models import Unit

MAX_QUERY = 200
MAX_TERMS = 10
LIMIT = 50
START, STOP = "\x02", "\x03"
_SUFFIXES = ("ern", "em", "en", "er", "es", "e", "s", "n")
_WORD = re.compile(r"\w+", re.UNICODE)
_CONTROL = re.compile(r"[\x00\x01\x04-\x08\x0b\x0c\x0e-\x1f]")  # all but the markers


@dataclass(frozen=True)
class Hit:
    """A matching post: where it is and a snippet (safe HTML)."""

    post_id: int
    thread_id: int
    thread_title: str
    unit_name: str
    created_at: datetime
    snippet: Markup


def rough_stem(word: str) -> str:
    """Lower case, diacritics folded, one common German ending cut (keeping at least four letters)."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(ch))
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 4:
            return folded[: -len(suffix)]
    return folded


def fts5_query(raw: str) -> str:
    """An FTS5 MATCH expression: every word (as a rough-stem prefix) must occur. Only word characters pass, each
    term quoted, so no FTS5 syntax comes from the member."""
    terms = [rough_stem(word) for word in _WORD.findall(raw)][:MAX_TERMS]
    return " ".join(f'"{term}"*' for term in terms if term)


def snippet_html(raw: str) -> Markup:
    """Escape the snippet, then mark the hits."""
    escaped = str(escape(_CONTROL.sub("", raw)))
    return Markup(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704


def check_query(raw: str) -> str:
    """The query to run, or ValidationFailed on the ``q`` field."""
    query = raw.strip()
    if len(query) > MAX_QUERY:
        raise ValidationFailed({"q": _("At most %(number)s characters.", number=MAX_QUERY)})
    return query


async def search(session: AsyncSession, principal: Principal | None, raw: str, unit: Unit | None = None) -> list[Hit]:
    """The posts matching ``raw`` that ``principal`` may read (hidden posts never), best first."""
    query = check_query(raw)
    if not _WORD.search(query):
        return []
    visible = access.visible_clause(principal, Unit.path) & Post.hidden.is_(False)
    if unit is not None:
        visible = visible & Unit.path.startswith(unit.path)
    if (await session.connection()).dialect.name == "postgresql":
        tsquery = func.websearch_to_tsquery(literal_column("'german'::regconfig"), query)
        vector: Any = literal_column(PG_VECTOR)
        options = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2"
        statement = (
            select(Post.id, Thread.id, Thread.title, Unit.name, Post.created_at,
                   func.ts_headline(literal_column("'german'::regconfig"), Post.title_text + " " + Post.body,
                                    tsquery, options))
            .join(Thread, Thread.id == Post.thread_id).join(Unit, Unit.id == Thread.unit_id)
            .where(vector.op("@@")(tsquery), visible)
            .order_by(func.ts_rank(vector, tsquery).desc(), Post.id.desc()).limit(LIMIT)
        )
    else:
        match = fts5_query(query)
        if not match:
            return []
        fts = table(FTS_TABLE, column("rowid"))
        statement = (
            select(Post.id, Thread.id, Thread.title, Unit.name, Post.created_at,
                   func.snippet(literal_column(FTS_TABLE), -1, START, STOP, "…", 16))
            .select_from(fts).join(Post, Post.id == fts.c.rowid)
            .join(Thread, Thread.id == Post.thread_id).join(Unit, Unit.id == Thread.unit_id)
            .where(literal_column(FTS_TABLE).op("MATCH")(match), visible)
            .order_by(text("rank"), Post.id.desc()).limit(LIMIT)
        )
    rows = (await session.execute(statement)).all()
    return [Hit(pid, tid, title, unit_name, created, snippet_html(snip or ""))
            for pid, tid, title, unit_name, created, snip in rows]
