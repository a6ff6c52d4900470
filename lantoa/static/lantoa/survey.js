// Survey forms (public page, paper entry): a question with a show-if rule
// (data-show-if="<code>", data-show-values="1,2") is shown only while the question it depends on
// has one of those answers; hidden, its inputs are cleared so nothing not asked is sent.
// Without this script every question shows with its written condition and the server checks.
(function () {
  "use strict";
  function chosen(form, code) {
    var values = [];
    form.querySelectorAll('input[name="' + code + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && input.checked) values.push(input.value);
    });
    return values;
  }
  function shown(form, box) {
    var code = box.getAttribute("data-show-if");
    var source = form.querySelector('#cau-' + CSS.escape(code));
    if (source && source.hidden) return false;
    var wanted = box.getAttribute("data-show-values").split(",");
    return chosen(form, code).some(function (v) { return wanted.indexOf(v) !== -1; });
  }
  function update(form) {
    form.querySelectorAll("fieldset[data-show-if]").forEach(function (box) {
      var visible = shown(form, box);
      box.hidden = !visible;
      if (!visible) {
        box.querySelectorAll("input, textarea").forEach(function (input) {
          if (input.type === "radio" || input.type === "checkbox") input.checked = false;
          else input.value = "";
        });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.survey-form").forEach(function (form) {
      form.querySelectorAll(".survey-condition").forEach(function (note) { note.hidden = true; });
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  });
})();

// The public response form on a phone without connection (form[data-queue]): a sheet sent is
// first kept in this browser's localStorage with a random key made here, then posted with the
// header X-Survey-Queue (the server answers JSON). No connection: the sheet stays kept and is
// sent when the browser is back online (the "online" event, and every few seconds while
// anything waits); the server stores a key's sheet once, so a sheet sent twice (an answer lost
// on the way back) is not counted twice. Kept sheets leave the browser once the server has
// them, or when it refuses them for good (the message is shown). The page's service worker
// (data-sw, scope: this page) lets the form open again without connection once visited.
(function () {
  "use strict";
  var STORE = "lantoa.survey.queue.v1";
  var RETRY_MS = 5000;
  var flushing = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function save(items) {
    try { window.localStorage.setItem(STORE, JSON.stringify(items)); return true; } catch (e) { return false; }
  }
  function drop(key) {
    save(load().filter(function (item) { return item.key !== key; }));
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function setup(form) {
    var box = document.getElementById("survey-queue");
    var keyInput = form.querySelector('input[name="submission_key"]');
    var button = form.querySelector('button[type="submit"]');
    var current = "";  // the key of this form's sheet once it is kept
    keyInput.value = newKey();

    function say(text, offerNew) {
      if (!box) { return; }
      box.querySelector(".survey-queue-text").textContent = text;
      box.querySelector(".survey-queue-new").hidden = !offerNew;
      box.hidden = !text;
    }
    function sayPending() {
      var n = load().length;
      if (n) { say(box.getAttribute("data-pending").replace("{n}", String(n)), !!current); }
    }
    function token() {
      var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
      return input ? input.value : "";
    }
    function send(item) {
      var body = new URLSearchParams(item.body);
      body.set("csrfmiddlewaretoken", token());
      return window.fetch(item.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Survey-Queue": "1", "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { status: response.status, data: data };
        });
      });
    }
    // What one answer from the server means for a kept sheet: true when it left the queue.
    function settle(item, answer) {
      var data = answer.data || {};
      if (answer.status === 200 && data.ok) {
        drop(item.key);
        if (item.key === current) { window.location.assign(data.thanks); }
        return true;
      }
      if (data.final) {
        drop(item.key);
        if (item.key === current && answer.status === 400) {
          // Refused as filled in: the page shows each error beside its question.
          HTMLFormElement.prototype.submit.call(form);
        } else {
          say(box.getAttribute("data-refused").replace("{message}", data.message || ""), !!current);
        }
        return true;
      }
      return false;  // rate limited, a server or token problem: kept, tried again later
    }
    function flush() {
      if (flushing || navigator.onLine === false) { return; }
      var items = load();
      if (!items.length) { return; }
      flushing = true;
      var left = false;
      var chain = Promise.resolve();
      items.forEach(function (item) {
        chain = chain.then(function () {
          return send(item).then(function (answer) {
            if (!settle(item, answer)) { left = true; }
          }, function () { left = true; });
        });
      });
      chain.then(function () {
        flushing = false;
        if (left) { sayPending(); } else if (!load().length && !current) { say(box.getAttribute("data-sent"), false); }
      });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (current) { return; }  // kept already: it goes when the connection is back
      var body = new URLSearchParams(new FormData(form));
      body.delete("csrfmiddlewaretoken");
      var item = { url: form.getAttribute("action") || window.location.pathname, key: keyInput.value, body: body.toString() };
      var items = load();
      items.push(item);
      if (!save(items)) {  // no storage (private mode): an ordinary post
        HTMLFormElement.prototype.submit.call(form);
        return;
      }
      current = item.key;
      if (button) { button.disabled = true; }
      send(item).then(function (answer) {
        if (!settle(item, answer)) { say(box.getAttribute("data-saved"), true); }
      }, function () {
        say(box.getAttribute("data-saved"), true);
      });
    });
    if (box) {
      box.querySelector(".survey-queue-new").addEventListener("click", function () {
        form.reset();
        keyInput.value = newKey();
        current = "";
        if (button) { button.disabled = false; }
        sayPending();
        if (!load().length) { say("", false); }
        form.dispatchEvent(new Event("change"));
        window.scrollTo(0, 0);
      });
    }
    window.addEventListener("online", flush);
    window.setInterval(function () { if (load().length) { flush(); } }, RETRY_MS);
    sayPending();
    flush();
    var worker = form.getAttribute("data-sw");
    if (worker && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(worker).catch(function () { /* the form works without it */ });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-queue]").forEach(setup);
  });
})();
