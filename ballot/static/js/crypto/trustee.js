// @ts-check
/**
 * One trustee's side of the t-of-n key ceremony and the decryption (docs/crypto.md §6, docs/election-record.md
 * §3.4, §3.10, §3.15) in JavaScript: the same steps as `ballot-crypto trustee init / shares / finish / decrypt /
 * open` (crypto/ballot_crypto/trustee.py), with the same JSON objects, so a trustee may start in the browser and finish
 * with the command or the other way round. For the same rng stream the outputs are byte-identical to Python's.
 *
 * The secret state is a plain object with "format": "ballot-trustee-secret/1"; secrets only ever live in it.
 * Errors are CryptoError naming the trustee and the problem, never a secret value.
 */

import { fromHex, toHex } from './bytes.js';
import { hashJson, hashJsonHex } from './canonical.js';
import { fromJson as ciphertextFromJson, isPlainObject, sameKeys } from './elgamal.js';
import { CryptoError } from './errors.js';
import { G, mulSecret, pointFromHex, pointToHex, randomBytes, scalarFromHex, scalarToHex } from './group.js';
import { pairFromJson, pairToJson, proveDleq } from './proofs.js';
import { publicKeyOf, openShare, sealShare } from './seal.js';
import {
  TrusteePolynomial,
  combineSecretShares,
  jointPublicKey,
  verificationKey,
  verifyCommitments,
  verifyShare,
} from './threshold.js';

/** @typedef {import('./group.js').Point} Point */
/** @typedef {import('./group.js').Rng} Rng */
/** @typedef {{index: number, transport_key: string, commitments: string[], proofs: {challenge: string, response: string}[]}} PublicObject */
/** @typedef {{from: number, to: number, sealed: string}} SealedShare */
/** @typedef {Record<string, any>} Secret */

export const SECRET_FORMAT = 'ballot-trustee-secret/1';
const PUBLIC_KEYS = ['index', 'transport_key', 'commitments', 'proofs'];
const SHARE_KEYS = ['from', 'to', 'sealed'];

/**
 * @param {unknown} v
 * @returns {v is number}
 */
function isInt(v) {
  return typeof v === 'number' && Number.isInteger(v);
}

/**
 * The shape the secret remembers: [[question id, number of options, has a blank ciphertext]] (manifest order).
 * @param {any} manifest the manifest.json object
 * @returns {[string, number, boolean][]}
 */
function questionShape(manifest) {
  const questions = manifest?.questions;
  if (!Array.isArray(questions) || questions.length === 0) throw new CryptoError('the manifest has no questions');
  return questions.map((q) => {
    if (!isPlainObject(q) || typeof q.id !== 'string' || !Array.isArray(q.options) || !isInt(q.min) || !isInt(q.max)) {
      throw new CryptoError('the manifest has a malformed question');
    }
    return [q.id, q.options.length, q.min === 0 && q.max > 1];
  });
}

/**
 * Start trustee `index` (1..trustees) of a `threshold`-of-`trustees` ceremony; returns {public, secret}.
 * Draws, in order: the t coefficients, the transport secret, the t Schnorr nonces (as Python does).
 * @param {Uint8Array} context M = H(manifest.json), 32 bytes
 * @param {number} index
 * @param {number} threshold
 * @param {number} trustees
 * @param {{rng?: Rng, manifest?: unknown}} [options] with manifest (its hash must be context) the secret remembers
 *   the questions, so decrypt refuses aggregates of another shape
 * @returns {{public: PublicObject, secret: Secret}}
 */
export function init(context, index, threshold, trustees, { rng, manifest } = {}) {
  if (![index, threshold, trustees].every(isInt) || !(threshold >= 1 && threshold <= trustees) ||
      !(index >= 1 && index <= trustees)) {
    throw new CryptoError(`trustee ${index}: need 1 <= index <= trustees and 1 <= threshold <= trustees`);
  }
  if (!(context instanceof Uint8Array) || context.length !== 32) {
    throw new CryptoError(`trustee ${index}: the context must be the 32-byte manifest hash`);
  }
  let shape = null;
  if (manifest !== undefined && manifest !== null) {
    if (hashJsonHex(manifest) !== toHex(context)) {
      throw new CryptoError(`trustee ${index}: the context is not the hash of this manifest`);
    }
    shape = questionShape(manifest);
  }
  const poly = TrusteePolynomial.generate(index, threshold, { rng });
  const transport = randomBytes(32, rng);
  const transportKey = toHex(publicKeyOf(transport));
  const pub = {
    index,
    transport_key: transportKey,
    commitments: poly.commitments().map(pointToHex),
    proofs: poly.proofs(context, { rng }).map(pairToJson),
  };
  const secret = {
    format: SECRET_FORMAT,
    context: toHex(context),
    index,
    threshold,
    trustees,
    coefficients: poly.coefficients.map(scalarToHex),
    transport_secret: toHex(transport),
    transport_key: transportKey,
    questions: shape,
  };
  return { public: pub, secret };
}

