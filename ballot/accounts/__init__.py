"""Accounts: logins linked to registry entries, sessions, one-time links and API tokens."""
