"""Pages of binding ballots: voter part.

The booth (GET/POST /ballots/{uuid}/vote: the form; without JavaScript the server encrypts), the booth's JSON
(GET /ballots/{uuid}/booth.json, POST /ballots/{uuid}/cast: a ballot encrypted in the browser), the receipt and the
bulletin board with the tracker check. Nothing here logs a member together with a choice or a ballot, and no URL
carries a tracker: casting hands the tracker to the receipt page in a short-lived cookie scoped to that page, and the
receipt download and the board check take it from a POST body (decision 0002, "Logs"; docs/member.md, "Quittung").
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from litestar import MediaType, Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.exceptions import ClientException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from sqlalchemy import select

from ballot.db import utcnow
from ballot.exceptions import BallotError, NotAuthenticated, NotFound, ValidationFailed
from ballot.i18n import gettext as _
from ballot.ratelimit import RateLimiter
from ballot.referendums.booth.appender import appender_of
from ballot.referendums.booth.casting import CAST_LIMIT, CAST_WINDOW, BallotRefused, cast_ballot, cast_choices
from ballot.referendums.booth.services import (
    TRACKER_RE,
    FormValues,
    entry_by_tracker,
    hidden_fields,
    in_words,
    normal_tracker,
    questions_of,
    read_choices,
    receipt_of,
    selected,
    standing,
)
from ballot.referendums.models import BoardEntry, Election, ElectionState
from ballot.referendums.queries import get_election
from ballot.settings import Settings
from ballot.web.access import require_login
from ballot.web.cookies import SESSION_COOKIE
from ballot.web.deps import DB, AppSettings, CurrentPrincipal
from ballot.web.errors import TITLES
from ballot.web.inputs import BadJsonBody
from ballot.web.ratelimit import get_limiter
from ballot_crypto import credentials
from ballot_crypto.errors import InvalidEncoding

BOARD_PAGE = 100
BOARD_STATES = (ElectionState.OPEN, ElectionState.CLOSED, ElectionState.TALLIED)
CLOSED_STATES = (ElectionState.CLOSED, ElectionState.TALLIED)
#: The cookie that carries a fresh receipt's tracker from casting to the receipt page (never in a URL).
RECEIPT_COOKIE = "ballot_receipt"
RECEIPT_COOKIE_SECONDS = 600


def _is_partial(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


def _base(election: Election) -> str:
    return f"/ballots/{election.uuid}"


def _session_tag(settings: Settings, request: Request[Any, Any, Any], tracker: str) -> str:
    """Binds a receipt cookie to the login session that cast: another session on the same browser cannot read it."""
    message = f"receipt-cookie|{request.cookies.get(SESSION_COOKIE, '')}|{tracker}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def _receipt_cookie(settings: Settings, request: Request[Any, Any, Any], election: Election, tracker: str) -> Cookie:
    """The tracker for the receipt page only (HttpOnly, SameSite=Strict, ten minutes, this login session only)."""
    return Cookie(key=RECEIPT_COOKIE, value=f"{tracker}.{_session_tag(settings, request, tracker)}",
                  max_age=RECEIPT_COOKIE_SECONDS, path=f"{_base(election)}/receipt", httponly=True,
                  samesite="strict", secure=settings.secure_cookies)


def _cookie_tracker(settings: Settings, request: Request[Any, Any, Any]) -> str:
    """The tracker in the receipt cookie when it was set in this login session; else ``""``."""
    tracker, _dot, tag = request.cookies.get(RECEIPT_COOKIE, "").partition(".")
    expected = _session_tag(settings, request, tracker)
    return tracker if tag and hmac.compare_digest(tag.encode(), expected.encode()) else ""


async def _form_values(request: Request[Any, Any, Any]) -> FormValues:
    form = await request.form()
    return FormValues([(k, str(v)) for k, v in form.multi_items() if k != "_csrf_token"])


def _booth_context(election: Election, unit: Any, **extra: Any) -> dict[str, Any]:
    questions = questions_of(election)
    context: dict[str, Any] = {"election": election, "unit": unit, "questions": questions, "base": _base(election),
                               "errors": {}, "values": {}, "credential": ""}
    context.update(extra)
    return context


def cast_limiter(state: State) -> RateLimiter:
    """The application's per-account rate limiter for casting."""
    return get_limiter(state, "referendums:cast", CAST_LIMIT, CAST_WINDOW)


