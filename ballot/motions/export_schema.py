"""The shape of the consultation export (``ballot-motions/1``, docs/motions.md) for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

import msgspec


class ConsultationExport(msgspec.Struct, kw_only=True):
    """A consultation with every submitted motion, its versions, amendments and workflow history."""

    format: str = msgspec.field(default="ballot-motions/1")
    exported_at: str
    consultation: dict[str, Any]
    motions: list[dict[str, Any]]
