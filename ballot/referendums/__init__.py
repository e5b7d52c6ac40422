"""Binding referendums and elections: lifecycle, key ceremony, credentials, casting, tally, record."""
