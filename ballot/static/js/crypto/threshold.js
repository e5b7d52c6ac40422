// @ts-check
/**
 * t-of-n threshold keys (docs/crypto.md §6.1-6.3): trustee polynomials with Feldman commitments and Schnorr
 * proofs, verification keys, decryption shares with DLEQ proofs, Lagrange combination. Groundwork for the
 * browser key ceremony; the voter's booth needs none of it.
 */

import { concat, u32be } from './bytes.js';
import { CryptoError } from './errors.js';
import { G, IDENTITY, baseMul, invert, mod, mulPublic, mulSecret, randomScalar } from './group.js';
import { proveDleq, proveSecretKey, verifyDleq, verifySecretKey } from './proofs.js';

/** @typedef {import('./group.js').Point} Point */
/** @typedef {import('./group.js').Rng} Rng */
/** @typedef {import('./elgamal.js').Ciphertext} Ciphertext */
/** @typedef {import('./proofs.js').ScalarPairProof} ScalarPairProof */
/** @typedef {{trustee: number, factor: Point, proof: ScalarPairProof}} DecryptionShare */

/**
 * Context of the Schnorr proof for C_trustee,k: context || u32be(trustee) || u32be(k).
 * @param {Uint8Array} context
 * @param {number} trustee
 * @param {number} k
 * @returns {Uint8Array}
 */
export function coefficientContext(context, trustee, k) {
  return concat(context, u32be(trustee), u32be(k));
}

/** Trustee index's secret polynomial (coefficients a_0 .. a_(t-1), all nonzero). */
export class TrusteePolynomial {
  /**
   * @param {number} index
   * @param {bigint[]} coefficients
   */
  constructor(index, coefficients) {
    this.index = index;
    this.coefficients = coefficients;
  }

  /**
   * @param {number} index trustee number >= 1
   * @param {number} threshold t >= 1
   * @param {{rng?: Rng}} [options]
   */
  static generate(index, threshold, { rng } = {}) {
    if (index < 1 || threshold < 1) throw new CryptoError('trustee index and threshold must be >= 1');
    return new TrusteePolynomial(index, Array.from({ length: threshold }, () => randomScalar(rng)));
  }

  /** Feldman commitments G*a_k. @returns {Point[]} */
  commitments() {
    return this.coefficients.map(baseMul);
  }

  /**
   * s_index,j = f(j).
   * @param {number} j
   * @returns {bigint}
   */
  shareFor(j) {
    if (j < 1) throw new CryptoError('trustee numbers start at 1');
    let acc = 0n;
    for (const a of [...this.coefficients].reverse()) acc = mod(acc * BigInt(j) + a);
    return acc;
  }

  /**
   * One Schnorr proof per coefficient.
   * @param {Uint8Array} context
   * @param {{rng?: Rng}} [options]
   * @returns {ScalarPairProof[]}
   */
  proofs(context, { rng } = {}) {
    return this.coefficients.map((a, k) => proveSecretKey(coefficientContext(context, this.index, k), a, { rng }));
  }
}

/**
 * Check a trustee's Schnorr proofs for all its commitments.
 * @param {Uint8Array} context
 * @param {number} trustee
 * @param {Point[]} commitments
 * @param {ScalarPairProof[]} proofs
 * @returns {boolean}
 */
export function verifyCommitments(context, trustee, commitments, proofs) {
  return (
    commitments.length === proofs.length &&
    commitments.length > 0 &&
    commitments.every((c, k) => verifySecretKey(coefficientContext(context, trustee, k), c, proofs[k]))
  );
}

/**
 * sum_k C_k * j^k (Horner).
 * @param {Point[]} commitments
 * @param {number} j
 * @returns {Point}
 */
function evaluate(commitments, j) {
  let acc = IDENTITY;
  for (const c of [...commitments].reverse()) acc = mulPublic(acc, BigInt(j)).add(c);
  return acc;
}

/**
 * G*share == sum_k C_ik * j^k.
 * @param {Point[]} commitments
 * @param {number} j
 * @param {bigint} share
 * @returns {boolean}
 */
export function verifyShare(commitments, j, share) {
  return baseMul(share).equals(evaluate(commitments, j));
}

/**
 * The election public key: sum over trustees of C_i0.
 * @param {Point[][]} all
 * @returns {Point}
 */
export function jointPublicKey(all) {
  return all.map((c) => c[0]).reduce((a, b) => a.add(b));
}

/**
 * VK_j = sum_k (sum_i C_ik) * j^k.
 * @param {Point[][]} all
 * @param {number} j
 * @returns {Point}
 */
export function verificationKey(all, j) {
  const summed = all[0].map((_, k) => all.map((c) => c[k]).reduce((a, b) => a.add(b)));
  return evaluate(summed, j);
}

/**
 * x_j = sum of the received shares.
 * @param {bigint[]} received
 * @returns {bigint}
 */
export function combineSecretShares(received) {
  return mod(received.reduce((a, b) => a + b, 0n));
}

/**
 * lambda_j = prod_{k != j} k / (k - j) mod L.
 * @param {number} j
 * @param {number[]} indices
 * @returns {bigint}
 */
export function lagrangeCoefficient(j, indices) {
  if (new Set(indices).size !== indices.length || !indices.includes(j) || Math.min(...indices) < 1) {
    throw new CryptoError('indices must be distinct trustee numbers >= 1 and contain j');
  }
  let num = 1n;
  let den = 1n;
  for (const k of indices) {
    if (k !== j) {
      num *= BigInt(k);
      den *= BigInt(k - j);
    }
  }
  return mod(mod(num) * invert(den));
}

/**
 * alpha*x_j and a DLEQ proof that log_G(VK_j) == log_alpha(alpha*x_j).
 * @param {Uint8Array} context
 * @param {bigint} secretShare
 * @param {number} trustee
 * @param {Ciphertext} ct
 * @param {{rng?: Rng}} [options]
 * @returns {DecryptionShare}
 */
export function decryptionShare(context, secretShare, trustee, ct, { rng } = {}) {
  return {
    trustee,
    factor: mulSecret(ct.alpha, secretShare),
    proof: proveDleq(context, secretShare, G, ct.alpha, { rng }),
  };
}

/**
 * @param {Uint8Array} context
 * @param {Point} verificationKeyJ
 * @param {Ciphertext} ct
 * @param {DecryptionShare} share
 * @returns {boolean}
 */
export function verifyDecryptionShare(context, verificationKeyJ, ct, share) {
  return verifyDleq(context, G, verificationKeyJ, ct.alpha, share.factor, share.proof);
}

/**
 * G*m = beta - sum_j lambda_j * factor_j.
 * @param {Ciphertext} ct
 * @param {DecryptionShare[]} shares
 * @returns {Point}
 */
export function combineDecryption(ct, shares) {
  const indices = shares.map((s) => s.trustee);
  if (shares.length === 0 || new Set(indices).size !== indices.length) {
    throw new CryptoError('need decryption shares of distinct trustees');
  }
  let combined = IDENTITY;
  for (const s of shares) combined = combined.add(mulPublic(s.factor, lagrangeCoefficient(s.trustee, indices)));
  return ct.beta.subtract(combined);
}
