"""Pages of binding ballots: the result with the statute's rule trail, the minutes and protocol PDFs and the record
download (docs/internal/referendum-pages.md, P1)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Template
from litestar.types import ControllerRouterHandler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.audit.models import AuditEvent
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import NotFound
from ballot.i18n import gettext as _
from ballot.referendums.board.pages import (
    common_context,
    localized,
    page,
    pdf_response,
)
from ballot.referendums.box import outcome_of
from ballot.referendums.models import (
    Election,
    ElectionState,
    ElectionTrustee,
)
from ballot.referendums.queries import get_election
from ballot.referendums.record.candidates import candidate_section, is_candidate
from ballot.referendums.record.export import may_download_record, record_zip
from ballot.referendums.record.minutes import closing_facts
from ballot.statutes.labels import show_check, value_label
from ballot.web.access import require_login
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot.web.openapi import browser_download
from ballot.web.pdf import render_pdf
from ballot_crypto.statutes.trail import Check

Req = Request[Any, Any, Any]

def _result_questions(election: Election, result: dict[str, Any], evaluation: dict[str, Any]) -> list[dict[str, Any]]:
    counted = int(result.get("ballots", 0))
    shown = []
    candidates = candidate_section(election.questions, result["questions"], evaluation["questions"], counted,
                                   localized)
    for question, entry, evaluated in zip(election.questions, result["questions"], evaluation["questions"],
                                          strict=True):
        if is_candidate(question):  # the candidates of a per-candidate election: one section, where the first is
            if candidates is not None:
                shown.append(candidates)
                candidates = None
            continue
        counts = entry["counts"]
        options = [{"label": localized(o["label"]), "count": counts.get(o["id"], 0),
                    "share": (counts.get(o["id"], 0) / counted) if counted else 0.0} for o in question["options"]]
        decision = evaluated["decision"]
        trail = [show_check(Check(c["name"], c["inputs"], c["result"], c.get("paragraph")))
                 for c in decision.get("trail", [])]
        labels = {o["id"]: localized(o["label"]) for o in question["options"]}
        elected = [labels.get(e, e) for e in decision.get("elected", [])]
        shown.append({
            "text": localized(question["text"]), "kind": question["kind"], "options": options,
            "blank": entry.get("blank", 0), "blank_share": (entry.get("blank", 0) / counted) if counted else 0.0,
            "binding": decision["binding"], "outcome": decision["outcome"],
            "outcome_label": value_label(decision["outcome"]) if decision["outcome"] != "elected" else _("elected"),
            "majority_label": value_label(decision["majority"]) if decision.get("majority") else None,
            "elected": elected, "trail": trail,
            "paragraph": trail[-1].paragraph if trail else None,
        })
    return shown


async def _result_context(db: AsyncSession, principal: Principal, uuid: str) -> dict[str, Any]:
    election, unit = await get_election(db, principal, uuid)
    outcome = await outcome_of(db, election)
    if election.state != ElectionState.TALLIED or outcome is None or outcome.result_json is None:
        raise NotFound(_("The result is published after the tally."))
    result = json.loads(outcome.result_json)
    evaluation = json.loads(str(outcome.evaluation_json))
    context = common_context(election, unit, principal)
    context.update(
        outcome=outcome, counted=result.get("ballots", 0), eligible=evaluation.get("eligible"),
        board_count=election.board_count, postal=_postal_figures(outcome.record_zip),
        questions=_result_questions(election, result, evaluation),
        may_download=await may_download_record(db, principal, election),
    )
    return context


def _postal_figures(record: bytes | None) -> dict[str, int] | None:
    """Paper ballots, Wahlscheine and replaced online ballots from the record's postal.json and openings.json;
    None without postal voting."""
    if record is None:
        return None
    with zipfile.ZipFile(io.BytesIO(record)) as archive:
        names = set(archive.namelist())
        postal = json.loads(archive.read("postal.json")) if "postal.json" in names else {}
        openings = json.loads(archive.read("openings.json")) if "openings.json" in names else {}
    if not postal.get("offered"):
        return None
    replaced = sum(1 for o in openings.get("openings", []) if o.get("excluded") is not None)
    return {"ballots": int(postal.get("ballots", 0)), "voters": int(postal.get("voters", 0)), "replaced": replaced}


@get("/ballots/{uuid:str}/result", name="ballot-result")
async def ballot_result(db: DB, principal: CurrentPrincipal, uuid: FromPath[str]) -> Template:
    """The counts, the decision with the rule trail, the record hash and download (after the tally only)."""
    principal = require_login(principal)
    return page("referendums/result.html", await _result_context(db, principal, uuid))



async def _opened_by(db: AsyncSession, election: Election) -> str | None:
    """The display name of the account that performed the opening (from its audit event)."""
    query = (select(AuditEvent.data, Account.display_name).join(Account, Account.id == AuditEvent.account_id)
             .where(AuditEvent.tag == "referendums:election:open", AuditEvent.unit_id == election.unit_id)
             .order_by(AuditEvent.id.desc()))
    for data, name in (await db.execute(query)).all():
        if isinstance(data, dict) and data.get("election") == election.uuid:
            return str(name)
    return None


@get("/ballots/{uuid:str}/minutes/opening.pdf", name="ballot-minutes-opening")
async def minutes_opening(db: DB, settings: AppSettings, principal: CurrentPrincipal,
                          uuid: FromPath[str]) -> Response[bytes]:
    """The minutes of the opening act (PDF), for everyone who sees the ballot, once it is open."""
    principal = require_login(principal)
    election, unit = await get_election(db, principal, uuid)
    if election.opened_at is None:
        raise NotFound(_("The minutes exist once the ballot is opened."))
    context = common_context(election, unit, principal)
    trustees = (await db.scalars(select(Account.display_name).join(
        ElectionTrustee, ElectionTrustee.account_id == Account.id)
        .where(ElectionTrustee.election_id == election.id).order_by(ElectionTrustee.index))).all()
    context.update(
        opened_by=await _opened_by(db, election), trustees=list(trustees), now=utcnow(),
        credentials_sha256=json.loads(election.election_json or "{}").get("credentials", ""),
        questions=[{"text": localized(q["text"]), "options": [localized(o["label"]) for o in q["options"]]}
                   for q in election.questions],
    )
    data = render_pdf(settings, "referendums/pdf/opening.html", context)
    return pdf_response(data, f"opening-minutes-{election.uuid}.pdf", attachment=False)


@get("/ballots/{uuid:str}/minutes/closing.pdf", name="ballot-minutes-closing")
async def minutes_closing(db: DB, settings: AppSettings, principal: CurrentPrincipal,
                          uuid: FromPath[str]) -> Response[bytes]:
    """The minutes of the closing act (PDF), for everyone who sees the ballot, once it is closed."""
    principal = require_login(principal)
    election, unit = await get_election(db, principal, uuid)
    context = common_context(election, unit, principal)
    context.update(await closing_facts(db, election), now=utcnow())
    data = render_pdf(settings, "referendums/pdf/closing.html", context)
    return pdf_response(data, f"closing-minutes-{election.uuid}.pdf", attachment=False)


@get("/ballots/{uuid:str}/protocol.pdf", name="ballot-protocol")
async def result_protocol(db: DB, settings: AppSettings, principal: CurrentPrincipal,
                          uuid: FromPath[str]) -> Response[bytes]:
    """The result protocol (PDF): the result page's figures, decisions, rule trails and record hash."""
    principal = require_login(principal)
    context = await _result_context(db, principal, uuid)
    context["now"] = utcnow()
    data = render_pdf(settings, "referendums/pdf/protocol.html", context)
    return pdf_response(data, f"result-protocol-{context['election'].uuid}.pdf", attachment=False)


@get("/ballots/{uuid:str}/record.zip", name="ballot-record", include_in_schema=True, operation_id="electionRecord",
     summary="The election record (ZIP, docs/election-record.md); header x-record-sha256 holds its SHA-256",
     responses=browser_download(bytes, "application/zip", "The election record (a download)", 403, 404, 409))
async def ballot_record(db: DB, principal: CurrentPrincipal, uuid: FromPath[str]) -> Response[bytes]:
    """The verified election record (ZIP) for the electorate and auditors."""
    principal = require_login(principal)
    election, _unit = await get_election(db, principal, uuid)
    digest, data = await record_zip(db, principal, election)
    return Response(content=data, media_type="application/zip", headers={
        "content-disposition": f'attachment; filename="ballot-record-{election.uuid}.zip"',
        "x-record-sha256": digest,
    })


routes: list[ControllerRouterHandler] = [
    ballot_result, ballot_record, minutes_opening, minutes_closing, result_protocol,
]