@get("/ballots/{election_uuid:str}/vote", name="voter-booth")
async def booth_page(db: DB, principal: CurrentPrincipal, election_uuid: FromPath[str]) -> Template:
    """The voting booth for a member of the frozen electorate while the ballot is open; else a page saying why."""
    principal = require_login(principal)
    election, unit = await get_election(db, principal, election_uuid)
    status = await standing(db, principal, election, utcnow())
    if not status.may_vote:
        return Template(template_name="referendums/vote_refused.html", status_code=status.status,
                        context={"election": election, "unit": unit, "standing": status, "base": _base(election)})
    return Template(template_name="referendums/vote.html",
                    context=_booth_context(election, unit, standing=status))


@post("/ballots/{election_uuid:str}/vote", name="voter-vote")
async def vote_form(request: Request[Any, Any, Any], db: DB, settings: AppSettings, principal: CurrentPrincipal,
                    election_uuid: FromPath[str]) -> Template | Redirect:
    """The booth without JavaScript: ``step=review`` shows the choices in words, ``step=cast`` lets the server
    encrypt and cast them, ``step=edit`` goes back to the form."""
    principal = require_login(principal)
    election, unit = await get_election(db, principal, election_uuid)
    now = utcnow()
    status = await standing(db, principal, election, now)
    if not status.may_vote:
        return Template(template_name="referendums/vote_refused.html", status_code=status.status,
                        context={"election": election, "unit": unit, "standing": status, "base": _base(election)})
    form = await _form_values(request)
    questions = questions_of(election)
    choices, errors = read_choices(questions, form)
    credential = form.get("credential")
    step = form.get("step")
    if not credential:
        errors["credential"] = _("Please enter your voting credential from the credential mail or letter.")
    else:
        try:
            credentials.parse_credential(credential)
        except InvalidEncoding as exc:
            errors["credential"] = _("The credential is not valid: %(reason)s", reason=str(exc))
    if errors or step == "edit":
        return Template(template_name="referendums/vote.html", status_code=422 if errors else 200,
                        context=_booth_context(election, unit, standing=status, errors=errors,
                                               values=selected(questions, choices), credential=credential))
    if step != "cast":
        return Template(template_name="referendums/vote_review.html",
                        context={"election": election, "unit": unit, "base": _base(election), "standing": status,
                                 "answers": in_words(questions, choices),
                                 "hidden": hidden_fields(questions, choices), "credential": credential})
    try:
        receipt = await cast_choices(db, settings, election, principal.member_id or 0, credential, choices, now,
                                     limiter=cast_limiter(request.app.state), appender=appender_of(request.app.state))
    except (ValidationFailed, BallotRefused) as exc:
        if isinstance(exc, ValidationFailed):
            errors = {k: str(v) for k, v in exc.errors.items()}
        else:
            errors = {"credential": exc.message}
        return Template(template_name="referendums/vote.html", status_code=422,
                        context=_booth_context(election, unit, standing=status, errors=errors,
                                               values=selected(questions, choices), credential=credential))
    return Redirect(path=f"{_base(election)}/receipt", status_code=303,
                    cookies=[_receipt_cookie(settings, request, election, receipt["tracker"])])


@get("/ballots/{election_uuid:str}/booth.json", name="voter-booth-json")
async def booth_json(db: DB, principal: CurrentPrincipal, election_uuid: FromPath[str]) -> Response[Any]:
    """What the JavaScript booth needs: election.json, manifest.json, the public key and the fingerprint."""
    principal = require_login(principal)
    election, _unit = await get_election(db, principal, election_uuid)
    if not election.election_json or not election.manifest_json or election.state not in BOARD_STATES:
        raise NotFound(_("This ballot has no booth yet."))
    body = {"election": json.loads(election.election_json), "manifest": json.loads(election.manifest_json),
            "public_key": election.public_key, "fingerprint": election.fingerprint,
            "cast": f"{_base(election)}/cast", "receipt": f"{_base(election)}/receipt"}
    return Response(content=body, media_type=MediaType.JSON)


