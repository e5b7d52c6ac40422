// Survey branching, progressively: a question with data-show-if is shown only while the question it depends on
// has one of the listed answers. Without this script every question is shown with a note; the server decides.
(function () {
  "use strict";
  function chosen(form, id) {
    var values = [];
    form.querySelectorAll('input[name="q-' + id + '"]:checked').forEach(function (input) {
      values.push(input.value);
    });
    return values;
  }
  function update(form) {
    form.querySelectorAll("fieldset[data-show-if]").forEach(function (fieldset) {
      var source = form.querySelector("#f-" + fieldset.dataset.showIf);
      var wanted = fieldset.dataset.showAnswers.split(" ");
      var shown = source && !source.hidden && chosen(form, fieldset.dataset.showIf).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      fieldset.hidden = !shown;
    });
  }
  document.querySelectorAll("form.survey-form").forEach(function (form) {
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();
