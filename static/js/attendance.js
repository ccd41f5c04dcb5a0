// Attendance grid: optimistic marks. The tapped button shows as pressed at once; the server's
// answer then replaces the person's row (on a refused mark, the row as it was plus the reason).
// If no answer comes (network down, server error) the previous mark is put back with a message.
// Without this file, or without htmx, every button still submits its form.
(function () {
  "use strict";

  var NOT_SAVED = "Not saved: check your connection and tap again.";

  function buttons(form) {
    return form.querySelectorAll("[data-att-status]");
  }

  function pressed(form) {
    var current = form.querySelector("[data-att-status][aria-pressed='true']");
    return current ? current.value : "";
  }

  function press(form, value) {
    buttons(form).forEach(function (b) {
      b.setAttribute("aria-pressed", b.value === value ? "true" : "false");
    });
  }

  function announce(text) {
    var live = document.getElementById("att-live");
    if (live) live.textContent = text;
  }

  // Tap (or Enter/Space): show the new mark before the request leaves.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-att-status]");
    if (!button || !button.form || !button.form.hasAttribute("data-att-form")) return;
    var form = button.form;
    // Remember the saved mark once per row: a second quick tap replaces the first request.
    if (!form.hasAttribute("data-att-saved")) form.setAttribute("data-att-saved", pressed(form));
    press(form, button.value);
    var row = form.closest(".att-row");
    if (row) row.classList.add("att-row--saving");
  });

  // No usable answer: put the saved mark back and say so.
  function restore(event) {
    var form = event.detail.elt;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-att-form")) return;
    press(form, form.getAttribute("data-att-saved") || "");
    form.removeAttribute("data-att-saved");
    var row = form.closest(".att-row");
    if (!row) return;
    row.classList.remove("att-row--saving");
    var message = row.querySelector(".att-row__error");
    if (!message) {
      message = document.createElement("p");
      message.className = "att-row__error";
      message.id = row.id + "-offline";
      row.appendChild(message);
      row.setAttribute("aria-describedby", message.id);
    }
    message.textContent = NOT_SAVED;
    var name = row.querySelector(".att-row__name");
    announce((name ? name.textContent + ": " : "") + NOT_SAVED);
  }
  document.addEventListener("htmx:responseError", restore);
  document.addEventListener("htmx:sendError", restore);
  document.addEventListener("htmx:timeout", restore);

  // A reflection or sign-off that was answered: keep keyboard focus on that item, since the
  // button that had it is gone. (Attendance buttons keep their ids, and htmx refocuses them.)
  document.addEventListener("htmx:afterSettle", function (event) {
    var old = event.detail.target;
    if (!old || !old.id || !/^(reflection|signoff)-\d+$/.test(old.id)) return;
    var item = document.getElementById(old.id);
    if (!item || item.contains(document.activeElement)) return;
    if (event.detail.xhr && event.detail.xhr.status === 422) return; // app.js focuses the field
    var focusable = item.matches("[tabindex]") ? item : item.querySelector("a, button");
    if (focusable) focusable.focus();
  });
})();
