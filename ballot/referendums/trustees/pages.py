"""What the trustee page shows: the four steps of the offline ceremony (docs/trustee.md) with their state (plus,
under postal precedence "postal", the opening of sealed references before the decryption), and the checks of an
uploaded file before it reaches the services (readable JSON, the right index, never a secret file)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.db import utcnow
from ballot.i18n import gettext as _
from ballot.referendums.models import (
    DecryptionUpload,
    Election,
    ElectionState,
    ElectionTrustee,
    SealedShare,
)
from ballot.referendums.postal.openings import Openings, OpeningStatus, opening_status
from ballot_crypto import canonical, trustee
from ballot_crypto.errors import CryptoError

#: The largest upload the page reads (a decryption file of many questions stays far below).
MAX_UPLOAD_BYTES = 2_000_000

DONE, YOUR_TURN, WAITING, LATER = "done", "your-turn", "waiting", "later"


class UploadProblem(Exception):
    """An uploaded file the page refuses before any service sees it; ``secret``: it was a secret file."""

    def __init__(self, message: str, *, secret: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.secret = secret


@dataclass
class Step:
    number: int
    state: str
    done_count: int = 0


@dataclass
class TrusteeView:
    """Everything the trustee page and the panel need about one trustee of one ballot."""

    election: Election
    me: ElectionTrustee
    rows: list[ElectionTrustee]
    publics_in: int
    senders: list[int]
    received: int
    confirmed: int
    decrypted: list[int]
    openings: OpeningStatus | None = None
    """None: nothing is ever opened for this ballot (not postal precedence "postal")."""
    steps: dict[str, Step] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.election.trustee_count

    @property
    def all_publics(self) -> bool:
        return self.publics_in == len(self.rows) == self.n

    @property
    def fingerprint(self) -> str | None:
        """The fingerprint ``ballot-crypto trustee init`` prints: SHA-256 of the canonical public object."""
        if self.me.commitments is None:
            return None
        return canonical.hash_json_hex(public_of(self.me))

    @property
    def public_key(self) -> str | None:
        """The ballot's joint public key (``trustee finish`` prints it), once every public object is in."""
        if self.election.public_key:
            return self.election.public_key
        if not self.all_publics:
            return None
        try:
            return trustee.public_key([public_of(r) for r in self.rows])
        except CryptoError:
            return None

    @property
    def current(self) -> Step | None:
        """The step that asks something of this trustee now, if any."""
        return next((s for s in self.steps.values() if s.state == YOUR_TURN), None)


def public_of(row: ElectionTrustee) -> dict[str, Any]:
    """A stored public object exactly as ``trustee init`` wrote it."""
    return {"index": row.index, "transport_key": row.transport_key, "commitments": row.commitments,
            "proofs": row.proofs}


async def trustee_row(session: AsyncSession, election: Election, account_id: int) -> ElectionTrustee | None:
    return await session.scalar(select(ElectionTrustee).where(
        ElectionTrustee.election_id == election.id, ElectionTrustee.account_id == account_id))


async def trustee_view(session: AsyncSession, election: Election, me: ElectionTrustee,
                       now: datetime | None = None) -> TrusteeView:
    rows = list((await session.scalars(select(ElectionTrustee).where(
        ElectionTrustee.election_id == election.id).order_by(ElectionTrustee.index))).all())
    senders = sorted(set((await session.scalars(select(SealedShare.from_index).where(
        SealedShare.election_id == election.id))).all()))
    received = await session.scalar(select(func.count()).select_from(SealedShare).where(
        SealedShare.election_id == election.id, SealedShare.to_index == me.index)) or 0
    decrypted = sorted((await session.scalars(select(DecryptionUpload.trustee_index).where(
        DecryptionUpload.election_id == election.id))).all())
    view = TrusteeView(election=election, me=me, rows=rows, publics_in=sum(r.commitments is not None for r in rows),
                       senders=senders, received=received, confirmed=sum(r.confirmed for r in rows),
                       decrypted=decrypted)
    status = await opening_status(session, election, now or utcnow())
    view.openings = None if status.state == Openings.NONE else status
    view.steps = _steps(view)
    return view


