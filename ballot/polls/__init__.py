"""Live polls at events: a presenter opens questions one at a time; members (and guests, when allowed) answer on
their phones after joining with a short code or a QR code (docs/polls.md)."""
