"""Exception hierarchy of ballot_crypto."""


class CryptoError(Exception):
    """Root of every error raised by ballot_crypto."""


class InvalidEncoding(CryptoError):
    """Bytes, hex or JSON that do not encode a valid value (point, scalar, proof, credential)."""


class InvalidProof(CryptoError):
    """A proof or share that does not verify, where the caller asked for an exception instead of False."""
