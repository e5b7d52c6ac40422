// @ts-check
/**
 * Encrypted ballots (docs/election-record.md §3.6): encrypt, prove and sign a member's choices, compute the
 * tracker, and verify a ballot with the checks of ballot_crypto.ballots.verify_ballot. Choices are given per
 * question (manifest order) as the votes per option (option order), e.g. [[1, 0, 0]].
 */

import { concat, fromHex, toHex, utf8 } from './bytes.js';
import { dumps, hashJsonHex } from './canonical.js';
import { sign, verifySignature } from './credentials.js';
import { add, encrypt, fromJson as ciphertextFromJson, isPlainObject, sameKeys, toJson } from './elgamal.js';
import { CryptoError, InvalidBallot } from './errors.js';
import { mod, mulPublic } from './group.js';
import { proveRange, rangeFromJson, rangeToJson, verifyRange } from './proofs.js';

/** @typedef {import('./group.js').Rng} Rng */
/** @typedef {import('./elgamal.js').Ciphertext} Ciphertext */
/** @typedef {import('./manifest.js').Election} Election */
/** @typedef {import('./manifest.js').Question} Question */
/** @typedef {import('./credentials.js').CredentialKey} CredentialKey */
/**
 * The plaintexts and randomness of one answer: what a Benaloh audit reveals.
 * @typedef {{question: string, choices: number[], randomness: bigint[], blank: number | null,
 *            blankRandomness: bigint | null}} AnswerSecret
 */

export const SIGNATURE_DOMAIN = 'ballot-crypto/ballot/1';
const ANSWER_KEYS = ['question', 'choices', 'choice_proofs', 'blank', 'blank_proof', 'total_proof'];
const BALLOT_KEYS = ['election', 'credential', 'answers', 'signature'];

/**
 * DOMAIN || 0x00 || canonical(payload): the message of every Ed25519 signature in the record.
 * @param {string} domain
 * @param {unknown} payload
 * @returns {Uint8Array}
 */
export function signedMessage(domain, payload) {
  return concat(utf8(domain), Uint8Array.of(0), dumps(payload));
}

/**
 * C = F || credential: the context of every range proof in the ballot.
 * @param {Election} election
 * @param {Uint8Array} credential
 * @returns {Uint8Array}
 */
export function proofContext(election, credential) {
  return concat(election.fingerprint, credential);
}

/**
 * Throw InvalidBallot unless votes is a valid answer to question.
 * @param {Question} question
 * @param {unknown} votes
 * @returns {number[]}
 */
export function checkChoices(question, votes) {
  const n = question.options.length;
  if (!Array.isArray(votes) || votes.length !== n) throw new InvalidBallot(`question ${question.id}: expected ${n} option values`);
  votes.forEach((v, i) => {
    const option = question.options[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > option.max) {
      throw new InvalidBallot(`question ${question.id}, option ${option.id}: votes must be in [0, ${option.max}]`);
    }
  });
  const total = votes.reduce((a, b) => a + b, 0);
  if (total < question.min || total > question.max) {
    throw new InvalidBallot(`question ${question.id}: ${total} votes, allowed [${question.min}, ${question.max}]`);
  }
  return votes;
}

/**
 * The range proved for the question total (with a blank flag: total + max*blank in [1, max]).
 * @param {Question} question
 * @returns {[number, number]}
 */
export function totalRange(question) {
  return question.hasBlank ? [1, question.max] : [question.min, question.max];
}

/**
 * k * C component-wise (k >= 1).
 * @param {Ciphertext} ct
 * @param {number} k
 * @returns {Ciphertext}
 */
function scale(ct, k) {
  if (k === 1) return ct;
  return { alpha: mulPublic(ct.alpha, BigInt(k)), beta: mulPublic(ct.beta, BigInt(k)) };
}

/**
 * @param {Question} question
 * @param {Ciphertext[]} choices
 * @param {Ciphertext | null} blank
 * @returns {Ciphertext}
 */
function questionTotal(question, choices, blank) {
  let total = choices[0];
  for (const ct of choices.slice(1)) total = add(total, ct);
  if (blank !== null) total = add(total, scale(blank, question.max));
  return total;
}

/**
 * Encrypt and prove one answer; the draw order equals ballot_crypto.ballots (per option: r, then the proof's
 * nonces; then the blank flag; then the total proof).
 * @param {Election} election
 * @param {Uint8Array} context
 * @param {Question} question
 * @param {number[]} votes
 * @param {Rng | undefined} rng
 */
