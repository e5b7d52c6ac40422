"""Pages of binding ballots: trustee part (the recommended offline path of docs/trustee.md in the browser).

The page lists the four steps with their state (five under postal precedence "postal": the opening of sealed
references comes before the decryption), the exact ``ballot-crypto trustee`` command of each, the files
to download for it and a form to upload what the command wrote. Every upload goes through the ceremony and tally
services, which verify it; the page itself refuses unreadable files, files of another trustee and, above all, a
trustee's secret file (it is discarded unread and never stored or echoed)."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import BallotError, Conflict, NotFound, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.referendums.box import outcome_of
from ballot.referendums.models import Election, ElectionState, ElectionTrustee
from ballot.referendums.postal.openings import decryption_blocker, opening_request, submit_opening
from ballot.referendums.queries import get_election
from ballot.referendums.record.tally import submit_decryption
from ballot.referendums.trustees.ceremony import (
    confirm_trustee,
    sealed_shares_for,
    submit_sealed_shares,
    submit_trustee_public,
)
from ballot.referendums.trustees.pages import (
    MAX_UPLOAD_BYTES,
    UploadProblem,
    check_index,
    parse_upload,
    public_of,
    secret_warning,
    trustee_row,
    trustee_view,
)
from ballot.units.models import Unit
from ballot.web.access import require_login
from ballot.web.deps import DB, CurrentPrincipal
from ballot_crypto import canonical

Req = Request[Any, Any, Any]

#: The field of each upload form (also the anchor of its error).
FIELDS = ("public", "shares", "verification_key", "openings", "decryption")


def _notices() -> dict[str, str]:
    return {
        "public": _("Your public data is stored. Compare the fingerprint below with the one the command printed."),
        "shares": _("Your sealed shares are stored. The other trustees can now fetch them."),
        "verification_key": _("Your verification key is confirmed."),
        "openings": _("Your opening shares are stored and their proofs verify."),
        "decryption": _("Your decryption share is stored and its proofs verify."),
    }


async def _load(db: AsyncSession, principal: Principal | None, election_uuid: str
                ) -> tuple[Principal, Election, Unit, ElectionTrustee]:
    """The ballot and the caller's trustee row; NotFound for everyone who is not a trustee of this ballot."""
    principal = require_login(principal)
    election, unit = await get_election(db, principal, election_uuid)
    me = await trustee_row(db, election, principal.account_id)
    if me is None:
        raise NotFound(_("This page does not exist."))
    return principal, election, unit, me


async def _render(db: AsyncSession, election: Election, unit: Unit, me: ElectionTrustee, *, notice: str = "",
                  errors: dict[str, str] | None = None, status: int = 200) -> Template:
    view = await trustee_view(db, election, me, utcnow())
    context = {"election": election, "unit": unit, "view": view, "me": me, "notice": notice,
               "errors": errors or {}, "base": f"/ballots/{election.uuid}/trustee"}
    return Template(template_name="referendums/trustee.html", context=context, status_code=status,
                    media_type=MediaType.HTML)


@get("/ballots/{election_uuid:str}/trustee", name="trustee-page")
async def trustee_page(db: DB, principal: CurrentPrincipal, election_uuid: FromPath[str],
                       done: FromQuery[str] = "") -> Template:
    _principal, election, unit, me = await _load(db, principal, election_uuid)
    return await _render(db, election, unit, me, notice=_notices().get(done, ""))


@get("/ballots/{election_uuid:str}/trustee/panel", name="trustee-panel")
async def trustee_panel(db: DB, principal: CurrentPrincipal, election_uuid: FromPath[str]) -> Template | Response[str]:
    """The trustee's status on the ballot's page (loaded by _trustee_panel.html); empty for everyone else."""
    try:
        _principal, election, _unit, me = await _load(db, principal, election_uuid)
    except BallotError:
        return Response(content="", media_type=MediaType.HTML)
    view = await trustee_view(db, election, me, utcnow())
    return Template(template_name="referendums/trustee_panel_body.html", media_type=MediaType.HTML,
                    context={"election": election, "view": view, "me": me})


def _json_file(value: Any, filename: str) -> Response[bytes]:
    return Response(content=canonical.dumps(value) if not isinstance(value, bytes) else value,
                    media_type="application/json",
                    headers={"content-disposition": f'attachment; filename="{filename}"',
                             "cache-control": "no-store"})


@get("/ballots/{election_uuid:str}/trustee/manifest.json", name="trustee-manifest")
async def download_manifest(db: DB, principal: CurrentPrincipal, election_uuid: FromPath[str]) -> Response[bytes]:
    _principal, election, _unit, _me = await _load(db, principal, election_uuid)
    if election.manifest_json is None:
        raise Conflict(_("This ballot has no manifest yet: the board has not locked it."))
    return _json_file(election.manifest_json.encode(), "manifest.json")


@get("/ballots/{election_uuid:str}/trustee/publics.json", name="trustee-publics")
async def download_publics(db: DB, principal: CurrentPrincipal, election_uuid: FromPath[str]) -> Response[bytes]:
    _principal, election, _unit, me = await _load(db, principal, election_uuid)
    view = await trustee_view(db, election, me)
    if not view.all_publics:
        raise Conflict(_("Not every trustee has submitted their public key yet."))
    return _json_file([public_of(r) for r in view.rows], "alle.json")


