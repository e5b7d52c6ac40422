"""The CSV import: good files, every kind of bad row, dry runs, upserts, German headers, the export round trip."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from ballot.i18n import use_locale
from ballot.members.exporter import export_members
from ballot.members.importer import import_members
from ballot.members.models import DuesStatus, Gender, Member, MemberClass
from ballot.members.registry_csv import ImportFileError

HEADER = "number,given_name,family_name,email,unit,joined_on,left_on,dues_status,member_class,gender\n"


def csv_file(*rows: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO((header + "".join(row + "\n" for row in rows)).encode("utf-8"))


async def count(session) -> int:  # type: ignore[no-untyped-def]
    return int(await session.scalar(select(func.count(Member.id))) or 0)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The assertions read the English messages; the importer translates into the current locale."""
    with use_locale("en"):
        yield


@pytest.fixture
async def tree(factory):  # type: ignore[no-untyped-def]
    tree = await factory.tree()
    await factory.commit()
    return tree


GOOD = (
    "1001,Anna,Schmidt,anna@example.org,ortsverband-wilhelmshoehe,2020-03-01,,paid,full,female",
    "1002,Mehmet,Yılmaz,,ortsverband-connewitz,15.06.2011,,overdue,supporting,male",
)


async def test_import_good_file(db, tree) -> None:  # type: ignore[no-untyped-def]
    report = await import_members(db, csv_file(*GOOD), dry_run=False)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged, report.rows) == (2, 0, 0, 2)
    await db.commit()
    mehmet = await db.scalar(select(Member).where(Member.number == "1002"))
    assert mehmet.family_name == "Yılmaz"
    assert mehmet.home_unit_id == tree.local_b.id
    assert mehmet.joined_on.isoformat() == "2011-06-15"
    assert mehmet.dues_status is DuesStatus.OVERDUE and mehmet.member_class is MemberClass.SUPPORTING
    assert mehmet.email is None and mehmet.gender is Gender.MALE


async def test_dry_run_writes_nothing(db, tree) -> None:  # type: ignore[no-untyped-def]
    report = await import_members(db, csv_file(*GOOD), dry_run=True)
    assert report.ok and report.created == 2 and not report.written
    await db.commit()
    assert await count(db) == 0


async def test_upsert_updates_by_number(db, tree) -> None:  # type: ignore[no-untyped-def]
    await import_members(db, csv_file(*GOOD), dry_run=False)
    await db.commit()
    changed = GOOD[0].replace("anna@example.org", "anna.schmidt@example.org").replace(",paid,", ",due,")
    report = await import_members(db, csv_file(changed, GOOD[1]), dry_run=False)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    await db.commit()
    anna = await db.scalar(select(Member).where(Member.number == "1001"))
    await db.refresh(anna)
    assert anna.email == "anna.schmidt@example.org" and anna.dues_status is DuesStatus.DUE
    assert await count(db) == 2


async def test_absent_columns_keep_their_values(db, tree) -> None:  # type: ignore[no-untyped-def]
    await import_members(db, csv_file(*GOOD), dry_run=False)
    await db.commit()
    header = "number,given_name,family_name,unit,joined_on,dues_status\n"
    report = await import_members(
        db, csv_file("1001,Anna,Schmidt,ortsverband-wilhelmshoehe,2020-03-01,paid", header=header), dry_run=False
    )
    assert report.unchanged == 1


async def test_german_headers_semicolons_bom(db, tree) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Mitgliedsnummer;Vorname;Nachname;E-Mail;Telefon;Straße;PLZ;Ort;Geschlecht;Gliederung;Eintritt;Austritt;"
        "Beitragsstatus;Mitgliedsart\n"
        "2001;Jürgen;Groß;jg@example.org;+49 561 123;Königsstraße 1;34117;Kassel;männlich;ortsverband-wilhelmshoehe;"
        "01.02.1999;31.12.2024;bezahlt;Fördermitglied\n"
    )
    report = await import_members(db, io.BytesIO(b"\xef\xbb\xbf" + text.encode()), dry_run=False)
    assert report.ok, report.errors
    await db.commit()
    member = await db.scalar(select(Member).where(Member.number == "2001"))
    assert (member.given_name, member.street, member.postal_code, member.city) == (
        "Jürgen",
        "Königsstraße 1",
        "34117",
        "Kassel",
    )
    assert member.left_on.isoformat() == "2024-12-31" and member.member_class is MemberClass.SUPPORTING


