// Staff search: type a code, a name without accents, an ID number or a phone;
// results come from GET /api/motcua/search as you type (newest first or by name).
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var timer = null, page = 1, seq = 0, last = null;

  function sortValue() { return document.querySelector('input[name="sort"]:checked').value; }
  function statusText(s) { var k = "status." + s; return M.dict[k] ? M.t(k) : s; }

  // draw lists the hits; the code opens the dossier, and where the answer
  // carries the lookup key (reception, mobile teams) a link reprints the receipt.
  function draw(res, append) {
    var tbl = $("results");
    var keys = ["dashboard.code", "dashboard.applicant", "search.id_number", "search.phone", "dashboard.procedure", "search.received", "search.status", "search.lookup_key", "page.receipt_short"];
    if (!append) {
      tbl.innerHTML = "";
      var thead = document.createElement("thead"), head = document.createElement("tr");
      keys.forEach(function (k) {
        var th = document.createElement("th"); th.textContent = M.t(k); head.appendChild(th);
      });
      thead.appendChild(head); tbl.appendChild(thead); tbl.appendChild(document.createElement("tbody"));
    }
    var body = tbl.tBodies[0];
    if (!res.items.length && !append) {
      var tr = document.createElement("tr"), td = document.createElement("td");
      td.colSpan = keys.length; td.textContent = res.q ? M.t("search.none") : ""; tr.appendChild(td); body.appendChild(tr);
    }
    res.items.forEach(function (d) {
      var tr = document.createElement("tr"); tr.className = "hit"; tr.setAttribute("data-id", d.id);
      var link = document.createElement("a"); link.href = "/dossier.html?id=" + encodeURIComponent(d.id); link.textContent = d.code;
      [link, d.applicant_name, d.applicant_id_number, d.applicant_phone,
        M.lang === "km" && d.procedure_name_km ? d.procedure_name_km : d.procedure_name_vi,
        d.received_at ? M.dateText(M.parseDate(d.received_at)) : "", statusText(d.status), d.lookup_key || ""].forEach(function (v) {
        var td = document.createElement("td");
        if (v && v.nodeType) td.appendChild(v); else td.textContent = v || "";
        tr.appendChild(td);
      });
      var rc = document.createElement("td");
      if (d.lookup_key) {
        var a = document.createElement("a"); a.href = "/receipt.html?id=" + encodeURIComponent(d.id); a.textContent = M.t("dossier.print"); a.title = M.t("page.reprint_receipt");
        rc.appendChild(a);
      }
      tr.appendChild(rc);
      body.appendChild(tr);
    });
    $("more").classList.toggle("hidden", !res.has_more);
    $("capped").classList.toggle("hidden", !res.capped);
  }

  function run(append) {
    var q = $("q").value.trim();
    var mine = ++seq;
    if (!append) page = 1;
    M.api("/api/motcua/search?q=" + encodeURIComponent(q) + "&sort=" + sortValue() + "&page=" + page).then(function (res) {
      if (mine !== seq) return; // a newer query has been typed
      last = res; draw(res, append);
    }, function (err) { M.sayError($("msg"), err); });
  }

  $("q").addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { run(false); }, 200); });
  $("search").addEventListener("submit", function (ev) { ev.preventDefault(); run(false); });
  document.querySelectorAll('input[name="sort"]').forEach(function (r) { r.addEventListener("change", function () { run(false); }); });
  $("more").addEventListener("click", function () { page++; run(true); });
  document.addEventListener("motcua:lang", function () { if (last) draw(last, false); });
  M.init().then(function (rec) { if (!rec) location.href = "/"; });
})(window.motcua);
