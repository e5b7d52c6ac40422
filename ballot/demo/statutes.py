"""The demo party's statute: a federal rules file (adapted from docs/examples/statutes/spd.toml, neutral and
fictional) and an override for one state association. Loaded once; a second run changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.statutes.models import StatuteVersion
from ballot.statutes.services import store_version
from ballot.units.models import Unit

FEDERAL_STATUTE = """\
# Demokratische Beteiligungspartei: Bundessatzung (fiktive Demo-Satzung).
# Angelehnt an docs/examples/statutes/spd.toml; Paragrafen beziehen sich auf die Demo-Satzung.

[statute]
name = "Bundessatzung der Demokratischen Beteiligungspartei"
unit = "Bundesverband"
source = "Demo-Satzung, §§ 12-16"

[eligibility]
paragraph = "§ 12 Abs. 1 Bundessatzung"
member_since = "P2W"
classes = ["full"]
freeze = "P2W"

[referendum]
paragraph = "§ 13 Bundessatzung"

[referendum.initiation]
paragraph = "§ 13 Abs. 2 Bundessatzung"

[[referendum.initiation.bodies]]
name = "Bundesparteitag"
paragraph = "§ 13 Abs. 2 Nr. 1 Bundessatzung"

[[referendum.initiation.bodies]]
name = "Bundesvorstand"
paragraph = "§ 13 Abs. 2 Nr. 2 Bundessatzung"
majority = { fraction = "2/3", base = "yes_no", strict = false }

[[referendum.initiation.sub_units]]
levels = ["state"]
number = 2
paragraph = "§ 13 Abs. 2 Nr. 3 Bundessatzung"

[[referendum.initiation.petitions]]
name = "Mitgliederbegehren"
paragraph = "§ 13 Abs. 3 Bundessatzung"
validity = "P3M"

[[referendum.initiation.petitions.stages]]
share = "10 %"
window = "P3M"
admissibility = "P4W"

[referendum.deadlines]
paragraph = "§ 14 Abs. 1 Bundessatzung"
announcement = "P2W"
voting_min = "P1W"
voting_max = "P4W"

[referendum.quorum]
paragraph = "§ 14 Abs. 3 Bundessatzung"
participation = "20 %"
on_miss = "invalid"

[referendum.majority]
paragraph = "§ 14 Abs. 4 Bundessatzung"
fraction = "1/2"
base = "valid"

[referendum.majorities.statute]
fraction = "2/3"
strict = false
paragraph = "§ 14 Abs. 5 Bundessatzung"

[referendum.subjects]
paragraph = "§ 9 Abs. 3 PartG, § 15 Bundessatzung"
advisory = ["programme", "dues", "board_election"]

[referendum.lockout]
period = "P2Y"
paragraph = "§ 15 Abs. 2 Bundessatzung"

[referendum.ballot]
paragraph = "§ 14 Abs. 2 Bundessatzung"
secret = true
revoting = true
channels = ["online", "postal"]
offline_required = true

[survey]
binding = false
paragraph = "§ 16 Bundessatzung (Mitgliederbefragung)"

[election]
paragraph = "§ 17 Bundessatzung"
method = "majority"

[election.quota]
paragraph = "§ 17 Abs. 3 Bundessatzung"
odd_places_women = true

[motions]
paragraph = "§ 18 Bundessatzung"
supporters = 20
deadline = "P6W"
"""

STATE_SLUG = "lv-sachsen"
STATE_STATUTE = """\
# Landesverband Sachsen: Abweichungen von der Bundessatzung (fiktive Demo-Satzung).
# Alles andere gilt wie im Bundesverband.

[referendum.quorum]
paragraph = "§ 8 Abs. 2 Landessatzung Sachsen"
participation = "1/4"
on_miss = "advisory"

[referendum.deadlines]
paragraph = "§ 8 Abs. 1 Landessatzung Sachsen"
announcement = "P3W"
"""


async def load_statutes(session: AsyncSession, federal: Unit, admin_id: int | None) -> int:
    """Store the demo statutes unless the federal unit already has a version; return how many were stored."""
    if await session.scalar(select(StatuteVersion.id).where(StatuteVersion.unit_id == federal.id).limit(1)):
        return 0
    await store_version(session, federal, FEDERAL_STATUTE, "Demo: Bundessatzung", admin_id)
    state = await session.scalar(select(Unit).where(Unit.slug == STATE_SLUG))
    if state is None:
        return 1
    await store_version(session, state, STATE_STATUTE, "Demo: Abweichungen Landesverband Sachsen", admin_id)
    return 2
