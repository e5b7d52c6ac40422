"""The whole key ceremony in one process, for the simulation, the demo ballot and tests.

Real trustees run each step on their own computer (``ballot-crypto trustee``); here the same steps go through the
same services in order, with every trustee's secret in memory. Never use it for a real ballot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.principal import Principal
from ballot.referendums.common import manifest_context
from ballot.referendums.models import Election
from ballot.referendums.trustees.ceremony import (
    confirm_trustee,
    sealed_shares_for,
    submit_sealed_shares,
    submit_trustee_public,
)
from ballot_crypto import canonical, trustee
from ballot_crypto.group import Rng


async def run_key_ceremony(session: AsyncSession, election: Election, trustees: Sequence[Principal], *,
                           rng: Rng | None = None) -> list[dict[str, Any]]:
    """Submit publics, relay sealed shares and confirm every trustee (``trustees`` in index order, 1..n) of a locked
    ``election``; returns each trustee's finished secret (with its share, for decrypting later)."""
    context = manifest_context(election)
    manifest = canonical.loads(str(election.manifest_json))
    pairs = [trustee.init(context, i, election.threshold, len(trustees), rng=rng, manifest=manifest)
             for i in range(1, len(trustees) + 1)]
    publics = [public for public, _secret in pairs]
    for principal, public in zip(trustees, publics, strict=True):
        await submit_trustee_public(session, principal, election, public)
    for principal, (_public, secret) in zip(trustees, pairs, strict=True):
        await submit_sealed_shares(session, principal, election, trustee.make_shares(secret, publics))
    finished = []
    for principal, (_public, secret) in zip(trustees, pairs, strict=True):
        done, verification_key = trustee.finish(secret, publics, await sealed_shares_for(session, principal, election))
        await confirm_trustee(session, principal, election, verification_key)
        finished.append(done)
    return finished