def _steps(v: TrusteeView) -> dict[str, Step]:
    state = v.election.state
    ceremony = state == ElectionState.CEREMONY
    after = state in (ElectionState.READY, ElectionState.OPEN, ElectionState.CLOSED, ElectionState.TALLIED)

    def step(number: int, done: bool, possible: bool, count: int) -> Step:
        if done:
            return Step(number, DONE, count)
        if ceremony and possible:
            return Step(number, YOUR_TURN, count)
        return Step(number, WAITING if ceremony else LATER, count)

    steps = {
        "public": step(1, v.me.commitments is not None or after, True, v.publics_in),
        "shares": step(2, v.me.index in v.senders or after, v.all_publics, len(v.senders)),
        "finish": step(3, v.me.confirmed or after, v.all_publics and v.received == v.n - 1, v.confirmed),
    }
    number = 4
    blocked = False
    if v.openings is not None:
        steps["open"] = _open_step(v, v.openings)
        blocked = v.openings.state in (Openings.PENDING, Openings.REQUESTED)
        number = 5
    if v.me.index in v.decrypted:
        steps["decrypt"] = Step(number, DONE, len(v.decrypted))
    elif state == ElectionState.CLOSED:
        steps["decrypt"] = Step(number, WAITING if blocked else YOUR_TURN, len(v.decrypted))
    else:
        steps["decrypt"] = Step(number, LATER, len(v.decrypted))
    return steps


def _open_step(v: TrusteeView, status: OpeningStatus) -> Step:
    """Step 4 under postal precedence "postal": open the sealed references the server requests."""
    if v.me.index in status.answered or status.state == Openings.SETTLED:
        return Step(4, DONE, len(status.answered))
    if status.state == Openings.REQUESTED:
        return Step(4, YOUR_TURN, len(status.answered))
    return Step(4, WAITING if v.election.state == ElectionState.CLOSED else LATER, len(status.answered))


def looks_secret(value: Any) -> bool:
    """A trustee's secret file (format ballot-trustee-secret/1), or anything carrying its secret fields."""
    if isinstance(value, dict):
        if value.get("format") == trustee.SECRET_FORMAT or {"coefficients", "transport_secret"} & set(value):
            return True
        return any(looks_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(looks_secret(v) for v in value[:100])
    return False


def secret_warning() -> str:
    return _("This is your secret file. It was not stored and has been discarded. Never upload, e-mail or show the "
             "secret file to anyone: it stays on your own computer. Upload only the file named in this step. If you "
             "think someone else may have seen your secret file, tell the election committee.")


def parse_upload(raw: bytes | str) -> Any:
    """The JSON value of an uploaded file or pasted text; UploadProblem when it is empty, unreadable or secret."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_UPLOAD_BYTES:
            raise UploadProblem(_("The file is too large."))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UploadProblem(_("The file is not a JSON file (it is not UTF-8 text).")) from None
    else:
        text = raw
    if not text.strip():
        raise UploadProblem(_("Please choose a file or paste its content."))
    if "ballot-trustee-secret" in text or "transport_secret" in text:
        raise UploadProblem(secret_warning(), secret=True)
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise UploadProblem(_("The file is not valid JSON. Upload the file the command wrote, unchanged.")) from None
    if looks_secret(value):
        raise UploadProblem(secret_warning(), secret=True)
    return value


def check_index(value: Any, index: int, *, key: str = "index") -> None:
    """Refuse a file that belongs to another trustee (``index`` of an object, ``from`` of every share)."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict) and isinstance(item.get(key), int) and item[key] != index:
            raise UploadProblem(_("This file belongs to trustee %(other)s; you are trustee %(index)s. Upload your "
                                  "own file.", other=item[key], index=index))
