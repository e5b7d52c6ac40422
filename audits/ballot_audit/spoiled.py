"""`ballot-audit spoiled`: a spoiled (audited, Benaloh challenge) ballot, docs/election-record.md section 5."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ballot_audit import canonical, primitives, structure
from ballot_audit.answers import Problem, QSpec, parse_answer
from ballot_audit.manifest import Question, check_manifest
from ballot_audit.proofs import header, verify_range
from ballot_audit.report import Report
from ballot_audit.source import Unreadable

FORMAT = "ballot-spoiled/1"
KEYS = {"ballot", "election", "format", "manifest", "reveal"}
REVEAL_KEYS = {"blank", "blank_randomness", "choices", "question", "randomness"}


def load(path: Path) -> Any:
    """The file's JSON value (strict: no floats, constants or duplicate keys); raises Unreadable."""
    try:
        return canonical.loads_strict(path.read_bytes())
    except (OSError, canonical.NotCanonical) as exc:
        raise Unreadable(f"{path}: not a readable JSON file ({exc})") from None


def _reencrypts(h: bytes, ct: tuple[bytes, bytes], m: Any, r_hex: Any) -> bool:
    """alpha == G*r and beta == H*r + G*m for the revealed m and r."""
    if not structure.is_int(m) or not structure.is_hex(r_hex, 64):
        return False
    r = primitives.scalar(r_hex)
    try:
        return r is not None and ct == (primitives.base(r), primitives.add(primitives.mul(r, h),
                                                                           primitives.g_times(m)))
    except primitives.SodiumError:
        return False


def _reveal(report: Report, q: Question, h: bytes, parsed: Any, reveal: Any, at: str) -> list[int] | None:
    """Check 18 for one answer: the reveal re-encrypts to the ciphertexts and is a valid answer."""
    if not isinstance(reveal, dict) or set(reveal) != REVEAL_KEYS or reveal["question"] != q.id:
        report.fail(18, at, f"expected a reveal {sorted(REVEAL_KEYS)} for question {q.id}")
        return None
    votes, rands, n = reveal["choices"], reveal["randomness"], len(q.options)
    if not isinstance(votes, list) or not isinstance(rands, list) or len(votes) != n or len(rands) != n:
        report.fail(18, at, f"expected {n} revealed values and {n} randomness scalars")
        return None
    ok = True
    for i, (m, r) in enumerate(zip(votes, rands, strict=True)):
        if not _reencrypts(h, parsed.choices[i], m, r):
            report.fail(18, f"{at}.choices[{i}]", f"option {q.options[i]}: the revealed value and randomness do "
                                                  "not give the published ciphertext")
            ok = False
        elif m > q.maxima[i]:
            report.fail(18, f"{at}.choices[{i}]", f"option {q.options[i]}: {m} votes, at most {q.maxima[i]} allowed")
            ok = False
    if ok and not q.min <= sum(votes) <= q.max:
        report.fail(18, at, f"{sum(votes)} votes in question {q.id}, allowed [{q.min}, {q.max}]")
        ok = False
    if q.blank_flag:
        flag = 1 if ok and sum(votes) == 0 else 0
        if reveal["blank"] != flag or not _reencrypts(h, parsed.blank, reveal["blank"], reveal["blank_randomness"]):
            report.fail(18, f"{at}.blank", "the blank flag is not 1 exactly for a blank answer, or does not "
                                           "re-encrypt to the published ciphertext")
            ok = False
    elif reveal["blank"] is not None or reveal["blank_randomness"] is not None:
        report.fail(18, f"{at}.blank", f"question {q.id} has no blank flag: blank and blank_randomness are null")
        ok = False
    return votes if ok else None


def check_spoiled(obj: Any) -> tuple[Report, list[tuple[Question, list[int]]]]:
    """Verify a spoiled-ballot value; the report and the revealed votes per question."""
    report: Report = Report()
    if not isinstance(obj, dict) or set(obj) != KEYS or obj["format"] != FORMAT:
        report.fail(1, "", f"not a {FORMAT} file (expected exactly the keys {sorted(KEYS)})")
        return report, []
    problems = [f"election{p[1:]}" for p in structure.check(obj["election"], structure.SHAPES["election.json"])]
    problems += [f"manifest{p[1:]}" for p in structure.check(obj["manifest"], structure.SHAPES["manifest.json"])]
    ballot = obj["ballot"]
    if not isinstance(ballot, dict) or set(ballot) != {"answers", "credential", "election"} or not (
            structure.is_hex(ballot["credential"], 64) and isinstance(ballot["answers"], list)):
        problems.append("ballot: expected an unsigned ballot {answers, credential, election}")
    for problem in problems:
        report.fail(1, "", problem)
    if problems:
        return report, []
    questions, manifest_problems = check_manifest(obj["manifest"])
    for problem in manifest_problems:
        report.fail(4, "manifest", problem)
    fingerprint = canonical.hash_hex(obj["election"])
    if ballot["election"] != fingerprint:
        report.fail(3, "ballot.election", f"is {ballot['election']}, but hash(election) is {fingerprint}")
    if canonical.hash_hex(obj["manifest"]) != obj["election"]["manifest"]:
        report.fail(3, "manifest", "hash(manifest) differs from election.manifest")
    if primitives.point(ballot["credential"]) is None:
        report.fail(7, "ballot.credential", "not a valid point (crypto.md 1.2)")
    h = primitives.point(obj["election"]["public_key"])
    if h is None or manifest_problems or len(ballot["answers"]) != len(questions) or \
            not isinstance(obj["reveal"], list) or len(obj["reveal"]) != len(questions):
        report.fail(7, "ballot", "not checked further: need a valid public key and one answer and one reveal per "
                                 "question")
        return report, []
    hdr = header("range", bytes.fromhex(fingerprint) + bytes.fromhex(ballot["credential"]))
    revealed = []
    for i, (q, answer, reveal) in enumerate(zip(questions, ballot["answers"], obj["reveal"], strict=True)):
        spec = QSpec(q.id, q.options, q.maxima, q.blank_flag, *q.total_range, q.max)
        try:
            parsed = parse_answer(spec, answer)
        except Problem as problem:
            report.fail(problem.check, f"ballot.answers[{i}]{problem.path}", problem.message)
            continue
        for path, (alpha, beta), lo, hi, (cs, zs) in parsed.proofs(spec):
            if not verify_range(hdr, h, alpha, beta, lo, hi, cs, zs):
                report.fail(10, f"ballot.answers[{i}].{path}", parsed.explain(spec, path, lo, hi))
        votes = _reveal(report, q, h, parsed, reveal, f"reveal[{i}]")
        if votes is not None:
            revealed.append((q, votes))
    if report.ok:
        report.passed(18, "", "the proofs verify and the revealed choices re-encrypt to exactly the ciphertexts")
    return report, revealed


def describe(revealed: list[tuple[Question, list[int]]]) -> list[str]:
    """The revealed choices in plain words (German / English labels)."""
    lines = []
    for q, votes in revealed:
        lines.append(f"{q.id}: {q.text['de']} / {q.text['en']}")
        chosen = [(label, v) for label, v in zip(q.labels, votes, strict=True) if v]
        if not chosen:
            lines.append("    blank: no vote in this question / leer: keine Stimme")
        for label, v in chosen:
            suffix = "" if max(q.maxima) == 1 else f": {v} vote{'s' if v != 1 else ''}"
            lines.append(f"    {label['de']} / {label['en']}{suffix}")
    return lines
