// The application form: autosave with htmx, and nothing typed is lost on the way.
(function () {
  "use strict";

  // Show the autosave status for "session expired" (401), "conflict" (409) and invalid
  // input (400) too; htmx swaps only 2xx answers by default.
  if (window.htmx) {
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "(400|401|409)", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false },
    ];
  }

  function csrfFromCookie() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  // Logging in again (in another tab, after the session expired) rotates the CSRF token:
  // send the current one, so that "press Save again" works without reloading the page.
  function refreshTokens(root) {
    var token = csrfFromCookie();
    if (token) {
      root.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
        input.value = token;
      });
    }
    return token;
  }
  // Before htmx collects the form's values (the hidden token is read first by Django).
  document.addEventListener("htmx:confirm", function () {
    refreshTokens(document);
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfFromCookie();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });
  document.addEventListener(
    "submit",
    function (event) {
      refreshTokens(event.target);
    },
    true
  );

  var form = document.getElementById("step-form");
  if (form && form.dataset.autosave === "on") {
    var status = document.getElementById("autosave-status");
    var inFlight = 0;
    var edits = 0;
    var savedEdits = 0;
    var sentEdits = 0;
    var submitting = false;
    var pendingSubmitter = null;

    // "saving", "unsaved" or "saved": what the page knows about the draft on the server.
    function showState() {
      form.dataset.state = inFlight > 0 ? "saving" : edits !== savedEdits ? "unsaved" : "saved";
    }
    // After htmx has set the form up (its own DOMContentLoaded handler was registered
    // first): from then on, every edit is autosaved. Tests wait for this attribute.
    document.addEventListener("DOMContentLoaded", showState);
    form.addEventListener("input", function () {
      edits += 1;
      showState();
    });
    form.addEventListener("change", function (event) {
      // Text fields already counted on "input"; their "change" on blur is no new edit.
      var type = event.target.type;
      if (type === "radio" || type === "checkbox" || event.target.tagName === "SELECT") {
        edits += 1;
        showState();
      }
    });
    // Once the form is being submitted, a late autosave must not race it.
    form.addEventListener("htmx:confirm", function (event) {
      if (submitting) {
        event.preventDefault();
      }
    });
    form.addEventListener("htmx:beforeRequest", function () {
      inFlight += 1;
      sentEdits = edits;
      showState();
    });
    // A new application: the first autosave created the draft (#draft-created, swapped in
    // out of band); from then on the form saves to the draft's own addresses.
    function createdDraft() {
      var created = document.getElementById("draft-created");
      return created && created.dataset.autosaveUrl ? created : null;
    }
    form.addEventListener("htmx:configRequest", function (event) {
      var created = createdDraft();
      if (created) {
        event.detail.path = created.dataset.autosaveUrl;
      }
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      var created = createdDraft();
      if (created && form.getAttribute("action") !== created.dataset.editUrl) {
        form.setAttribute("action", created.dataset.editUrl);
        window.history.replaceState(null, "", created.dataset.editUrl);
      }
      inFlight = Math.max(0, inFlight - 1);
      if (event.detail.xhr && event.detail.xhr.status === 200) {
        savedEdits = sentEdits;
      }
      showState();
      if (pendingSubmitter !== null && inFlight === 0) {
        // The save in flight has updated the version: now submit the form.
        var submitter = pendingSubmitter;
        pendingSubmitter = null;
        form.requestSubmit(submitter === true ? undefined : submitter);
      }
    });
    function showProblem(message) {
      if (status) {
        status.textContent = message;
        status.classList.add("text-danger");
      }
    }
    form.addEventListener("htmx:sendError", function () {
      showProblem(status && status.dataset.offline);
    });
    form.addEventListener("htmx:responseError", function () {
      showProblem(status && status.dataset.refused);
    });
    form.addEventListener("htmx:beforeSwap", function () {
      if (status) {
        status.classList.remove("text-danger");
      }
    });
    form.addEventListener("submit", function (event) {
      if (inFlight > 0) {
        // Wait for the autosave in flight, or the form would carry a stale version.
        event.preventDefault();
        pendingSubmitter = event.submitter || true;
        return;
      }
      submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && edits !== savedEdits) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

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
