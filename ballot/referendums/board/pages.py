"""What every ballot page shares: state and kind labels, localized texts, the common context, page and PDF responses."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Response
from litestar.response import Template

from ballot.authz.principal import Principal
from ballot.i18n import get_locale, lazy_gettext
from ballot.referendums.common import ORDER
from ballot.referendums.models import Election, ElectionKind, ElectionState
from ballot.units.models import Unit

STATES = {
    ElectionState.DRAFT: lazy_gettext("Draft"),
    ElectionState.CEREMONY: lazy_gettext("Key ceremony"),
    ElectionState.READY: lazy_gettext("Ready"),
    ElectionState.OPEN: lazy_gettext("Open"),
    ElectionState.CLOSED: lazy_gettext("Closed"),
    ElectionState.TALLIED: lazy_gettext("Tallied"),
}
KINDS = {ElectionKind.REFERENDUM: lazy_gettext("Member referendum"), ElectionKind.ELECTION: lazy_gettext("Election")}
METHOD_LABELS = {
    "referendum": lazy_gettext("Yes / no / abstain"),
    "single": lazy_gettext("One vote (single choice)"),
    "approval": lazy_gettext("Approval: up to k candidates"),
    "yes_no_abstain": lazy_gettext("Yes / no / abstain for each candidate"),
    "cumulative": lazy_gettext("Cumulative: up to k votes per candidate, with a total"),
}



def localized(text: Any) -> str:
    """A ``{"de", "en"}`` text in the current language (German as the fallback)."""
    if isinstance(text, dict):
        return str(text.get(get_locale()) or text.get("de") or "")
    return str(text or "")


def title_of(election: Election) -> str:
    """The ballot's title in the current language (German when there is no English one)."""
    return election.title_en if get_locale() == "en" and election.title_en else election.title_de


def steps(election: Election) -> list[dict[str, Any]]:
    """The lifecycle states with the done and current ones marked (the progress bar)."""
    current = ORDER.index(election.state)
    return [{"label": str(STATES[state]), "done": i < current, "current": i == current}
            for i, state in enumerate(ORDER)]


def common_context(election: Election, unit: Unit, principal: Principal) -> dict[str, Any]:
    """The context every ballot page shares: the ballot, its unit, labels and the progress bar."""
    return {
        "election": election, "unit": unit, "principal": principal, "title": title_of(election),
        "state_label": str(STATES[election.state]), "kind_label": str(KINDS[election.kind]),
        "steps": steps(election), "localized": localized, "method_labels": METHOD_LABELS,
    }


def page(template: str, context: dict[str, Any], status: int = 200) -> Template:
    """An HTML template response."""
    return Template(template_name=template, context=context, status_code=status, media_type=MediaType.HTML)


def pdf_response(data: bytes, filename: str, *, attachment: bool = True) -> Response[bytes]:
    """A PDF response, inline or as a download, never cached."""
    disposition = "attachment" if attachment else "inline"
    return Response(content=data, media_type="application/pdf", status_code=200, headers={
        "content-disposition": f'{disposition}; filename="{filename}"', "cache-control": "no-store",
    })