/**
 * The problems of one trustee's public object (shape, points, t commitments, proofs); empty when fine.
 * @param {Uint8Array} context
 * @param {unknown} pub
 * @param {number} threshold
 * @returns {string[]}
 */
export function verifyPublic(context, pub, threshold) {
  if (!isPlainObject(pub) || !sameKeys(pub, PUBLIC_KEYS)) {
    return [`a public object has exactly the keys [${[...PUBLIC_KEYS].sort().map((k) => `'${k}'`).join(', ')}]`];
  }
  const index = pub.index;
  if (!isInt(index) || index < 1) return ['index must be an integer >= 1'];
  const problems = [];
  try {
    fromHex(pub.transport_key, 32, 'transport key');
  } catch {
    problems.push('transport_key must be 32 bytes hex');
  }
  let commitments;
  let proofs;
  try {
    commitments = /** @type {unknown[]} */ (pub.commitments).map((c) => pointFromHex(c));
    proofs = /** @type {unknown[]} */ (pub.proofs).map(pairFromJson);
  } catch {
    return [...problems, 'commitments or proofs are malformed (points must be valid and not the identity)'];
  }
  if (commitments.length !== threshold || proofs.length !== threshold) {
    problems.push(`need exactly ${threshold} commitments and proofs, got ${commitments.length} and ${proofs.length}`);
  } else if (!verifyCommitments(context, index, commitments, proofs)) {
    problems.push('a proof of a commitment does not verify');
  }
  return problems;
}

/**
 * The public objects sorted by index, each verified; exactly the indices 1..n.
 * @param {Uint8Array} context
 * @param {unknown} publics
 * @param {number} threshold
 * @param {number} [trustees]
 * @returns {PublicObject[]}
 */
function checked(context, publics, threshold, trustees) {
  if (!Array.isArray(publics) || publics.length === 0 || !publics.every(isPlainObject)) {
    throw new CryptoError('the public objects must be a non-empty list of objects');
  }
  for (const pub of publics) {
    const problems = verifyPublic(context, pub, threshold);
    if (problems.length) throw new CryptoError(`trustee ${pub.index}: ${problems.join('; ')}`);
  }
  const indices = publics.map((p) => p.index).sort((a, b) => a - b);
  const n = trustees ?? publics.length;
  if (indices.length !== n || indices.some((v, k) => v !== k + 1)) {
    throw new CryptoError(`need the public objects of trustees 1..${n} once each, got indices [${indices.join(', ')}]`);
  }
  return [...publics].sort((a, b) => a.index - b.index);
}

/**
 * @param {PublicObject[]} publics
 * @returns {Point[][]}
 */
function commitmentsOf(publics) {
  return publics.map((p) => p.commitments.map((c) => pointFromHex(c)));
}

/**
 * trustees.json (§3.4) from every trustee's public object (checked): drops transport keys, adds VK_j.
 * @param {Uint8Array} context
 * @param {unknown} publics
 * @param {number} threshold
 */
export function trusteesJson(context, publics, threshold) {
  const list = checked(context, publics, threshold);
  const commitments = commitmentsOf(list);
  return {
    threshold,
    trustees: list.map((p) => ({
      index: p.index,
      commitments: [...p.commitments],
      proofs: [...p.proofs],
      verification_key: pointToHex(verificationKey(commitments, p.index)),
    })),
  };
}

/**
 * The joint election public key K = sum_i A_i0 (hex) of the (checked) public objects.
 * @param {PublicObject[]} publics
 * @returns {string}
 */
export function publicKey(publics) {
  return pointToHex(jointPublicKey(commitmentsOf(publics)));
}

/**
 * (polynomial, context) of a secret state; CryptoError (without secret values) if it is malformed.
 * @param {unknown} secret
 * @returns {{poly: TrusteePolynomial, context: Uint8Array}}
 */
