// @ts-check
/** Errors of the ballot cryptography, mirroring ballot_crypto.errors (docs/crypto.md: "Reject"). */

/** Any failure of the cryptographic layer. */
export class CryptoError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'CryptoError';
  }
}

/** Bytes or JSON that are not a valid encoding (a parser "rejects"). */
export class InvalidEncoding extends CryptoError {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'InvalidEncoding';
  }
}

/** A ballot that is malformed, does not match the manifest, or whose proofs or signature fail. */
export class InvalidBallot extends CryptoError {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'InvalidBallot';
  }
}