function encryptAnswer(election, context, question, votes, rng) {
  const key = election.publicKey;
  /** @type {Ciphertext[]} */
  const cts = [];
  /** @type {bigint[]} */
  const rands = [];
  const proofs = [];
  question.options.forEach((option, i) => {
    const { ciphertext, randomness } = encrypt(key, votes[i], { rng });
    cts.push(ciphertext);
    rands.push(randomness);
    proofs.push(rangeToJson(proveRange(context, key, ciphertext, votes[i], randomness, 0, option.max, { rng })));
  });
  let totalM = votes.reduce((a, b) => a + b, 0);
  let totalR = mod(rands.reduce((a, b) => a + b, 0n));
  /** @type {Ciphertext | null} */
  let blankCt = null;
  let blankProof = null;
  /** @type {bigint | null} */
  let blankR = null;
  /** @type {number | null} */
  let blank = null;
  if (question.hasBlank) {
    blank = totalM === 0 ? 1 : 0;
    const enc = encrypt(key, blank, { rng });
    blankCt = enc.ciphertext;
    blankR = enc.randomness;
    blankProof = rangeToJson(proveRange(context, key, blankCt, blank, blankR, 0, 1, { rng }));
    totalM += question.max * blank;
    totalR = mod(totalR + BigInt(question.max) * blankR);
  }
  const [lo, hi] = totalRange(question);
  const total = questionTotal(question, cts, blankCt);
  const totalProof = proveRange(context, key, total, totalM, totalR, lo, hi, { rng });
  const answer = {
    question: question.id,
    choices: cts.map(toJson),
    choice_proofs: proofs,
    blank: blankCt === null ? null : toJson(blankCt),
    blank_proof: blankProof,
    total_proof: rangeToJson(totalProof),
  };
  /** @type {AnswerSecret} */
  const secret = { question: question.id, choices: [...votes], randomness: rands, blank, blankRandomness: blankR };
  return { answer, secret };
}

/**
 * Encrypt and prove; returns the unsigned ballot and the secrets a Benaloh audit would reveal.
 * @param {Election} election
 * @param {Uint8Array} credential the 32-byte public credential
 * @param {number[][]} choices
 * @param {{rng?: Rng}} [options]
 * @returns {{ballot: Record<string, unknown>, secrets: AnswerSecret[]}}
 */
export function encryptBallot(election, credential, choices, { rng } = {}) {
  const questions = election.questions;
  if (!(credential instanceof Uint8Array) || credential.length !== 32) throw new CryptoError('a credential is 32 bytes');
  if (!Array.isArray(choices) || choices.length !== questions.length) {
    throw new InvalidBallot(`expected answers to ${questions.length} questions`);
  }
  const context = proofContext(election, credential);
  const answers = [];
  /** @type {AnswerSecret[]} */
  const secrets = [];
  questions.forEach((question, i) => {
    const votes = checkChoices(question, choices[i]);
    const { answer, secret } = encryptAnswer(election, context, question, votes, rng);
    answers.push(answer);
    secrets.push(secret);
  });
  const ballot = { election: toHex(election.fingerprint), credential: toHex(credential), answers };
  return { ballot, secrets };
}

/**
 * Add the credential's signature over "ballot-crypto/ballot/1" || 0x00 || canonical(unsigned ballot).
 * @param {Record<string, unknown>} ballot
 * @param {CredentialKey} key must belong to ballot.credential
 * @returns {Record<string, unknown>}
 */
export function signBallot(ballot, key) {
  if (toHex(key.publicKey) !== ballot.credential) {
    throw new InvalidBallot("the signing key does not belong to the ballot's credential");
  }
  const unsigned = Object.fromEntries(Object.entries(ballot).filter(([k]) => k !== 'signature'));
  return { ...unsigned, signature: toHex(sign(signedMessage(SIGNATURE_DOMAIN, unsigned), key)) };
}

/**
 * The ballot tracker: SHA-256 of the canonical signed ballot, hex.
 * @param {unknown} ballot
 * @returns {string}
 */
export function tracker(ballot) {
  return hashJsonHex(ballot);
}

/**
 * @param {unknown} obj
 * @param {string[]} keys
 * @param {string} where
 * @returns {Record<string, unknown>}
 */
function fields(obj, keys, where) {
  if (!isPlainObject(obj) || !sameKeys(obj, keys)) {
    throw new InvalidBallot(`${where}: expected exactly the keys ${[...keys].sort().join(', ')}`);
  }
  return obj;
}

