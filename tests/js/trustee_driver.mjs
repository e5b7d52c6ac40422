// A JSON-in / JSON-out driver for the cross-language trustee tests (tests/js/test_js_trustee.py): reads one
// request {"op": ..., ...} on stdin, writes {"ok": true, "value": ...} or {"ok": false, "error": ...} on stdout.
// Objects that the CLI writes to files are returned as their canonical text too. Not part of the shipped library.
import { readFileSync } from 'node:fs';

import { bytes, canonical, group, trustee } from '../../ballot/static/js/crypto/index.js';

const { fromHex } = bytes;

/** @param {string | undefined} seed */
const rngOf = (seed) => (seed === undefined || seed === null ? undefined : group.deterministicRng(fromHex(seed)));

const ops = {
  init({ context, index, threshold, trustees, seed, manifest }) {
    const made = trustee.init(fromHex(context), index, threshold, trustees, { rng: rngOf(seed), manifest });
    return { public: canonical.dumpsText(made.public), secret: canonical.dumpsText(made.secret) };
  },
  verify_public({ context, public: pub, threshold }) {
    return trustee.verifyPublic(fromHex(context), pub, threshold);
  },
  shares({ secret, publics, seed }) {
    return canonical.dumpsText(trustee.makeShares(trustee.parseSecret(secret), publics, { rng: rngOf(seed) }));
  },
  finish({ secret, publics, received }) {
    const done = trustee.finish(trustee.parseSecret(secret), publics, received);
    return { secret: canonical.dumpsText(done.secret), verification_key: done.verificationKey };
  },
  decrypt({ secret, election, aggregates, seed }) {
    const entry = trustee.decrypt(trustee.parseSecret(secret), canonical.hashJson(election), aggregates, {
      election,
      rng: rngOf(seed),
    });
    return canonical.dumpsText(entry);
  },
  open({ secret, election, request, seed }) {
    const entry = trustee.openReferences(trustee.parseSecret(secret), canonical.hashJson(election), request, {
      election,
      rng: rngOf(seed),
    });
    return canonical.dumpsText(entry);
  },
  trustees_json({ context, publics, threshold }) {
    return canonical.dumpsText(trustee.trusteesJson(fromHex(context), publics, threshold));
  },
};

const request = JSON.parse(readFileSync(0, 'utf8'));
let answer;
try {
  answer = { ok: true, value: ops[request.op](request) };
} catch (exc) {
  answer = { ok: false, error: `${exc.name}: ${exc.message}` };
}
process.stdout.write(JSON.stringify(answer));
