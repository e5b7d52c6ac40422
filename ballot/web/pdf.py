"""PDF documents (WeasyPrint) rendered from a template and a print stylesheet in ballot/static/css."""

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


def render_pdf(settings: Settings, template: str, context: dict[str, Any], stylesheet: str = "print.css") -> bytes:
    """The template rendered to one PDF, in the current locale (import of WeasyPrint deferred: it is heavy)."""
    from weasyprint import CSS, HTML

    html = _environment(settings.templates_dir).get_template(template).render(**context)
    css = CSS(filename=str(settings.static_dir / "css" / stylesheet))
    data: bytes = HTML(string=html, base_url=str(settings.static_dir)).write_pdf(stylesheets=[css])
    return data
