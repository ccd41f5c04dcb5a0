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
  // Mark submit buttons busy while their request is in flight. They are not disabled:
  // that would drop keyboard focus, and htmx already ignores a second submit meanwhile.
  function setBusy(event, busy) {
    var form = event.detail.elt;
    if (form.tagName !== "FORM") return;
    form.querySelectorAll("button[type='submit']").forEach(function (b) {
      if (busy) b.setAttribute("aria-busy", "true"); else b.removeAttribute("aria-busy");
    });
  }
  document.addEventListener("htmx:beforeRequest", function (event) { setBusy(event, true); });
  document.addEventListener("htmx:afterRequest", function (event) { setBusy(event, false); });

  // Lesson form: show only the fields the chosen kind uses (all stay visible without JS).
  function syncLessonKind(select) {
    var form = select.form;
    form.querySelectorAll("[data-lesson-kind]").forEach(function (input) {
      var field = input.closest(".field");
      if (field) field.hidden = input.getAttribute("data-lesson-kind") !== select.value;
    });
  }
  function initLessonForms(root) {
    root.querySelectorAll("select[name='kind']").forEach(function (select) {
      if (select.form && select.form.querySelector("[data-lesson-kind]")) syncLessonKind(select);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initLessonForms(document); });
  document.addEventListener("htmx:load", function (event) { initLessonForms(event.detail.elt); });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches("select[name='kind']") && select.form && select.form.querySelector("[data-lesson-kind]")) {
      syncLessonKind(select);
    }
  });

  // Lesson videos: the third-party player loads only when the person asks for it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-video-play]");
    if (!button) return;
    var box = button.closest("[data-embed-src]");
    var frame = document.createElement("iframe");
    frame.src = box.getAttribute("data-embed-src");
    frame.title = box.getAttribute("data-embed-title") || "Video";
    frame.allow = "fullscreen; picture-in-picture";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    box.replaceChildren(frame);
    frame.focus();
  });
})();
