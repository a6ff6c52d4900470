/* The gallery of a video or photo contest: vote counts kept live by polling a small JSON
   endpoint, and votes sent without leaving the page (the form still works without this
   script). No third-party code. */
(function () {
  "use strict";
  var box = document.querySelector("[data-counts-url]");
  function refresh() {
    if (!box || document.hidden) return;
    fetch(box.getAttribute("data-counts-url"), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.counts) return;
        Object.keys(data.counts).forEach(function (number) {
          document.querySelectorAll('[data-votes="' + number + '"]').forEach(function (el) {
            el.textContent = String(data.counts[number]);
          });
        });
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  if (box) {
    var seconds = parseInt(box.getAttribute("data-counts-seconds"), 10) || 15;
    window.setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", refresh);
  }
  document.querySelectorAll("form[data-vote]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch) return;
      event.preventDefault();
      var status = form.querySelector("[data-vote-status]");
      var button = form.querySelector("button");
      if (button) button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (r) { return r.json().then(function (data) { return { status: r.status, data: data }; }); })
        .then(function (res) {
          if (res.data.verify) { window.location.href = res.data.verify; return; }
          if (status) status.textContent = res.data.message || "";
          var number = form.action.match(/tac-pham\/(\d+)\//);
          if (number && typeof res.data.votes === "number") {
            document.querySelectorAll('[data-votes="' + number[1] + '"]').forEach(function (el) {
              el.textContent = String(res.data.votes);
            });
          }
        })
        .catch(function () { form.submit(); })
        .then(function () { if (button) button.disabled = false; });
    });
  });
})();