/**
 * @param {unknown} obj
 * @param {string} where
 * @returns {Ciphertext}
 */
function ballotCiphertext(obj, where) {
  let ct;
  try {
    ct = ciphertextFromJson(obj);
  } catch {
    throw new InvalidBallot(`${where}: malformed ciphertext`);
  }
  if (ct.alpha.is0() || ct.beta.is0()) throw new InvalidBallot(`${where}: the identity is not allowed in a ballot`);
  return ct;
}

/**
 * @param {Uint8Array} context
 * @param {import('./group.js').Point} key
 * @param {Ciphertext} ct
 * @param {number} lo
 * @param {number} hi
 * @param {unknown} obj
 * @param {string} where
 */
function checkRange(context, key, ct, lo, hi, obj, where) {
  let proof;
  try {
    proof = rangeFromJson(obj);
  } catch {
    throw new InvalidBallot(`${where}: malformed range proof`);
  }
  if (!verifyRange(context, key, ct, lo, hi, proof)) throw new InvalidBallot(`${where}: range proof [${lo}, ${hi}] does not verify`);
}

/**
 * Check one answer's structure and range proofs (checks 7 and 10 of election-record.md §4).
 * @param {Election} election
 * @param {Uint8Array} context
 * @param {Question} question
 * @param {unknown} obj
 * @param {string} where
 */
export function verifyAnswer(election, context, question, obj, where) {
  const answer = fields(obj, ANSWER_KEYS, where);
  if (answer.question !== question.id) throw new InvalidBallot(`${where}: expected question '${question.id}'`);
  const cts = answer.choices;
  const proofs = answer.choice_proofs;
  const n = question.options.length;
  if (!Array.isArray(cts) || !Array.isArray(proofs) || cts.length !== n || proofs.length !== n) {
    throw new InvalidBallot(`${where}: expected ${n} choices and ${n} choice proofs`);
  }
  const key = election.publicKey;
  const parsed = cts.map((ct, i) => ballotCiphertext(ct, `${where}.choices[${i}]`));
  question.options.forEach((option, i) => {
    checkRange(context, key, parsed[i], 0, option.max, proofs[i], `${where}.choice_proofs[${i}]`);
  });
  /** @type {Ciphertext | null} */
  let blank = null;
  if (question.hasBlank) {
    if (answer.blank === null || answer.blank_proof === null) throw new InvalidBallot(`${where}: question ${question.id} needs a blank flag`);
    blank = ballotCiphertext(answer.blank, `${where}.blank`);
    checkRange(context, key, blank, 0, 1, answer.blank_proof, `${where}.blank_proof`);
  } else if (answer.blank !== null || answer.blank_proof !== null) {
    throw new InvalidBallot(`${where}: question ${question.id} has no blank flag`);
  }
  const [lo, hi] = totalRange(question);
  checkRange(context, key, questionTotal(question, parsed, blank), lo, hi, answer.total_proof, `${where}.total_proof`);
}

/**
 * Check structure, every proof and the signature; return the tracker. Throws InvalidBallot.
 * @param {Election} election
 * @param {unknown} obj
 * @returns {string}
 */
export function verifyBallot(election, obj) {
  const ballot = fields(obj, BALLOT_KEYS, 'ballot');
  if (ballot.election !== toHex(election.fingerprint)) throw new InvalidBallot('ballot: made for another election (fingerprint differs)');
  let credential;
  let signature;
  try {
    credential = fromHex(ballot.credential, 32, 'ballot.credential');
    signature = fromHex(ballot.signature, 64, 'ballot.signature');
  } catch (exc) {
    throw new InvalidBallot(/** @type {Error} */ (exc).message);
  }
  const answers = ballot.answers;
  const questions = election.questions;
  if (!Array.isArray(answers) || answers.length !== questions.length) {
    throw new InvalidBallot(`ballot.answers: expected ${questions.length} answers`);
  }
  const context = proofContext(election, credential);
  questions.forEach((q, i) => verifyAnswer(election, context, q, answers[i], `ballot.answers[${i}]`));
  const unsigned = Object.fromEntries(Object.entries(ballot).filter(([k]) => k !== 'signature'));
  if (!verifySignature(signature, signedMessage(SIGNATURE_DOMAIN, unsigned), credential)) {
    throw new InvalidBallot('ballot.signature: does not verify under the credential');
  }
  return tracker(ballot);
}
