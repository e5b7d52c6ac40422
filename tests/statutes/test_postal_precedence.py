"""``P.ballot.postal_precedence``: which vote counts when a member votes online and by post."""

from __future__ import annotations

import pytest

from ballot_crypto.statutes import rules_json
from tests.statutes.helpers import problems, rules


def test_default_is_first_channel() -> None:
    assert rules("").referendum.ballot.postal_precedence == "first"
    assert rules_json(rules(""))["rules"]["election"]["ballot"]["postal_precedence"] == "first"


@pytest.mark.parametrize("value", ["first", "online", "postal"])
def test_each_value_is_read(value: str) -> None:
    text = (f'[referendum.deadlines]\ngrace = "P3D"\n\n[referendum.ballot]\nchannels = ["online", "postal"]\n'
            f'postal_precedence = "{value}"\n')
    assert rules(text).referendum.ballot.postal_precedence == value


@pytest.mark.parametrize("bad", ['"both"', '"Online"', "1", "true"])
def test_unknown_values_name_the_key(bad: str) -> None:
    found = problems(f"[election.ballot]\npostal_precedence = {bad}\n")
    assert any(p.startswith("test.toml: election.ballot.postal_precedence: expected one of 'first', 'online', "
                            "'postal'") for p in found), found


def test_online_precedence_needs_a_grace_period_with_postal_voting() -> None:
    text = '[referendum.ballot]\nchannels = ["online", "postal"]\npostal_precedence = "online"\n'
    found = problems(text)
    assert found == ["test.toml: referendum.ballot.postal_precedence: inconsistent: 'online' admits postal "
                     "voting certificates only after the close, within deadlines.grace, but the grace period is "
                     "zero"]
    assert problems('[referendum.ballot]\npostal_precedence = "online"\n') == []  # no postal channel: no matter
