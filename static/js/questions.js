// The call's own questions: a question that depends on another's answer is shown only
// while that answer is given (the server applies the same rule when it checks and shows).
(function () {
  "use strict";

  function valuesOf(form, name) {
    var values = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          values.push(input.value);
        }
      } else if (input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  function update(form) {
    form.querySelectorAll("[data-shown-when]").forEach(function (block) {
      var shown = valuesOf(form, block.dataset.shownWhen).indexOf(block.dataset.shownValue) !== -1;
      block.hidden = !shown;
    });
  }

  var form = document.getElementById("step-form");
  if (form && form.querySelector("[data-shown-when]")) {
    form.addEventListener("change", function () {
      update(form);
    });
    update(form);
  }
})();
