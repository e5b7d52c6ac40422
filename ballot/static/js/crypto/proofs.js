// @ts-check
/**
 * Non-interactive zero-knowledge proofs (docs/crypto.md §5): Schnorr, Chaum-Pedersen DLEQ and the disjunctive
 * range proof. Proofs are stored as challenges and responses; verifiers recompute the commitments, hash them with
 * the statement and compare. Every verifier returns false (never throws) for malformed or crafted input.
 */

import { concat } from './bytes.js';
import { CryptoError, InvalidEncoding } from './errors.js';
import { isPlainObject, sameKeys } from './elgamal.js';
import {
  G,
  L,
  baseMul,
  encodeInt,
  mod,
  mulPublic,
  mulSecret,
  randomScalar,
  scalarFromHex,
  scalarToHex,
} from './group.js';
import { hashToScalar, header, item } from './transcript.js';

/** @typedef {import('./group.js').Point} Point */
/** @typedef {import('./group.js').Rng} Rng */
/** @typedef {import('./elgamal.js').Ciphertext} Ciphertext */
/** @typedef {{challenge: bigint, response: bigint}} ScalarPairProof  Schnorr and DLEQ proofs */
/** @typedef {{challenges: bigint[], responses: bigint[]}} RangeProof */

export const DOMAIN_SCHNORR = 'schnorr';
export const DOMAIN_DLEQ = 'dleq';
export const DOMAIN_RANGE = 'range';

// -- JSON -----------------------------------------------------------------------------------------------

/**
 * @param {ScalarPairProof} proof
 * @returns {{challenge: string, response: string}}
 */
export function pairToJson(proof) {
  return { challenge: scalarToHex(proof.challenge), response: scalarToHex(proof.response) };
}

/**
 * Parse {"challenge": scalar, "response": scalar} (canonical scalars only).
 * @param {unknown} obj
 * @returns {ScalarPairProof}
 */
export function pairFromJson(obj) {
  if (!isPlainObject(obj) || !sameKeys(obj, ['challenge', 'response'])) {
    throw new InvalidEncoding('a proof is {"challenge": hex, "response": hex}');
  }
  return { challenge: scalarFromHex(obj.challenge), response: scalarFromHex(obj.response) };
}

/**
 * @param {RangeProof} proof
 * @returns {{challenges: string[], responses: string[]}}
 */
export function rangeToJson(proof) {
  return { challenges: proof.challenges.map(scalarToHex), responses: proof.responses.map(scalarToHex) };
}

/**
 * Parse {"challenges": [scalar, ...], "responses": [scalar, ...]} (equally many, at least one).
 * @param {unknown} obj
 * @returns {RangeProof}
 */
export function rangeFromJson(obj) {
  if (!isPlainObject(obj) || !sameKeys(obj, ['challenges', 'responses'])) {
    throw new InvalidEncoding('a range proof is {"challenges": [hex], "responses": [hex]}');
  }
  const cs = obj.challenges;
  const zs = obj.responses;
  if (!Array.isArray(cs) || !Array.isArray(zs) || cs.length !== zs.length || cs.length === 0) {
    throw new InvalidEncoding('a range proof has equally many (at least one) challenges and responses');
  }
  return { challenges: cs.map(scalarFromHex), responses: zs.map(scalarFromHex) };
}

/**
 * @param {unknown} s
 * @returns {boolean}
 */
function isScalar(s) {
  return typeof s === 'bigint' && s >= 0n && s < L;
}

// -- Schnorr (§5.1) -------------------------------------------------------------------------------------

/**
 * @param {Uint8Array} context
 * @param {Point} publicKey
 * @param {Point} commit
 */
function schnorrHash(context, publicKey, commit) {
  return hashToScalar(concat(header(DOMAIN_SCHNORR, context), item.point(G), item.point(publicKey), item.point(commit)));
}

/**
 * Prove knowledge of secret for the public key G*secret.
 * @param {Uint8Array} context
 * @param {bigint} secret
 * @param {{rng?: Rng}} [options]
 * @returns {ScalarPairProof}
 */
export function proveSecretKey(context, secret, { rng } = {}) {
  const w = randomScalar(rng);
  const c = schnorrHash(context, baseMul(secret), baseMul(w));
  return { challenge: c, response: mod(w + c * secret) };
}

/**
 * Check a Schnorr proof; false for the identity as public key and for anything malformed.
 * @param {Uint8Array} context
 * @param {Point} publicKey
 * @param {ScalarPairProof} proof
 * @returns {boolean}
 */
export function verifySecretKey(context, publicKey, proof) {
  try {
    const { challenge: c, response: z } = proof;
    if (!isScalar(c) || !isScalar(z) || publicKey.is0()) return false;
    const commit = mulPublic(G, z).subtract(mulPublic(publicKey, c));
    return schnorrHash(context, publicKey, commit) === c;
  } catch {
    return false;
  }
}

// -- DLEQ (§5.2) ----------------------------------------------------------------------------------------

/**
 * @param {Uint8Array} context
 * @param {Point[]} points B1, P1, B2, P2, A1, A2
 */
function dleqHash(context, points) {
  return hashToScalar(concat(header(DOMAIN_DLEQ, context), ...points.map((p) => item.point(p))));
}

/**
 * Prove that base1*secret and base2*secret have the same discrete log.
 * @param {Uint8Array} context
 * @param {bigint} secret
 * @param {Point} base1
 * @param {Point} base2
 * @param {{rng?: Rng}} [options]
 * @returns {ScalarPairProof}
 */
export function proveDleq(context, secret, base1, base2, { rng } = {}) {
  const w = randomScalar(rng);
  const points = [base1, mulSecret(base1, secret), base2, mulSecret(base2, secret), mulSecret(base1, w), mulSecret(base2, w)];
  const c = dleqHash(context, points);
  return { challenge: c, response: mod(w + c * secret) };
}