function load(secret) {
  try {
    if (!isPlainObject(secret) || secret.format !== SECRET_FORMAT) throw new CryptoError('wrong format');
    const coefficients = /** @type {unknown[]} */ (secret.coefficients).map(scalarFromHex);
    const index = secret.index;
    const context = fromHex(secret.context, 32, 'context');
    fromHex(secret.transport_secret, 32, 'transport secret');
    if (!isInt(index) || !isInt(secret.trustees) || coefficients.length !== secret.threshold ||
        !(index >= 1 && index <= secret.trustees)) {
      throw new CryptoError('inconsistent');
    }
    return { poly: new TrusteePolynomial(index, coefficients), context };
  } catch {
    throw new CryptoError(`not a valid ${SECRET_FORMAT} secret state`);
  }
}

/**
 * Parse the text of a secret file (as the CLI or the browser wrote it) and check its form.
 * @param {string} text
 * @returns {Secret}
 */
export function parseSecret(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CryptoError(`not a valid ${SECRET_FORMAT} secret state`);
  }
  load(value);
  return value;
}

/**
 * @param {Secret} secret
 * @param {unknown} publics
 * @returns {PublicObject[]}
 */
function ownChecked(secret, publics) {
  const { poly, context } = load(secret);
  const list = checked(context, publics, secret.threshold, secret.trustees);
  const mine = list[poly.index - 1];
  const own = poly.commitments().map(pointToHex);
  if (mine.commitments.length !== own.length || mine.commitments.some((c, k) => c !== own[k]) ||
      mine.transport_key !== secret.transport_key) {
    throw new CryptoError(`trustee ${poly.index}: the public object in the list is not the one of this secret file`);
  }
  return list;
}

/**
 * Sealed shares s_ij = f_i(j) to every other trustee j: [{from: i, to: j, sealed: hex}] for j != i.
 * @param {Secret} secret
 * @param {unknown} publics every trustee's public object (1..n); each is verified first
 * @param {{rng?: Rng}} [options]
 * @returns {SealedShare[]}
 */
export function makeShares(secret, publics, { rng } = {}) {
  const list = ownChecked(secret, publics);
  const { poly } = load(secret);
  return list
    .filter((p) => p.index !== poly.index)
    .map((p) => ({
      from: poly.index,
      to: p.index,
      sealed: toHex(sealShare(fromHex(p.transport_key, 32), poly.shareFor(p.index), { rng })),
    }));
}

/**
 * @param {Secret} secret
 * @param {number} j
 * @param {number} n
 * @param {unknown} received
 * @returns {Map<number, bigint>}
 */
function openAll(secret, j, n, received) {
  if (!Array.isArray(received) || !received.every(isPlainObject)) {
    throw new CryptoError(`trustee ${j}: the received shares must be a list of objects`);
  }
  /** @type {Map<number, bigint>} */
  const opened = new Map();
  const transport = fromHex(secret.transport_secret, 32);
  for (const share of received) {
    const sender = share.from;
    if (!sameKeys(share, SHARE_KEYS) || !isInt(sender) || !isInt(share.to)) {
      throw new CryptoError(`trustee ${sender}: a share is {"from": int, "to": int, "sealed": hex}`);
    }
    if (share.to !== j) throw new CryptoError(`trustee ${sender}: the share is addressed to trustee ${share.to}, not to ${j}`);
    if (sender < 1 || sender > n || sender === j || opened.has(sender)) {
      throw new CryptoError(`trustee ${sender}: unexpected or duplicate share for trustee ${j}`);
    }
    try {
      opened.set(sender, openShare(transport, fromHex(share.sealed, 80, 'sealed share')));
    } catch {
      throw new CryptoError(`trustee ${sender}: the sealed share for trustee ${j} does not open`);
    }
  }
  const missing = [];
  for (let i = 1; i <= n; i++) if (i !== j && !opened.has(i)) missing.push(i);
  if (missing.length) throw new CryptoError(`trustee ${j}: no share received from trustee(s) [${missing.join(', ')}]`);
  return opened;
}

/**
 * Open and check the shares sent to this trustee; returns {secret: the secret with x_j added, verificationKey}.
 * @param {Secret} secret
 * @param {unknown} publics
 * @param {unknown} received exactly one share from every other trustee, each addressed to this trustee
 * @returns {{secret: Secret, verificationKey: string}}
 */
