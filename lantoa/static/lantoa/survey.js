// Survey forms (public page, paper entry): a question with a show-if rule
// (data-show-if="<code>", data-show-values="1,2") is shown only while the question it depends on
// has one of those answers; hidden, its inputs are cleared so nothing not asked is sent.
// Without this script every question shows with its written condition and the server checks.
(function () {
  "use strict";
  function chosen(form, code) {
    var values = [];
    form.querySelectorAll('input[name="' + code + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && input.checked) values.push(input.value);
    });
    return values;
  }
  function shown(form, box) {
    var code = box.getAttribute("data-show-if");
    var source = form.querySelector('#cau-' + CSS.escape(code));
    if (source && source.hidden) return false;
    var wanted = box.getAttribute("data-show-values").split(",");
    return chosen(form, code).some(function (v) { return wanted.indexOf(v) !== -1; });
  }
  function update(form) {
    form.querySelectorAll("fieldset[data-show-if]").forEach(function (box) {
      var visible = shown(form, box);
      box.hidden = !visible;
      if (!visible) {
        box.querySelectorAll("input, textarea").forEach(function (input) {
          if (input.type === "radio" || input.type === "checkbox") input.checked = false;
          else input.value = "";
        });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.survey-form").forEach(function (form) {
      form.querySelectorAll(".survey-condition").forEach(function (note) { note.hidden = true; });
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  });
})();
