"""The shape of the survey results export (``results.json``, docs/surveys.md) for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

import msgspec


class SurveyInfo(msgspec.Struct, kw_only=True):
    """The survey: id, title, unit name, mode and its opening and closing times (ISO 8601)."""

    id: int
    title: str
    unit: str
    mode: str
    opens_at: str
    closes_at: str


class SurveyResultsExport(msgspec.Struct, kw_only=True):
    """The aggregated results; small cells of the breakdown are suppressed as on the results page."""

    survey: SurveyInfo
    responses: int
    questions: list[dict[str, Any]]
