// @ts-check
/** Exponential ElGamal over the Ed25519 prime-order group (docs/crypto.md §4). */

import { CryptoError, InvalidEncoding } from './errors.js';
import { IDENTITY, baseMul, encodeInt, mulSecret, pointFromHex, pointToHex, randomScalar } from './group.js';

/** @typedef {import('./group.js').Point} Point */
/** @typedef {import('./group.js').Rng} Rng */
/** @typedef {{alpha: Point, beta: Point}} Ciphertext  alpha = G*r, beta = H*r + G*m */
/** @typedef {{alpha: string, beta: string}} CiphertextJson */

/**
 * Encrypt an integer message m >= 0 under the public key H; returns the ciphertext and the randomness r.
 * The randomness is drawn first from rng (as the test vectors expect) unless given.
 * @param {Point} publicKey
 * @param {number} message
 * @param {{randomness?: bigint, rng?: Rng}} [options]
 * @returns {{ciphertext: Ciphertext, randomness: bigint}}
 */
export function encrypt(publicKey, message, { randomness, rng } = {}) {
  if (!Number.isSafeInteger(message) || message < 0) throw new CryptoError('messages are non-negative integers');
  const r = randomness ?? randomScalar(rng);
  return { ciphertext: { alpha: baseMul(r), beta: mulSecret(publicKey, r).add(encodeInt(message)) }, randomness: r };
}

/**
 * Homomorphic addition: the result encrypts the sum of the messages.
 * @param {Ciphertext} a
 * @param {Ciphertext} b
 * @returns {Ciphertext}
 */
export function add(a, b) {
  return { alpha: a.alpha.add(b.alpha), beta: a.beta.add(b.beta) };
}

/** The neutral ciphertext (O, O). @returns {Ciphertext} */
export function zero() {
  return { alpha: IDENTITY, beta: IDENTITY };
}

/**
 * beta - alpha*x = G*m.
 * @param {bigint} secret
 * @param {Ciphertext} ct
 * @returns {Point}
 */
export function decryptToPoint(secret, ct) {
  return ct.beta.subtract(mulSecret(ct.alpha, secret));
}

/**
 * @param {Ciphertext} ct
 * @returns {CiphertextJson}
 */
export function toJson(ct) {
  return { alpha: pointToHex(ct.alpha), beta: pointToHex(ct.beta) };
}

/**
 * Parse {"alpha": hex, "beta": hex}; both points validated, the identity allowed (sums may be it).
 * @param {unknown} obj
 * @returns {Ciphertext}
 */
export function fromJson(obj) {
  if (!isPlainObject(obj) || !sameKeys(obj, ['alpha', 'beta'])) {
    throw new InvalidEncoding('a ciphertext is {"alpha": hex, "beta": hex}');
  }
  const o = /** @type {Record<string, unknown>} */ (obj);
  return { alpha: pointFromHex(o.alpha, { allowIdentity: true }), beta: pointFromHex(o.beta, { allowIdentity: true }) };
}

/**
 * @param {unknown} obj
 * @returns {obj is Record<string, unknown>}
 */
export function isPlainObject(obj) {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return false;
  const proto = Object.getPrototypeOf(obj);
  return proto === Object.prototype || proto === null;
}

/**
 * True when obj has exactly these own keys.
 * @param {object} obj
 * @param {string[]} keys
 * @returns {boolean}
 */
export function sameKeys(obj, keys) {
  const own = Object.keys(obj);
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(obj, k));
}
