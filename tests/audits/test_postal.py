"""Check 21 (postal.json) and its part in checks 16 and 17, on a record without postal voting (tampering)."""

from __future__ import annotations

from pathlib import Path

from tests.audits.tamper import assert_fails, check, read, reseal, write


def test_a_record_without_postal_voting_passes_check_21(record: Path) -> None:
    doc = read(record, "postal.json")
    assert (doc["offered"], doc["voters"], doc["ballots"], doc["papers"]) == (False, 0, 0, [])
    report = check(record)
    assert report.ok and any(v.check == 21 and v.ok for v in report.items)


def test_paper_ballots_slipped_into_a_record_without_postal_voting(record: Path) -> None:
    doc = read(record, "postal.json")
    doc["voters"], doc["ballots"] = 1, 1
    doc["papers"] = [[{"question": t["question"], "mark": "valid", "votes": {**t["counts"], "yes": 1}}
                      for t in doc["totals"]]]
    for total in doc["totals"]:
        total["counts"]["yes"] = 1
    write(record, "postal.json", doc)
    result = read(record, "result.json")  # the forger also adds the paper to the result
    result["ballots"] += 1
    for entry in result["questions"]:
        entry["counts"]["yes"] += 1
    write(record, "result.json", result)
    reseal(record)
    report = check(record)
    assert_fails(report, 21, "postal.json", "not offered")
    assert_fails(report, 16, "result.json", "the board has")  # postal.json is refused, so nothing is subtracted


def test_offered_postal_voting_must_be_in_the_statute(record: Path) -> None:
    doc = read(record, "postal.json")
    doc["offered"] = True
    write(record, "postal.json", doc)
    reseal(record)
    assert_fails(check(record), 21, "postal.json", "does not list postal")


def test_structure_and_precedence(record: Path) -> None:
    doc = read(record, "postal.json")
    doc["precedence"] = "lottery"
    doc["totals"] = doc["totals"][::-1] + doc["totals"][:0]
    write(record, "postal.json", doc)
    reseal(record)
    report = check(record)
    assert_fails(report, 21, "postal.json", "not one of first, online, postal")
    del doc["voters"]
    write(record, "postal.json", doc)
    reseal(record)
    assert_fails(check(record), 1, "postal.json", "missing keys ['voters']")
