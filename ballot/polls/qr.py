"""The join link and its QR code (segno, rendered as inline SVG: no image request, nothing inline but markup)."""

from __future__ import annotations

import segno
from markupsafe import Markup


def join_url(base_url: str, code: str) -> str:
    """The address phones open: ``<base>/p/<code>``."""
    return f"{base_url.rstrip('/')}/p/{code}"


def qr_svg(url: str, title: str) -> Markup:
    """An SVG QR code of ``url`` (error correction M, quiet zone kept, white background for dark rooms)."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        scale=1, omitsize=True, title=title, light="#fff", dark="#000", svgclass="poll-qr", lineclass=None
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - segno's markup, it escapes the title