@get("/ballots/{election_uuid:str}/trustee/shares.json", name="trustee-shares")
async def download_shares(db: DB, principal: CurrentPrincipal, election_uuid: FromPath[str]) -> Response[bytes]:
    principal_, election, _unit, me = await _load(db, principal, election_uuid)
    shares = await sealed_shares_for(db, principal_, election)
    return _json_file(shares, f"erhalten-{me.index}.json")


@get("/ballots/{election_uuid:str}/trustee/election.json", name="trustee-election")
async def download_election(db: DB, principal: CurrentPrincipal, election_uuid: FromPath[str]) -> Response[bytes]:
    _principal, election, _unit, _me = await _load(db, principal, election_uuid)
    if election.election_json is None:
        raise Conflict(_("The key ceremony of this ballot is not finished yet."))
    return _json_file(election.election_json.encode(), "election.json")


@get("/ballots/{election_uuid:str}/trustee/aggregates.json", name="trustee-aggregates")
async def download_aggregates(db: DB, principal: CurrentPrincipal, election_uuid: FromPath[str]) -> Response[bytes]:
    _principal, election, _unit, _me = await _load(db, principal, election_uuid)
    outcome = await outcome_of(db, election) if election.state in (ElectionState.CLOSED,
                                                                    ElectionState.TALLIED) else None
    if outcome is None:
        raise Conflict(_("The aggregates exist only after the close."))
    blocker = await decryption_blocker(db, election, utcnow())
    if blocker is not None:  # the sums of the close still hold ballots that a joint opening will remove
        raise Conflict(blocker)
    return _json_file(outcome.aggregates_json.encode(), "aggregates.json")


@get("/ballots/{election_uuid:str}/trustee/openings.json", name="trustee-openings")
async def download_opening_request(db: DB, principal: CurrentPrincipal, election_uuid: FromPath[str]
                                   ) -> Response[bytes]:
    """The opening request: exactly the sealed references marked "to open" (postal precedence "postal")."""
    _principal, election, _unit, _me = await _load(db, principal, election_uuid)
    return _json_file(await opening_request(db, election, utcnow()), "oeffnung-anfrage.json")


async def _read_upload(request: Req) -> tuple[bytes | str, str]:
    """(the uploaded file's bytes, or else the pasted text; the form's step) of a multipart form."""
    form = await request.form()
    step = str(form.get("step", ""))
    raw: bytes | str = ""
    for value in form.getall("file") if "file" in form else []:
        if isinstance(value, UploadFile):
            if value.filename and not raw:
                raw = await value.read(MAX_UPLOAD_BYTES + 1)
            await value.close()
    if not raw:
        text = form.get("text", "")
        raw = text if isinstance(text, str) else ""
    return raw, step


async def _refuse(db: AsyncSession, principal: Principal | None, election_uuid: str, field: str, message: str,
                  status: int) -> Template:
    """Roll back whatever the request did and show the page with ``message`` beside ``field``."""
    await db.rollback()
    _principal, election, unit, me = await _load(db, principal, election_uuid)
    return await _render(db, election, unit, me, errors={field: message}, status=status)


def _service_message(exc: ValidationFailed) -> str:
    return "; ".join(str(m) for m in exc.errors.values()) or exc.message


@post("/ballots/{election_uuid:str}/trustee/upload", name="trustee-upload")
async def trustee_upload(request: Req, db: DB, principal: CurrentPrincipal,
                         election_uuid: FromPath[str]) -> Template | Redirect:
    """One of the uploads (``step``: public, shares, verification_key, openings, decryption), verified by the
    service."""
    principal_, election, _unit, me = await _load(db, principal, election_uuid)
    raw, step = await _read_upload(request)
    if step not in FIELDS:
        raise NotFound(_("This page does not exist."))
    try:
        if step == "verification_key":
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            text = text.strip().lower()
            if "ballot-trustee-secret" in text or "transport_secret" in text or "coefficients" in text:
                raise UploadProblem(secret_warning(), secret=True)
            if not text:
                raise UploadProblem(_("Please paste the verification key that the command printed."))
            await confirm_trustee(db, principal_, election, text.removeprefix("verification key").strip())
        else:
            value = parse_upload(raw)
            if step == "public":
                check_index(value, me.index)
                await submit_trustee_public(db, principal_, election, value)
            elif step == "shares":
                check_index(value, me.index, key="from")
                await submit_sealed_shares(db, principal_, election, value)
            elif step == "openings":
                check_index(value, me.index)
                await submit_opening(db, principal_, election, value, utcnow())
            else:
                check_index(value, me.index)
                await submit_decryption(db, principal_, election, value, utcnow())
    except UploadProblem as exc:
        return await _refuse(db, principal, election_uuid, step, exc.message, 422)
    except ValidationFailed as exc:
        return await _refuse(db, principal, election_uuid, step, _service_message(exc), 422)
    except (Conflict, PermissionDenied) as exc:
        return await _refuse(db, principal, election_uuid, step, exc.message, exc.status_code)
    return Redirect(path=f"/ballots/{election.uuid}/trustee?done={step}#step-{step}", status_code=303)


routes: list[ControllerRouterHandler] = [
    trustee_page,
    trustee_panel,
    download_manifest,
    download_publics,
    download_shares,
    download_election,
    download_aggregates,
    download_opening_request,
    trustee_upload,
]
