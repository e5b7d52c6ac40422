// @ts-check
/** Domain-separated Fiat-Shamir transcripts and challenges (docs/crypto.md §3), byte-exact with transcript.py. */

import { sha512 } from '@noble/hashes/sha2.js';
import { concat, leToBigint, u32be, u64be, utf8 } from './bytes.js';
import { CryptoError } from './errors.js';
import { L, scalarToBytes } from './group.js';

export const PROTOCOL = utf8('ballot-crypto/v1');
export const TAG_BYTES = 1;
export const TAG_STR = 2;
export const TAG_INT = 3;
export const TAG_POINT = 4;
export const TAG_SCALAR = 5;
export const TAG_LIST = 6;

/**
 * tag (1 byte) || u32be(length) || payload
 * @param {number} tag
 * @param {Uint8Array} payload
 * @returns {Uint8Array}
 */
function field(tag, payload) {
  return concat(Uint8Array.of(tag), u32be(payload.length), payload);
}

/** Transcript fields by type; a list is built from already encoded fields. */
export const item = {
  /** @param {Uint8Array} b */
  bytes: (b) => field(TAG_BYTES, b),
  /** @param {string} s */
  text: (s) => field(TAG_STR, utf8(s)),
  /** @param {number | bigint} v an integer 0 <= v < 2^64 */
  int: (v) => {
    if ((typeof v !== 'number' && typeof v !== 'bigint') || (typeof v === 'number' && !Number.isInteger(v))) {
      throw new CryptoError('transcript integers are integers');
    }
    if (BigInt(v) < 0n || BigInt(v) >= 1n << 64n) throw new CryptoError('transcript integers are in [0, 2^64)');
    return field(TAG_INT, u64be(v));
  },
  /** @param {{toBytes(): Uint8Array} | Uint8Array} p a point or its 32-byte encoding */
  point: (p) => {
    const b = p instanceof Uint8Array ? p : p.toBytes();
    if (b.length !== 32) throw new CryptoError('a point is 32 bytes');
    return field(TAG_POINT, b);
  },
  /** @param {bigint} s */
  scalar: (s) => field(TAG_SCALAR, scalarToBytes(s)),
  /** @param {Uint8Array[]} encoded the encoded elements */
  list: (encoded) => concat(Uint8Array.of(TAG_LIST), u32be(encoded.length), ...encoded),
};

/**
 * header(domain, context) = bytes("ballot-crypto/v1") || text(domain) || bytes(context)
 * @param {string} domain
 * @param {Uint8Array} context
 * @returns {Uint8Array}
 */
export function header(domain, context) {
  return concat(item.bytes(PROTOCOL), item.text(domain), item.bytes(context));
}

/**
 * SHA-512 of data read little-endian, reduced mod L.
 * @param {Uint8Array} data
 * @returns {bigint}
 */
export function hashToScalar(data) {
  return leToBigint(sha512(data)) % L;
}

/**
 * The challenge of a transcript: hash_to_scalar(header(domain, context) || items...).
 * @param {string} domain
 * @param {Uint8Array} context
 * @param {...Uint8Array} encodedItems fields built with `item`
 * @returns {bigint}
 */
export function challenge(domain, context, ...encodedItems) {
  return hashToScalar(concat(header(domain, context), ...encodedItems));
}
