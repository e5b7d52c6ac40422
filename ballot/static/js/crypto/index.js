// @ts-check
/**
 * BallotCrypto: the voter's side of docs/crypto.md and docs/election-record.md in JavaScript (see
 * docs/booth-crypto.md). `npm run build` bundles this entry into ballot/static/build/ballot-crypto.js, which
 * sets window.BallotCrypto; node imports the sources as ES modules.
 */

export * as bytes from './bytes.js';
export * as canonical from './canonical.js';
export * as credentials from './credentials.js';
export * as elgamal from './elgamal.js';
export * as group from './group.js';
export * as proofs from './proofs.js';
export * as seal from './seal.js';
export * as threshold from './threshold.js';
export * as transcript from './transcript.js';
export * as trustee from './trustee.js';
export { CryptoError, InvalidBallot, InvalidEncoding } from './errors.js';
export { loadElection } from './manifest.js';
export { encryptBallot, signBallot, tracker, verifyBallot } from './ballots.js';
export { spoiledBallot } from './spoil.js';
export { deriveKey, generateCredential, parseCredential } from './credentials.js';
export { booth } from './booth.js';
