// The attempt page of a quiz contest: each choice is saved at once (autosave), a choice that
// could not be sent is kept and sent again when the connection is back, and the countdown
// submits the form when the time is up. The server keeps the real deadline; this is comfort.
// A tap on "Nộp bài" while a save is still on its way waits for it (a few seconds at most):
// the form carries every answer anyway, but a save landing after the submission is refused.
(function () {
  "use strict";
  var form = document.querySelector("form[data-attempt]");
  if (!form) return;
  var url = form.getAttribute("data-save-url");
  var status = document.querySelector("[data-save-status]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = {}; // key → payload not yet saved
  var closed = false;
  var inflight = 0; // saves sent and not yet answered
  var busy = {}; // key → a save of it is on its way: the next waits (two could arrive swapped)
  var submitting = false;

  function say(attr) {
    if (status) status.textContent = form.getAttribute(attr) || "";
  }

  function send(key) {
    var payload = pending[key];
    if (!payload || closed || submitting || busy[key]) return;
    busy[key] = true;
    inflight += 1;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) {
          if (pending[key] === payload) delete pending[key];
          say("data-saved-text");
        } else if (data && data.closed) {
          closed = true;
          if (submitting) return;
          say("data-closed-text");
          window.location.reload();
        } else {
          if (pending[key] === payload) delete pending[key];
          if (status && data && data.error) status.textContent = data.error;
        }
      });
    }).catch(function () {
      say("data-offline-text");
    }).then(function () {
      inflight -= 1;
      busy[key] = false;
      // A newer choice made meanwhile goes now; the same one again waits for the retry.
      if (pending[key] && pending[key] !== payload) send(key);
    });
  }

  function flush() {
    Object.keys(pending).forEach(send);
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.hasAttribute("data-question")) {
      var id = input.getAttribute("data-question");
      var chosen = [];
      form.querySelectorAll("input[name='q" + id + "']:checked").forEach(function (box) {
        chosen.push(parseInt(box.value, 10));
      });
      pending["q" + id] = { question: parseInt(id, 10), chosen: chosen };
      send("q" + id);
    } else if (input.hasAttribute("data-prediction")) {
      pending.prediction = { prediction: input.value === "" ? null : parseInt(input.value, 10) };
      send("prediction");
    }
  });
  var submittedAt = 0;
  form.addEventListener("submit", function (event) {
    var now = Date.now();
    if (now - submittedAt < 5000) {
      event.preventDefault(); // a double tap
      return;
    }
    submittedAt = now;
    submitting = true;
    // If the page is still here later (the post failed), autosave goes on.
    window.setTimeout(function () { submitting = false; }, 10000);
    if (inflight === 0) return;
    event.preventDefault();
    var giveUp = now + 3000;
    (function wait() {
      if (inflight === 0 || Date.now() > giveUp) form.submit();
      else window.setTimeout(wait, 50);
    })();
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, 10000);

  var clock = document.querySelector("[data-seconds-left]");
  if (clock) {
    var left = parseInt(clock.getAttribute("data-seconds-left"), 10);
    var ends = Date.now() + left * 1000;
    var tick = function () {
      var s = Math.max(0, Math.round((ends - Date.now()) / 1000));
      var m = Math.floor(s / 60);
      var r = s % 60;
      clock.textContent = m + ":" + (r < 10 ? "0" : "") + r;
      if (s === 0) {
        window.clearInterval(timer);
        form.submit();
      }
    };
    var timer = window.setInterval(tick, 1000);
    tick();
  }
})();