export function finish(secret, publics, received) {
  const list = ownChecked(secret, publics);
  const { poly, context } = load(secret);
  const j = poly.index;
  const commitments = commitmentsOf(list);
  const opened = openAll(secret, j, secret.trustees, received);
  for (const [sender, share] of opened) {
    if (!verifyShare(commitments[sender - 1], j, share)) {
      throw new CryptoError(`trustee ${sender}: the share for trustee ${j} does not match its commitments`);
    }
  }
  opened.set(j, poly.shareFor(j));
  const x = combineSecretShares([...opened.keys()].sort((a, b) => a - b).map((i) => /** @type {bigint} */ (opened.get(i))));
  const vk = pointToHex(verificationKey(commitments, j));
  const done = {
    ...secret,
    share: scalarToHex(x),
    verification_key: vk,
    public_key: publicKey(list),
    trustees_sha256: hashJsonHex(trusteesJson(context, list, secret.threshold)),
  };
  return { secret: done, verificationKey: vk };
}

/**
 * @param {Secret} secret
 * @param {Uint8Array} fingerprint
 * @param {unknown} election
 */
function checkElection(secret, fingerprint, election) {
  const j = secret.index;
  let matches = false;
  try {
    matches = toHex(hashJson(election)) === toHex(fingerprint);
  } catch {
    matches = false;
  }
  if (!matches || !isPlainObject(election)) throw new CryptoError(`trustee ${j}: election.json does not match the election fingerprint`);
  for (const [key, mine] of [['manifest', 'context'], ['public_key', 'public_key'], ['trustees', 'trustees_sha256']]) {
    if (election[key] !== secret[mine]) {
      throw new CryptoError(`trustee ${j}: election.json is for another election (${key} differs from this ceremony)`);
    }
  }
}

/**
 * Parse aggregates.json: [{question, choices: [ct], blank: ct | null}] with the ballot count.
 * @param {unknown} aggregates
 */
function parseAggregates(aggregates) {
  if (!isPlainObject(aggregates) || !Array.isArray(aggregates.questions)) throw new CryptoError('not an aggregates object');
  if (!isInt(aggregates.ballots) || aggregates.ballots < 0) throw new CryptoError('ballots must be an integer >= 0');
  return aggregates.questions.map((q) => {
    if (!isPlainObject(q) || !Array.isArray(q.choices)) throw new CryptoError('a question of the aggregates is malformed');
    return {
      question: q.question,
      choices: q.choices.map(ciphertextFromJson),
      blank: q.blank === null ? null : ciphertextFromJson(q.blank),
    };
  });
}

/**
 * This trustee's entry of decryption.json ({index, questions: [...]}) with DLEQ proofs (context F).
 * @param {Secret} secret a finished secret state
 * @param {Uint8Array} fingerprint F = H(election.json)
 * @param {unknown} aggregates aggregates.json
 * @param {{election?: unknown, rng?: Rng}} [options] with election (election.json) also checks that H(election) = F,
 *   its manifest hash is this ceremony's M and its public key is this ceremony's K
 */
export function decrypt(secret, fingerprint, aggregates, { election, rng } = {}) {
  const { poly } = load(secret);
  const j = poly.index;
  if (!('share' in secret)) throw new CryptoError(`trustee ${j}: the ceremony is not finished (run finish first)`);
  if (!(fingerprint instanceof Uint8Array) || fingerprint.length !== 32) {
    throw new CryptoError(`trustee ${j}: the election fingerprint must be 32 bytes`);
  }
  if (election !== undefined && election !== null) checkElection(secret, fingerprint, election);
  let parsed;
  let share;
  try {
    parsed = parseAggregates(aggregates);
    share = scalarFromHex(secret.share);
  } catch (exc) {
    throw new CryptoError(`trustee ${j}: malformed aggregates: ${/** @type {Error} */ (exc).message}`);
  }
  const shape = parsed.map((q) => [q.question, q.choices.length, q.blank !== null]);
  if (secret.questions !== null && secret.questions !== undefined &&
      JSON.stringify(shape) !== JSON.stringify(secret.questions)) {
    throw new CryptoError(`trustee ${j}: the aggregates are for another election (questions do not match the manifest)`);
  }
  const questions = parsed.map((q) => {
    const cts = q.blank === null ? q.choices : [...q.choices, q.blank];
    const shares = cts.map((ct) => {
      return { factor: pointToHex(mulSecret(ct.alpha, share)), proof: pairToJson(proveDleq(fingerprint, share, G, ct.alpha, { rng })) };
    });
    const blank = q.blank === null ? null : shares.pop();
    return { question: q.question, choices: shares, blank };
  });
  return { index: j, questions };
}

