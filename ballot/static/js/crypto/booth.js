// @ts-check
/**
 * The three steps a voting booth page calls: load the election, then either cast (derive the credential key,
 * encrypt, prove, sign) or audit (encrypt and reveal, for `ballot-audit spoiled`). Everything else is in the
 * modules this one uses.
 */

import { dumpsText } from './canonical.js';
import { deriveKey } from './credentials.js';
import { encryptBallot, signBallot, tracker } from './ballots.js';
import { loadElection } from './manifest.js';
import { spoiledBallot } from './spoil.js';

/** @typedef {import('./manifest.js').Election} Election */
/** @typedef {import('./group.js').Rng} Rng */

export const booth = {
  /**
   * @param {unknown} electionJson the election.json object
   * @param {unknown} manifestJson the manifest.json object
   * @returns {Election}
   */
  load(electionJson, manifestJson) {
    return loadElection(electionJson, manifestJson);
  },

  /**
   * A signed ballot ready to submit, its canonical JSON text and its tracker.
   * @param {Election} election
   * @param {string} credential the secret as typed by the member
   * @param {number[][]} choices votes per option, per question
   * @param {{rng?: Rng}} [options]
   * @returns {{ballot: Record<string, unknown>, json: string, tracker: string, credential: string}}
   */
  cast(election, credential, choices, { rng } = {}) {
    const key = deriveKey(credential, election.salt);
    const { ballot } = encryptBallot(election, key.publicKey, choices, { rng });
    const signed = signBallot(ballot, key);
    return { ballot: signed, json: dumpsText(signed), tracker: tracker(signed), credential: /** @type {string} */ (signed.credential) };
  },

  /**
   * An audit (spoiled-ballot) file: the unsigned ballot with its choices and randomness revealed. Never cast it.
   * @param {Election} election
   * @param {string} credential the secret as typed by the member
   * @param {number[][]} choices
   * @param {{rng?: Rng}} [options]
   * @returns {{spoiled: Record<string, unknown>, json: string}}
   */
  audit(election, credential, choices, { rng } = {}) {
    const key = deriveKey(credential, election.salt);
    const { ballot, secrets } = encryptBallot(election, key.publicKey, choices, { rng });
    const spoiled = spoiledBallot(election, ballot, secrets);
    return { spoiled, json: dumpsText(spoiled) };
  },
};
