"""The member registry: entries, group memberships and consents."""