export const OPENING_REQUEST_FORMAT = 'ballot-opening-request/1';
const OPENING_SUFFIX = new TextEncoder().encode('opening');
const MAX_OPENINGS = 10000;

/**
 * The DLEQ context of opening shares: F || "opening" (docs/election-record.md §3.15).
 * @param {Uint8Array} fingerprint
 */
export function openingContext(fingerprint) {
  const out = new Uint8Array(fingerprint.length + OPENING_SUFFIX.length);
  out.set(fingerprint);
  out.set(OPENING_SUFFIX, fingerprint.length);
  return out;
}

/**
 * The ciphertexts of an opening request for this election (ballot_crypto.openings.parse_request).
 * @param {unknown} request
 * @param {Uint8Array} fingerprint
 */
function parseOpeningRequest(request, fingerprint) {
  if (!isPlainObject(request) || !sameKeys(request, ['format', 'election', 'ciphertexts'])) {
    throw new CryptoError('a request is {"format", "election", "ciphertexts"}');
  }
  if (request.format !== OPENING_REQUEST_FORMAT) {
    throw new CryptoError(`the request's format must be '${OPENING_REQUEST_FORMAT}'`);
  }
  if (request.election !== toHex(fingerprint)) {
    throw new CryptoError('the request is for another election (its fingerprint differs)');
  }
  const list = request.ciphertexts;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_OPENINGS) {
    throw new CryptoError(`the ciphertexts must be a list of 1 to ${MAX_OPENINGS} ciphertexts`);
  }
  const parsed = list.map((ct) => {
    if (!isPlainObject(ct) || !sameKeys(ct, ['alpha', 'beta'])) {
      throw new CryptoError('a ciphertext is {"alpha": hex, "beta": hex}');
    }
    return { alpha: pointFromHex(ct.alpha), beta: pointFromHex(ct.beta) };
  });
  const keys = list.map((ct) => `${ct.alpha} ${ct.beta}`);
  if (new Set(keys).size !== keys.length) throw new CryptoError('a ciphertext is listed twice');
  for (let i = 1; i < list.length; i += 1) {
    const [a, b] = [list[i - 1], list[i]];
    if (a.alpha > b.alpha || (a.alpha === b.alpha && a.beta > b.beta)) {
      throw new CryptoError('the ciphertexts of a request are sorted by alpha, then beta');
    }
  }
  return parsed;
}

/**
 * This trustee's opening shares ({index, shares: [{factor, proof}]}) for the sealed references of an opening
 * request, as `ballot-crypto trustee open` writes them (context F || "opening"; same checks as decrypt).
 * @param {Secret} secret a finished secret state
 * @param {Uint8Array} fingerprint F = H(election.json)
 * @param {unknown} request the opening request from the trustee page
 * @param {{election?: unknown, rng?: Rng}} [options]
 */
export function openReferences(secret, fingerprint, request, { election, rng } = {}) {
  const { poly } = load(secret);
  const j = poly.index;
  if (!('share' in secret)) throw new CryptoError(`trustee ${j}: the ceremony is not finished (run finish first)`);
  if (!(fingerprint instanceof Uint8Array) || fingerprint.length !== 32) {
    throw new CryptoError(`trustee ${j}: the election fingerprint must be 32 bytes`);
  }
  if (election !== undefined && election !== null) checkElection(secret, fingerprint, election);
  let ciphertexts;
  let share;
  try {
    ciphertexts = parseOpeningRequest(request, fingerprint);
    share = scalarFromHex(secret.share);
  } catch (exc) {
    throw new CryptoError(`trustee ${j}: malformed opening request: ${/** @type {Error} */ (exc).message}`);
  }
  const context = openingContext(fingerprint);
  const shares = ciphertexts.map((ct) => ({
    factor: pointToHex(mulSecret(ct.alpha, share)),
    proof: pairToJson(proveDleq(context, share, G, ct.alpha, { rng })),
  }));
  return { index: j, shares };
}
