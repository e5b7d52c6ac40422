"""An accepted ballot survives a crash of the server (issue 5, item 7).

A live uvicorn server (subprocess) on a temporary SQLite file, and on a private PostgreSQL schema when one is
reachable, with an open ballot prepared by tests/referendums/live.py. One ballot is cast over HTTP (session cookie,
CSRF cookie and x-csrftoken header); as soon as the receipt arrives the server is killed with SIGKILL, started again on
the same database, and the ballot must be on the board at the receipt's position with its tracker and chain.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ballot.web.cookies import SESSION_COOKIE
from ballot_crypto import credentials
from ballot_crypto.ballots import encrypt_ballot, sign_ballot
from ballot_crypto.board import RECEIPT_DOMAIN, verify_signed
from tests.conftest import postgres_unavailable
from tests.referendums import live

pytestmark = pytest.mark.slow

ROW = re.compile(r'<td>(\d+)</td>\s*<td><code class="hash">([0-9a-f]{64})</code></td>\s*'
                 r'<td><code class="hash">([0-9a-f]{64})</code></td>')


@pytest.fixture(params=["sqlite", "postgres"])
def server_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    if request.param == "postgres" and (reason := postgres_unavailable()):
        pytest.skip(reason)
    with live.backend_env(request.param, tmp_path, "crash") as env:
        yield env


def _ballot(info: dict[str, Any], credential: str) -> dict[str, Any]:
    key = credentials.signing_key(credential, uuid.UUID(info["uuid"]).bytes)
    unsigned, _secrets = encrypt_ballot(live.crypto_election(info), bytes(key.verify_key), [[1, 0, 0]])
    return sign_ballot(unsigned, key)


def test_accepted_ballot_survives_sigkill(server_env: dict[str, str], tmp_path: Path) -> None:
    info = live.prepare(server_env, voters=1)
    voter = info["voters"][0]
    ballot = _ballot(info, voter["credential"])
    base = f"/ballots/{info['uuid']}"
    server = live.Server(server_env, live.free_port(), tmp_path / "server.log")
    server.start()
    try:
        with httpx.Client(base_url=server.url, cookies={SESSION_COOKIE: voter["token"]}, timeout=30) as client:
            assert client.get(f"{base}/board").status_code == 200
            token = client.cookies.get("csrftoken")
            assert token, "no CSRF cookie was set"
            response = client.post(f"{base}/cast", content=json.dumps(ballot),
                                   headers={"x-csrftoken": token, "content-type": "application/json"})
            server.kill()  # at once: the receipt is all the voter holds
        assert response.status_code == 200, response.text
        receipt = response.json()["receipt"]
        assert receipt["position"] == 1
        payload = {k: v for k, v in receipt.items() if k != "signature"}
        assert verify_signed(RECEIPT_DOMAIN, payload, receipt["signature"], bytes.fromhex(info["board_key"]))
        assert receipt["election"] == info["fingerprint"]

        server.start()
        with httpx.Client(base_url=server.url, cookies={SESSION_COOKIE: voter["token"]}, timeout=30) as client:
            assert client.get(f"{base}/board").status_code == 200
            form = {"_csrf_token": client.cookies.get("csrftoken") or "", "tracker": receipt["tracker"]}
            board = client.post(f"{base}/board", data=form)
            assert board.status_code == 200
            rows = [(int(p), t, c) for p, t, c in ROW.findall(board.text)]
            assert rows == [(receipt["position"], receipt["tracker"], receipt["chain"])]
            answer = html.unescape(board.text)
            assert (f"Ihr Stimmzettel ist auf der Urnenliste an Position {receipt['position']}." in answer
                    or f"Your ballot is on the bulletin board at position {receipt['position']}." in answer)
            again = client.post(f"{base}/receipt", data=form | {"download": "1"})
            assert again.status_code == 200
            assert again.json() == receipt
    finally:
        server.stop()
