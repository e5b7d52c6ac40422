"""No bad input gives a 500: every route of the route table, as an anonymous visitor and as an admin, on both
backends, on the demo organisation (so that id 1, the demo ballot's uuid and the unit slugs name real objects), with
out-of-range ids in the path, the query and the form, a NUL byte in every text field, a deeply nested and an
oversized JSON body. Every answer is below 500 and carries the security headers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.demo.ballot import load_demo_ballot
from ballot.demo.data import FEDERAL_SLUG, load_demo
from ballot.members.models import Member
from ballot.settings import Settings
from ballot.web.inputs import MAX_JSON_BYTES
from ballot.web.security_headers import HEADERS
from tests.factories import Factory, csrf_token
from tests.web.route_table import RouteCase, form_field_names, route_cases

BAD_IDS = (2**31, 2**63, 2**64, -1)
NUL_TEXT = "a\x00b"
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
BIG_JSON = b'["' + b"a" * (MAX_JSON_BYTES + 1) + b'"]'
#: Streams that stay open while their object exists; the test sends them only ids that name no object.
STREAMS = ("/live", "/events")


@dataclass(frozen=True)
class Probe:
    """One request of the sweep and the name of the bad input it carries."""

    case: RouteCase
    what: str
    path: str
    form: dict[str, str] | None = None
    json: bytes | None = None
    query: dict[str, str] | None = None


def probes(app: Litestar, texts: dict[str, str]) -> list[Probe]:
    """The bad requests for every route: ids in the path, and for routes taking a body, NUL and ids in every form
    field, deep and oversized JSON; for routes reading the query, NUL and ids in every query parameter. Path
    parameters that are not bad get 1 (ints) or ``texts[name]`` (a real slug, uuid, code; "x" when unknown)."""
    fields = form_field_names()
    result: list[Probe] = []
    for case in route_cases(app):
        if case.path_params:
            result += [Probe(case, f"path id {bad}", case.fill(bad, lambda _name, b=bad: str(b))) for bad in BAD_IDS]
        good = case.fill(1, lambda name: texts.get(name, "x"))
        if case.query_params and not case.path.endswith(STREAMS):
            result.append(Probe(case, "query NUL", good, query=dict.fromkeys(case.query_params, NUL_TEXT)))
            result += [Probe(case, f"query id {bad}", good, query=dict.fromkeys(case.query_params, str(bad)))
                       for bad in BAD_IDS]
        if case.method in {"POST", "PUT", "PATCH"}:
            result.append(Probe(case, "form NUL", good, form=dict.fromkeys(fields, NUL_TEXT)))
            result += [Probe(case, f"form id {bad}", good, form=dict.fromkeys(fields, str(bad))) for bad in BAD_IDS]
            result.append(Probe(case, "deep JSON", good, json=DEEP_JSON))
            result.append(Probe(case, "oversized JSON", good, json=BIG_JSON))
    return result


async def demo_texts(db: AsyncSession, settings: Settings) -> dict[str, str]:
    """The demo organisation (with its open ballot) and real values for the text path parameters."""
    await load_demo(db, Factory(db, settings).hasher)
    await db.commit()
    election = await load_demo_ballot(db, settings, FEDERAL_SLUG)
    await db.commit()
    assert election is not None
    number = await db.scalar(select(Member.number).order_by(Member.id).limit(1))
    return {"slug": FEDERAL_SLUG, "uuid": election.uuid, "election_uuid": election.uuid, "number": str(number),
            "kind": "motion", "ref": "1", "name": "open", "action": "open", "path": "openapi.json"}


async def send(client: AsyncTestClient[Litestar], probe: Probe, token: str) -> tuple[int, dict[str, str]]:
    """Send ``probe`` (with the CSRF token, so the request reaches the handler) and return status and headers."""
    if probe.json is not None:
        response = await client.request(probe.case.method, probe.path, content=probe.json,
                                        headers={"content-type": "application/json", "x-csrftoken": token})
    elif probe.form is not None:
        response = await client.request(probe.case.method, probe.path, data={**probe.form, "_csrf_token": token},
                                        params=probe.query)
    else:
        response = await client.request(probe.case.method, probe.path, params=probe.query)
    return response.status_code, dict(response.headers)


@pytest.mark.parametrize("who", ["anonymous", "admin"])
async def test_no_bad_input_gives_a_500(who: str, app: Litestar, client: AsyncTestClient[Litestar],
                                        db: AsyncSession, settings: Settings) -> None:
    texts = await demo_texts(db, settings)
    admin = await db.scalar(select(Account).where(Account.email == "admin@demo.example"))
    assert admin is not None
    factory = Factory(db, settings)
    sweep = probes(app, texts)
    failures = []
    token = await csrf_token(client)
    for probe in sweep:
        if who == "admin" and probe.case.method != "GET":
            await factory.login(client, admin)  # a probe may have ended the session (logout, end all sessions)
        status, headers = await send(client, probe, token)
        missing = [name for name in HEADERS if name not in headers]
        if status >= 500 or missing:
            failures.append(f"{probe.case.method} {probe.case.path} [{probe.what}] -> {status} missing {missing}")
    assert len(sweep) > 1000
    assert not failures, "\n".join(failures)
