// The queue's waits by language as a table, for the dashboard and the
// periodic report: one row per period, Vietnamese and Khmer side by side for
// the tickets, the waiting and the service time (mean and 90th percentile, in
// minutes), and the share of Khmer tickets served by a Khmer-speaking officer.
// label(key) gives a header's text (the page's language on the dashboard,
// both languages on the printed report); rowLabel(fig) a row's.
(function (global) {
  "use strict";
  function minutes(s) { return s === null || s === undefined ? "–" : (Math.round(s / 6) / 10).toFixed(1); }
  function pct(v) { return v === null || v === undefined ? "–" : v.toFixed(1) + " %"; }
  var GROUPS = [
    ["qlang.tickets", function (s) { return String(s.tickets); }],
    ["qlang.wait_mean", function (s) { return minutes(s.wait_mean_seconds); }],
    ["qlang.wait_p90", function (s) { return minutes(s.wait_p90_seconds); }],
    ["qlang.service_mean", function (s) { return minutes(s.service_mean_seconds); }],
    ["qlang.service_p90", function (s) { return minutes(s.service_p90_seconds); }]
  ];
  global.motcuaQueueLangTable = function (rows, label, rowLabel) {
    var tbl = document.createElement("table");
    tbl.className = "report queue-lang";
    var thead = document.createElement("thead"), r1 = document.createElement("tr"), r2 = document.createElement("tr");
    function th(tr, key, span, rows) {
      var c = document.createElement("th"); if (span) c.colSpan = span; if (rows) c.rowSpan = rows;
      var l = label(key);
      if (typeof l === "string") c.textContent = l; else c.appendChild(l);
      tr.appendChild(c); return c;
    }
    th(r1, "qlang.period", 0, 2);
    GROUPS.forEach(function (g) { th(r1, g[0], 2); th(r2, "qlang.vi"); th(r2, "qlang.km"); });
    th(r1, "qlang.km_by_km", 0, 2);
    thead.appendChild(r1); thead.appendChild(r2); tbl.appendChild(thead);
    var body = document.createElement("tbody");
    rows.forEach(function (f) {
      var tr = document.createElement("tr"); tr.setAttribute("data-period", f.period);
      var c = document.createElement("td"); c.className = "name"; c.textContent = rowLabel(f); tr.appendChild(c);
      GROUPS.forEach(function (g) {
        ["vi", "km"].forEach(function (l) {
          var td = document.createElement("td"); td.textContent = g[1](f[l]); td.setAttribute("data-lang", l); tr.appendChild(td);
        });
      });
      var last = document.createElement("td"); last.className = "km-by-km"; last.textContent = pct(f.km_served_by_km_speaker_rate);
      tr.appendChild(last);
      body.appendChild(tr);
    });
    tbl.appendChild(body);
    return tbl;
  };
})(window);
