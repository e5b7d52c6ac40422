// @ts-check
/**
 * Canonical JSON (docs/election-record.md §2) and SHA-256 helpers. The output equals Python's
 * json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False) for the values the rules allow.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { isWellFormed, toHex, utf8 } from './bytes.js';
import { InvalidEncoding } from './errors.js';

export const MAX_INT = 2 ** 53 - 1;

/**
 * Compare two strings by Unicode code point (not by UTF-16 code unit, which differs above U+FFFF).
 * @param {string} a
 * @param {string} b
 * @returns {number}
 */
export function compareCodePoints(a, b) {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const cx = /** @type {number} */ (x.value.codePointAt(0));
    const cy = /** @type {number} */ (y.value.codePointAt(0));
    if (cx !== cy) return cx - cy;
  }
}

/**
 * @param {string} text
 * @returns {string}
 */
function encodeString(text) {
  if (!isWellFormed(text)) throw new InvalidEncoding('a string is not valid Unicode (unpaired surrogate)');
  // JSON.stringify escapes exactly ", \, \b \f \n \r \t and the other controls below U+0020 as lowercase \u00xx.
  return JSON.stringify(text);
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function encode(value) {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return encodeString(value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Object.is(value, -0)) throw new InvalidEncoding(`number ${value} is not an integer`);
    if (Math.abs(value) > MAX_INT) throw new InvalidEncoding(`integer ${value} out of range`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(encode).join(',')}]`;
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new InvalidEncoding('only plain objects are allowed');
    const obj = /** @type {Record<string, unknown>} */ (value);
    const keys = Object.keys(obj).sort(compareCodePoints);
    return `{${keys.map((k) => `${encodeString(k)}:${encode(obj[k])}`).join(',')}}`;
  }
  throw new InvalidEncoding(`${typeof value} is not allowed in canonical JSON`);
}

/**
 * The canonical encoding as text.
 * @param {unknown} value
 * @returns {string}
 */
export function dumpsText(value) {
  return encode(value);
}

/**
 * The canonical encoding as UTF-8 bytes (no trailing newline).
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function dumps(value) {
  return utf8(encode(value));
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parse JSON that must be exactly the canonical encoding of its value (no whitespace, sorted unique keys,
 * integers only, no BOM).
 * @param {Uint8Array | string} data
 * @returns {unknown}
 */
export function loads(data) {
  let text;
  try {
    text = typeof data === 'string' ? data : strictDecoder.decode(data);
  } catch {
    throw new InvalidEncoding('not valid UTF-8');
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (exc) {
    throw new InvalidEncoding(`not valid JSON: ${/** @type {Error} */ (exc).message}`);
  }
  // Duplicate keys, floats, big integers, escapes and whitespace all change the re-encoding.
  if (encode(value) !== text) throw new InvalidEncoding('not in canonical encoding');
  return value;
}

/**
 * SHA-256 of bytes.
 * @param {Uint8Array} data
 * @returns {Uint8Array}
 */
export function sha256Bytes(data) {
  return sha256(data);
}

/**
 * hash(v) = SHA-256 of the canonical encoding.
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function hashJson(value) {
  return sha256(dumps(value));
}

/**
 * @param {unknown} value
 * @returns {string}
 */
export function hashJsonHex(value) {
  return toHex(hashJson(value));
}
