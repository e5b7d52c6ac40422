// Pure-JS unit tests of the booth library: strict parsing, canonical JSON, credentials, a ballot round trip.
// The cross-language checks against Python are in test_js_crypto.py.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  booth,
  bytes,
  canonical,
  credentials,
  elgamal,
  group,
  InvalidBallot,
  InvalidEncoding,
  verifyBallot,
  encryptBallot,
  signBallot,
} from '../../ballot/static/js/crypto/index.js';
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';

const P = 2n ** 255n - 19n;
const le = (v) => bytes.toHex(bytes.bigintToLe32(v));

test('points: torsion, mixed-order, non-canonical and off-curve encodings are rejected', () => {
  for (const t of ED25519_TORSION_SUBGROUP) {
    assert.throws(() => group.pointFromHex(t), InvalidEncoding, t);
    if (t === ED25519_TORSION_SUBGROUP[0]) continue; // G + O = G
    const mixed = group.G.add(group.Point.fromHex(t)).toBytes();
    assert.throws(() => group.pointFromBytes(mixed), /prime-order subgroup|small order/);
  }
  assert.equal(group.pointToHex(group.pointFromHex(ED25519_TORSION_SUBGROUP[0], { allowIdentity: true })), ED25519_TORSION_SUBGROUP[0]);
  assert.throws(() => group.pointFromHex('01' + '00'.repeat(30) + '80', { allowIdentity: true }), InvalidEncoding);
  for (let y = 0n; y < 19n; y++) assert.throws(() => group.pointFromHex(le(P + y)), InvalidEncoding);
  assert.throws(() => group.pointFromHex('02' + '00'.repeat(31)), InvalidEncoding); // y = 2 is not on the curve
  const p = group.baseMul(12345n);
  assert.match(group.pointToHex(p), /[a-f]/);
  assert.throws(() => group.pointFromHex(group.pointToHex(p).toUpperCase()), InvalidEncoding);
  assert.throws(() => group.pointFromHex('58'.repeat(31)), InvalidEncoding);
  assert.ok(group.pointFromHex(group.pointToHex(p)).equals(p));
});

test('scalars: canonical only', () => {
  assert.equal(group.scalarFromHex(le(group.L - 1n)), group.L - 1n);
  for (const v of [group.L, group.L + 1n, 2n ** 256n - 1n]) assert.throws(() => group.scalarFromHex(le(v)), /non-canonical/);
  assert.throws(() => group.scalarFromHex('AB'.repeat(32)), InvalidEncoding);
  assert.throws(() => group.scalarFromHex('00'.repeat(31)), InvalidEncoding);
});

test('canonical JSON', () => {
  assert.equal(canonical.dumpsText({ b: [1, 'x'], a: null, '\u{1F600}': true, '\uFFFF': false }), '{"a":null,"b":[1,"x"],"\uFFFF":false,"\u{1F600}":true}');
  assert.equal(canonical.dumpsText('\u0000\u001f\u007f"\\/\n\u2028'), '"\\u0000\\u001f\u007f\\"\\\\/\\n\u2028"');
  for (const bad of [1.5, -0, 2 ** 53, NaN, Infinity, 10n, undefined, '\ud800', new Date(0), [() => 1]]) {
    assert.throws(() => canonical.dumps(bad), InvalidEncoding, String(bad));
  }
  assert.deepEqual(canonical.loads('{"a":[1,2]}'), { a: [1, 2] });
  for (const bad of ['{"b":1,"a":2}', '{"a":1,"a":1}', '{"a": 1}', '[1.0]', '"\\u00e9"', '\ufeff{}', '{}\n']) {
    assert.throws(() => canonical.loads(bad), InvalidEncoding, bad);
  }
  assert.throws(() => canonical.loads(Uint8Array.of(0x22, 0xff, 0x22)), InvalidEncoding);
});

test('credentials: normalisation, typos and the check characters', () => {
  const rng = group.deterministicRng(bytes.utf8('credentials'));
  for (let i = 0; i < 50; i++) {
    const c = credentials.generateCredential({ rng });
    assert.match(c, /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);
    assert.equal(credentials.parseCredential(c.toLowerCase().replaceAll('-', ' ')), c);
    const chars = c.replaceAll('-', '');
    for (let k = 0; k < 18; k++) {
      const wrong = chars.slice(0, k) + (chars[k] === '7' ? '8' : '7') + chars.slice(k + 1);
      assert.throws(() => credentials.parseCredential(wrong), /typo/);
      if (k < 17 && chars[k] !== chars[k + 1]) {
        const swapped = chars.slice(0, k) + chars[k + 1] + chars[k] + chars.slice(k + 2);
        assert.throws(() => credentials.parseCredential(swapped), /typo/);
      }
    }
  }
  assert.throws(() => credentials.parseCredential('CGK0B-F51Y8-1KPBD-80V2U'), /character 20 \('U'\)/);
  assert.throws(() => credentials.parseCredential('CGK0B-F51Y8'), /20 characters, this has 10/);
  assert.equal(credentials.parseCredential('cgkob f5iy8 1kpbd 8ov2n'), 'CGK0B-F51Y8-1KPBD-80V2N');
});

