// The counter page: call the next ticket of the groups this counter serves,
// call again, mark arrival or a no-show, transfer, finish, and start an intake
// linked to the ticket (/intake.html?ticket=<id>). Every action shows its
// result at once and redraws from the server's answer.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var board = null, current = null, counterId = "";
  var STORE = "motcua_counter";

  function groupName(id) {
    var g = (board && board.groups.filter(function (x) { return x.id === id; })[0]) || null;
    if (!g) return "";
    return g.letter + " · " + (M.lang === "km" ? g.name_km : g.name_vi);
  }

  function draw() {
    if (!board) return;
    var c = board.counters.filter(function (x) { return x.id === counterId; })[0];
    current = c ? c.current : null;
    $("current-code").textContent = current ? current.code : "—";
    if (current) {
      var info = [groupName(current.group), M.t("ticket_status." + current.status)];
      if (current.priority) info.push(M.t("counter.priority") + ": " + M.t("priority." + current.priority_reason));
      $("current-info").textContent = info.join(" · ");
    } else {
      $("current-info").textContent = M.t("counter.none_current");
    }
    var st = current ? current.status : "";
    $("call-next").disabled = !c || !!current;
    $("recall").disabled = st !== "called";
    $("serve").disabled = st !== "called";
    $("no-show").disabled = st !== "called";
    $("finish").disabled = st !== "called" && st !== "serving";
    $("transfer").disabled = st !== "called" && st !== "serving";
    $("start-intake").classList.toggle("hidden", !current);
    if (current) $("start-intake").href = "/intake.html?ticket=" + encodeURIComponent(current.id);

    var sel = $("transfer-group"), keep = sel.value; sel.textContent = "";
    board.groups.forEach(function (g) {
      if (current && g.id === current.group) return;
      var o = document.createElement("option"); o.value = g.id; o.textContent = groupName(g.id); sel.appendChild(o);
    });
    if (keep) sel.value = keep;

    var tbl = $("waiting"); tbl.textContent = "";
    board.groups.forEach(function (g) {
      var tr = document.createElement("tr");
      var th = document.createElement("th"); th.textContent = groupName(g.id);
      var td = document.createElement("td"); td.textContent = g.waiting; td.setAttribute("data-group", g.letter);
      tr.appendChild(th); tr.appendChild(td); tbl.appendChild(tr);
    });
    document.dispatchEvent(new CustomEvent("motcua:counter", { detail: { board: board, current: current, counter: counterId } }));
  }

  function load() {
    return M.api("/api/motcua/queue/board").then(function (b) {
      board = b;
      var sel = $("counter-select");
      if (!sel.options.length) {
        b.counters.forEach(function (c) {
          var o = document.createElement("option"); o.value = c.id;
          o.textContent = M.t("display.counter", { n: c.number }) + (c.name ? " · " + c.name : "");
          sel.appendChild(o);
        });
        var mine = b.counters.filter(function (c) { return String(c.number) === String(M.auth.record.counter); })[0];
        var saved = localStorage.getItem(STORE);
        counterId = (mine && mine.id) || (b.counters.some(function (c) { return c.id === saved; }) ? saved : "") || (b.counters[0] && b.counters[0].id) || "";
        sel.value = counterId;
      }
      $("no-counters").classList.toggle("hidden", b.counters.length > 0);
      draw();
    }, function (err) { M.sayError($("msg"), err); });
  }

  // act posts one queue action and says what happened.
  function act(path, body, okKey, params) {
    var buttons = document.querySelectorAll(".counter-actions button");
    buttons.forEach(function (b) { b.disabled = true; });
    return M.api("/api/motcua/queue/" + path, { method: "POST", body: body }).then(function (t) {
      var p = params ? params(t) : {};
      p.code = t.code;
      M.say($("msg"), "ok", function () { return M.t(okKey, p); });
      return t;
    }, function (err) {
      M.sayError($("msg"), err);
      return null;
    }).then(function (t) { return load().then(function () { return t; }); });
  }

  $("counter-select").addEventListener("change", function () {
    counterId = this.value; localStorage.setItem(STORE, counterId); draw();
  });
  $("call-next").addEventListener("click", function () { act("call-next", { counter: counterId }, "counter.called_ok"); });
  $("recall").addEventListener("click", function () { act("recall", { ticket: current.id }, "counter.recalled_ok"); });
  $("serve").addEventListener("click", function () { act("serve", { ticket: current.id }, "counter.serving_ok"); });
  $("no-show").addEventListener("click", function () { act("no-show", { ticket: current.id }, "counter.no_show_ok"); });
  $("finish").addEventListener("click", function () { act("finish", { ticket: current.id }, "counter.finished_ok"); });
  $("transfer").addEventListener("click", function () {
    var g = $("transfer-group").value;
    act("transfer", { ticket: current.id, group: g }, "counter.transferred_ok", function () { return { group: groupName(g) }; });
  });
  // Starting an intake marks the citizen as arrived, then opens the intake form
  // with the ticket, which links the dossier to it (dossiers.ticket).
  $("start-intake").addEventListener("click", function (ev) {
    if (!current || current.status !== "called") return;
    ev.preventDefault();
    var href = this.href;
    M.api("/api/motcua/queue/serve", { method: "POST", body: { ticket: current.id } }).then(function () { location.href = href; },
      function (err) { M.sayError($("msg"), err); });
  });
  document.addEventListener("motcua:lang", draw);
  document.addEventListener("motcua:counter-reload", function () { load(); });

  M.init().then(function (rec) {
    $("signed-out").classList.toggle("hidden", !!rec);
    $("work").classList.toggle("hidden", !rec);
    if (!rec) return;
    load();
    setInterval(load, 10000);
  });
})(window.motcua);
