/* tongban (通办): the little behaviour the pages need beyond HTMX. Everything works
   without this file; it only folds the phone menu, hides irrelevant form fields,
   moves focus after HTMX swaps and shows refusals that come back from HTMX requests. */
(function () {
  "use strict";

  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  // Phone menu: a button folds and unfolds the element it controls.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-nav-toggle]");
    if (!button) return;
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    target.classList.toggle("is-open", open);
  });

  // Registration form: show only the fields for the chosen kind of applicant.
  function applyKind(select) {
    var form = select.form;
    if (!form) return;
    form.querySelectorAll("[data-for-kind]").forEach(function (group) {
      group.hidden = group.getAttribute("data-for-kind") !== select.value;
    });
  }

  function initKindSwitches(root) {
    root.querySelectorAll("select[data-kind-switch]").forEach(applyKind);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-kind-switch]")) applyKind(event.target);
  });

  // Fresh content (first load or an HTMX swap): set up its widgets and move focus
  // to whatever the server marked (an error summary or a success message), so
  // screen-reader and keyboard users land on the result of what they did.
  function onNewContent(root) {
    initKindSwitches(root);
    if (root === document) return;
    var focus = root.matches("[data-focus]") ? root : root.querySelector("[data-focus]");
    if (focus) focus.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    onNewContent(document);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // Fired on each newly swapped-in element.
    if (event.target instanceof Element) onNewContent(event.target);
  });

  function alertRegion() {
    return document.getElementById("alerts");
  }

  // HTMX ignores 4xx/5xx answers by default: show the refusal (403 with its reason,
  // 404, 500) in the alert region instead of silently doing nothing.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var region = alertRegion();
    if (xhr.status < 400 || !region) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    event.detail.ignoreTitle = true;
    event.detail.target = region;
    event.detail.swapOverride = "innerHTML";
    event.detail.selectOverride = "[data-refusal]";
  });

  // A session that expired sends HTMX to the login page: go there for real.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var loginUrl = document.body.getAttribute("data-login-url");
    var url = event.detail.xhr.responseURL;
    if (!loginUrl || !url) return;
    if (new URL(url, window.location.href).pathname === loginUrl) {
      event.detail.shouldSwap = false;
      window.location.assign(url);
    }
  });

  // No answer at all (network down, server gone).
  document.addEventListener("htmx:sendError", function () {
    var region = alertRegion();
    var text = document.body.getAttribute("data-network-error");
    if (!region || !text) return;
    var box = document.createElement("div");
    box.className = "alert alert-error";
    box.setAttribute("role", "alert");
    box.textContent = text;
    region.replaceChildren(box);
  });
})();
