// The live game's pages: a player's phone, the host console and the projector. One event
// stream (server-sent events) per page draws the game; a player's answer is one POST, sent
// again unchanged if the network fails (the server keeps the first one it stored). The
// countdown runs from the time left that the server sends; the server alone decides.
(function () {
  "use strict";
  var root = document.getElementById("lg");
  if (!root) { return; }
  var T = document.getElementById("lg-text").dataset;
  var role = root.getAttribute("data-role");
  var el = function (id) { return document.getElementById(id); };
  var csrf = function () {
    var input = document.querySelector("#lg-csrf input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };
  var game = { phase: "lobby", question: null, endsAt: 0, me: null, chosen: [], sent: false };
  var timer = null;

  function text(id, value) { var node = el(id); if (node) { node.textContent = value; } }

  function setCounts(c) {
    if (!c) { return; }
    text("lg-joined", c.joined); text("lg-answered", c.answered);
    text("lg-alive", c.alive); text("lg-eliminated", c.eliminated);
  }

  function tick() {
    if (!game.question || game.phase !== "question") { return; }
    var left = Math.max(0, Math.ceil((game.endsAt - performance.now()) / 1000));
    text("lg-timer", left > 0 ? left + " " + T.seconds : T.timeup);
    if (left <= 0) { stopTimer(); lockChoices(); }
  }
  function stopTimer() { if (timer) { clearInterval(timer); timer = null; } }

  function lockChoices() {
    var buttons = el("lg-options").querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    var submit = el("lg-submit"); if (submit) { submit.hidden = true; }
  }

  function status(message) { text("lg-status", message || ""); }

  function drawMe() {
    if (role !== "player" || !game.me) { return; }
    text("lg-name", game.me.name || "");
    var st = game.me.state;
    text("lg-state", st === "eliminated" ? T.eliminated : st === "rescued" ? T.rescued : T.alive);
    text("lg-score", T.score + ": " + (game.me.score || 0));
    root.setAttribute("data-state", st || "alive");
  }

  function canAnswer(q) {
    if (role !== "player" || !game.me) { return false; }
    var st = game.me.state;
    if (q.role === "rescue") { return st === "eliminated"; }
    return root.getAttribute("data-mode") === "score" || st !== "eliminated";
  }

  function drawQuestion(q, remaining) {
    game.question = q;
    game.phase = "question";
    game.endsAt = performance.now() + remaining;
    game.chosen = []; game.sent = false;
    var head = q.role === "golden" ? T.golden : q.role === "rescue" ? T.rescue : T.question + " " + q.number;
    text("lg-qhead", head);
    text("lg-qtext", q.text);
    text("lg-reveal", q.role === "rescue" && role !== "player" ? T.waitingrescue : "");
    status("");
    var list = el("lg-options");
    list.textContent = "";
    var open = canAnswer(q);
    q.options.forEach(function (option, i) {
      var item;
      if (role === "player") {
        item = document.createElement("button");
        item.type = "button";
        item.className = "lg-choice";
        item.textContent = String.fromCharCode(65 + i) + ". " + option;
        item.disabled = !open || remaining <= 0;
        item.addEventListener("click", function () { choose(i, item); });
      } else {
        item = document.createElement("li");
        var label = document.createElement("span");
        label.textContent = option;
        var bar = document.createElement("span");
        bar.className = "lg-bar";
        var count = document.createElement("span");
        count.className = "lg-count";
        item.appendChild(label); item.appendChild(bar); item.appendChild(count);
      }
      item.setAttribute("data-index", String(i));
      list.appendChild(item);
    });
    var submit = el("lg-submit");
    if (submit) { submit.hidden = !(open && q.multiple); }
    stopTimer();
    timer = setInterval(tick, 200);
    tick();
  }

  function markChosen(options) {
    var nodes = el("lg-options").children;
    Array.prototype.forEach.call(nodes, function (n) {
      var i = Number(n.getAttribute("data-index"));
      n.classList.toggle("lg-chosen", options.indexOf(i) !== -1);
    });
  }

  function choose(i, button) {
    if (game.sent) { return; }
    var q = game.question;
    if (q.multiple) {
      var at = game.chosen.indexOf(i);
      if (at === -1) { game.chosen.push(i); } else { game.chosen.splice(at, 1); }
      markChosen(game.chosen);
      return;
    }
    game.chosen = [i];
    send();
  }

  function send() {
    if (!game.chosen.length || game.sent) { return; }
    game.sent = true;
    var payload = JSON.stringify({ question: game.question.id, options: game.chosen });
    markChosen(game.chosen);
    lockChoices();
    var tries = 0;
    (function attempt() {
      tries += 1;
      fetch(root.getAttribute("data-answer"), {
        method: "POST", credentials: "same-origin", body: payload,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }
      }).then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; });
      }).then(function (res) {
        var d = res.data;
        if (d.status === "ok" || d.status === "dup") {
          game.chosen = d.options; markChosen(d.options); status(T.sent);
        } else if (d.status === "late") { status(T.late); }
        else if (d.status === "not_open") { status(T.notopen); }
        else if (d.status === "not_eligible") { status(T.noteligible); }
        else { status(d.error || T.failed); }
      }).catch(function () {
        if (tries < 4) { status(T.retry); setTimeout(attempt, 400 * tries); }
        else { status(T.failed); }
      });
    })();
  }

  function drawReveal(r, me) {
    game.phase = "revealed";
    root.setAttribute("data-phase", "revealed");
    showActions("revealed");
    stopTimer();
    text("lg-timer", T.timeup);
    lockChoices();
    var nodes = el("lg-options").children;
    var total = r.answered || 0;
    Array.prototype.forEach.call(nodes, function (n) {
      var i = Number(n.getAttribute("data-index"));
      n.classList.toggle("lg-right", r.correct.indexOf(i) !== -1);
      var bar = n.querySelector(".lg-bar");
      var count = n.querySelector(".lg-count");
      var c = (r.distribution || [])[i] || 0;
      if (bar) { bar.style.width = (total ? Math.round(100 * c / total) : 0) + "%"; }
      if (count) { count.textContent = String(c); }
    });
    var line = T.correctis + ": " + r.correct.map(function (i) { return String.fromCharCode(65 + i); }).join(", ");
    if (r.all_wrong) { line += " — " + T.allwrong; }
    if (role !== "player") { line += " · " + T.survivors + ": " + r.survivors; }
    if (role === "player" && me) {
      var mine = game.chosen && game.chosen.length;
      line = (me.right ? T.right : mine ? T.wrong : T.noanswer) + " " + line;
    }
    text("lg-reveal", line);
    drawLeaders(r.leaderboard);
  }

  function drawLeaders(rows) {
    var list = el("lg-leaders");
    if (!list || !rows) { return; }
    list.textContent = "";
    rows.forEach(function (row) {
      var li = document.createElement("li");
      li.textContent = row.name + " (" + row.unit + ") — " + row.score;
      if (row.state === "eliminated") { li.className = "lg-out"; }
      list.appendChild(li);
    });
  }

  // The host's buttons that make sense in each phase (the server refuses the others anyway).
  var ACTIONS = {
    lobby: ["start", "end"],
    ready: ["next", "rescue_question", "rescue_all", "golden", "pause", "end"],
    question: ["reveal", "pause", "end"],
    revealed: ["next", "rescue_question", "rescue_all", "golden", "pause", "end"],
    paused: ["resume", "end"],
    finished: []
  };
  function showActions(phase) {
    var allowed = ACTIONS[phase];
    if (role !== "host" || !allowed) { return; }
    Array.prototype.forEach.call(root.querySelectorAll("[data-act]"), function (b) {
      b.hidden = allowed.indexOf(b.getAttribute("data-act")) === -1;
    });
  }

  function drawPhase(phase) {
    game.phase = phase;
    root.setAttribute("data-phase", phase);
    showActions(phase);
    var lobby = el("lg-lobby");
    if (lobby && phase !== "lobby") { lobby.hidden = true; }
    if (phase === "lobby") { status(T.lobby); }
    else if (phase === "ready") { status(T.ready); text("lg-qtext", ""); text("lg-qhead", ""); text("lg-timer", ""); el("lg-options").textContent = ""; text("lg-reveal", ""); }
    else if (phase === "paused") { stopTimer(); status(T.paused); lockChoices(); }
    else if (phase === "finished") { stopTimer(); status(T.finished); }
  }

  function drawWinners(winners, total) {
    var names = (winners || []).map(function (w) {
      return w.name + " (" + w.unit + ")" + (w.golden ? " — " + T.goldenbell : "");
    });
    var more = (total || 0) - names.length;
    var tail = more > 0 ? "; " + T.andmore.replace("{n}", String(more)) : "";
    text("lg-reveal", names.length ? T.winners + ": " + names.join("; ") + tail : T.nowinner);
  }

  function applySnapshot(s) {
    root.setAttribute("data-mode", s.mode);
    if (s.me) { game.me = s.me; drawMe(); }
    setCounts(s.counts);
    var lobby = el("lg-lobby");
    if (lobby && s.lobby) {
      lobby.textContent = "";
      s.lobby.forEach(function (p) {
        var li = document.createElement("li");
        li.textContent = p.name + " (" + p.unit + ")";
        lobby.appendChild(li);
      });
    }
    drawPhase(s.phase);
    if (s.question && (s.phase === "question" || s.phase === "paused" || s.phase === "revealed")) {
      drawQuestion(s.question, s.question.remaining_ms);
      if (s.me && s.me.answer) { game.chosen = s.me.answer; game.sent = true; markChosen(s.me.answer); lockChoices(); status(T.sent); }
      if (s.phase === "paused") { drawPhase("paused"); }
      if (s.phase === "revealed" && s.reveal) {
        drawReveal(s.reveal, s.me ? { right: s.me.answer && sameSet(s.me.answer, s.reveal.correct) } : null);
      }
    }
    if (s.leaderboard) { drawLeaders(s.leaderboard); }
    if (s.phase === "finished") { drawWinners(s.winners, s.winners_total); }
  }

  function sameSet(a, b) {
    return a.length === b.length && a.every(function (x) { return b.indexOf(x) !== -1; });
  }

  var source = null;
  function connect() {
    source = new EventSource(root.getAttribute("data-events"));
    source.addEventListener("open", function () { if (game.phase !== "lobby") { status(""); } });
    source.addEventListener("snapshot", function (e) { applySnapshot(JSON.parse(e.data)); });
    source.addEventListener("question", function (e) {
      var d = JSON.parse(e.data); drawPhase("question"); drawQuestion(d.question, d.question.remaining_ms);
      text("lg-answered", "0");
    });
    source.addEventListener("reveal", function (e) {
      var d = JSON.parse(e.data);
      if (d.me) { game.me.state = d.me.state; game.me.score = d.me.score; drawMe(); }
      setCounts(d.counts); drawReveal(d.reveal, d.me);
    });
    source.addEventListener("rescue", function (e) {
      var d = JSON.parse(e.data);
      if (d.me && game.me) { game.me.state = d.me.state; drawMe(); }
      setCounts(d.counts);
    });
    source.addEventListener("phase", function (e) {
      var d = JSON.parse(e.data);
      drawPhase(d.phase);
      if (d.counts) { setCounts(d.counts); }
      if (d.question) { drawQuestion(d.question, d.question.remaining_ms); }
    });
    source.addEventListener("counts", function (e) {
      var d = JSON.parse(e.data);
      setCounts(d.counts);
      var lobby = el("lg-lobby");
      if (lobby && d.joined && game.phase === "lobby") {
        var li = document.createElement("li");
        li.textContent = d.joined.name + " (" + d.joined.unit + ")";
        lobby.insertBefore(li, lobby.firstChild);
      }
    });
    source.addEventListener("answered", function (e) {
      // Counts come from every server process, each throttled: show the highest for this question.
      var d = JSON.parse(e.data);
      var shown = Number(el("lg-answered") ? el("lg-answered").textContent : 0);
      if (game.question && d.question === game.question.id && d.answered > shown) { text("lg-answered", d.answered); }
    });
    source.addEventListener("finished", function (e) {
      var d = JSON.parse(e.data); drawPhase("finished"); drawWinners(d.winners, d.winners_total);
    });
    source.addEventListener("reconnect", function () { source.close(); setTimeout(connect, 200); });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        if (role === "player") { window.location.href = root.getAttribute("data-join"); return; }
        setTimeout(connect, 1500);
      }
      status(T.reconnecting);
    };
  }

  var submit = el("lg-submit");
  if (submit) { submit.addEventListener("click", send); }

  if (role === "host") {
    Array.prototype.forEach.call(root.querySelectorAll("[data-act]"), function (button) {
      button.addEventListener("click", function () {
        var body = new URLSearchParams({ action: button.getAttribute("data-act") });
        button.disabled = true;
        fetch(root.getAttribute("data-action"), {
          method: "POST", credentials: "same-origin", body: body,
          headers: { "X-CSRFToken": csrf() }
        }).then(function (r) { return r.json(); }).then(function (d) {
          text("lg-error", d.error || "");
          if (d.counts) { setCounts(d.counts); }
        }).catch(function () { text("lg-error", T.failed); })
          .then(function () { button.disabled = false; });
      });
    });
  }
  connect();
})();
