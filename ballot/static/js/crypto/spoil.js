// @ts-check
/** The Benaloh challenge: the audit file of a spoiled ballot, format ballot-spoiled/1 (election-record.md §5). */

import { InvalidBallot } from './errors.js';
import { scalarToHex } from './group.js';

/** @typedef {import('./manifest.js').Election} Election */
/** @typedef {import('./ballots.js').AnswerSecret} AnswerSecret */

export const SPOILED_FORMAT = 'ballot-spoiled/1';

/**
 * The audit file for an unsigned ballot: the ballot, the election and manifest objects, and per question the
 * revealed votes and encryption randomness. Check it with `ballot-audit spoiled FILE`.
 * A spoiled ballot must never be cast: the booth discards it and encrypts afresh.
 * @param {Election} election
 * @param {Record<string, unknown>} ballot the unsigned ballot from encryptBallot
 * @param {AnswerSecret[]} secrets
 * @returns {Record<string, unknown>}
 */
export function spoiledBallot(election, ballot, secrets) {
  if ('signature' in ballot) throw new InvalidBallot('a signed ballot can be cast; only an unsigned ballot is spoiled');
  const reveal = secrets.map((s) => ({
    question: s.question,
    choices: [...s.choices],
    randomness: s.randomness.map(scalarToHex),
    blank: s.blank,
    blank_randomness: s.blankRandomness === null ? null : scalarToHex(s.blankRandomness),
  }));
  return {
    format: SPOILED_FORMAT,
    election: election.electionJson,
    manifest: election.manifestJson,
    ballot,
    reveal,
  };
}
