// A JSON-in / JSON-out driver for the cross-language tests (tests/js/test_js_crypto.py): reads one request
// {"op": ..., ...} on stdin, writes the answer on stdout. Not part of the shipped library.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import {
  booth,
  bytes,
  canonical,
  credentials,
  elgamal,
  group,
  proofs,
  signBallot,
  encryptBallot,
  spoiledBallot,
  tracker,
  verifyBallot,
} from '../../ballot/static/js/crypto/index.js';

const { fromHex } = bytes;

/** @param {() => unknown} fn */
function outcome(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (exc) {
    return { ok: false, error: `${exc.name}: ${exc.message}` };
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ops = {
  ballot({ election, manifest, credential, choices, seed }) {
    const e = booth.load(election, manifest);
    const rng = seed === undefined ? undefined : group.deterministicRng(fromHex(seed));
    const key = credentials.deriveKey(credential, e.salt);
    const { ballot, secrets } = encryptBallot(e, key.publicKey, choices, { rng });
    const signed = signBallot(ballot, key);
    return { ballot: signed, tracker: tracker(signed), spoiled: spoiledBallot(e, ballot, secrets) };
  },
  cast({ election, manifest, credential, choices }) {
    return booth.cast(booth.load(election, manifest), credential, choices);
  },
  verify_ballots({ election, manifest, ballots }) {
    const e = booth.load(election, manifest);
    return ballots.map((b) => outcome(() => verifyBallot(e, b)));
  },
  parse_points({ points }) {
    return points.map((p) => ({
      strict: outcome(() => group.pointToHex(group.pointFromHex(p))),
      identity: outcome(() => group.pointToHex(group.pointFromHex(p, { allowIdentity: true }))),
    }));
  },
  parse_scalars({ scalars }) {
    return scalars.map((s) => outcome(() => group.scalarToHex(group.scalarFromHex(s))));
  },
  verify_range({ context, key, ciphertext, lo, hi, proof }) {
    return outcome(() =>
      proofs.verifyRange(fromHex(context), group.pointFromHex(key), elgamal.fromJson(ciphertext), lo, hi, proofs.rangeFromJson(proof)),
    );
  },
  verify_signatures({ items }) {
    return items.map(({ signature, message, public_key }) =>
      credentials.verifySignature(fromHex(signature), fromHex(message), fromHex(public_key)),
    );
  },
  canonical({ values }) {
    return values.map((v) => outcome(() => canonical.dumpsText(v)));
  },
  loads({ texts }) {
    return texts.map((t) => outcome(() => canonical.loads(new Uint8Array(Buffer.from(t, 'base64')))));
  },
  parse_credentials({ texts }) {
    return texts.map((t) => outcome(() => credentials.parseCredential(t)));
  },
  time({ election, manifest, credential, choices, runs }) {
    const load = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      booth.load(election, manifest);
      load.push(performance.now() - t0);
    }
    const e = booth.load(election, manifest);
    const kdf = [];
    const build = [];
    const cast = [];
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      const key = credentials.deriveKey(credential, e.salt);
      kdf.push(performance.now() - t0);
      t0 = performance.now();
      signBallot(encryptBallot(e, key.publicKey, choices).ballot, key);
      build.push(performance.now() - t0);
      t0 = performance.now();
      booth.cast(e, credential, choices);
      cast.push(performance.now() - t0);
    }
    return { load_ms: median(load), kdf_ms: median(kdf), encrypt_sign_ms: median(build), cast_ms: median(cast), runs };
  },
};

const request = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(ops[request.op](request)));
