// The voting booth with JavaScript (progressive enhancement of templates/referendums/vote.html).
// The same form: "Check my choices" shows them in words on this page; "Cast my vote now" derives the credential
// key, encrypts, proves and signs with BallotCrypto in the browser and posts the ballot JSON to the cast endpoint.
// The choices never leave this device in readable form. No inline script or style (CSP).
(function () {
  'use strict';

  var form = document.getElementById('booth-form');
  if (!form || !window.BallotCrypto || !window.fetch) return;

  var messages = document.getElementById('booth-messages').dataset;
  var choose = document.getElementById('booth-choose');
  var review = document.getElementById('booth-review');
  var reviewList = document.getElementById('booth-review-list');
  var reviewHeading = document.getElementById('booth-review-heading');
  var castButton = document.getElementById('booth-cast-button');
  var editButton = document.getElementById('booth-edit-button');
  var auditButton = document.getElementById('booth-audit-button');
  var auditResult = document.getElementById('booth-audit-result');
  var auditLink = document.getElementById('booth-audit-download');
  var statusBox = document.getElementById('booth-status');
  var working = document.getElementById('booth-working');
  var credentialInput = document.getElementById('f-credential');
  var credentialError = document.getElementById('f-credential-error');
  var csrfInput = form.querySelector('input[name="_csrf_token"]');
  var election = null;
  var loading = null;
  var auditUrl = null;

  document.getElementById('nojs-notice').hidden = true;
  document.getElementById('js-notice').hidden = false;

  function loadElection() {
    if (!loading) {
      loading = fetch(form.dataset.booth, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (response) {
          if (!response.ok) throw new Error('booth.json ' + response.status);
          return response.json();
        })
        .then(function (data) {
          election = window.BallotCrypto.booth.load(data.election, data.manifest);
          return election;
        });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }
  loadElection().catch(function () { /* retried when casting */ });

  function questions() {
    return Array.prototype.slice.call(form.querySelectorAll('fieldset.booth-question'));
  }

  function setError(fieldset, text) {
    var id = fieldset.id + '-error';
    var p = document.getElementById(id);
    if (!text) {
      if (p) p.remove();
      fieldset.classList.remove('has-error');
      fieldset.removeAttribute('aria-describedby');
      return;
    }
    if (!p) {
      p = document.createElement('p');
      p.className = 'field-error';
      p.id = id;
      var legend = fieldset.querySelector('legend');
      legend.parentNode.insertBefore(p, legend.nextSibling);
    }
    p.textContent = text;
    fieldset.classList.add('has-error');
    fieldset.setAttribute('aria-describedby', id);
  }

  function setCredentialError(text) {
    credentialError.textContent = text || '';
    credentialError.hidden = !text;
    if (text) credentialInput.setAttribute('aria-invalid', 'true');
    else credentialInput.removeAttribute('aria-invalid');
  }

  // Reads the choices: votes per option per question (manifest order), the words for the review, and errors.
  function readChoices() {
    var result = { choices: [], words: [], firstError: null };
    questions().forEach(function (fieldset) {
      var control = fieldset.dataset.control;
      var max = parseInt(fieldset.dataset.max, 10);
      var min = parseInt(fieldset.dataset.min, 10);
      var inputs = Array.prototype.slice.call(fieldset.querySelectorAll('input'))
        .filter(function (input) { return input.value !== 'blank'; });
      var votes = [];
      var words = [];
      var error = '';
      inputs.forEach(function (input) {
        var v = 0;
        if (control === 'number') {
          var raw = input.value.trim();
          if (raw !== '') {
            if (!/^[0-9]+$/.test(raw) || parseInt(raw, 10) > parseInt(input.max, 10)) error = input.dataset.error;
            else v = parseInt(raw, 10);
          }
          if (v) words.push(messages.votes.replace('{name}', input.dataset.label).replace('987654', String(v)));
        } else {
          v = input.checked ? 1 : 0;
          if (v) words.push(input.dataset.label);
        }
        votes.push(v);
      });
      var total = votes.reduce(function (a, b) { return a + b; }, 0);
      if (!error && total > max) error = fieldset.dataset.errorMax;
      if (!error && total < min) error = fieldset.dataset.errorMin;
      setError(fieldset, error);
      if (error && !result.firstError) result.firstError = fieldset.querySelector('input');
      result.choices.push(votes);
      result.words.push({ question: fieldset.querySelector('legend').lastChild.textContent.trim(),
                          words: total ? words : [messages.blank] });
    });
    var credential = credentialInput.value.trim();
    var credentialText = '';
    if (!credential) credentialText = messages.credentialMissing;
    else {
      try {
        window.BallotCrypto.parseCredential(credential);
      } catch (e) {
        credentialText = messages.credentialInvalid.replace('{reason}', e && e.message ? e.message : String(e));
      }
    }
    setCredentialError(credentialText);
    if (credentialText && !result.firstError) result.firstError = credentialInput;
    result.credential = credential;
    return result;
  }

  function showStatus(text) {
    statusBox.textContent = text || '';
    statusBox.hidden = !text;
  }

  var current = null;

  function showReview(read) {
    reviewList.textContent = '';
    read.words.forEach(function (entry) {
      var dt = document.createElement('dt');
      dt.textContent = entry.question;
      var dd = document.createElement('dd');
      entry.words.forEach(function (word, i) {
        if (i) dd.appendChild(document.createElement('br'));
        dd.appendChild(document.createTextNode(word));
      });
      reviewList.appendChild(dt);
      reviewList.appendChild(dd);
    });
    current = read;
    choose.hidden = true;
    review.hidden = false;
    auditResult.hidden = true;
    showStatus('');
    reviewHeading.focus();
  }

  function backToChoices() {
    current = null;
    review.hidden = true;
    choose.hidden = false;
    showStatus('');
    var first = form.querySelector('fieldset.booth-question input');
    if (first) first.focus();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var read = readChoices();
    if (read.firstError) {
      read.firstError.focus();
      return;
    }
    showReview(read);
  });

  editButton.addEventListener('click', backToChoices);

  function busy(on) {
    castButton.disabled = on;
    editButton.disabled = on;
    auditButton.disabled = on;
    working.hidden = !on;
  }

  castButton.addEventListener('click', function () {
    if (!current) return;
    var read = current;
    busy(true);
    showStatus('');
    loadElection().then(function (e) {
      var cast = window.BallotCrypto.booth.cast(e, read.credential, read.choices);
      return fetch(form.dataset.cast, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json',
                   'x-csrftoken': csrfInput ? csrfInput.value : '' },
        body: cast.json,
      });
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) throw new Error(body.detail || messages.failed);
        // Forget the choices on this page, then show the receipt.
        form.reset();
        reviewList.textContent = '';
        current = null;
        window.location.assign(body.receipt_url);
      });
    }).catch(function (error) {
      busy(false);
      var text = error && error.message ? error.message : messages.failed;
      if (error && error.name === 'InvalidEncoding') {
        text = messages.credentialInvalid.replace('{reason}', error.message);
      }
      showStatus(text);
      statusBox.focus && statusBox.setAttribute('tabindex', '-1');
      statusBox.focus();
    });
  });

  auditButton.addEventListener('click', function () {
    if (!current) return;
    var read = current;
    busy(true);
    loadElection().then(function (e) {
      var audit = window.BallotCrypto.booth.audit(e, read.credential, read.choices);
      if (auditUrl) URL.revokeObjectURL(auditUrl);
      auditUrl = URL.createObjectURL(new Blob([audit.json], { type: 'application/json' }));
      auditLink.href = auditUrl;
      auditResult.hidden = false;
      busy(false);
      auditLink.focus();
    }).catch(function (error) {
      busy(false);
      showStatus(error && error.message ? error.message : messages.failed);
    });
  });
})();
