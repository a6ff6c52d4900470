/* Lan Tỏa: the numbers on the header's work links that refresh by themselves (new questions
   nobody has been given yet). Each link with data-poll-count names a small JSON address
   answering {"count": n}; it is asked every 45 seconds, and at once when the tab comes back
   into view; nothing is asked while the tab is hidden. While something waits, the page title
   starts with the number: "(3) Hộp thư hỏi đáp · Lan Tỏa". */
(function () {
  "use strict";

  var PERIOD = 45000;
  var timer = null;
  var baseTitle = null;

  function links() { return document.querySelectorAll("a[data-poll-count]"); }

  function badgeOf(a) { return a.querySelector("[data-count-badge]"); }

  function number(a) {
    var badge = badgeOf(a);
    return badge && !badge.hidden ? parseInt(badge.textContent, 10) || 0 : 0;
  }

  function showTitle() {
    var total = 0;
    links().forEach(function (a) { total += number(a); });
    if (baseTitle === null) { baseTitle = document.title.replace(/^\(\d+\)\s*/, ""); }
    document.title = total > 0 ? "(" + total + ") " + baseTitle : baseTitle;
  }

  function show(a, count) {
    var badge = badgeOf(a);
    if (!badge) { return; }
    badge.textContent = String(count);
    badge.hidden = count <= 0;
  }

  function refresh() {
    if (document.hidden) { return; }
    links().forEach(function (a) {
      fetch(a.getAttribute("data-poll-count"), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        cache: "no-store"
      }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (data) {
        if (data && typeof data.count === "number") { show(a, data.count); showTitle(); }
      }).catch(function () { /* offline or signed out: keep the last number */ });
    });
  }

  function start() {
    if (timer === null) { timer = window.setInterval(refresh, PERIOD); }
  }

  function stop() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { stop(); } else { refresh(); start(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (!links().length) { return; }
    showTitle();
    if (!document.hidden) { start(); }
  });
})();
