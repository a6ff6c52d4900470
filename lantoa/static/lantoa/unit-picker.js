// The unit picker (lantoa/units/picker.py): while a person types in the box, the units that
// match are asked from the server (the feature's JSON search, data-unit-picker) and listed
// under it; picking one puts its id in a hidden field. Without JavaScript the form still
// works: the server searches what was typed and offers the units to choose from.
(function () {
  "use strict";
  var WAIT_MS = 250;
  var MIN_CHARS = 2;

  function attach(root) {
    var url = root.getAttribute("data-unit-picker");
    var name = root.getAttribute("data-name");
    var T = root.dataset;
    var box = root.querySelector("input[type=text]");
    var list = root.querySelector(".unit-picker-list");
    var status = root.querySelector(".unit-picker-status");
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = name;
    hidden.disabled = true; // sent only once a unit is picked from the suggestions
    root.appendChild(hidden);
    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function say(message) { status.textContent = message || ""; }
    function close() {
      list.hidden = true;
      list.textContent = "";
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function mark(index) {
      var items = list.querySelectorAll("li");
      Array.prototype.forEach.call(items, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && items[index]) {
        box.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }
    function pick(unit) {
      hidden.value = String(unit.id);
      hidden.disabled = false;
      box.value = unit.name;
      var choices = root.querySelector(".unit-picker-choices");
      if (choices) { choices.remove(); }
      close();
      say(T.chosen + " " + unit.name + (unit.above ? " — " + unit.above : ""));
    }
    function show(found) {
      results = found;
      list.textContent = "";
      if (!found.length) { close(); say(T.none); return; }
      found.forEach(function (unit, i) {
        var li = document.createElement("li");
        li.id = box.id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.textContent = unit.name;
        if (unit.above) {
          var small = document.createElement("small");
          small.className = "muted";
          small.textContent = " — " + unit.above;
          li.appendChild(small);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { pick(unit); });
        list.appendChild(li);
      });
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
      mark(-1);
      say(found.length + " " + T.count);
    }
    function search() {
      var query = box.value.trim();
      if (query.length < MIN_CHARS) { close(); say(""); return; }
      var ticket = ++asked;
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (answer) {
        if (ticket !== asked) { return; } // a later search is on its way
        if (!answer.ok) { close(); say(answer.body.error || T.failed); return; }
        show(answer.body.results || []);
      }).catch(function () {
        if (ticket === asked) { close(); say(T.failed); }
      });
    }
    box.addEventListener("input", function () {
      hidden.value = "";
      hidden.disabled = true;
      root.querySelectorAll(".unit-picker-choices input:checked").forEach(function (radio) {
        radio.checked = false;
      });
      clearTimeout(timer);
      timer = setTimeout(search, WAIT_MS);
    });
    box.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); mark(Math.min(results.length - 1, active + 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(Math.max(0, active - 1)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pick(results[active]); }
      else if (e.key === "Escape") { close(); }
    });
    box.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-unit-picker]").forEach(attach);
  });
})();
