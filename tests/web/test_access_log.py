"""The allow-list access log (ballot/web/access_log.py) and how ``ballot serve`` runs uvicorn (issue 12, items 2, 3).

Every line: method, route template, status, duration; the client address (never the port) only when turned on and
never on ballot routes; casting leaves no line; a path no route matches is logged as ``-``, never as typed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from litestar import Litestar, get, post
from litestar.params import FromPath

from ballot.cli import serve as serve_cli
from ballot.settings import get_settings, load_settings
from ballot.web.access_log import LOGGER_NAME, AccessLog, log_config

UUID = "0f8f2c1e-3b7a-4a52-9d2e-6f1b2a3c4d5e"
TRACKER = "ab" * 32


@get("/units/{slug:str}", sync_to_thread=False)
def unit(slug: FromPath[str]) -> str:
    return slug


@get("/ballots/{election_uuid:str}/receipt", sync_to_thread=False)
def receipt(election_uuid: FromPath[str]) -> str:
    return election_uuid


@post("/ballots/{election_uuid:str}/cast", sync_to_thread=False, status_code=200)
def cast(election_uuid: FromPath[str]) -> str:
    return election_uuid


@post("/ballots/{election_uuid:str}/vote", sync_to_thread=False, status_code=303)
def vote(election_uuid: FromPath[str]) -> str:
    return election_uuid


@get("/broken", sync_to_thread=False)
def broken() -> str:
    raise RuntimeError("boom")


async def lines(caplog: pytest.LogCaptureFixture, with_client: bool, *calls: tuple[str, str]) -> list[str]:
    app = AccessLog(Litestar([unit, receipt, cast, vote, broken], logging_config=None), with_client=with_client)
    transport = httpx.ASGITransport(app=app, client=("192.0.2.7", 50123))  # type: ignore[arg-type]
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for method, url in calls:
            await client.request(method, url)
    return [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]


async def test_a_line_has_the_route_template_and_no_path_or_query(caplog: pytest.LogCaptureFixture) -> None:
    [line] = await lines(caplog, False, ("GET", f"/units/kreis-nord?tracker={TRACKER}"))
    assert line.startswith("method=GET route=/units/{slug} status=200 duration_ms=")
    assert "kreis-nord" not in line and TRACKER not in line and "?" not in line and "client" not in line


async def test_ballot_routes_never_carry_the_client(caplog: pytest.LogCaptureFixture) -> None:
    receipt_line, unit_line = await lines(caplog, True, ("GET", f"/ballots/{UUID}/receipt"), ("GET", "/units/x"))
    assert receipt_line.startswith("method=GET route=/ballots/{election_uuid}/receipt status=200 ")
    assert UUID not in receipt_line and "client=" not in receipt_line
    assert unit_line.endswith(" client=192.0.2.7") and "50123" not in unit_line


async def test_casting_leaves_no_line(caplog: pytest.LogCaptureFixture) -> None:
    logged = await lines(caplog, True, ("POST", f"/ballots/{UUID}/cast"), ("POST", f"/ballots/{UUID}/vote"),
                         ("GET", "/units/x"))
    assert len(logged) == 1 and "route=/units/{slug}" in logged[0]


async def test_unmatched_paths_and_errors_are_logged_without_the_path(caplog: pytest.LogCaptureFixture) -> None:
    missing, wrong, failed = await lines(caplog, False, ("GET", f"/board?tracker={TRACKER}"),
                                         ("DELETE", "/units/kreis-nord"), ("GET", "/broken"))
    assert missing.startswith("method=GET route=- status=404 ") and TRACKER not in missing
    assert wrong.startswith("method=DELETE route=- status=405 ") and "kreis" not in wrong
    assert failed.startswith("method=GET route=/broken status=500 ")


def test_the_serve_log_config_silences_uvicorns_access_logger() -> None:
    config = log_config()
    access = config["loggers"]["uvicorn.access"]
    assert access["handlers"] == [] and access["propagate"] is False
    assert config["root"]["handlers"] == ["stderr"]


@pytest.fixture
def uvicorn_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Replace uvicorn.run in ``ballot serve``; returns the keyword arguments it was called with."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(serve_cli.uvicorn, "run", lambda app, **kwargs: seen.update(kwargs, app=app))
    get_settings.cache_clear()
    yield seen
    get_settings.cache_clear()


@pytest.mark.parametrize(("proxies", "trusted"), [("", []), ("10.0.0.0/8, 192.0.2.1", ["10.0.0.0/8", "192.0.2.1"])])
def test_serve_trusts_forwarded_headers_only_from_configured_proxies(
        uvicorn_run: dict[str, Any], monkeypatch: pytest.MonkeyPatch, proxies: str, trusted: list[str]) -> None:
    monkeypatch.setenv("BALLOT_TRUSTED_PROXIES", proxies)
    result = CliRunner().invoke(serve_cli.serve, ["--workers", "2"])
    assert result.exit_code == 0, result.output
    assert uvicorn_run["proxy_headers"] is bool(trusted) and uvicorn_run["forwarded_allow_ips"] == trusted
    assert uvicorn_run["access_log"] is False and uvicorn_run["workers"] == 2
    assert uvicorn_run["timeout_worker_healthcheck"] >= 30
    assert uvicorn_run["log_config"]["loggers"]["uvicorn.access"]["handlers"] == []


@pytest.mark.parametrize("value", ["*", "proxy.example", "10.0.0.1/8", "300.1.2.3"])
def test_a_malformed_trusted_proxy_stops_the_start(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("BALLOT_TRUSTED_PROXIES", value)
    with pytest.raises(SystemExit, match="BALLOT_TRUSTED_PROXIES"):
        load_settings()


def test_client_addresses_are_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BALLOT_ACCESS_LOG_CLIENT", raising=False)
    monkeypatch.delenv("BALLOT_TRUSTED_PROXIES", raising=False)
    settings = load_settings()
    assert settings.access_log_client is False and settings.trusted_proxies == ()
