"""Shared fixtures and hypothesis settings for the ballot_crypto tests."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from ballot_crypto.group import Point, Scalar

# Proof generation and verification take milliseconds: few examples, no deadline.
settings.register_profile("ballot-crypto", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="session")
def keypair() -> tuple[Scalar, Point]:
    secret = Scalar.from_int(0x5EC12E7)
    return secret, Point.base_mul(secret)
