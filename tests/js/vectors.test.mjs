// Known-answer tests: the JavaScript library reproduces every vector of tests/vectors/crypto.json (docs/crypto.md §8).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  bytes,
  credentials,
  elgamal,
  group,
  proofs,
  seal,
  threshold,
  transcript,
} from '../../ballot/static/js/crypto/index.js';

const V = JSON.parse(readFileSync(new URL('../vectors/crypto.json', import.meta.url), 'utf8'));
const { fromHex, toHex } = bytes;
const seeded = (hex) => group.deterministicRng(fromHex(hex));
const CONTEXT = fromHex(V.context);
const hex = (p) => group.pointToHex(p);
const sc = (s) => group.scalarToHex(s);

test('group constants and the plaintext encoding', () => {
  assert.equal(group.L.toString(), V.group.L);
  assert.equal(hex(group.G), V.group.G);
  assert.equal(hex(group.IDENTITY), V.group.identity);
  for (const [m, enc] of Object.entries(V.group.encode_int)) assert.equal(hex(group.encodeInt(Number(m))), enc);
});

test('deterministic rng stream', () => {
  assert.equal(toHex(seeded(V.rng.seed)(100)), V.rng.first_100_bytes);
  const rng = seeded(V.rng.seed); // the same stream in uneven pieces
  assert.equal(toHex(bytes.concat(rng(1), rng(63), rng(36))), V.rng.first_100_bytes);
});

test('transcript with one field of each type', () => {
  const { item } = transcript;
  const data = bytes.concat(
    transcript.header('example', bytes.utf8('ctx')),
    item.bytes(Uint8Array.of(0, 255)),
    item.text('Wahl'),
    item.int(7),
    item.point(group.G),
    item.scalar(1n),
    item.list([item.int(1), item.bytes(new Uint8Array(0))]),
  );
  assert.equal(toHex(data), V.transcript.bytes);
  assert.equal(sc(transcript.hashToScalar(data)), V.transcript.challenge);
});

const secret = group.randomScalar(seeded(V.secret_key.rng_seed));
const publicKey = group.baseMul(secret);

test('key pair, Schnorr and DLEQ proofs', () => {
  assert.equal(sc(secret), V.secret_key.secret);
  assert.equal(hex(publicKey), V.secret_key.public);
  const schnorr = proofs.proveSecretKey(CONTEXT, secret, { rng: seeded(V.schnorr.rng_seed) });
  assert.deepEqual(proofs.pairToJson(schnorr), V.schnorr.proof);
  assert.ok(proofs.verifySecretKey(CONTEXT, publicKey, proofs.pairFromJson(V.schnorr.proof)));
  assert.ok(!proofs.verifySecretKey(bytes.utf8('other'), publicKey, schnorr));

  const base2 = group.encodeInt(5);
  assert.equal(hex(base2), V.dleq.base2);
  const public2 = group.mulSecret(base2, secret);
  assert.equal(hex(public2), V.dleq.public2);
  const dleq = proofs.proveDleq(CONTEXT, secret, group.G, base2, { rng: seeded(V.dleq.rng_seed) });
  assert.deepEqual(proofs.pairToJson(dleq), V.dleq.proof);
  assert.ok(proofs.verifyDleq(CONTEXT, group.G, publicKey, base2, public2, proofs.pairFromJson(V.dleq.proof)));
  assert.ok(!proofs.verifyDleq(CONTEXT, group.G, publicKey, base2, base2, dleq));
});

test('range proofs: randomness, ciphertext, transcript and proof', () => {
  for (const [index, fixedKey] of [publicKey, group.fixedBase(publicKey)].entries()) {
    for (const v of V.range) {
      const rng = seeded(v.rng_seed);
      const { ciphertext, randomness } = elgamal.encrypt(fixedKey, v.message, { rng });
      assert.equal(sc(randomness), v.randomness);
      assert.deepEqual(elgamal.toJson(ciphertext), v.ciphertext);
      const proof = proofs.proveRange(CONTEXT, fixedKey, ciphertext, v.message, randomness, v.lo, v.hi, { rng });
      assert.deepEqual(proofs.rangeToJson(proof), v.proof, `range ${v.lo}..${v.hi} m=${v.message} key ${index}`);
      const parsed = proofs.rangeFromJson(v.proof);
      const ct = elgamal.fromJson(v.ciphertext);
      const commits = proofs.rangeCommitments(publicKey, ct, v.lo, parsed);
      assert.equal(toHex(proofs.rangeTranscript(CONTEXT, publicKey, ct, v.lo, v.hi, commits)), v.transcript);
      assert.ok(proofs.verifyRange(CONTEXT, publicKey, ct, v.lo, v.hi, parsed));
      assert.ok(!proofs.verifyRange(CONTEXT, publicKey, ct, v.lo, v.hi + 1, parsed));
    }
  }
});

