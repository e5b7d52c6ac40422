"""Accessible bar charts as server-rendered SVG (no JavaScript, nothing inline that the CSP forbids).

The SVG has ``role="img"`` with a ``<title>`` and a ``<desc>`` that reads every bar out, so a screen reader gets
the whole chart in one sentence; pages also show the numbers as a table beside it (the table is the fallback).
Colours come from presentation attributes, not ``style``; the bars keep a 3:1 contrast on white (WCAG 1.4.11).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from babel.numbers import format_percent
from markupsafe import Markup, escape

from ballot.i18n import get_locale

BAR_COLOUR = "#1f5f8b"
TEXT_COLOUR = "#1a1a1a"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its count and its share (0..1) of the base."""

    label: str
    count: int
    share: float


def _percent(share: float) -> str:
    return format_percent(share, format="#,##0.0 %", locale=get_locale())


def describe(bars: Sequence[Bar]) -> str:
    """The chart as one sentence: 'Label: 3 (42.9 %); ...'."""
    return "; ".join(f"{bar.label}: {bar.count} ({_percent(bar.share)})" for bar in bars)


def bar_chart(title: str, bars: Sequence[Bar], *, width: int = 320, label_width: int = 0) -> Markup:
    """A horizontal bar chart, scaled to its container (``viewBox``), with every label and value written out.

    Labels stand above their bar, so long labels and narrow phone screens need no second column.
    """
    chart_id = f"chart-{next(_ids)}"
    row, bar_h, top = 40, 16, 4
    height = top + row * max(len(bars), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(describe(bars))}</desc>',
    ]
    usable = width - 100 - label_width
    for n, bar in enumerate(bars):
        y = top + n * row
        bar_width = round(usable * max(0.0, min(bar.share, 1.0)), 1)
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="12" fill="{TEXT_COLOUR}" aria-hidden="true">'
            f"{escape(bar.label)}</text>"
            f'<rect x="0" y="{y + 17}" width="{usable}" height="{bar_h}" fill="#e8eef3" aria-hidden="true"/>'
            f'<rect x="0" y="{y + 17}" width="{bar_width}" height="{bar_h}" fill="{BAR_COLOUR}" aria-hidden="true"/>'
            f'<text x="{usable + 6}" y="{y + 30}" font-size="12" fill="{TEXT_COLOUR}" aria-hidden="true">'
            f"{bar.count} · {_percent(bar.share)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part above is escaped
