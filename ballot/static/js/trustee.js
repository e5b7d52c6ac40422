// The trustee page's browser path (progressive enhancement of templates/referendums/trustee.html, docs/trustee.md).
// Each step computes with BallotCrypto.trustee on this device, exactly as `ballot-crypto trustee` does, and hands
// only the public result to the page's own upload form (the server verifies it as any upload). The secret file is
// offered as a download and read back with FileReader; it is never sent, stored in the browser or logged.
// No inline script or style (CSP).
(function () {
  'use strict';

  const root = document.getElementById('trustee-browser');
  const crypto = window.BallotCrypto && window.BallotCrypto.trustee;
  if (!root || !crypto || !window.fetch || !window.FileReader || !window.URL || !URL.createObjectURL) return;

  const cfg = root.dataset;
  const index = Number(cfg.index);
  const threshold = Number(cfg.threshold);
  const trustees = Number(cfg.trustees);
  const canonical = window.BallotCrypto.canonical;

  root.hidden = false;
  document.querySelectorAll('[data-browser-step]').forEach((section) => { section.hidden = false; });

  /** @param {string} text @param {Record<string, string|number>} values */
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m));
  }

  function byId(id) {
    return document.getElementById(id);
  }

  /** Show or clear the error beside a field (the control gets aria-invalid; focus moves to it). */
  function setError(control, text) {
    const error = byId(control.id + '-error');
    if (!error) return;
    error.textContent = text || '';
    error.hidden = !text;
    const field = control.closest('.field');
    if (text) {
      control.setAttribute('aria-invalid', 'true');
      if (field) field.classList.add('has-error');
      control.focus();
    } else {
      control.removeAttribute('aria-invalid');
      if (field) field.classList.remove('has-error');
    }
  }

  function status(step, text) {
    const box = byId('browser-' + step + '-status');
    if (box) box.textContent = text || '';
  }

  /** GET one of the page's public downloads as JSON. */
  async function download(name) {
    const response = await fetch(cfg.base + '/' + name, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error('download');
    return response.json();
  }

  /** The text of the chosen secret file, read on this device. */
  function readFile(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsText(file);
    });
  }

  /** The secret state of the chosen file, or null after showing the reason beside the field. */
  async function chosenSecret(input) {
    const file = input.files && input.files[0];
    if (!file) {
      setError(input, cfg.noSecret);
      return null;
    }
    let secret;
    try {
      secret = crypto.parseSecret(await readFile(file));
    } catch (exc) {
      setError(input, fill(cfg.badSecret, { reason: exc.message || String(exc) }));
      return null;
    }
    if (secret.index !== index) {
      setError(input, fill(cfg.otherTrustee, { other: secret.index }));
      return null;
    }
    setError(input, '');
    return secret;
  }

  /** A download link for a secret state in the CLI's file format (canonical JSON and a newline). */
  function offerSecret(link, secret, onSaved) {
    if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
    const blob = new Blob([canonical.dumpsText(secret) + '\n'], { type: 'application/json' });
    link.href = URL.createObjectURL(blob);
    link.onclick = onSaved;
  }

  /** True when the secret file was downloaded and the box is ticked; otherwise the reason beside the box. */
  function confirmedSaved(box, saved) {
    if (!saved) {
      setError(box, cfg.notSaved);
      return false;
    }
    if (!box.checked) {
      setError(box, cfg.notTicked);
      return false;
    }
    setError(box, '');
    return true;
  }

  /** Put a public value into the step's own upload form and submit it (the server checks it as any upload). */
  function submitPublic(fieldId, value) {
    const field = byId(fieldId);
    const form = field.form;
    const file = form.querySelector('input[type="file"]');
    if (file) file.value = '';
    field.value = value;
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  /** Run one step with the secret file: errors of the server files or of the computation beside the file field. */
  function withSecret(step, work) {
    const input = byId('browser-' + step + '-secret');
    const button = byId('browser-' + step + '-run');
    if (!input || !button) return;
    input.addEventListener('change', () => setError(input, ''));
    button.addEventListener('click', async () => {
      const secret = await chosenSecret(input);
      if (!secret) return;
      button.disabled = true;
      status(step, cfg.working);
      try {
        await work(secret);
      } catch (exc) {
        status(step, '');
        setError(input, exc.message === 'download' ? cfg.downloadFailed : fill(cfg.failed, { reason: exc.message || String(exc) }));
      } finally {
        button.disabled = false;
      }
    });
  }

  // Step 1: generate; the secret file must be saved before the public file is sent.
  const generate = byId('browser-public-run');
  if (generate) {
    let made = null;
    let saved = false;
    const box = byId('browser-public-saved');
    box.addEventListener('change', () => setError(box, ''));
    generate.addEventListener('click', async () => {
      setError(generate, '');
      status('public', cfg.working);
      try {
        const manifest = await download('manifest.json');
        const context = canonical.hashJson(manifest);
        made = crypto.init(context, index, threshold, trustees, { manifest });
      } catch (exc) {
        status('public', '');
        setError(generate, exc.message === 'download' ? cfg.downloadFailed : fill(cfg.failed, { reason: exc.message }));
        return;
      }
      saved = false;
      box.checked = false;
      offerSecret(byId('browser-public-download'), made.secret, () => { saved = true; setError(box, ''); });
      byId('browser-public-fingerprint').textContent = canonical.hashJsonHex(made.public);
      byId('browser-public-save').hidden = false;
      generate.hidden = true;
      status('public', '');
      byId('browser-public-download').focus();
    });
    byId('browser-public-send').addEventListener('click', () => {
      if (!made || !confirmedSaved(box, saved)) return;
      status('public', cfg.sending);
      submitPublic('f-public-text', canonical.dumpsText(made.public));
    });
  }

  // Step 2: seal one share for every other trustee.
  withSecret('shares', async (secret) => {
    const publics = await download('publics.json');
    const shares = crypto.makeShares(secret, publics);
    submitPublic('f-shares-text', canonical.dumpsText(shares));
  });

  // Step 3: open and check the received shares; the completed secret file must be saved before confirming.
  const finishSend = byId('browser-finish-send');
  if (finishSend) {
    let key = null;
    let saved = false;
    const box = byId('browser-finish-saved');
    box.addEventListener('change', () => setError(box, ''));
    withSecret('finish', async (secret) => {
      const [publics, received] = await Promise.all([download('publics.json'), download('shares.json')]);
      const done = crypto.finish(secret, publics, received);
      key = done.verificationKey;
      saved = false;
      box.checked = false;
      offerSecret(byId('browser-finish-download'), done.secret, () => { saved = true; setError(box, ''); });
      byId('browser-finish-key').textContent = key;
      byId('browser-finish-public-key').textContent = done.secret.public_key;
      byId('browser-finish-save').hidden = false;
      status('finish', '');
      byId('browser-finish-download').focus();
    });
    finishSend.addEventListener('click', () => {
      if (!key || !confirmedSaved(box, saved)) return;
      submitPublic('f-verification_key', key);
    });
  }

  // Step 4 under postal precedence "postal": opening shares for exactly the references the server requests.
  withSecret('open', async (secret) => {
    const [election, request] = await Promise.all([download('election.json'), download('openings.json')]);
    const entry = crypto.openReferences(secret, canonical.hashJson(election), request, { election });
    submitPublic('f-openings-text', canonical.dumpsText(entry));
  });

  // The last step: the decryption share of the published sums, checked against election.json.
  withSecret('decrypt', async (secret) => {
    const [election, aggregates] = await Promise.all([download('election.json'), download('aggregates.json')]);
    const entry = crypto.decrypt(secret, canonical.hashJson(election), aggregates, { election });
    submitPublic('f-decryption-text', canonical.dumpsText(entry));
  });

})();
