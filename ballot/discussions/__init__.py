"""Discussions: threads, replies, moderation with a public log, full-text search (docs/discussions.md)."""
