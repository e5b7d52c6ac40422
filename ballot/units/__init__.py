"""Units (Gliederungen): the organisation tree, bodies (Gremien) and interest groups."""
