// The tracking ledger (form 07): a date range shown as a printable table, and the
// same rows as CSV for Excel, fetched with the staff token. The title and the
// column headings are in Vietnamese with the Khmer beneath (as every paper),
// in a thead that repeats on every printed page; A4 landscape.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var rows = null, vi = {}, km = {};
  var COLS = ["form.col_no", "dossier.code", "dossier.received_at", "dossier.applicant", "dossier.procedure", "dossier.due_at",
    "dossier.assignee", "ledger.col_finished", "ledger.col_returned", "ledger.col_timeliness", "dossier.status", "ledger.col_collected_by"];

  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
  // both writes key in Vietnamese with the Khmer beneath.
  function both(e, key) {
    e.textContent = "";
    var a = el("span", vi[key] || key); a.lang = "vi";
    var b = el("span", km[key] || key); b.lang = "km"; b.className = "km";
    e.appendChild(a); e.appendChild(b);
    return e;
  }
  function when(s) { return s ? M.dateText(M.parseDate(s), true) : ""; }
  function today() { return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(new Date()); }
  function query() { return "from=" + encodeURIComponent($("from").value) + "&to=" + encodeURIComponent($("to").value); }

  function draw() {
    if (!rows) return;
    var tbl = $("ledger"); tbl.innerHTML = "";
    var thead = el("thead"), head = el("tr"), tbody = el("tbody");
    COLS.forEach(function (k) { head.appendChild(both(el("th"), k)); });
    thead.appendChild(head); tbl.appendChild(thead); tbl.appendChild(tbody);
    rows.forEach(function (r) {
      var tr = el("tr");
      [String(r.no), r.code + (r.entered_late ? " (" + M.t("ledger.entered_late") + ")" : ""), when(r.received_at), r.applicant_name, M.lang === "km" && r.procedure_km ? r.procedure_km : r.procedure_vi,
        when(r.due_at), r.assignee_name, when(r.finished_at), when(r.returned_at), r.timeliness ? M.t("timeliness." + r.timeliness) : "",
        M.t("status." + r.status), r.collected_by].forEach(function (v) { tr.appendChild(el("td", v)); });
      tbody.appendChild(tr);
    });
    $("count").textContent = M.t("ledger.count", { n: rows.length });
    both($("title-07"), "form.title_07");
    var d = function (v) { return v ? v.split("-").reverse().join("/") : ""; };
    $("range-text").textContent = d($("from").value) + " – " + d($("to").value);
  }

  function show() {
    return M.api("/api/motcua/ledger?" + query()).then(function (res) { rows = res.rows; $("msg").classList.add("hidden"); M.keep($("msg"), ""); draw(); },
      function (err) { M.sayError($("msg"), err); });
  }

  $("range").addEventListener("submit", function (ev) { ev.preventDefault(); show(); });
  $("print").addEventListener("click", function () { show().then(function () { window.print(); }); });
  $("csv").addEventListener("click", function () {
    fetch("/api/motcua/ledger.csv?" + query() + "&lang=" + (M.lang === "km" ? "km" : "vi"), { headers: { Authorization: M.auth.token } }).then(function (r) {
      if (!r.ok) return r.json().then(function (body) { M.sayError($("msg"), { body: body }); });
      return r.blob().then(function (b) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(b); a.download = "so-theo-doi-" + $("from").value + "-" + $("to").value + ".csv";
        document.body.appendChild(a); a.click(); a.remove();
      });
    });
  });
  document.addEventListener("motcua:lang", draw);
  Promise.all(["vi", "km"].map(function (l) { return fetch("/api/motcua/i18n/" + l).then(function (r) { return r.json(); }); }))
    .then(function (d) { vi = d[0]; km = d[1]; }, function () { /* headings fall back to the keys */ })
    .then(M.init).then(function (rec) {
    if (!rec) { location.href = "/"; return; }
    var t = today(); $("to").value = t; $("from").value = t.slice(0, 8) + "01";
    return show();
  });
})(window.motcua);