function demoElection() {
  const rng = group.deterministicRng(bytes.utf8('demo election'));
  const key = group.baseMul(group.randomScalar(rng));
  const text = { de: 'x', en: 'x' };
  const manifest = {
    format: 'ballot-manifest/1',
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    questions: [
      { id: 'q1', kind: 'referendum', min: 0, max: 1, text, options: ['yes', 'no', 'abstain'].map((id) => ({ id, label: text, max: 1 })) },
      { id: 'q2', kind: 'cumulative', min: 0, max: 4, text, options: ['a', 'b', 'c'].map((id) => ({ id, label: text, max: 3 })) },
    ],
  };
  const election = {
    board_key: '00'.repeat(32),
    credentials: '00'.repeat(32),
    format: 'ballot-election/1',
    manifest: canonical.hashJsonHex(manifest),
    public_key: group.pointToHex(key),
    trustees: '00'.repeat(32),
  };
  return booth.load(election, manifest);
}

test('a ballot round trip in JS: cast, verify, tamper, audit', () => {
  const e = demoElection();
  const credential = credentials.generateCredential({ rng: group.deterministicRng(bytes.utf8('voter')) });
  for (const choices of [[[1, 0, 0], [3, 0, 1]], [[0, 0, 0], [0, 0, 0]], [[0, 0, 1], [1, 1, 1]]]) {
    const cast = booth.cast(e, credential, choices);
    assert.equal(verifyBallot(e, cast.ballot), cast.tracker);
    assert.equal(cast.json, canonical.dumpsText(cast.ballot));
    const tampered = JSON.parse(cast.json);
    tampered.answers[1].choices.reverse();
    assert.throws(() => verifyBallot(e, tampered), InvalidBallot);
    const { spoiled } = booth.audit(e, credential, choices);
    assert.equal(spoiled.format, 'ballot-spoiled/1');
    spoiled.reveal.forEach((r, q) => {
      assert.deepEqual(r.choices, choices[q]);
      r.randomness.forEach((hex, o) => {
        const { ciphertext } = elgamal.encrypt(e.publicKey, r.choices[o], { randomness: group.scalarFromHex(hex) });
        assert.deepEqual(elgamal.toJson(ciphertext), spoiled.ballot.answers[q].choices[o]);
      });
      assert.equal(r.blank, q === 1 ? Number(choices[1].every((v) => v === 0)) : null);
    });
    assert.ok(!('signature' in spoiled.ballot));
  }
  assert.throws(() => booth.cast(e, credential, [[1, 1, 0], [0, 0, 0]]), /allowed \[0, 1\]/);
  assert.throws(() => booth.cast(e, credential, [[1, 0, 0], [4, 0, 0]]), /votes must be in \[0, 3\]/);
  assert.throws(() => booth.cast(e, credential, [[1, 0, 0], [3, 1, 1]]), /5 votes, allowed \[0, 4\]/);
});

test('an injected rng makes the ballot reproducible; the system rng does not', () => {
  const e = demoElection();
  const key = credentials.deriveKey('CGK0B-F51Y8-1KPBD-80V2N', e.salt);
  const make = (rng) => signBallot(encryptBallot(e, key.publicKey, [[0, 1, 0], [2, 0, 0]], { rng }).ballot, key);
  const seed = bytes.utf8('same seed');
  assert.equal(canonical.dumpsText(make(group.deterministicRng(seed))), canonical.dumpsText(make(group.deterministicRng(seed))));
  assert.notEqual(canonical.dumpsText(make()), canonical.dumpsText(make()));
  assert.throws(() => signBallot({ ...make(), credential: '00'.repeat(32) }, key), /does not belong/);
});

test('an election whose manifest does not match is refused', () => {
  const e = demoElection();
  const manifest = { ...e.manifestJson, id: '1f8fad5b-d9cb-469f-a165-70867728950e' };
  assert.throws(() => booth.load(e.electionJson, manifest), /does not belong/);
  assert.throws(() => booth.load({ ...e.electionJson, public_key: ED25519_TORSION_SUBGROUP[3] }, e.manifestJson), InvalidEncoding);
});
