"""An anonymous survey's dump pairs no member with their answers (decision 0002, "Order in dumps"; docs/surveys.md).

200 members answer over HTTP (the app in-process: Litestar's AsyncTestClient) in an order the test draws; each
gives a different answer, so the test (and only the test) knows whose answer a response is. The dump of
``survey_participations`` (who) and of ``survey_responses`` (what) is then compared: before this change PostgreSQL
listed both in submission order, so the n-th participation was the n-th response for every member.
"""

from __future__ import annotations

import json
import random
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.surveys.forms import parse_questions
from tests.dumps import dumped_rows, pairwise_agreement
from tests.surveys.conftest import World

Client = AsyncTestClient[Litestar]
MEMBERS = 200


async def test_dump_does_not_pair_members_with_their_answers(world: World, client: Client,
                                                             database: tuple[str, str | None]) -> None:
    survey = await world.survey(questions=parse_questions("code | text 10 | Your code?"))
    accounts = [await world.factory.account(await world.factory.member(world.tree.local_a)) for _ in range(MEMBERS)]
    await world.factory.commit()
    member_of_code = {f"c{n}": int(account.member_id or 0) for n, account in enumerate(accounts)}
    order = list(enumerate(accounts))
    random.Random(7).shuffle(order)
    for n, account in order:
        await world.factory.login(client, account)
        await client.get(f"/surveys/{survey.id}")
        form: dict[str, Any] = {"q-code": f"c{n}", "_csrf_token": client.cookies.get("csrftoken") or ""}
        answered = await client.post(f"/surveys/{survey.id}", data=form, follow_redirects=False)
        assert answered.status_code in (302, 303), answered.text[:300]
    answered_at = {int(account.member_id or 0): rank for rank, (_n, account) in enumerate(order)}

    who = [int(row[1]) for row in dumped_rows(database, "survey_participations") if int(row[0]) == survey.id]
    what = [member_of_code[json.loads(row[3])["code"]] for row in dumped_rows(database, "survey_responses")]
    assert sorted(who) == sorted(what) == sorted(answered_at)
    paired = sum(1 for a, b in zip(who, what, strict=True) if a == b)  # row n of one table against row n of the other
    who_rank = {member: rank for rank, member in enumerate(who)}
    agreement = pairwise_agreement(what, who_rank)  # the answers' order against the participations' order
    print(f"{database[0].split(':')[0]}: {paired} of {MEMBERS} paired row by row; pairwise agreement {agreement:.3f}")
    assert paired <= MEMBERS // 20
    assert 0.40 < agreement < 0.60
