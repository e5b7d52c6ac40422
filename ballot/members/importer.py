"""Import the member registry from CSV: validate every row first, then upsert by member number, all or nothing.

Reading the file is :mod:`ballot.members.registry_csv`; the field rules are :mod:`ballot.members.records`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.i18n import gettext as _
from ballot.i18n import ngettext
from ballot.members.models import Member
from ballot.members.records import changes_for, members_by_number, new_member, parse_record, units_by_slug
from ballot.members.registry_csv import RowError, read_rows, read_text


@dataclass
class ImportReport:
    """What an import did (or, on a dry run or with errors, would do)."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        """True when the database was changed."""
        return self.ok and not self.dry_run and (self.created + self.updated) > 0

    def summary(self) -> str:
        if not self.ok:
            return ngettext(
                "Nothing was imported: %(num)s row has errors.",
                "Nothing was imported: %(num)s rows have errors.",
                len({error.line for error in self.errors}),
            )
        text = ngettext(
            "%(num)s row: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            "%(num)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            self.rows,
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
        )
        if self.dry_run:
            text += " " + _("Dry run: nothing was written.")
        return text


async def import_members(
    session: AsyncSession,
    stream: IO[str] | IO[bytes],
    *,
    dry_run: bool,
    principal: Principal | None = None,
) -> ImportReport:
    """Validate every row of the CSV in ``stream``; if all are valid (and not ``dry_run``), upsert them.

    A file with any bad row changes nothing; the report lists every bad row with its line and reason. Columns
    absent from the file keep their stored values on update. Without ``principal`` this is the operator's
    command-line import; with one, the principal must be allowed to import into every unit touched.
    Raises :class:`ImportFileError` when the file cannot be read at all.
    """
    report = ImportReport(dry_run=dry_run)
    read = read_rows(read_text(stream), report.errors)
    if read is None:
        return report
    labels, rows = read
    units = await units_by_slug(session)
    existing = await members_by_number(session, (row.values["number"].strip() for row in rows))
    first_line: dict[str, int] = {}
    plan: list[tuple[Member | None, dict[str, Any]]] = []
    for row in rows:
        parsed, errors = parse_record(row.values, units)
        reasons = list(row.errors)
        reasons += [f"{labels.get(name, name)}: {message}" for name, message in errors.items()]
        number = parsed.get("number")
        if number is not None:
            if number in first_line:
                reasons.append(
                    _(
                        "Member number %(number)s already appears on line %(line)s.",
                        number=number,
                        line=first_line[number],
                    )
                )
            else:
                first_line[number] = row.line
        report.errors += [RowError(row.line, reason) for reason in reasons]
        if not reasons and number is not None:  # a row without errors always has its number
            plan.append((existing.get(number), parsed))
    report.rows = len(rows)
    if report.errors:
        return report

    units_by_id = {unit.id: unit for unit in units.values()}
    for member, parsed in plan:
        if principal is not None:
            authorize(principal, Action.MEMBERS_IMPORT, units_by_id[parsed["unit"]])
            if member is not None:
                authorize(principal, Action.MEMBERS_IMPORT, member.home_unit)
        if member is None:
            report.created += 1
            if not dry_run:
                session.add(new_member(parsed))
        elif changes := changes_for(member, parsed):
            report.updated += 1
            if not dry_run:
                for attribute, value in changes.items():
                    setattr(member, attribute, value)
        else:
            report.unchanged += 1
    if not dry_run:
        await session.flush()
        if report.written:
            record_event(
                session,
                "members:registry:import",
                account_id=principal.account_id if principal else None,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
            )
            await session.flush()
    return report
