"""Deterministic demo data: a fictional party with its unit tree, about 300 members and one login per role."""
