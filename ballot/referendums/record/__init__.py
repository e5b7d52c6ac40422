"""The result and the election record: tally, candidate results, closing minutes, record download, result pages."""
