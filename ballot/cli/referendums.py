"""``ballot simulate-referendum``: placeholder, replaced by the module's owner."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Nothing registered yet."""
