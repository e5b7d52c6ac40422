"""Small units: the verifier's own canonical JSON, Lagrange coefficients, discrete logs, the progress bar."""

from __future__ import annotations

import io
import json

import pytest

from ballot_audit import canonical
from ballot_audit.primitives import L, g_times
from ballot_audit.progress import Progress
from ballot_audit.tally import dlog, lagrange

TRICKY = {"b": ["\x00\x1f\x7f", "\"\\/\b\f\n\r\t", "é€😀"], "a": [0, -(2**53) + 1, 2**53 - 1, True, None, {}]}


def test_encoder_matches_the_spec_and_the_fast_path() -> None:
    data = canonical.encode(TRICKY)
    assert data.startswith(b'{"a":[0,-9007199254740991,9007199254740991,true,null,{}],"b":["\\u0000\\u001f\x7f"')
    assert data == canonical.fast_encode(TRICKY)
    assert canonical.parse(data) == TRICKY


@pytest.mark.parametrize("text", [b'{"a":1.0}', b'{"a":1,"a":1}', b'{"a": 1}', b'{"b":1,"a":2}', b'"\\u00E9"',
                                  b"NaN", b'{"a":9007199254740992}', b'"\\ud800"', b"\xff"])
def test_parse_rejects_non_canonical(text: bytes) -> None:
    with pytest.raises(canonical.NotCanonical):
        canonical.parse(text)


def test_lagrange_interpolates_at_zero() -> None:
    # f(x) = 5 + 3x: f(1) = 8, f(3) = 14; lambda_1 * 8 + lambda_3 * 14 == 5
    assert (lagrange(1, [1, 3]) * 8 + lagrange(3, [1, 3]) * 14) % L == 5


def test_dlog() -> None:
    assert dlog(g_times(0), 10) == 0
    assert dlog(g_times(1234), 5000) == 1234
    assert dlog(g_times(1234), 1000) is None


def test_progress_bar_draws_only_when_enabled() -> None:
    out = io.StringIO()
    bar = Progress("verifying", 100, stream=out, enabled=True)
    bar(50)
    bar(50)
    bar.close()
    assert "100.0%" in out.getvalue()
    quiet = io.StringIO()
    Progress("x", 10, stream=quiet)(10)
    assert quiet.getvalue() == ""


def test_report_json_round_trip() -> None:
    from ballot_audit.report import Report

    report = Report()
    report.fail(10, "ballots.jsonl line 3", "range proof does not verify")
    data = json.loads(json.dumps(report.to_json()))
    assert data["ok"] is False and data["verifications"][0]["check_name"] == "proofs"
