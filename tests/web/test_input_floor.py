"""The input floor (ballot.web.inputs, forms, request, errors): control characters, JSON limits, integer fields,
out-of-range path ids, error logging and the security headers of error pages."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar import Litestar, get
from litestar.params import FromPath
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ballot.db import create_engine
from ballot.exceptions import ValidationFailed
from ballot.i18n import use_locale
from ballot.web.errors import EXCEPTION_HANDLERS
from ballot.web.forms import form_int
from ballot.web.inputs import (
    MAX_JSON_BYTES,
    MAX_JSON_DEPTH,
    BadJsonBody,
    check_json_body,
    has_control_character,
    json_control_errors,
    json_depth,
)
from ballot.web.request import GuardedRequest
from ballot.web.security_headers import HEADERS
from tests.factories import csrf_token

REFUSED = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0))]


@pytest.mark.parametrize("char", REFUSED)
def test_control_characters_are_refused(char: str) -> None:
    assert has_control_character(f"a{char}b")


@pytest.mark.parametrize("text", ["tab\there", "two\nlines", "crlf\r\n", "Grüße, Ωμέγα, ❤", "\u00a0nbsp", ""])
def test_ordinary_text_and_tab_newline_pass(text: str) -> None:
    assert not has_control_character(text)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(alphabet="[]{}\"\\ab,:"),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                  max_size=3), max_leaves=20))
def test_json_depth_matches_the_structure(value: object) -> None:
    def depth(item: object) -> int:
        if isinstance(item, list):
            return 1 + max((depth(x) for x in item), default=0)
        if isinstance(item, dict):
            return 1 + max((depth(x) for x in item.values()), default=0)
        return 0

    assert json_depth(json.dumps(value).encode()) == depth(value)


def test_json_limits_are_checked_before_parsing() -> None:
    check_json_body(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    with use_locale("en"):  # the messages are read in English; the default locale is German
        with pytest.raises(BadJsonBody, match="nested"):
            check_json_body(b"[" * (MAX_JSON_DEPTH + 1))
        with pytest.raises(BadJsonBody, match="nested"):
            check_json_body(b"[" * 100_000)
        with pytest.raises(BadJsonBody, match="larger"):
            check_json_body(b'"' + b"a" * MAX_JSON_BYTES + b'"')


def test_json_strings_with_control_characters_are_named_by_path() -> None:
    assert set(json_control_errors({"a": [{"b": "ok"}, {"c": "x\x00"}], "d\x01": 1, "e": "fine\n"})) == {
        "a[1].c", "d?"}


@pytest.mark.parametrize(("raw", "expected"), [("", None), ("  ", None), ("7", 7), ("-1", -1), (" 12 ", 12),
                                               (str(2**31 - 1), 2**31 - 1)])
def test_form_int_reads_integers_in_range(raw: str, expected: int | None) -> None:
    assert form_int({"n": raw}, "n") == expected


@pytest.mark.parametrize("raw", [str(2**31), str(2**63), str(2**64), str(-(2**31) - 1), "1e3", "x", "9" * 5000])
def test_form_int_names_the_field_when_out_of_range(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        form_int({"member_id": raw}, "member_id")
    assert set(caught.value.errors) == {"member_id"}


async def test_nul_in_a_login_field_is_a_422_naming_the_field(client: AsyncTestClient[Litestar]) -> None:
    token = await csrf_token(client)
    response = await client.post("/login", data={"email": "a\x00b", "password": "secret", "_csrf_token": token})
    assert response.status_code == 422
    assert "<strong>email</strong>" in response.text
    assert all(name in response.headers for name in HEADERS)


async def test_api_json_with_nul_is_a_problem_naming_the_field(client: AsyncTestClient[Litestar]) -> None:
    # the body is read before the handler checks the token, so the field check answers even without one
    response = await client.put("/api/v1/members/1", content=b'{"given_name": "a\\u0000b", "city": "ok"}',
                                headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert set(response.json()["errors"]) == {"given_name"}


@pytest.mark.parametrize("body", [b"[" * 100_000, b'["' + b"a" * (MAX_JSON_BYTES + 1) + b'"]'])
async def test_oversized_and_deep_api_json_is_a_400_problem(client: AsyncTestClient[Litestar], body: bytes) -> None:
    response = await client.put("/api/v1/members/1", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "JSON body" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/motions/2147483648/amend", "/discussions/9223372036854775808",
                                  "/surveys/18446744073709551616", "/units/x/statute/versions/-2147483649"])
async def test_out_of_range_path_ids_are_404_with_security_headers(client: AsyncTestClient[Litestar],
                                                                   path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert all(name in response.headers for name in HEADERS)


@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/no/such/page", 404), ("DELETE", "/login", 405),
                                                        ("GET", "/api/v1/nothing", 404)])
async def test_error_pages_outside_routes_carry_the_security_headers(client: AsyncTestClient[Litestar], method: str,
                                                                     path: str, status: int) -> None:
    response = await client.request(method, path)
    assert response.status_code == status
    assert {name: response.headers.get(name) for name in HEADERS} == HEADERS
    assert response.headers["cache-control"] == "no-store"


async def test_unexpected_errors_log_type_and_route_template_only(caplog: pytest.LogCaptureFixture) -> None:
    secret = "SELECT ballot FROM votes WHERE member = 'hanna@example.org'"

    @get("/api/boom/{item_id:int}", sync_to_thread=False)
    def boom(item_id: FromPath[int]) -> None:
        raise RuntimeError(secret)

    app = Litestar([boom], exception_handlers=EXCEPTION_HANDLERS, request_class=GuardedRequest,  # type: ignore[arg-type]
                   logging_config=None)
    with caplog.at_level(logging.INFO, logger="ballot.errors"):
        async with AsyncTestClient(app=app) as client:
            response = await client.get("/api/boom/4711?email=hanna@example.org")
    assert response.status_code == 500
    assert secret not in response.text
    [record] = [r for r in caplog.records if r.name == "ballot.errors"]
    line = record.getMessage()
    assert "RuntimeError" in line and "/api/boom/{item_id}" in line
    assert "4711" not in line and "hanna" not in line and "SELECT" not in line
    assert record.exc_info is None and record.exc_text is None


async def test_sql_errors_never_carry_the_bound_parameters(database: tuple[str, str | None]) -> None:
    engine = create_engine(*database)
    try:
        async with engine.connect() as conn:
            with pytest.raises(DBAPIError) as caught:
                await conn.execute(text("SELECT * FROM no_such_table WHERE x = :v"), {"v": "hanna-4711"})
    finally:
        await engine.dispose()
    assert "hanna-4711" not in str(caught.value)
    assert engine.sync_engine.hide_parameters


async def test_database_loggers_echo_no_sql_or_parameters(database: tuple[str, str | None],
                                                          caplog: pytest.LogCaptureFixture) -> None:
    """With every logger at INFO (as ``app_from_env`` configures the root), SQLAlchemy and the drivers log nothing
    that holds a statement or a bound parameter."""
    engine = create_engine(*database)
    with caplog.at_level(logging.DEBUG):
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT :v"), {"v": "hanna-4712"})
                with pytest.raises(DBAPIError):
                    await conn.execute(text("SELECT * FROM no_such_table WHERE x = :v"), {"v": "hanna-4713"})
        finally:
            await engine.dispose()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "hanna-47" not in logged and "no_such_table" not in logged
