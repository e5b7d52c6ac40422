// @ts-check
/**
 * What the booth needs from election.json and manifest.json (docs/election-record.md §3.2, §3.3): the questions
 * with their bounds, the election key and the fingerprint F. The full manifest validation (kinds, dates, statute)
 * is the server's and ballot_crypto.manifest's; this module checks every field the ballot depends on.
 */

import { hashJson, hashJsonHex } from './canonical.js';
import { uuidBytes } from './credentials.js';
import { isPlainObject } from './elgamal.js';
import { InvalidEncoding } from './errors.js';
import { fixedBase, pointFromHex } from './group.js';

/** @typedef {import('./group.js').Point} Point */
/** @typedef {{id: string, max: number}} Option */
/** @typedef {{id: string, min: number, max: number, options: Option[], hasBlank: boolean}} Question */
/**
 * @typedef {object} Election
 * @property {Record<string, unknown>} electionJson the election.json object
 * @property {Record<string, unknown>} manifestJson the manifest.json object
 * @property {Question[]} questions in manifest order
 * @property {Point} publicKey the joint election key K (with a precomputed table)
 * @property {Uint8Array} fingerprint F = SHA-256(canonical(election.json))
 * @property {Uint8Array} salt the election salt: the 16 bytes of the manifest's UUID
 */

export const ELECTION_FORMAT = 'ballot-election/1';
export const MANIFEST_FORMAT = 'ballot-manifest/1';
export const MAX_RANGE = 100;
const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * @param {unknown} v
 * @param {number} lo
 * @param {number} hi
 * @param {string} where
 * @returns {number}
 */
function int(v, lo, hi, where) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new InvalidEncoding(`${where}: expected an integer in [${lo}, ${hi}]`);
  }
  return v;
}

/**
 * @param {unknown} v
 * @param {string} where
 * @returns {string}
 */
function ident(v, where) {
  if (typeof v !== 'string' || !ID.test(v)) throw new InvalidEncoding(`${where}: expected an identifier`);
  return v;
}

/**
 * @param {unknown} obj
 * @param {string} where
 * @returns {Question}
 */
function question(obj, where) {
  if (!isPlainObject(obj)) throw new InvalidEncoding(`${where}: expected an object`);
  const options = obj.options;
  if (!Array.isArray(options) || options.length === 0) throw new InvalidEncoding(`${where}.options: expected a non-empty list`);
  const parsed = options.map((o, i) => {
    if (!isPlainObject(o)) throw new InvalidEncoding(`${where}.options[${i}]: expected an object`);
    return { id: ident(o.id, `${where}.options[${i}].id`), max: int(o.max, 1, MAX_RANGE, `${where}.options[${i}].max`) };
  });
  if (new Set(parsed.map((o) => o.id)).size !== parsed.length) throw new InvalidEncoding(`${where}.options: ids must be unique`);
  const min = int(obj.min, 0, MAX_RANGE, `${where}.min`);
  const max = int(obj.max, 1, MAX_RANGE, `${where}.max`);
  const reachable = parsed.reduce((a, o) => a + o.max, 0);
  if (min > max || max > reachable) throw new InvalidEncoding(`${where}: expected min <= max <= the sum of the option maxima`);
  return { id: ident(obj.id, `${where}.id`), min, max, options: parsed, hasBlank: min === 0 && max > 1 };
}

/**
 * The election as the booth sees it. Checks that the manifest belongs to the election (its hash is
 * election.manifest) and that the public key is a valid point other than the identity.
 * @param {unknown} electionJson the election.json object
 * @param {unknown} manifestJson the manifest.json object
 * @returns {Election}
 */
export function loadElection(electionJson, manifestJson) {
  if (!isPlainObject(electionJson) || electionJson.format !== ELECTION_FORMAT) {
    throw new InvalidEncoding(`election: expected a ${ELECTION_FORMAT} object`);
  }
  if (!isPlainObject(manifestJson) || manifestJson.format !== MANIFEST_FORMAT) {
    throw new InvalidEncoding(`manifest: expected a ${MANIFEST_FORMAT} object`);
  }
  if (hashJsonHex(manifestJson) !== electionJson.manifest) {
    throw new InvalidEncoding('the manifest does not belong to the election (its hash differs)');
  }
  const publicKey = fixedBase(pointFromHex(electionJson.public_key));
  const qs = manifestJson.questions;
  if (!Array.isArray(qs) || qs.length === 0) throw new InvalidEncoding('manifest.questions: expected a non-empty list');
  const questions = qs.map((q, i) => question(q, `manifest.questions[${i}]`));
  if (new Set(questions.map((q) => q.id)).size !== questions.length) {
    throw new InvalidEncoding('manifest.questions: question ids must be unique');
  }
  if (typeof manifestJson.id !== 'string') throw new InvalidEncoding('manifest.id: expected a lowercase UUID');
  return {
    electionJson,
    manifestJson,
    questions,
    publicKey,
    fingerprint: hashJson(electionJson),
    salt: uuidBytes(manifestJson.id),
  };
}
