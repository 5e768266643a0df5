// The periodic report's print view: the same form as the xlsx (three header
// rows, merged groups, Vietnamese with Khmer beneath, in a thead that repeats
// on every printed page), then the place and date and the two signatures
// (Người lập biểu, Thủ trưởng đơn vị), A4 landscape.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var vi = {}, km = {}, rep = null;

  function fill(s, args) {
    Object.keys(args || {}).forEach(function (k) { s = s.split("{" + k + "}").join(args[k]); });
    return s;
  }
  // both writes a key in Vietnamese with the Khmer beneath; argsKm, when
  // given, fills the Khmer (a place name has its own Khmer spelling).
  function both(el, key, args, argsKm) {
    el.textContent = "";
    var a = document.createElement("span"); a.lang = "vi"; a.textContent = fill(vi[key] || key, args);
    var b = document.createElement("span"); b.className = "km"; b.lang = "km"; b.textContent = fill(km[key] || key, argsKm || args);
    el.appendChild(a); el.appendChild(b);
  }
  // day writes 2026-03-31 as 31/03/2026.
  function day(s) { return s ? String(s).slice(0, 10).split("-").reverse().join("/") : ""; }
  function cell(tr, tag, text, cls) {
    var c = document.createElement(tag); if (cls) c.className = cls;
    if (text !== undefined) c.textContent = text; tr.appendChild(c); return c;
  }
  function num(v) { return v === null || v === undefined ? "" : String(v); }

  function draw() {
    window.__motcuaReport = rep; document.dispatchEvent(new CustomEvent("motcua:report", { detail: rep })); // annexes (report_queue.js)
    var tbl = $("report"); tbl.innerHTML = "";
    var thead = document.createElement("thead"), tbody = document.createElement("tbody");
    tbl.appendChild(thead); tbl.appendChild(tbody);
    var cols = rep.columns;
    var r1 = document.createElement("tr"), r2 = document.createElement("tr"), r3 = document.createElement("tr");
    var c = cell(r1, "th"); c.rowSpan = 3; both(c, "report.col_no");
    c = cell(r1, "th"); c.rowSpan = 3; both(c, "report.col_name");
    for (var i = 0; i < cols.length;) {
      var j = i; while (j < cols.length && cols[j].group === cols[i].group) j++;
      c = cell(r1, "th"); c.colSpan = j - i; both(c, cols[i].group);
      for (var k = i; k < j;) {
        if (!cols[k].sub) { c = cell(r2, "th"); c.rowSpan = 2; both(c, cols[k].leaf); k++; continue; }
        var l = k; while (l < j && cols[l].sub === cols[k].sub) { both(cell(r3, "th"), cols[l].leaf); l++; }
        c = cell(r2, "th"); c.colSpan = l - k; both(c, cols[k].sub); k = l;
      }
      i = j;
    }
    [r1, r2, r3].forEach(function (r) { thead.appendChild(r); });
    var nums = document.createElement("tr");
    for (var n = 1; n <= cols.length + 2; n++) cell(nums, "th", "(" + n + ")");
    thead.appendChild(nums);
    var roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"], p = 0;
    function line(no, name, row, cls, nameKm) {
      var tr = document.createElement("tr"); tr.className = cls;
      cell(tr, "td", no);
      var nc = cell(tr, "td", name, "name");
      if (nameKm && nameKm !== name) { var k = document.createElement("span"); k.className = "km"; k.lang = "km"; k.textContent = nameKm; nc.appendChild(k); }
      cols.forEach(function (col) { cell(tr, "td", num(row[col.field])); });
      tbody.appendChild(tr);
    }
    rep.fields.forEach(function (f, i) {
      line(roman[i] || String(i + 1), f.field_vi + " / " + f.field_km, f, "field");
      f.procedures.forEach(function (pr) { p++; line(String(p), pr.name_vi, pr, "procedure", pr.name_km); });
    });
    line("", (vi["report.total"] || "") + " / " + (km["report.total"] || ""), rep.total, "total");
    $("office-line").textContent = rep.office.NameVI || "";
    both($("form-no"), "report.form_no");
    both($("title"), "report.title");
    both($("range"), "report.range", { from: day(rep.from), to: day(rep.to) });
    // Ratings of queue tickets with no dossier count in the total only: say so.
    $("note").classList.toggle("hidden", !rep.counter_ratings);
    if (rep.counter_ratings) both($("note"), "report.counter_ratings", { n: rep.counter_ratings });
    // Dossiers keyed in late from emergency receipts ("nhập bù"), counted above.
    var n = rep.total.new_entered_late || 0;
    $("late-note").classList.toggle("hidden", !n);
    if (n) both($("late-note"), "report.entered_late", { n: n });
    drawClose();
  }

  // drawClose writes the place and date (the office's place name in each
  // language, a dotted space to fill in by hand while it has none; today, the
  // day it is printed) and the two signature blocks.
  function drawClose() {
    var p = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit" })
      .formatToParts(new Date()).forEach(function (x) { p[x.type] = x.value; });
    var o = rep.office || {}, blank = "……………";
    both($("place-date"), "print.place_date", { place: o.PlaceVI || blank, d: p.day, m: p.month, y: p.year },
      { place: o.PlaceKM || o.PlaceVI || blank, d: p.day, m: p.month, y: p.year });
    both($("sign-prepared"), "print.prepared_by");
    both($("sign-prepared-hint"), "form.sign_hint");
    both($("sign-head"), "print.head_of_unit");
    both($("sign-head-hint"), "print.sign_stamp_hint");
  }

  function query() {
    var p = $("period").value.trim();
    return p ? "?period=" + encodeURIComponent(p) : "";
  }
  function load() {
    return M.api("/api/motcua/reports/summary" + query()).then(function (r) {
      // A good period clears the error a bad one left.
      $("msg").classList.add("hidden"); M.keep($("msg"), "");
      rep = r; if (!$("period").value) $("period").value = r.period || ""; draw();
    }, function (err) { M.sayError($("msg"), err); });
  }
  function download(ext) {
    fetch("/api/motcua/reports/summary." + ext + query(), { headers: { Authorization: M.auth.token } }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.blob();
    }).then(function (b) {
      var a = document.createElement("a"); a.href = URL.createObjectURL(b);
      a.download = "bao-cao-" + (rep ? rep.from + "_" + rep.to : "ky") + "." + ext; a.click();
    }, function () { M.say($("msg"), "error", function () { return M.t("error.generic"); }); });
  }

  $("pick").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  $("print").addEventListener("click", function () { window.print(); });
  $("xlsx").addEventListener("click", function () { download("xlsx"); });
  $("csv").addEventListener("click", function () { download("csv"); });
  var params = new URLSearchParams(location.search);
  if (params.get("period")) $("period").value = params.get("period");
  Promise.all([
    fetch("/api/motcua/i18n/vi").then(function (r) { return r.json(); }),
    fetch("/api/motcua/i18n/km").then(function (r) { return r.json(); })
  ]).then(function (d) { vi = d[0]; km = d[1]; return M.init(); }).then(function (rec) {
    if (!rec) { location.href = "/"; return; }
    load();
  });
})(window.motcua);
