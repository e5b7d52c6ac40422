"""Members' Markdown to safe HTML: markdown-it-py with raw HTML and images off, then nh3 (Ammonia) as the
sanitizer on its output, so a parser quirk cannot bring markup through. Links get ``rel="nofollow noopener
noreferrer ugc"`` and only http, https and mailto survive."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h1", "h2", "h3", "h4", "h5", "h6",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer ugc"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "strikethrough"
).disable("image")


def render(source: str) -> str:
    """Sanitised HTML for the Markdown ``source`` (headings are shifted down so a post never outranks the page)."""
    html = _markdown.render(source)
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + 2 if level < 5 else 6}>").replace(
            f"</h{level}>", f"</h{level + 2 if level < 5 else 6}>"
        )
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def quote(author: str, body: str) -> str:
    """The Markdown a reply starts with when it quotes ``body`` by ``author``."""
    lines = body.strip().splitlines() or [""]
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in lines)
    return f"> **{escape_markdown(author)}:**\n{quoted}\n\n"


def escape_markdown(text: str) -> str:
    """``text`` with Markdown's punctuation escaped (a name shown literally inside quoted Markdown)."""
    return "".join(f"\\{ch}" if ch in "\\`*_{}[]()#+-.!<>|~" else ch for ch in text)
