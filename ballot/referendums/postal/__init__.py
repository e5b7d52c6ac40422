"""Postal voting: the postal envelopes, their entry by the election committee and their opening."""
