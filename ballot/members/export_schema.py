"""The shape of the personal data export (GDPR Art. 15 and 20) for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

import msgspec


class PersonalDataExport(msgspec.Struct, kw_only=True):
    """Everything stored about the account and its registry entry (``format`` ``ballot.personal-data``)."""

    format: str
    format_version: int
    generated_at: str
    legal_basis: str
    account: dict[str, Any]
    registry_entry: dict[str, Any] | None
    group_memberships: list[dict[str, Any]]
    consents: dict[str, Any]
    role_grants: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    one_time_tokens: list[dict[str, Any]]
    api_tokens: list[dict[str, Any]]
    audit_events: list[dict[str, Any]]
    mails: list[dict[str, Any]]
