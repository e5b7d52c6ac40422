"""PDF documents of binding ballots (WeasyPrint): credential letters, opening minutes, result protocol.

Rendered from templates/referendums/pdf/ with ballot/static/css/print.css. Nothing here is stored: the letters
(the only documents with a secret) are answered once to the board's "finish" act and then exist only on paper.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment

from ballot.settings import Settings
from ballot.web.templating import create_environment


@lru_cache(maxsize=4)
def _environment(templates_dir: Path) -> Environment:
    return create_environment(templates_dir)


def render_pdf(settings: Settings, template: str, context: dict[str, Any]) -> bytes:
    """The template rendered to one PDF, in the current locale (import of WeasyPrint deferred: it is heavy)."""
    from weasyprint import CSS, HTML

    html = _environment(settings.templates_dir).get_template(template).render(**context)
    stylesheet = CSS(filename=str(settings.static_dir / "css" / "print.css"))
    data: bytes = HTML(string=html, base_url=str(settings.static_dir)).write_pdf(stylesheets=[stylesheet])
    return data


def credential_groups(credential_text: str) -> list[str]:
    """The credential's groups as printed on a letter (the booth accepts them with or without dashes)."""
    return [group for group in credential_text.split("-") if group]