/**
 * Check that log_base1(public1) == log_base2(public2); base1 must not be the identity.
 * @param {Uint8Array} context
 * @param {Point} base1
 * @param {Point} public1
 * @param {Point} base2
 * @param {Point} public2
 * @param {ScalarPairProof} proof
 * @returns {boolean}
 */
export function verifyDleq(context, base1, public1, base2, public2, proof) {
  try {
    const { challenge: c, response: z } = proof;
    if (!isScalar(c) || !isScalar(z) || base1.is0()) return false;
    const a1 = mulPublic(base1, z).subtract(mulPublic(public1, c));
    const a2 = mulPublic(base2, z).subtract(mulPublic(public2, c));
    return dleqHash(context, [base1, public1, base2, public2, a1, a2]) === c;
  } catch {
    return false;
  }
}

// -- Range (§5.3) ---------------------------------------------------------------------------------------

/**
 * The range-proof transcript: statement, bounds and the 2n commitments.
 * @param {Uint8Array} context
 * @param {Point} publicKey
 * @param {Ciphertext} ct
 * @param {number} lo
 * @param {number} hi
 * @param {Point[]} commits A_lo, B_lo, ..., A_hi, B_hi
 * @returns {Uint8Array}
 */
export function rangeTranscript(context, publicKey, ct, lo, hi, commits) {
  return concat(
    header(DOMAIN_RANGE, context),
    item.point(G),
    item.point(publicKey),
    item.point(ct.alpha),
    item.point(ct.beta),
    item.int(lo),
    item.int(hi),
    item.list(commits.map((p) => item.point(p))),
  );
}

/**
 * Prove that ct = (G*r, H*r + G*message) encrypts a value in [lo, hi] without revealing which.
 *
 * Draw order as in docs/crypto.md §5.3: w, then c_j and z_j for every j != message in increasing order.
 * The prover knows r and m, so it computes the simulated commitments with the fixed bases G and H only
 * (A_j = G*(z_j - c_j*r), B_j = H*(z_j - c_j*r) - G*((m - j)*c_j)): the same points as the verification
 * equations, at the cost of base multiplications.
 * @param {Uint8Array} context
 * @param {Point} publicKey H (pass a fixedBase() key for speed)
 * @param {Ciphertext} ct
 * @param {number} message
 * @param {bigint} randomness r
 * @param {number} lo
 * @param {number} hi
 * @param {{rng?: Rng}} [options]
 * @returns {RangeProof}
 */
export function proveRange(context, publicKey, ct, message, randomness, lo, hi, { rng } = {}) {
  for (const v of [lo, hi, message]) if (!Number.isSafeInteger(v)) throw new CryptoError('bounds and message are integers');
  if (!(0 <= lo && lo <= message && message <= hi)) throw new CryptoError('message outside [lo, hi]');
  const w = randomScalar(rng);
  /** @type {bigint[]} */
  const cs = [];
  /** @type {bigint[]} */
  const zs = [];
  /** @type {Point[]} */
  const commits = [];
  for (let j = lo; j <= hi; j++) {
    if (j === message) {
      cs.push(0n);
      zs.push(0n);
      commits.push(baseMul(w), mulSecret(publicKey, w));
    } else {
      const c = randomScalar(rng);
      const z = randomScalar(rng);
      const t = mod(z - c * randomness);
      cs.push(c);
      zs.push(z);
      commits.push(baseMul(t), mulSecret(publicKey, t).subtract(baseMul(mod(BigInt(message - j) * c))));
    }
  }
  const total = hashToScalar(rangeTranscript(context, publicKey, ct, lo, hi, commits));
  const k = message - lo;
  cs[k] = mod(total - cs.reduce((a, b) => a + b, 0n));
  zs[k] = mod(w + cs[k] * randomness);
  return { challenges: cs, responses: zs };
}

/**
 * The commitments a verifier recomputes: A_j = G*z_j - alpha*c_j, B_j = H*z_j - (beta - G*j)*c_j.
 * @param {Point} publicKey
 * @param {Ciphertext} ct
 * @param {number} lo
 * @param {RangeProof} proof
 * @returns {Point[]}
 */
export function rangeCommitments(publicKey, ct, lo, proof) {
  /** @type {Point[]} */
  const commits = [];
  proof.challenges.forEach((c, i) => {
    const z = proof.responses[i];
    const j = lo + i;
    const bj = j === 0 ? ct.beta : ct.beta.subtract(encodeInt(j));
    commits.push(mulPublic(G, z).subtract(mulPublic(ct.alpha, c)), mulPublic(publicKey, z).subtract(mulPublic(bj, c)));
  });
  return commits;
}

/**
 * Check that ct encrypts a value in [lo, hi] under publicKey.
 * @param {Uint8Array} context
 * @param {Point} publicKey
 * @param {Ciphertext} ct
 * @param {number} lo
 * @param {number} hi
 * @param {RangeProof} proof
 * @returns {boolean}
 */
export function verifyRange(context, publicKey, ct, lo, hi, proof) {
  try {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || !(0 <= lo && lo <= hi)) return false;
    const { challenges: cs, responses: zs } = proof;
    if (!Array.isArray(cs) || !Array.isArray(zs) || cs.length !== hi - lo + 1 || zs.length !== cs.length) return false;
    if (!cs.every(isScalar) || !zs.every(isScalar) || publicKey.is0()) return false;
    const commits = rangeCommitments(publicKey, ct, lo, proof);
    const total = cs.reduce((a, b) => a + b, 0n) % L;
    return total === hashToScalar(rangeTranscript(context, publicKey, ct, lo, hi, commits));
  } catch {
    return false;
  }
}
