"""Storing statute versions, resolving a unit's effective rules down the unit tree, and freezing snapshots.

Inheritance follows the unit tree, not ``extends``: the effective rules of a unit are the latest versions of its
ancestors (root first) and its own, merged with the engine's ``resolve``. A unit without versions inherits its
parent's effective rules; with no version anywhere, the engine's defaults apply.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import NotFound
from ballot.i18n import gettext as _
from ballot.statutes.models import StatuteSnapshot, StatuteVersion
from ballot.units.models import Unit
from ballot_crypto.statutes import Problem, Rules, Statute, StatuteError, parse, resolve, rules_sha256, text_sha256
from ballot_crypto.statutes.load import canonical_bytes, rules_json
from ballot_crypto.statutes.load import rules_from_json as engine_rules_from_json

MAX_SOURCE_CHARS = 200_000
MAX_NOTE_CHARS = 500
DEFAULT_NAME = "default"


class StatuteRejected(Exception):
    """A submitted rules text does not validate; ``problems`` lists every problem (nothing was stored)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Layer:
    """One stored version in an inheritance chain: the unit it belongs to and the version."""

    unit: Unit
    version: StatuteVersion

    @property
    def name(self) -> str:
        """The file name the engine reports problems under, e.g. ``lv-nrw v2``."""
        return f"{self.unit.slug} v{self.version.version}"


@dataclass(frozen=True)
class Effective:
    """A unit's effective rules: the resolved statute and the stored versions it came from (root first)."""

    unit: Unit
    statute: Statute
    layers: tuple[Layer, ...]

    @property
    def rules(self) -> Rules:
        return self.statute.rules

    @property
    def sha256(self) -> str:
        return self.statute.sha256


async def chain_units(session: AsyncSession, unit: Unit) -> list[Unit]:
    """The unit's ancestors from the root down, and the unit itself."""
    ids = unit.ancestor_ids()
    found = {u.id: u for u in (await session.scalars(select(Unit).where(Unit.id.in_(ids)))).all()}
    return [found[i] for i in ids if i in found]


async def latest_versions(session: AsyncSession, unit_ids: Sequence[int]) -> dict[int, StatuteVersion]:
    """The newest version of each unit that has one."""
    if not unit_ids:
        return {}
    newest = (
        select(StatuteVersion.unit_id, func.max(StatuteVersion.version).label("version"))
        .where(StatuteVersion.unit_id.in_(list(unit_ids)))
        .group_by(StatuteVersion.unit_id)
        .subquery()
    )
    rows = await session.scalars(
        select(StatuteVersion).join(
            newest, (StatuteVersion.unit_id == newest.c.unit_id) & (StatuteVersion.version == newest.c.version)
        )
    )
    return {version.unit_id: version for version in rows.all()}


async def layers_of(session: AsyncSession, unit: Unit) -> list[Layer]:
    """The latest stored version of every unit from the root down to ``unit`` (units without one are skipped)."""
    units = await chain_units(session, unit)
    latest = await latest_versions(session, [u.id for u in units])
    return [Layer(u, latest[u.id]) for u in units if u.id in latest]


def _resolve(chain: list[tuple[str, str]]) -> Statute:
    return resolve(chain or [(DEFAULT_NAME, "")])


async def effective_rules(session: AsyncSession, unit: Unit) -> Effective:
    """The rules in force for ``unit`` (no permission check: callers check). Raises StatuteError when the stored
    versions no longer fit together (possible after an ancestor changed)."""
    layers = await layers_of(session, unit)
    statute = _resolve([(layer.name, layer.version.source) for layer in layers])
    return Effective(unit, statute, tuple(layers))


async def view_effective(session: AsyncSession, principal: Principal | None, unit: Unit) -> Effective:
    """The effective rules, for an account allowed to read them."""
    authorize(principal, Action.STATUTE_VIEW, unit)
    return await effective_rules(session, unit)


async def versions_of(session: AsyncSession, principal: Principal | None, unit: Unit) -> Sequence[StatuteVersion]:
    """The unit's own versions, newest first."""
    authorize(principal, Action.STATUTE_VIEW, unit)
    query = select(StatuteVersion).where(StatuteVersion.unit_id == unit.id).order_by(StatuteVersion.version.desc())
    return (await session.scalars(query)).all()


async def get_version(session: AsyncSession, principal: Principal | None, unit: Unit, number: int) -> StatuteVersion:
    """One version of the unit's rules file; NotFound if there is no such number."""
    authorize(principal, Action.STATUTE_VIEW, unit)
    version = await session.scalar(
        select(StatuteVersion).where(StatuteVersion.unit_id == unit.id, StatuteVersion.version == number)
    )
    if version is None:
        raise NotFound(_("This statute version does not exist."))
    return version


async def _descendants_with_versions(session: AsyncSession, unit: Unit) -> list[Unit]:
    query = (
        select(Unit)
        .where(Unit.path.startswith(unit.path, autoescape=True), Unit.id != unit.id)
        .where(Unit.id.in_(select(StatuteVersion.unit_id)))
        .order_by(Unit.path)
    )
    return list((await session.scalars(query)).all())


