"""The `ballot-audit` command line: `verify PATH` and `spoiled FILE`.

Exit codes: 0 valid, 1 invalid (every failure is named), 2 unreadable (with the reason, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ballot_audit.progress import Progress
from ballot_audit.report import RECORD_CHECKS, Report
from ballot_audit.source import Unreadable
from ballot_audit.spoiled import check_spoiled, describe, load
from ballot_audit.verify import verify

OK, INVALID, UNREADABLE = 0, 1, 2


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=1, ensure_ascii=False))


def _unreadable(reason: str, as_json: bool) -> int:
    if as_json:
        _print_json({"ok": False, "unreadable": reason, "verifications": []})
    print(f"ballot-audit: cannot read: {reason}", file=sys.stderr)
    return UNREADABLE


def _summary_lines(report: Report) -> list[str]:
    s = report.summary
    lines = [f"record hash {s.get('record_hash', '')}", f"election    {s.get('election', '')}",
             f"eligible {s.get('eligible', '?')}, cast {s.get('cast', '?')}, counted {s.get('counted', '?')}"]
    decisions = {d["question"]: d for d in s.get("decisions", [])}
    for q in s.get("result", []):
        counts = ", ".join(f"{k} {v}" for k, v in q["counts"].items())
        lines.append(f"  {q['question']}: {counts}; blank {q['blank']}")
        if q["question"] in decisions:
            lines.append(f"    -> {decision_line(decisions[q['question']])}")
    return lines


def decision_line(d: dict[str, Any]) -> str:
    """'binding: adopted (§ 8 Abs. 3)', 'not binding: invalid (§ 13 Abs. 6)', with the elected for elections."""
    elected = f" {', '.join(d['elected'])}" if d.get("elected") else ""
    paragraph = d["paragraph"] or "no paragraph given"
    return f"{'binding' if d['binding'] else 'not binding'}: {d['outcome']}{elected} ({paragraph})"


def _not_reached(report: Report) -> None:
    seen = {item.check for item in report.items}
    for check in RECORD_CHECKS:
        if check not in seen:
            report.fail(check, "", "not checked: it depends on parts that failed above")


def _verify(args: argparse.Namespace) -> int:
    path = Path(args.path)
    bars: list[Progress] = []

    def progress(label: str, total: int) -> Callable[[int], None]:
        bar = Progress(label, total, enabled=False if args.json or args.quiet else None)
        bars.append(bar)
        return bar

    try:
        report = verify(path, processes=args.processes, progress=progress)
    except Unreadable as exc:
        return _unreadable(str(exc), args.json)
    finally:
        for bar in bars:
            bar.close()
    _not_reached(report)
    report.items.sort(key=lambda item: item.check)  # stable: file order within a check
    if args.json:
        _print_json(report.to_json())
    elif report.ok:
        print(f"VALID: {path} passes all {len(RECORD_CHECKS)} checks of docs/election-record.md section 4")
        print("\n".join(_summary_lines(report)))
        if args.verbose:
            print("\n".join(item.line() for item in report.items))
    else:
        failures = report.failures
        print(f"INVALID: {path}: {len(failures)} failure{'s' if len(failures) != 1 else ''}")
        print("\n".join(item.line() for item in (report.items if args.verbose else failures)))
        print(f"record hash {report.summary.get('record_hash', '')}")
    return OK if report.ok else INVALID


def _spoiled(args: argparse.Namespace) -> int:
    try:
        report, revealed = check_spoiled(load(Path(args.file)))
    except Unreadable as exc:
        return _unreadable(str(exc), args.json)
    if args.json:
        out = report.to_json()
        out["choices"] = [{"question": q.id, "votes": dict(zip(q.options, v, strict=True))} for q, v in revealed]
        _print_json(out)
    elif report.ok:
        print(f"VALID spoiled ballot {args.file}: it encrypts exactly these choices:")
        print("\n".join(describe(revealed)))
        print("This ballot was audited, so it can never be cast. Compare the choices with what you selected.")
    else:
        print(f"INVALID spoiled ballot {args.file}: {len(report.failures)} failures")
        print("\n".join(item.line() for item in report.failures))
    return OK if report.ok else INVALID


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ballot-audit", description="Independent verifier of election records.")
    commands = parser.add_subparsers(dest="command", required=True)
    ver = commands.add_parser("verify", help="verify an election record (a directory or a .zip)")
    ver.add_argument("path")
    ver.add_argument("--json", action="store_true", help="print a machine-readable report")
    ver.add_argument("--processes", type=int, default=None, help="worker processes (default: every CPU core)")
    ver.add_argument("--verbose", "-v", action="store_true", help="also list the checks that passed")
    ver.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    ver.set_defaults(run=_verify)
    spo = commands.add_parser("spoiled", help="verify a spoiled (audited) ballot and show its choices")
    spo.add_argument("file")
    spo.add_argument("--json", action="store_true", help="print a machine-readable report")
    spo.set_defaults(run=_spoiled)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("ballot-audit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a verifier bug must still not print a traceback
        return _unreadable(f"internal error while checking ({type(exc).__name__}: {exc})", args.json)


if __name__ == "__main__":
    sys.exit(main())
