// @ts-check
/**
 * The Ed25519 prime-order group (docs/crypto.md §1, §2): scalars mod L as bigints, points as @noble/curves
 * Edwards points, validated on parsing exactly like libsodium's crypto_core_ed25519_is_valid_point.
 */

import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bigintToLe32, concat, equalBytes, fromHex, leToBigint, toHex, u64be, utf8 } from './bytes.js';
import { CryptoError, InvalidEncoding } from './errors.js';

/** @typedef {InstanceType<typeof ed25519.Point>} Point */
/** @typedef {(n: number) => Uint8Array} Rng  A source of randomness: rng(n) returns n bytes. */

export const Point = ed25519.Point;
/** Order of the prime-order subgroup. */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** The field prime 2^255 - 19. */
export const P = 2n ** 255n - 19n;
/** The RFC 8032 base point G. */
export const G = Point.BASE;
/** The identity O = (0, 1). */
export const IDENTITY = Point.ZERO;
export const IDENTITY_BYTES = Uint8Array.from([1, ...new Array(31).fill(0)]);

// -- randomness (§2) ------------------------------------------------------------------------------------

/**
 * n bytes from crypto.getRandomValues (the default source everywhere).
 * @type {Rng}
 */
export function systemRng(n) {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) globalThis.crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65536)));
  return out;
}

/**
 * n bytes from rng (or the system source), checking the length.
 * @param {number} n
 * @param {Rng} [rng]
 * @returns {Uint8Array}
 */
export function randomBytes(n, rng) {
  const data = (rng ?? systemRng)(n);
  if (!(data instanceof Uint8Array) || data.length !== n) throw new CryptoError('rng returned the wrong number of bytes');
  return data;
}

/**
 * The deterministic source of docs/crypto.md §2: SHA-512("ballot-crypto/v1/rng" || seed || u64be(i)), i = 0, 1, ...
 * @param {Uint8Array} seed
 * @returns {Rng}
 */
export function deterministicRng(seed) {
  const prefix = concat(utf8('ballot-crypto/v1/rng'), seed);
  let counter = 0;
  let buffer = new Uint8Array(0);
  return (n) => {
    while (buffer.length < n) buffer = concat(buffer, sha512(concat(prefix, u64be(counter++))));
    const out = buffer.slice(0, n);
    buffer = buffer.slice(n);
    return out;
  };
}

// -- scalars (§1.1) -------------------------------------------------------------------------------------

/**
 * x mod L, also for negative x.
 * @param {bigint} x
 * @returns {bigint}
 */
export function mod(x) {
  const r = x % L;
  return r < 0n ? r + L : r;
}

/**
 * Parse a canonical scalar: 32 little-endian bytes, value < L.
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
export function scalarFromBytes(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) throw new InvalidEncoding('a scalar is 32 bytes');
  const v = leToBigint(bytes);
  if (v >= L) throw new InvalidEncoding('non-canonical scalar (>= L)');
  return v;
}

/**
 * Parse 64 lowercase hex digits as a canonical scalar.
 * @param {unknown} text
 * @returns {bigint}
 */
export function scalarFromHex(text) {
  return scalarFromBytes(fromHex(text, 32, 'scalar'));
}

/**
 * @param {bigint} s a scalar in [0, L)
 * @returns {Uint8Array}
 */
export function scalarToBytes(s) {
  if (typeof s !== 'bigint' || s < 0n || s >= L) throw new CryptoError('not a reduced scalar');
  return bigintToLe32(s);
}

/**
 * @param {bigint} s
 * @returns {string}
 */
export function scalarToHex(s) {
  return toHex(scalarToBytes(s));
}

/**
 * Uniform nonzero scalar: 64 random bytes read little-endian, reduced mod L, drawn again if zero.
 * @param {Rng} [rng]
 * @returns {bigint}
 */
