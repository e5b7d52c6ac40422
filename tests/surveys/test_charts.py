"""The SVG charts: accessible name and description, escaped labels, bar lengths by share."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from ballot.surveys.charts import Bar, bar_chart

NS = "{http://www.w3.org/2000/svg}"


def test_chart_is_valid_accessible_svg() -> None:
    svg = str(bar_chart("Which <topic>?", [Bar("Climate & more", 3, 0.75), Bar("Housing", 1, 0.25)]))
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output
    assert root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.text == "Which <topic>?"
    assert desc is not None and desc.text == "Climate & more: 3 (75.0 %); Housing: 1 (25.0 %)"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "style" not in svg and "<script" not in svg
    widths = [float(r.get("width", 0)) for r in root.iter(f"{NS}rect") if r.get("fill") == "#1f5f8b"]
    assert widths[0] == 3 * widths[1]


def test_each_chart_has_its_own_ids() -> None:
    ids = [re.search(r'id="(chart-\d+)-t"', str(bar_chart("x", []))) for _ in range(2)]
    assert ids[0] and ids[1] and ids[0].group(1) != ids[1].group(1)
