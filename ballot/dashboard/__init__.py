"""Dashboard: what is open for me."""