export function randomScalar(rng) {
  for (;;) {
    const s = leToBigint(randomBytes(64, rng)) % L;
    if (s !== 0n) return s;
  }
}

/**
 * Multiplicative inverse mod L.
 * @param {bigint} s
 * @returns {bigint}
 */
export function invert(s) {
  s = mod(s);
  if (s === 0n) throw new CryptoError('zero has no inverse');
  let result = 1n;
  let base = s;
  let e = L - 2n;
  while (e > 0n) {
    if (e & 1n) result = (result * base) % L;
    base = (base * base) % L;
    e >>= 1n;
  }
  return result;
}

// -- points (§1.2, §1.3) --------------------------------------------------------------------------------

/**
 * Parse and validate a point: canonical, on the curve, not of small order, in the prime-order subgroup.
 * The identity is accepted only with allowIdentity, and only as the exact encoding 0100..00.
 * @param {Uint8Array} bytes
 * @param {{allowIdentity?: boolean}} [options]
 * @returns {Point}
 */
export function pointFromBytes(bytes, { allowIdentity = false } = {}) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) throw new InvalidEncoding('a point is 32 bytes');
  if (equalBytes(bytes, IDENTITY_BYTES)) {
    if (allowIdentity) return IDENTITY;
    throw new InvalidEncoding('the identity is not allowed here');
  }
  let point;
  try {
    point = Point.fromBytes(bytes, false); // RFC 8032 decoding: y < p, x = 0 only with the sign bit clear
  } catch {
    throw new InvalidEncoding('not a canonical point on the curve');
  }
  if (point.isSmallOrder()) throw new InvalidEncoding('a point of small order');
  if (!point.isTorsionFree()) throw new InvalidEncoding('not a point of the prime-order subgroup');
  return point;
}

/**
 * Parse 64 lowercase hex digits as a point (see pointFromBytes).
 * @param {unknown} text
 * @param {{allowIdentity?: boolean}} [options]
 * @returns {Point}
 */
export function pointFromHex(text, options) {
  return pointFromBytes(fromHex(text, 32, 'point'), options);
}

/**
 * @param {Point} point
 * @returns {Uint8Array}
 */
export function pointToBytes(point) {
  return point.toBytes();
}

/**
 * @param {Point} point
 * @returns {string}
 */
export function pointToHex(point) {
  return toHex(point.toBytes());
}

/**
 * point * s for a secret scalar (constant-time ladder of @noble/curves); s = 0 gives the identity.
 * @param {Point} point
 * @param {bigint} s in [0, L)
 * @returns {Point}
 */
export function mulSecret(point, s) {
  if (s === 0n || point.is0()) return IDENTITY;
  return point.multiply(s);
}

/**
 * point * s for a public scalar (variable time).
 * @param {Point} point
 * @param {bigint} s in [0, L)
 * @returns {Point}
 */
export function mulPublic(point, s) {
  return point.multiplyUnsafe(s);
}

/**
 * G * s for a secret scalar.
 * @param {bigint} s
 * @returns {Point}
 */
export function baseMul(s) {
  return mulSecret(G, s);
}

/** @type {Map<bigint, Point>} */
const encoded = new Map();

/**
 * G * m, the plaintext encoding of exponential ElGamal (G * 0 = O); small values are cached.
 * @param {number | bigint} m an integer >= 0
 * @returns {Point}
 */
export function encodeInt(m) {
  const v = BigInt(m);
  if (v < 0n) throw new CryptoError('only non-negative integers are encoded');
  let point = encoded.get(v);
  if (point === undefined) {
    point = mulPublic(G, mod(v));
    if (v < 4096n) encoded.set(v, point);
  }
  return point;
}

/**
 * A public key that many multiplications will use (the election key): validated, with a precomputed table.
 * @param {Point} point
 * @returns {Point}
 */
export function fixedBase(point) {
  return Point.fromBytes(point.toBytes()).precompute(8, false);
}
