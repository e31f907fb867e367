// Autosave of the application and the review forms (<form data-autosave="on"> with an
// hx-post to its autosave URL and hx-target="#autosave-status"): one script, one protocol.
//
//   200  saved: the status line, and the new version swapped into the form (hx-swap-oob)
//   400  field errors: the status line names them; they were not saved
//   401  session expired: the form is kept in this browser (localStorage) and the line
//        says to sign in again; once signed in, the page puts it back (unless someone
//        saved since, i.e. the version changed) and saves it
//   409  stale or locked: the line says what happened (with the current version); nothing
//        was overwritten and the text stays on the page
//   else the status line's data-refused; no answer at all: its data-offline
//
// htmx swaps only 2xx answers by default; the form's own htmx:beforeSwap lets these four
// through, so no global htmx setting is changed.
(function () {
  "use strict";

  var SHOWN = [200, 400, 401, 409];

  function csrfFromCookie() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  // Signing in again (in another tab, after the session expired) rotates the CSRF token:
  // send the current one, so that saving again works without reloading the page.
  function refreshTokens(root) {
    var token = csrfFromCookie();
    if (token) {
      root.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
        input.value = token;
      });
    }
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

  var form = document.querySelector("form[data-autosave=on]");
  if (!form) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var draftKey = "autosave:" + form.getAttribute("hx-post");
  var NOT_KEPT = ["csrfmiddlewaretoken", "version"];

  function version() {
    var input = form.querySelector("input[name=version]");
    return input ? input.value : "";
  }

  // --- The draft kept in this browser while the session is expired -----------------------
  function keepDraft() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.disabled || NOT_KEPT.indexOf(element.name) >= 0) {
        return;
      }
      if (element.type === "file" || element.type === "submit" || element.type === "button") {
        return;
      }
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) {
        fields[element.name] = fields[element.name] || [];
        return;
      }
      var values = element.type === "select-multiple"
        ? Array.prototype.map.call(element.selectedOptions, function (o) { return o.value; })
        : [element.value];
      fields[element.name] = (fields[element.name] || []).concat(values);
    });
    try {
      window.localStorage.setItem(draftKey, JSON.stringify({ version: version(), fields: fields }));
    } catch (error) {
      // Private browsing or a full storage: the text is still on the page.
    }
  }
  function forgetDraft() {
    try {
      window.localStorage.removeItem(draftKey);
    } catch (error) {
      // Nothing was kept.
    }
  }
  // Put a kept draft back when it was kept on the version the page shows now; a draft
  // someone saved over since is dropped rather than written over their work.
  function restoreDraft() {
    var draft = null;
    try {
      draft = JSON.parse(window.localStorage.getItem(draftKey) || "null");
    } catch (error) {
      draft = null;
    }
    forgetDraft();
    if (!draft || !draft.fields || draft.version !== version()) {
      return false;
    }
    Array.prototype.forEach.call(form.elements, function (element) {
      var values = draft.fields[element.name];
      if (!values || NOT_KEPT.indexOf(element.name) >= 0 || element.type === "file") {
        return;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.indexOf(element.value) >= 0;
      } else if (element.type === "select-multiple") {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = values.indexOf(option.value) >= 0;
        });
      } else if (element.type !== "submit" && element.type !== "button") {
        element.value = values.length ? values[0] : "";
      }
    });
    return true;
  }

  // --- Autosave --------------------------------------------------------------------------
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
  function showLine(message, problem) {
    if (status && message) {
      status.textContent = message;
      status.classList.toggle("text-danger", !!problem);
    }
  }
  // After htmx has set the form up (its own DOMContentLoaded handler was registered
  // first): from then on, every edit is autosaved. Tests wait for data-state.
  document.addEventListener("DOMContentLoaded", function () {
    // The server may already have put back what a full-page POST carried (the
    // application form's #restored-notice): then the kept copy is the same text.
    if (document.getElementById("restored-notice")) {
      forgetDraft();
    } else if (restoreDraft()) {
      edits += 1;
      showLine(status && status.dataset.restored, false);
      window.htmx.trigger(form, "change");
    }
    showState();
  });
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
  form.addEventListener("htmx:beforeSwap", function (event) {
    var code = event.detail.xhr.status;
    if (SHOWN.indexOf(code) >= 0) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    if (status) {
      status.classList.remove("text-danger");
    }
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
    var code = event.detail.xhr ? event.detail.xhr.status : 0;
    if (code === 200) {
      savedEdits = sentEdits;
      forgetDraft();
    } else if (code === 401) {
      keepDraft();
    }
    showState();
    if (pendingSubmitter !== null && inFlight === 0) {
      // The save in flight has updated the version: now submit the form.
      var submitter = pendingSubmitter;
      pendingSubmitter = null;
      form.requestSubmit(submitter === true ? undefined : submitter);
    }
  });
  form.addEventListener("htmx:sendError", function () {
    showLine(status && status.dataset.offline, true);
  });
  form.addEventListener("htmx:responseError", function () {
    showLine(status && status.dataset.refused, true);
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
})();
