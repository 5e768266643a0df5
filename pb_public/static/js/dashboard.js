// The leaders' dashboard: figures from GET /api/motcua/dashboard and the SVG
// charts the server draws (fetched with the token, then inlined), refreshed
// every minute.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var CHARTS = ["satisfaction-weekly", "satisfaction-monthly", "on-time-monthly"];
  var last = null;

  function rows(tbl, list) {
    tbl.innerHTML = "";
    if (!list.length) { var p = document.createElement("tr"); p.innerHTML = "<td></td>"; p.firstChild.textContent = M.t("dashboard.none"); tbl.appendChild(p); return; }
    var head = document.createElement("tr");
    ["dashboard.code", "dashboard.applicant", "dashboard.procedure", "dashboard.due", "dashboard.assignee"].forEach(function (k) {
      var th = document.createElement("th"); th.textContent = M.t(k); head.appendChild(th);
    });
    tbl.appendChild(head);
    list.forEach(function (d) {
      var tr = document.createElement("tr");
      [d.code, d.applicant_name, M.lang === "km" && d.procedure_name_km ? d.procedure_name_km : d.procedure_name_vi,
        d.due_at ? M.dateText(new Date(d.due_at.replace(" ", "T")), true) : "", d.assignee_name].forEach(function (v) {
        var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
      });
      tbl.appendChild(tr);
    });
  }

  // panels draws the other capabilities' figures: the last good backup's age
  // and today's queue wait and service times per group and counter.
  function panels(p) {
    var c = p.clock;
    $("clock-panel").classList.toggle("hidden", !c);
    if (c) {
      $("clock-state").textContent = (c.text && (c.text[M.lang] || c.text.vi)) || "";
      $("clock-panel").classList.toggle("bad", c.state !== "ok");
    }
    var b = p.backup;
    $("backup-panel").classList.toggle("hidden", !b);
    if (b) {
      $("backup-age").textContent = b.last_ok_at ? M.t("dashboard.backup_age", { hours: Math.round(b.age_hours * 10) / 10 }) : M.t("dashboard.backup_never");
      $("backup-panel").classList.toggle("bad", !!b.warn);
    }
    if (M.smsPanel) M.smsPanel(p.sms); // sms_panel.js
    var q = p.queue, tbl = $("queue-table");
    $("queue-panel").classList.toggle("hidden", !q);
    if (!q) return;
    tbl.innerHTML = "";
    if (!q.length) { var e = document.createElement("tr"), td = document.createElement("td"); td.textContent = M.t("dashboard.none"); e.appendChild(td); tbl.appendChild(e); return; }
    var head = document.createElement("tr");
    ["dashboard.queue_group", "dashboard.queue_counter", "dashboard.queue_issued", "dashboard.queue_wait", "dashboard.queue_service"].forEach(function (k) {
      var th = document.createElement("th"); th.textContent = M.t(k); head.appendChild(th);
    });
    tbl.appendChild(head);
    q.forEach(function (f) {
      var tr = document.createElement("tr");
      [f.group, f.counter || "–", f.issued, Math.round(f.avg_wait_seconds / 60), Math.round(f.avg_service_seconds / 60)].forEach(function (v) {
        var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
      });
      tbl.appendChild(tr);
    });
  }

  function draw() {
    var d = last; if (!d) return;
    document.dispatchEvent(new CustomEvent("motcua:dashboard", { detail: d })); // other panels (dashboard_queue_lang.js)
    $("received-today").textContent = d.received_today;
    $("returned-today").textContent = d.returned_today;
    $("overdue").textContent = d.overdue;
    $("due-soon").textContent = d.due_soon;
    $("ratings-today").textContent = d.ratings_today;
    $("satisfied-today").textContent = d.satisfied_today;
    panels(d.panels || {});
    rows($("overdue-list"), d.overdue_list);
    rows($("due-soon-list"), d.due_soon_list);
  }

  function charts() {
    CHARTS.forEach(function (name) {
      fetch("/api/motcua/dashboard/chart/" + name + ".svg?lang=" + M.lang, { headers: { Authorization: M.auth.token } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (svg) { $("chart-" + name).innerHTML = svg; }); // our own server's escaped SVG
    });
  }

  function load() {
    return M.api("/api/motcua/dashboard").then(function (d) {
      last = d; $("board").classList.remove("hidden"); draw(); charts();
    }, function (err) { M.sayError($("msg"), err); });
  }

  M.init().then(function (rec) {
    if (!rec) { location.href = "/"; return; }
    if (rec.role !== "leader") { M.say($("msg"), "warn", function () { return M.t("dashboard.leaders_only"); }); return; }
    load();
    setInterval(load, 60000);
  });
  document.addEventListener("motcua:lang", function () { draw(); if (last) charts(); });
})(window.motcua);
