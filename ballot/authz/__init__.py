"""Authorisation: roles granted per unit, and the one policy every service asks."""
