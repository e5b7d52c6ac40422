"""The audit log of security-relevant events, named ``source:subject:action``."""
