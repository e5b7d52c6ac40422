// @ts-check
/**
 * Voting credentials (docs/crypto.md §7): the typed secret, its check characters, the argon2id key derivation
 * (the parameters of ballot_crypto.credentials) and Ed25519 signatures with libsodium's acceptance rule.
 */

import { ed25519 } from '@noble/curves/ed25519.js';
import { argon2id } from '@noble/hashes/argon2.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { beToBigint, concat, equalBytes, leToBigint, utf8 } from './bytes.js';
import { InvalidEncoding } from './errors.js';
import { G, L, Point, mulPublic, pointFromBytes, randomBytes } from './group.js';

/** @typedef {import('./group.js').Rng} Rng */
/** @typedef {{seed: Uint8Array, publicKey: Uint8Array}} CredentialKey  the Ed25519 key of one credential */

export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const PAYLOAD_CHARS = 18;
export const CHECK_CHARS = 2;
export const GROUP = 5;
export const CHECK_MODULUS = 1021;
export const KDF_OPSLIMIT = 3;
/** 256 KiB (libsodium's memlimit 262144 bytes). */
export const KDF_MEMLIMIT_KIB = 256;
export const SALT_DOMAIN = 'ballot-crypto/v1/credential-salt';

/** The characters Python's str.isspace() accepts (JavaScript's \s differs at U+001C..U+001F, U+0085, U+FEFF). */
const SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

/** @type {Map<string, number>} */
const VALUE = new Map([...ALPHABET].map((ch, i) => [ch, i]));
VALUE.set('O', 0).set('I', 1).set('L', 1);

/**
 * @param {number[]} values
 * @returns {string}
 */
function check(values) {
  const total = values.reduce((acc, v, i) => acc + (i + 1) * v, 0) % CHECK_MODULUS;
  return ALPHABET[total >> 5] + ALPHABET[total & 31];
}

/**
 * @param {string} chars
 * @returns {string}
 */
function group(chars) {
  const parts = [];
  for (let i = 0; i < chars.length; i += GROUP) parts.push(chars.slice(i, i + GROUP));
  return parts.join('-');
}

/**
 * A fresh credential in its display form, e.g. CGK0B-F51Y8-1KPBD-80V2N (90 random bits and 2 check characters).
 * @param {{rng?: Rng}} [options]
 * @returns {string}
 */
export function generateCredential({ rng } = {}) {
  const number = beToBigint(randomBytes(12, rng)) >> 6n;
  /** @type {number[]} */
  const values = [];
  for (let i = 0; i < PAYLOAD_CHARS; i++) values.push(Number((number >> BigInt(5 * (PAYLOAD_CHARS - 1 - i))) & 31n));
  return group(values.map((v) => ALPHABET[v]).join('') + check(values));
}

/**
 * Normalise typed input to the display form: drop whitespace and - _ ., upper-case ASCII letters, read O as 0
 * and I, L as 1; InvalidEncoding names a character that cannot occur, a wrong length, or a typo.
 * @param {unknown} text
 * @returns {string}
 */
export function parseCredential(text) {
  if (typeof text !== 'string') throw new InvalidEncoding('a credential is text');
  /** @type {string[]} */
  const chars = [];
  for (const ch of text) {
    if (SPACE.test(ch) || ch === '-' || ch === '_' || ch === '.') continue;
    chars.push(/^[a-z]$/.test(ch) ? ch.toUpperCase() : ch);
  }
  chars.forEach((ch, i) => {
    if (!VALUE.has(ch)) throw new InvalidEncoding(`character ${i + 1} ('${ch}') does not occur in credentials`);
  });
  const expected = PAYLOAD_CHARS + CHECK_CHARS;
  if (chars.length !== expected) {
    throw new InvalidEncoding(`a credential has ${expected} characters, this has ${chars.length}`);
  }
  const values = chars.map((ch) => /** @type {number} */ (VALUE.get(ch)));
  const canonical = values.map((v) => ALPHABET[v]).join('');
  if (canonical.slice(PAYLOAD_CHARS) !== check(values.slice(0, PAYLOAD_CHARS))) {
    throw new InvalidEncoding('the credential has a typo (its check characters do not match)');
  }
  return group(canonical);
}

/**
 * The 16-byte argon2id salt: SHA-256("ballot-crypto/v1/credential-salt" || election_salt)[0:16].
 * @param {Uint8Array} electionSalt the 16 bytes of the manifest's UUID
 * @returns {Uint8Array}
 */
export function credentialSalt(electionSalt) {
  return sha256(concat(utf8(SALT_DOMAIN), electionSalt)).slice(0, 16);
}

/**
 * The 16 bytes of a lowercase canonical UUID (RFC 4122 byte order): the election salt of a manifest id.
 * @param {string} uuid
 * @returns {Uint8Array}
 */
export function uuidBytes(uuid) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid)) {
    throw new InvalidEncoding('expected a lowercase UUID');
  }
  const hex = uuid.replaceAll('-', '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * The Ed25519 key of a credential in one election: seed = argon2id(display form, credentialSalt(electionSalt),
 * t = 3, m = 256 KiB, p = 1, version 0x13, 32 bytes); the public key is the RFC 8032 key of that seed.
 * @param {string} credential typed or display form
 * @param {Uint8Array} electionSalt
 * @returns {CredentialKey}
 */
export function deriveKey(credential, electionSalt) {
  const password = utf8(parseCredential(credential));
  const seed = argon2id(password, credentialSalt(electionSalt), {
    t: KDF_OPSLIMIT,
    m: KDF_MEMLIMIT_KIB,
    p: 1,
    version: 0x13,
    dkLen: 32,
  });
  return { seed, publicKey: ed25519.getPublicKey(seed) };
}

/**
 * Ed25519 signature (RFC 8032, deterministic) with a credential key.
 * @param {Uint8Array} message
 * @param {CredentialKey} key
 * @returns {Uint8Array} 64 bytes
 */
export function sign(message, key) {
  return ed25519.sign(message, key.seed);
}

/**
 * Ed25519 verification with libsodium's acceptance rule (docs/election-record.md §1): S < L; A and R canonical
 * and not of small order; [S]B = R + [k]A checked cofactorless (the encoding of [S]B - [k]A must equal R).
 * With credential = true, A must moreover be a valid point of the prime-order subgroup (crypto.md §1.2).
 * @param {Uint8Array} signature
 * @param {Uint8Array} message
 * @param {Uint8Array} publicKey
 * @param {{credential?: boolean}} [options]
 * @returns {boolean}
 */
export function verifySignature(signature, message, publicKey, { credential = true } = {}) {
  try {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    const r = signature.subarray(0, 32);
    const s = leToBigint(signature.subarray(32));
    if (s >= L) return false;
    const A = credential ? pointFromBytes(publicKey) : Point.fromBytes(publicKey, false);
    const R = Point.fromBytes(r, false);
    if (A.isSmallOrder() || R.isSmallOrder()) return false;
    const k = leToBigint(sha512(concat(r, publicKey, message))) % L;
    const check = mulPublic(G, s).subtract(mulPublic(A, k));
    return equalBytes(check.toBytes(), r);
  } catch {
    return false;
  }
}