def _problem(status: int, detail: str, **extra: Any) -> Response[Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": str(TITLES.get(status, "Error")), "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return Response(content=body, status_code=status, media_type="application/problem+json")


@post("/ballots/{election_uuid:str}/cast", name="voter-cast")
async def cast_json(request: Request[Any, Any, Any], db: DB, settings: AppSettings, principal: CurrentPrincipal,
                    election_uuid: FromPath[str]) -> Response[Any]:
    """A ballot encrypted, proved and signed in the browser (JSON) -> the signed receipt, or problem+json."""
    try:
        if principal is None:
            raise NotAuthenticated(_("Please log in first."))
        election, _unit = await get_election(db, principal, election_uuid)
        now = utcnow()
        try:
            ballot = await request.json()
        except BadJsonBody as exc:
            return _problem(400, exc.message)
        except ClientException:
            return _problem(400, _("The ballot is not valid JSON."))
        if not isinstance(ballot, dict) or not isinstance(ballot.get("credential"), str):
            return _problem(422, _("The ballot is not valid (check %(check)d); nothing was stored.", check=7),
                            check=7)
        receipt = await cast_ballot(db, settings, election, principal.member_id or 0, ballot, now,
                                    limiter=cast_limiter(request.app.state), appender=appender_of(request.app.state))
    except BallotRefused as exc:
        return _problem(exc.status_code, exc.message, check=exc.check)
    except BallotError as exc:
        response = _problem(exc.status_code, exc.message)
        retry = getattr(exc, "retry_after", None)
        if retry is not None:
            response.headers["retry-after"] = str(retry)
        return response
    except (KeyError, TypeError, ValueError):
        return _problem(422, _("The ballot is not valid (check %(check)d); nothing was stored.", check=7), check=7)
    return Response(content={"receipt": receipt, "receipt_url": f"{_base(election)}/receipt"},
                    media_type=MediaType.JSON, status_code=200,
                    cookies=[_receipt_cookie(settings, request, election, receipt["tracker"])])


def _receipt_form(election: Election, unit: Any, tracker: str = "", error: str = "") -> Template:
    """The receipt page without a receipt: a form to show one by its tracker (after the cookie expired)."""
    return Template(template_name="referendums/receipt.html", status_code=422 if error else 200,
                    context={"election": election, "unit": unit, "base": _base(election), "receipt": None,
                             "tracker": tracker, "tracker_error": error})


async def _receipt(db: DB, settings: Settings, election: Election, unit: Any, tracker: str,
                   download: bool) -> Template | Response[Any]:
    """The receipt of the board position with ``tracker`` as a page, or as a JSON download."""
    wanted = normal_tracker(tracker)
    if not TRACKER_RE.match(wanted):
        return _receipt_form(election, unit, tracker[:80], _("A tracker consists of 64 characters 0-9 and a-f."))
    entry = await entry_by_tracker(db, election, wanted) if election.state in BOARD_STATES else None
    if entry is None:
        raise NotFound(_("There is no ballot with this tracker on the bulletin board."))
    receipt = receipt_of(settings, election, entry)
    text = json.dumps(receipt, indent=2, sort_keys=True)
    if download:
        name = f"receipt-{election.uuid[:8]}-{entry.position}.json"
        return Response(content=text.encode(), media_type=MediaType.JSON,
                        headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"})
    return Template(template_name="referendums/receipt.html", headers={"cache-control": "no-store"},
                    context={"election": election, "unit": unit, "base": _base(election), "receipt": receipt,
                             "receipt_json": text})


@get("/ballots/{election_uuid:str}/receipt", name="voter-receipt")
async def receipt_page(request: Request[Any, Any, Any], db: DB, settings: AppSettings, principal: CurrentPrincipal,
                       election_uuid: FromPath[str]) -> Template | Response[Any]:
    """The receipt of the ballot just cast (its tracker comes in the receipt cookie): position, tracker, chain, the
    server's signature. Everything on it is public board data; it names no choice. Without the cookie (expired,
    or set in another login session): a form that asks for the tracker."""
    principal = require_login(principal)
    election, unit = await get_election(db, principal, election_uuid)
    tracker = _cookie_tracker(settings, request)
    if not tracker:
        return _receipt_form(election, unit)
    return await _receipt(db, settings, election, unit, tracker, download=False)


@post("/ballots/{election_uuid:str}/receipt", name="voter-receipt-post", status_code=200)
async def receipt_post(request: Request[Any, Any, Any], db: DB, settings: AppSettings, principal: CurrentPrincipal,
                       election_uuid: FromPath[str]) -> Template | Response[Any]:
    """The receipt for the tracker in the form body; with ``download`` set, the signed receipt as a JSON file."""
    principal = require_login(principal)
    election, unit = await get_election(db, principal, election_uuid)
    form = await _form_values(request)
    return await _receipt(db, settings, election, unit, form.get("tracker") or "", download=bool(form.get("download")))


def _answer(election: Election, entry: BoardEntry | None) -> dict[str, Any]:
    """The plain answer to a tracker search."""
    if entry is None:
        return {"found": False, "kind": "missing",
                "text": _("Not found: there is no ballot with this tracker on the bulletin board.")}
    closed = election.state in CLOSED_STATES
    if closed and entry.superseded_by is not None:
        text = _("Your ballot is on the bulletin board at position %(position)d. It was replaced by a later vote "
                 "with the same credential (position %(later)d) and is not counted.", position=entry.position,
                 later=entry.superseded_by)
        kind = "superseded"
    elif closed:
        text = _("Your ballot is on the bulletin board at position %(position)d and is counted.",
                 position=entry.position)
        kind = "counted"
    else:
        text = _("Your ballot is on the bulletin board at position %(position)d.", position=entry.position)
        kind = "found"
    return {"found": True, "text": text, "kind": kind, "position": entry.position}


async def _board(request: Request[Any, Any, Any], db: DB, election: Election, unit: Any, tracker: str | None,
                 number: int) -> Template:
    """The board page (or, for htmx, only the check's answer) with the answer for ``tracker`` when one was sent."""
    context: dict[str, Any] = {"election": election, "unit": unit, "base": _base(election), "tracker": tracker or "",
                               "answer": None, "tracker_error": "", "public": election.state in BOARD_STATES,
                               "closed": election.state in CLOSED_STATES}
    if context["public"] and tracker is not None:
        wanted = normal_tracker(tracker)
        if TRACKER_RE.match(wanted):
            context["answer"] = _answer(election, await entry_by_tracker(db, election, wanted))
        else:
            context["tracker"] = tracker[:80]
            context["tracker_error"] = _("A tracker consists of 64 characters 0-9 and a-f.")
    status = 422 if context["tracker_error"] else 200
    if _is_partial(request) and tracker is not None:
        return Template(template_name="referendums/check.html", context=context, status_code=status)
    lines: list[BoardEntry] = []
    if context["public"]:
        lines = list((await db.scalars(
            select(BoardEntry).where(BoardEntry.election_id == election.id,
                                     BoardEntry.position > (number - 1) * BOARD_PAGE)
            .order_by(BoardEntry.position).limit(BOARD_PAGE))).all())
    pages = max(1, -(-election.board_count // BOARD_PAGE)) if context["public"] else 1
    context.update(lines=lines, page=number, pages=pages, count=election.board_count if context["public"] else 0,
                   page_url=lambda n: f"{_base(election)}/board" + (f"?page={n}" if n > 1 else ""))
    return Template(template_name="referendums/board.html", context=context, status_code=status,
                    headers={"cache-control": "no-store"} if tracker is not None else None)


@get("/ballots/{election_uuid:str}/board", name="voter-board")
async def board_page(request: Request[Any, Any, Any], db: DB, principal: CurrentPrincipal,
                     election_uuid: FromPath[str], page: FromQuery[str] = "1") -> Template:
    """The bulletin board (position, tracker, chain; no time, no names) with the tracker check's form."""
    principal = require_login(principal)
    election, unit = await get_election(db, principal, election_uuid)
    number = int(page) if page.isdigit() and 0 < len(page) < 7 else 1
    return await _board(request, db, election, unit, None, number)


@post("/ballots/{election_uuid:str}/board", name="voter-board-check", status_code=200)
async def board_check(request: Request[Any, Any, Any], db: DB, principal: CurrentPrincipal,
                      election_uuid: FromPath[str]) -> Template:
    """The tracker check: the tracker comes in the form body (never in the URL); htmx gets the answer alone."""
    principal = require_login(principal)
    election, unit = await get_election(db, principal, election_uuid)
    form = await _form_values(request)
    return await _board(request, db, election, unit, form.get("tracker") or "", 1)


routes: list[ControllerRouterHandler] = [booth_page, vote_form, booth_json, cast_json, receipt_page, receipt_post,
                                         board_page, board_check]
