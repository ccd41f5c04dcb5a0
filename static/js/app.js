// Small progressive enhancements. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  // After htmx swaps a form that came back with errors, move focus to the first invalid field
  // so keyboard and screen-reader users land on the problem.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      var invalid = event.detail.target.querySelector("[aria-invalid='true']");
      if (invalid) invalid.focus();
    }
  });
  // Disable submit buttons while their request is in flight (no double submissions).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form.tagName === "FORM") {
      form.querySelectorAll("button[type='submit']").forEach(function (b) { b.setAttribute("aria-busy", "true"); b.disabled = true; });
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form.tagName === "FORM") {
      form.querySelectorAll("button[type='submit']").forEach(function (b) { b.removeAttribute("aria-busy"); b.disabled = false; });
    }
  });
})();
