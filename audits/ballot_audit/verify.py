"""Verify a whole record: every check of docs/election-record.md section 4, in order, naming every failure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ballot_audit import board as board_checks
from ballot_audit.answers import QSpec
from ballot_audit.ballots import BallotSpec
from ballot_audit.openings import check_openings, claimed, excluded_sums
from ballot_audit.postal import check_postal
from ballot_audit.primitives import sub
from ballot_audit.report import Report
from ballot_audit.result import check_evaluation, check_result
from ballot_audit.rules import check_decisions, check_statute
from ballot_audit.setup import Context, check_credentials, check_election, open_index
from ballot_audit.source import INDEX, Source
from ballot_audit.tally import check_aggregates, check_shares, decrypt

NAME = "ballots.jsonl"


def _ballot_spec(ctx: Context) -> BallotSpec:
    assert ctx.questions is not None and ctx.public_key is not None
    return BallotSpec(ctx.fingerprint, ctx.public_key, tuple(
        QSpec(q.id, q.options, q.maxima, q.blank_flag, *q.total_range, q.max) for q in ctx.questions))


def _ballot_checks(src: Source, ctx: Context, report: Report, processes: int | None,
                   progress: Callable[[str, int], Callable[[int], None]]) -> board_checks.Board | None:
    """Checks 7 to 13 (the ballots file's hash of check 2 included)."""
    if NAME not in src.names():
        return None
    if not ctx.ballots_checkable:
        report.fail(7, NAME, "not checked: the election's fingerprint, manifest or public key is unusable")
        return None
    board = board_checks.Board(ctx.fingerprint, ctx.credentials)
    before = set(report.failed_checks())
    tick = progress("verifying ballots", src.size(NAME))
    complete = board_checks.stream(src, _ballot_spec(ctx), board, report, processes=processes, progress=tick)
    entry = next((f for f in ctx.docs.get(INDEX, {}).get("files", []) if f["name"] == NAME), None)
    if complete and entry is not None and entry["sha256"] != board.digest.hexdigest():
        report.fail(2, NAME, f"SHA-256 {board.digest.hexdigest()} differs from index.json ({entry['sha256']})")
    board_checks.check_revoting(board, ctx.revoting, report)
    board_checks.check_head(ctx.docs.get("board.json"), board, ctx.board_key, report)
    new = report.failed_checks() - before
    texts = {7: "every ballot matches the manifest, with valid points and canonical scalars",
             8: "every ballot's credential is on the credential list",
             9: "every ballot's signature verifies under its credential",
             10: "every range proof verifies (context F || credential)",
             11: "positions, trackers and the hash chain are intact, no tracker appears twice"}
    for check, text in texts.items():
        if check not in new and complete:
            report.passed(check, NAME, f"{board.lines} entries: {text}")
    return board


def _excluded(src: Source, ctx: Context, board: board_checks.Board | None) -> tuple[int, list[bytes] | None]:
    """(number, summed ciphertexts) of the counted entries openings.json excludes (3.15); a second pass over the
    board, only when there are any."""
    if board is None or ctx.questions is None:
        return 0, None
    positions = claimed(ctx.docs.get("openings.json"), board.superseded).positions
    if not positions or board.sums is None:
        return len(positions), None
    return len(positions), excluded_sums(src.lines(NAME), positions, len(board.sums.points))


def verify(path: Path, *, processes: int | None = None,
           progress: Callable[[str, int], Callable[[int], None]] = lambda label, total: lambda n: None) -> Report:
    """Run every check on the record at `path`; raises source.Unreadable when it cannot be read at all."""
    report, ctx = Report(), Context()
    src = Source(path)
    try:
        open_index(src, report, ctx)
        if "credentials.jsonl" in src.names():
            check_credentials(src, report, ctx, processes)
        check_election(src, report, ctx)
        rules = check_statute(report, ctx.docs.get("statute.json"), ctx.file_hashes.get("statute.json"),
                              ctx.docs.get("manifest.json"))
        board = _ballot_checks(src, ctx, report, processes, progress)
        excluded = _excluded(src, ctx, board)
    finally:
        src.close()
    if 1 not in report.failed_checks():
        report.passed(1, str(path), "exactly the files of section 3, each canonical with the specified keys and types")
    if not report.failed_checks() & {1, 2} and INDEX in ctx.docs:
        report.passed(2, INDEX, f"record hash {ctx.record_hash}; every file matches its SHA-256 and size")
    report.summary = {"record": str(path), "record_hash": ctx.record_hash, "election": ctx.fingerprint,
                      "eligible": ctx.eligible}
    if board is None or ctx.questions is None:
        for check in (14, 15, 16, 17, 20, 21, 22):
            report.fail(check, "", "not checked: the ballots could not be checked (see the failures above)")
        return report
    report.summary |= {"cast": board.lines, "counted": board.counted}
    sums = board.sums
    dropped, dropped_sums = excluded
    points = None if sums is None else sums.points
    unsummable = 0 if sums is None else sums.unsummable
    if points is not None and dropped:
        if dropped_sums is None:
            unsummable += dropped
        else:
            points = [sub(a, b) for a, b in zip(points, dropped_sums, strict=True)]
    counted = board.counted - dropped
    published = check_aggregates(report, ctx.docs.get("aggregates.json"), ctx.questions, counted, points, unsummable)
    factors = None
    if published is not None and ctx.verification_keys is not None:
        factors = check_shares(report, ctx.docs.get("decryption.json"), ctx.questions, published,
                               ctx.verification_keys, ctx.threshold, bytes.fromhex(ctx.fingerprint))
    elif published is not None:
        report.fail(15, "decryption.json", "not checked: the trustees' verification keys are unusable (check 5)")
    plain = decrypt(published, factors) if published is not None and factors is not None else None
    result = ctx.docs.get("result.json")
    postal = check_postal(report, ctx.docs.get("postal.json"), ctx.questions, ctx.docs.get("statute.json"))
    papers = postal["ballots"] if postal is not None else 0
    check_result(report, result, ctx.questions, counted, plain, postal)
    check_evaluation(report, ctx.docs.get("evaluation.json"), result, ctx.docs.get("manifest.json"),
                     ctx.eligible, board.lines + papers, counted + papers)
    check_openings(report, ctx.docs.get("openings.json"), ctx.docs.get("postal.json"), sorted(ctx.credentials),
                   board.by_credential, board.superseded, ctx.verification_keys, ctx.threshold,
                   bytes.fromhex(ctx.fingerprint), ctx.docs.get("aggregates.json"), board.counted)
    report.summary["excluded"] = dropped
    report.summary["postal"] = papers
    report.summary["decisions"] = check_decisions(report, ctx.docs.get("evaluation.json"), rules, ctx.questions)
    if result is not None:
        report.summary["result"] = result["questions"]
    return report
