"""Outgoing mail: SMTP in production, a development mailbox otherwise."""
