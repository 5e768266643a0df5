// The periodic report's print view: the same form as the xlsx (three header
// rows, merged groups, Vietnamese with Khmer beneath), A4 landscape.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var vi = {}, km = {}, rep = null;

  function both(el, key) {
    el.textContent = "";
    var a = document.createElement("span"); a.textContent = vi[key] || key;
    var b = document.createElement("span"); b.className = "km"; b.lang = "km"; b.textContent = km[key] || key;
    el.appendChild(a); el.appendChild(b);
  }
  function cell(tr, tag, text, cls) {
    var c = document.createElement(tag); if (cls) c.className = cls;
    if (text !== undefined) c.textContent = text; tr.appendChild(c); return c;
  }
  function num(v) { return v === null || v === undefined ? "" : String(v); }

  function draw() {
    var tbl = $("report"); tbl.innerHTML = "";
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
    [r1, r2, r3].forEach(function (r) { tbl.appendChild(r); });
    var nums = document.createElement("tr");
    for (var n = 1; n <= cols.length + 2; n++) cell(nums, "th", "(" + n + ")");
    tbl.appendChild(nums);
    var roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"], p = 0;
    function line(no, name, row, cls) {
      var tr = document.createElement("tr"); tr.className = cls;
      cell(tr, "td", no); cell(tr, "td", name, "name");
      cols.forEach(function (col) { cell(tr, "td", num(row[col.field])); });
      tbl.appendChild(tr);
    }
    rep.fields.forEach(function (f, i) {
      line(roman[i] || String(i + 1), f.field_vi + " / " + f.field_km, f, "field");
      f.procedures.forEach(function (pr) { p++; line(String(p), pr.name_vi, pr, "procedure"); });
    });
    line("", (vi["report.total"] || "") + " / " + (km["report.total"] || ""), rep.total, "total");
    $("office-line").textContent = rep.office.NameVI || "";
    both($("title"), "report.title");
    $("range").textContent = rep.from + " … " + rep.to;
    // Dossiers keyed in late from emergency receipts ("nhập bù"), counted above.
    var late = $("late-note"), n = rep.total.new_entered_late || 0;
    late.classList.toggle("hidden", !n);
    if (n) {
      both(late, "report.entered_late");
      late.childNodes.forEach(function (s) { s.textContent = s.textContent.split("{n}").join(String(n)); });
    }
  }

  function query() {
    var p = $("period").value.trim();
    return p ? "?period=" + encodeURIComponent(p) : "";
  }
  function load() {
    return M.api("/api/motcua/reports/summary" + query()).then(function (r) {
      rep = r; if (!$("period").value) $("period").value = r.period || ""; draw();
    }, function (err) { M.say($("msg"), "error", M.errorText(err)); });
  }
  function download(ext) {
    fetch("/api/motcua/reports/summary." + ext + query(), { headers: { Authorization: M.auth.token } }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.blob();
    }).then(function (b) {
      var a = document.createElement("a"); a.href = URL.createObjectURL(b);
      a.download = "bao-cao-" + (rep ? rep.from + "_" + rep.to : "ky") + "." + ext; a.click();
    }, function () { M.say($("msg"), "error", M.t("error.generic")); });
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
