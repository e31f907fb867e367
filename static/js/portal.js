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
})();
