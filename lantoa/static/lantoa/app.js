/* Lan Tỏa: the little JavaScript the pages use, in one static file so that the
   Content-Security-Policy allows no inline script. Everything here works by event
   delegation, so it also covers content that HTMX swaps in later. */
(function () {
  "use strict";

  // The unit switcher's drop-down closes when a click leaves it, or on Escape.
  document.addEventListener("click", function (e) {
    var box = document.getElementById("switcher-results");
    if (box && !e.target.closest(".switcher")) { box.innerHTML = ""; }
  });
  document.addEventListener("keydown", function (e) {
    var box = document.getElementById("switcher-results");
    if (box && e.key === "Escape") { box.innerHTML = ""; }
  });

  // <form data-confirm="…">: asks before submitting (e.g. removing a post from Facebook).
  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
  }, true);

  // Copy buttons (hidden where the browser cannot copy): data-copy names the element whose
  // text is copied, data-done the label shown afterwards.
  function showCopyButtons() {
    if (!navigator.clipboard) { return; }
    document.querySelectorAll("[data-copy]").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", showCopyButtons);
  document.addEventListener("htmx:load", showCopyButtons);
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-copy]");
    if (!b || !navigator.clipboard) { return; }
    var text = document.getElementById(b.getAttribute("data-copy")).innerText.trim();
    navigator.clipboard.writeText(text).then(function () { b.textContent = b.getAttribute("data-done"); });
  });
})();
