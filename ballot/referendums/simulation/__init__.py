"""Load simulation of a whole ballot: voters encrypt in worker processes, the server casts and tallies."""
