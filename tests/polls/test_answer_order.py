"""A live poll's answers table pairs no member with their answer by order or by row (decision 0002, "Order in
dumps"; docs/polls.md).

200 members answer one question over HTTP (the app in-process: Litestar's AsyncTestClient) in an order the test
draws, each with a different set of options, so the test (and only the test) knows whose choices a row holds. The
``voter_key`` of a row is an HMAC of the account id under the app secret; the test computes it as the app does.
"""

from __future__ import annotations

import json
import random

from litestar import Litestar
from litestar.testing import AsyncTestClient

from ballot.polls.identity import member_participant
from ballot.polls.models import QuestionKind
from tests.dumps import dumped_rows, pairwise_agreement
from tests.polls.conftest import World, login, send

Client = AsyncTestClient[Litestar]
MEMBERS = 200
OPTIONS = 8  # 255 different non-empty sets of options: one per member


def _picked(n: int) -> list[int]:
    return [bit for bit in range(OPTIONS) if (n + 1) >> bit & 1]


async def test_answers_are_not_in_answering_order_nor_beside_their_voter(world: World, client: Client,
                                                                         database: tuple[str, str | None]) -> None:
    session = await world.session()
    question = await world.question(session, QuestionKind.MULTIPLE, [f"O{i}" for i in range(OPTIONS)], OPTIONS)
    accounts = [await world.factory.account(await world.factory.member(world.tree.local_a)) for _ in range(MEMBERS)]
    await world.factory.commit()
    order = list(enumerate(accounts))
    random.Random(5).shuffle(order)
    for n, account in order:
        await login(client, world.factory, account)
        sent = await send(client, f"/p/{session.code}", {"question": str(question.id),
                                                          "choice": [str(i) for i in _picked(n)]})
        assert sent.status_code == 303, sent.text[:300]
    author = {json.dumps(_picked(n)): n for n, _account in order}  # whose choices these are
    key_of = {member_participant(world.settings.secret_key, a.id).key: n for n, a in enumerate(accounts)}
    answered_at = {n: rank for rank, (n, _account) in enumerate(order)}

    rows = [row for row in dumped_rows(database, "poll_answers") if int(row[0]) == question.id]
    authors = [author[json.dumps(json.loads(row[2]))] for row in rows]
    beside_own_key = sum(1 for row, n in zip(rows, authors, strict=True) if key_of[row[1]] == n)
    agreement = pairwise_agreement(authors, answered_at)
    print(f"{database[0].split(':')[0]}: {beside_own_key} of {MEMBERS} answers beside their voter's key; "
          f"pairwise agreement of the answers' order with the answering order {agreement:.3f}")
    assert 0.40 < agreement < 0.60
    assert beside_own_key <= MEMBERS // 20  # the answers changed places: a row's key no longer names its author
