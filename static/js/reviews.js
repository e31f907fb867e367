// The review form: autosave with htmx (the server answers with a status line), and a
// warning before leaving the page with edits not saved yet.
(function () {
  "use strict";

  // Show the "session expired" line (401) too; htmx swaps only 2xx answers by default.
  if (window.htmx) {
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "401", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false },
    ];
  }

  var form = document.getElementById("review-form");
  if (!form || form.dataset.autosave !== "on") {
    return;
  }
  var status = document.getElementById("autosave-status");
  var edits = 0;
  var sentEdits = 0;
  var savedEdits = 0;
  var submitting = false;

  form.addEventListener("input", function () {
    edits += 1;
  });
  form.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") {
      edits += 1;
    }
  });
  form.addEventListener("htmx:confirm", function (event) {
    // Saving or submitting with the buttons: a late autosave must not race it.
    if (submitting) {
      event.preventDefault();
    }
  });
  form.addEventListener("htmx:beforeRequest", function () {
    sentEdits = edits;
  });
  form.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 200 && status && status.querySelector(".autosave-saved")) {
      savedEdits = sentEdits;
    }
  });
  form.addEventListener("htmx:sendError", function () {
    if (status) {
      status.textContent = status.dataset.offline;
      status.classList.add("text-danger");
    }
  });
  form.addEventListener("htmx:beforeSwap", function () {
    if (status) {
      status.classList.remove("text-danger");
    }
  });
  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && edits !== savedEdits) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
