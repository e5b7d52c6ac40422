"""ballot-audit: an independent verifier of `ballot-record/1` election records (docs/election-record.md).

It re-implements every check from the specifications (docs/election-record.md, docs/crypto.md) and uses the
`ballot_crypto` package only for group arithmetic on encodings (libsodium) and its error types.
"""

__version__ = "0.1.0"