async def assert_rejected(db, rows: tuple[str, ...], line: int, needle: str, header: str = HEADER) -> None:  # type: ignore[no-untyped-def]
    report = await import_members(db, csv_file(*rows, header=header), dry_run=False)
    assert not report.ok
    assert report.created == report.updated == 0
    messages = [str(error) for error in report.errors]
    assert any(error.line == line and needle in error.reason for error in report.errors), messages
    await db.commit()
    assert await count(db) == 0


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        ("1003,,Leer,,ortsverband-connewitz,2020-01-01,,paid,full,", "given_name"),
        ("1003,Max,Mustermann,,nirgendwo,2020-01-01,,paid,full,", "nirgendwo"),
        ("1003,Max,Mustermann,,bundesvorstand,2020-01-01,,paid,full,", "bundesvorstand"),
        ("1003,Max,Mustermann,,ortsverband-connewitz,2020-13-01,,paid,full,", "2020-13-01"),
        ("1003,Max,Mustermann,,ortsverband-connewitz,2020-01-01,2019-12-31,paid,full,", "left_on"),
        ("1003,Max,Mustermann,max(at)example.org,ortsverband-connewitz,2020-01-01,,paid,full,", "max(at)example.org"),
        ("1003,Max,Mustermann,,ortsverband-connewitz,2020-01-01,,vielleicht,full,", "vielleicht"),
        ("1003,Max,Mustermann,,ortsverband-connewitz,2020-01-01,,paid,ehrenmitglied,", "ehrenmitglied"),
        ("1003,Max,Mustermann,,ortsverband-connewitz,2020-01-01,,paid,full,unbekannt", "unbekannt"),
        ("1003,Max,Mustermann,,ortsverband-connewitz,2020-01-01,,paid,full,,extra", "fields"),
    ],
    ids=[
        "required",
        "unknown-unit",
        "body-as-home",
        "bad-date",
        "left-before-joined",
        "bad-email",
        "unknown-dues",
        "unknown-class",
        "unknown-gender",
        "too-many-fields",
    ],
)
async def test_bad_row_imports_nothing(db, tree, bad: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    await assert_rejected(db, (*GOOD, bad), 4, needle)


async def test_duplicate_number_in_file(db, tree) -> None:  # type: ignore[no-untyped-def]
    await assert_rejected(db, (*GOOD, GOOD[0]), 4, "line 2")


async def test_unknown_column(db, tree) -> None:  # type: ignore[no-untyped-def]
    await assert_rejected(db, (GOOD[0] + ",x",), 1, "Lieblingsfarbe", header=HEADER.strip() + ",Lieblingsfarbe\n")


async def test_missing_required_column(db, tree) -> None:  # type: ignore[no-untyped-def]
    await assert_rejected(db, ("1001,Anna",), 1, "family_name", header="number,given_name\n")


async def test_every_bad_row_is_listed(db, tree) -> None:  # type: ignore[no-untyped-def]
    rows = (
        GOOD[0],
        "1003,Max,,,ortsverband-connewitz,2020-01-01,,paid,full,",
        "",
        "1004,Eva,Braun,,ortsverband-connewitz,gestern,,paid,full,",
        '1005,"Lena\nMarie",Koch,,nirgendwo,2020-01-01,,paid,full,',
        "1006,Ali,Demir,,ortsverband-connewitz,2020-01-01,,paid,full,",
        "1007,Jan,Wolf,,ortsverband-connewitz,2020-01-01,,vielleicht,full,zz",
    )
    report = await import_members(db, csv_file(*rows), dry_run=False)
    assert [error.line for error in report.errors] == [3, 5, 6, 9, 9]
    assert str(report.errors[0]).startswith(("line 3: ", "Zeile 3: "))
    await db.commit()
    assert await count(db) == 0


@pytest.mark.parametrize(
    ("data", "needle"),
    [(b"", "empty"), (b"  \n", "empty"), ("number;Nachname\n1;Müller\n".encode("latin-1"), "UTF-8")],
    ids=["empty", "blank", "latin-1"],
)
async def test_unreadable_file(db, tree, data: bytes, needle: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFileError) as caught:
        await import_members(db, io.BytesIO(data), dry_run=False)
    assert needle in caught.value.message


async def test_export_round_trip(db, tree) -> None:  # type: ignore[no-untyped-def]
    text = (
        HEADER.strip()
        + ",phone,street,postal_code,city\n"
        + GOOD[0]
        + ',+49 561 1,"Weg 1, Hinterhaus",34131,Kassel\n'
        + GOOD[1]
        + ",,,,\n"
    )
    await import_members(db, io.BytesIO(text.encode()), dry_run=False)
    await db.commit()
    out = io.StringIO()
    assert await export_members(db, out, format="csv") == 2
    report = await import_members(db, io.StringIO(out.getvalue()), dry_run=False)
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 2)

    out = io.StringIO()
    await export_members(db, out, format="json")
    document = json.loads(out.getvalue())
    assert document["count"] == 2
    assert document["members"][0]["street"] == "Weg 1, Hinterhaus"
    assert document["members"][1]["email"] is None
    assert document["members"][1]["unit"] == "ortsverband-connewitz"