async def check_source(session: AsyncSession, unit: Unit, source: str) -> list[Problem]:
    """Every problem ``source`` would cause as the unit's new version: in the file itself, merged with the
    units above, and for each unit below that has versions of its own (their merged rules must stay valid)."""
    name = f"{unit.slug} (new)"
    problems: list[Problem] = []
    if len(source) > MAX_SOURCE_CHARS:
        return [Problem(name, "", f"too long: at most {MAX_SOURCE_CHARS} characters")]
    current = (await latest_versions(session, [unit.id])).get(unit.id)
    if current is not None and current.source == source:
        return [Problem(name, "", _("This text is the same as the current version %(number)s; nothing to store.",
                                    number=current.version))]
    _table, extends, _found = parse(name, source)
    if extends is not None:
        problems.append(
            Problem(name, "extends", "not used here: a unit's statute inherits from the units above it in the tree")
        )
    above = [(layer.name, layer.version.source) for layer in await layers_of(session, unit) if layer.unit.id != unit.id]
    try:
        _resolve([*above, (name, source)])
    except StatuteError as exc:
        return problems + list(exc.problems)
    if problems:
        return problems
    for below in await _descendants_with_versions(session, unit):
        units = await chain_units(session, below)
        latest = await latest_versions(session, [u.id for u in units])
        chain = [
            (name, source) if u.id == unit.id else (Layer(u, latest[u.id]).name, latest[u.id].source)
            for u in units
            if u.id == unit.id or u.id in latest
        ]
        try:
            _resolve(chain)
        except StatuteError as exc:
            problems += list(exc.problems)
    return problems


async def add_version(
    session: AsyncSession, principal: Principal | None, unit: Unit, source: str, note: str = ""
) -> StatuteVersion:
    """Store ``source`` as the unit's next version; raise StatuteRejected (storing nothing) if it is invalid."""
    principal = authorize(principal, Action.STATUTE_EDIT, unit)
    return await store_version(session, unit, source, note, principal.account_id)


async def store_version(
    session: AsyncSession, unit: Unit, source: str, note: str = "", account_id: int | None = None
) -> StatuteVersion:
    """Validate and store a version without a permission check (for :func:`add_version` and the demo loader)."""
    source = source.replace("\r\n", "\n")
    problems = await check_source(session, unit, source)
    if problems:
        raise StatuteRejected(problems)
    latest = await session.scalar(select(func.max(StatuteVersion.version)).where(StatuteVersion.unit_id == unit.id))
    version = StatuteVersion(
        unit_id=unit.id,
        version=(latest or 0) + 1,
        source=source,
        text_sha256=text_sha256(source),
        note=note.strip()[:MAX_NOTE_CHARS],
        created_at=utcnow(),
        created_by_id=account_id,
    )
    session.add(version)
    await session.flush()
    record_event(
        session,
        "statutes:version:create",
        account_id=account_id,
        unit_id=unit.id,
        version=version.version,
        text_sha256=version.text_sha256,
    )
    return version


def sources_of(effective: Effective) -> list[dict[str, Any]]:
    """The snapshot's record of where its rules came from, root first."""
    return [
        {
            "unit_id": layer.unit.id,
            "unit_slug": layer.unit.slug,
            "unit_name": layer.unit.name,
            "version": layer.version.version,
            "text_sha256": layer.version.text_sha256,
        }
        for layer in effective.layers
    ]


async def freeze(session: AsyncSession, unit: Unit) -> StatuteSnapshot:
    """Freeze the unit's effective rules now; an identical earlier snapshot (same unit, rules and sources) is
    returned instead of a new one. A process stores the snapshot's id and ``rules_sha256``."""
    effective = await effective_rules(session, unit)
    sources = sources_of(effective)
    fingerprint = hashlib.sha256(
        canonical_bytes({"unit_id": unit.id, "rules_sha256": effective.sha256, "sources": sources})
    ).hexdigest()
    existing = await session.scalar(select(StatuteSnapshot).where(StatuteSnapshot.fingerprint == fingerprint))
    if existing is not None:
        return existing
    snapshot = StatuteSnapshot(
        unit_id=unit.id,
        rules_sha256=effective.sha256,
        rules_json=canonical_bytes(rules_json(effective.rules)).decode(),
        sources_json=canonical_bytes(sources).decode(),
        fingerprint=fingerprint,
        created_at=utcnow(),
    )
    session.add(snapshot)
    await session.flush()
    return snapshot


def rules_from_json(text: str, expected_sha256: str | None = None) -> Rules:
    """Rebuild :class:`Rules` from a snapshot's canonical JSON; ValueError if it does not rebuild exactly
    (or its hash differs from ``expected_sha256``)."""
    rules, problems = engine_rules_from_json(json.loads(text))
    if rules is None:
        raise ValueError(f"snapshot does not rebuild: {problems}")
    digest = rules_sha256(rules)
    if canonical_bytes(rules_json(rules)).decode() != text or (expected_sha256 and digest != expected_sha256):
        raise ValueError("snapshot does not rebuild to the same rules")
    return rules


def snapshot_rules(snapshot: StatuteSnapshot) -> Rules:
    """The frozen rules of a snapshot, checked against its hash."""
    return rules_from_json(snapshot.rules_json, snapshot.rules_sha256)


def snapshot_sources(snapshot: StatuteSnapshot) -> list[dict[str, Any]]:
    """Where the snapshot's rules came from, root first."""
    result: list[dict[str, Any]] = json.loads(snapshot.sources_json)
    return result
