// @ts-check
/** Byte helpers: strict lowercase hex, concatenation, fixed-width integers, little-endian numbers. */

import { InvalidEncoding } from './errors.js';

const HEX = /^(?:[0-9a-f]{2})*$/;

/**
 * Lowercase hex of a byte array.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function toHex(bytes) {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * Parse lowercase hex (uppercase, odd length and other characters are rejected).
 * @param {unknown} text
 * @param {number} [length] expected number of bytes
 * @param {string} [what]
 * @returns {Uint8Array}
 */
export function fromHex(text, length, what = 'value') {
  if (typeof text !== 'string' || !HEX.test(text) || (length !== undefined && text.length !== 2 * length)) {
    const size = length === undefined ? '' : ` of ${length} bytes`;
    throw new InvalidEncoding(`${what}: expected lowercase hex${size}`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * @param {...Uint8Array} parts
 * @returns {Uint8Array}
 */
export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * 4-byte big-endian unsigned integer.
 * @param {number} n
 * @returns {Uint8Array}
 */
export function u32be(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError('u32 out of range');
  return Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

/**
 * 8-byte big-endian unsigned integer.
 * @param {bigint | number} n
 * @returns {Uint8Array}
 */
export function u64be(n) {
  let v = BigInt(n);
  if (v < 0n || v >= 1n << 64n) throw new RangeError('u64 out of range');
  const out = new Uint8Array(8);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(v & 255n);
    v >>= 8n;
  }
  return out;
}

/**
 * Read bytes as a little-endian unsigned integer.
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
export function leToBigint(bytes) {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/**
 * Read bytes as a big-endian unsigned integer.
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
export function beToBigint(bytes) {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * le(x): the 32-byte little-endian encoding of 0 <= x < 2^256.
 * @param {bigint} x
 * @returns {Uint8Array}
 */
export function bigintToLe32(x) {
  if (x < 0n || x >= 1n << 256n) throw new RangeError('value does not fit in 32 bytes');
  const out = new Uint8Array(32);
  let v = x;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 255n);
    v >>= 8n;
  }
  return out;
}

/**
 * Byte-wise equality (not constant time: only for public values).
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {boolean}
 */
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const encoder = new TextEncoder();

/**
 * UTF-8 bytes of a string (rejects unpaired surrogates).
 * @param {string} text
 * @returns {Uint8Array}
 */
export function utf8(text) {
  if (!isWellFormed(text)) throw new InvalidEncoding('a string is not valid Unicode (unpaired surrogate)');
  return encoder.encode(text);
}

/**
 * True when the string has no unpaired surrogates.
 * @param {string} text
 * @returns {boolean}
 */
export function isWellFormed(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}
