"""Statutes in the web app: stored versions per unit, inheritance through the unit tree, frozen snapshots, and the
statute page (plain-German summary, planning, dry run). The pure engine is ``ballot_crypto.statutes``."""
