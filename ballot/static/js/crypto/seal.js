// @ts-check
/**
 * Transport of a trustee's share (docs/crypto.md §6.4): libsodium's sealed box (crypto_box_seal) to an X25519
 * public key, built from @noble/curves x25519, @noble/hashes BLAKE2b and @noble/ciphers XSalsa20-Poly1305.
 */

import { x25519 } from '@noble/curves/ed25519.js';
import { hsalsa, xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { concat } from './bytes.js';
import { CryptoError } from './errors.js';
import { randomBytes, scalarFromBytes, scalarToBytes } from './group.js';

/** @typedef {import('./group.js').Rng} Rng */

const SIGMA = new Uint32Array(new Uint8Array([...'expand 32-byte k'].map((c) => c.charCodeAt(0))).buffer);

/**
 * @param {Uint8Array} bytes
 * @returns {Uint32Array}
 */
function words(bytes) {
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) {
    out[i] = bytes[4 * i] | (bytes[4 * i + 1] << 8) | (bytes[4 * i + 2] << 16) | (bytes[4 * i + 3] << 24);
  }
  return out;
}

/**
 * crypto_box_beforenm: HSalsa20(X25519(secret, public), 0^16).
 * @param {Uint8Array} secretKey
 * @param {Uint8Array} publicKey
 * @returns {Uint8Array}
 */
function boxKey(secretKey, publicKey) {
  const shared = x25519.getSharedSecret(secretKey, publicKey);
  const out = new Uint32Array(8);
  hsalsa(SIGMA, words(shared), new Uint32Array(4), out);
  const key = new Uint8Array(32);
  out.forEach((w, i) => {
    key[4 * i] = w & 255;
    key[4 * i + 1] = (w >>> 8) & 255;
    key[4 * i + 2] = (w >>> 16) & 255;
    key[4 * i + 3] = (w >>> 24) & 255;
  });
  return key;
}

/**
 * The X25519 public key of a trustee's transport key.
 * @param {Uint8Array} privateKey 32 bytes
 * @returns {Uint8Array}
 */
export function publicKeyOf(privateKey) {
  return x25519.getPublicKey(privateKey);
}

/**
 * Seal a share to a trustee's X25519 public key: epk || crypto_box(le(s), BLAKE2b-192(epk || rpk), rpk, esk).
 * @param {Uint8Array} recipientPublic
 * @param {bigint} share
 * @param {{rng?: Rng}} [options]
 * @returns {Uint8Array} 80 bytes
 */
export function sealShare(recipientPublic, share, { rng } = {}) {
  const esk = randomBytes(32, rng);
  const epk = x25519.getPublicKey(esk);
  const nonce = blake2b(concat(epk, recipientPublic), { dkLen: 24 });
  return concat(epk, xsalsa20poly1305(boxKey(esk, recipientPublic), nonce).encrypt(scalarToBytes(share)));
}

/**
 * Open a sealed share with the trustee's X25519 private key; the plaintext must be a canonical scalar.
 * @param {Uint8Array} recipientPrivate
 * @param {Uint8Array} sealed
 * @returns {bigint}
 */
export function openShare(recipientPrivate, sealed) {
  try {
    const epk = sealed.subarray(0, 32);
    const rpk = x25519.getPublicKey(recipientPrivate);
    const nonce = blake2b(concat(epk, rpk), { dkLen: 24 });
    return scalarFromBytes(xsalsa20poly1305(boxKey(recipientPrivate, epk), nonce).decrypt(sealed.subarray(32)));
  } catch {
    throw new CryptoError('the sealed share does not open with this key');
  }
}