test('threshold ceremony, decryption shares, Lagrange coefficients and result', () => {
  const T = V.threshold;
  const rng = seeded(T.rng_seed);
  const polys = [1, 2, 3].map((i) => threshold.TrusteePolynomial.generate(i, T.t, { rng }));
  assert.deepEqual(polys.map((p) => p.coefficients.map(sc)), T.coefficients);
  const commitments = polys.map((p) => p.commitments());
  assert.deepEqual(commitments.map((cs) => cs.map(hex)), T.commitments);
  for (const p of polys) {
    for (const j of [1, 2, 3]) {
      assert.equal(sc(p.shareFor(j)), T.shares[`${p.index},${j}`]);
      assert.ok(threshold.verifyShare(commitments[p.index - 1], j, p.shareFor(j)));
    }
  }
  const secrets = Object.fromEntries([1, 2, 3].map((j) => [j, threshold.combineSecretShares(polys.map((p) => p.shareFor(j)))]));
  for (const j of [1, 2, 3]) {
    assert.equal(sc(secrets[j]), T.secret_shares[j]);
    assert.equal(hex(threshold.verificationKey(commitments, j)), T.verification_keys[j]);
  }
  const key = threshold.jointPublicKey(commitments);
  assert.equal(hex(key), T.joint_public_key);
  const { ciphertext } = elgamal.encrypt(key, T.message, { rng });
  assert.deepEqual(elgamal.toJson(ciphertext), T.ciphertext);
  const shares = [1, 3].map((j) => threshold.decryptionShare(CONTEXT, secrets[j], j, ciphertext, { rng }));
  const sharesJson = shares.map((s) => ({ factor: hex(s.factor), proof: proofs.pairToJson(s.proof), trustee: s.trustee }));
  assert.deepEqual(sharesJson, T.decryption_shares);
  for (const s of shares) {
    assert.ok(threshold.verifyDecryptionShare(CONTEXT, threshold.verificationKey(commitments, s.trustee), ciphertext, s));
  }
  assert.deepEqual(polys.map((p) => p.proofs(CONTEXT, { rng }).map(proofs.pairToJson)), T.proofs);
  polys.forEach((p, i) => {
    const parsed = T.proofs[i].map(proofs.pairFromJson);
    assert.ok(threshold.verifyCommitments(CONTEXT, p.index, commitments[i], parsed));
    assert.ok(!threshold.verifyCommitments(CONTEXT, p.index + 1, commitments[i], parsed));
  });
  for (const j of [1, 3]) assert.equal(sc(threshold.lagrangeCoefficient(j, [1, 3])), T.lagrange[j]);
  const result = threshold.combineDecryption(ciphertext, shares);
  assert.equal(hex(result), T.result);
  assert.ok(result.equals(group.encodeInt(T.message)));
});

test('credential: generation, salt and public key', () => {
  const C = V.credential;
  const credential = credentials.generateCredential({ rng: seeded(C.rng_seed) });
  assert.equal(credential, C.credential);
  const salt = fromHex(C.election_salt);
  assert.equal(toHex(credentials.credentialSalt(salt)), C.argon2id_salt);
  assert.equal(toHex(credentials.deriveKey(credential.toLowerCase().replaceAll('-', ' '), salt).publicKey), C.public_credential);
});

test('sealed share', () => {
  const S = V.sealed_share;
  const sealed = seal.sealShare(fromHex(S.recipient_public), group.scalarFromHex(S.share), { rng: seeded(S.rng_seed) });
  assert.equal(toHex(sealed), S.sealed);
});

test('sealed share round trip', () => {
  const recipientPrivate = fromHex('11'.repeat(32));
  const rng = group.deterministicRng(bytes.utf8('seal round trip'));
  const share = group.randomScalar(rng);
  const box = seal.sealShare(seal.publicKeyOf(recipientPrivate), share, { rng });
  assert.equal(box.length, 80);
  assert.equal(seal.openShare(recipientPrivate, box), share);
  box[40] ^= 1;
  assert.throws(() => seal.openShare(recipientPrivate, box), /does not open/);
});
