"""The voter's booth: the booth pages, the ballot check, casting onto the board through the group commit."""
