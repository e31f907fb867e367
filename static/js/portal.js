// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Submit a form when a select marked data-autosubmit changes (language switcher, filters).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  // Say at once that a file is too large, before it is sent (the server checks again).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) {
      return;
    }
    var warning = document.getElementById("upload-size-warning");
    var file = input.files && input.files[0];
    var tooLarge = file && file.size > Number(input.dataset.maxBytes);
    if (warning) {
      warning.hidden = !tooLarge;
      warning.textContent = tooLarge ? warning.dataset.message : "";
    }
  });
})();
