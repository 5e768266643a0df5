// The emergency receipts page (/emergency.html): a leader makes and prints a
// pad of pre-printed receipts (one A4 sheet per code, cut in two); reception
// and leaders see every pad, its sheets (unused, keyed in, voided) and void a
// spoiled sheet with a reason. Keying a paper in is on the intake page.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var pads = [], shown = null;
  var STATE_KEYS = { unused: "emergency.state_unused", used: "emergency.state_used", voided: "emergency.state_voided" };

  function isLeader() { return !!(M.auth && M.auth.record && M.auth.record.role === "leader"); }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) { var s = document.createElement("span"); s.className = cls; s.textContent = text; td.appendChild(s); } else td.textContent = text;
    tr.appendChild(td); return td;
  }

  function when(s) { return s ? M.dateText(new Date(s.replace(" ", "T")), true) : ""; }

  function drawPads() {
    var tb = $("pads").querySelector("tbody"); tb.innerHTML = "";
    if (!pads.length) { var tr = document.createElement("tr"); cell(tr, M.t("emergency.none")).colSpan = 5; tb.appendChild(tr); return; }
    pads.forEach(function (p) {
      var tr = document.createElement("tr"); tr.setAttribute("data-pad", p.id);
      cell(tr, String(p.number));
      cell(tr, when(p.printed_at) + (p.note ? " · " + p.note : ""));
      cell(tr, p.first_code + " … " + p.last_code.slice(-4));
      cell(tr, M.t("emergency.counts", p.counts));
      var td = cell(tr, "");
      var show = document.createElement("button"); show.type = "button"; show.className = "secondary show-pad";
      show.textContent = M.t("emergency.show");
      show.addEventListener("click", function () { loadPad(p.id); });
      td.appendChild(show);
      if (isLeader() && p.counts.unused > 0) {
        var pr = document.createElement("button"); pr.type = "button"; pr.className = "secondary print-pad";
        pr.textContent = M.t("emergency.print");
        pr.addEventListener("click", function () { printPad(p.id); });
        td.appendChild(document.createTextNode(" ")); td.appendChild(pr);
      }
      tb.appendChild(tr);
    });
  }

  function drawPad() {
    var p = shown; if (!p) return;
    $("pad-detail").classList.remove("hidden");
    $("pad-detail-title").textContent = M.t("emergency.col_pad") + " " + p.number + " · " + M.t("emergency.counts", p.counts);
    var tb = $("sheets").querySelector("tbody"); tb.innerHTML = "";
    p.sheets.forEach(function (s) {
      var tr = document.createElement("tr"); tr.setAttribute("data-code", s.code); tr.setAttribute("data-state", s.state);
      cell(tr, String(s.number));
      var code = cell(tr, "");
      if (s.dossier) { var a = document.createElement("a"); a.href = "/dossier.html?id=" + encodeURIComponent(s.dossier); a.textContent = s.code; code.appendChild(a); }
      else code.textContent = s.code;
      cell(tr, M.t(STATE_KEYS[s.state] || s.state), "pad-state " + s.state);
      var td = cell(tr, "");
      if (s.state === "used") td.textContent = M.t("emergency.used_detail", { when: when(s.used_at), who: s.used_by_name });
      if (s.state === "voided") td.textContent = M.t("emergency.voided_detail", { when: when(s.voided_at), who: s.voided_by_name, reason: s.void_reason });
      if (s.state === "unused") td.appendChild(voidForm(s));
      tb.appendChild(tr);
    });
  }

  function voidForm(s) {
    var f = document.createElement("form"); f.className = "pad-void-form";
    var input = document.createElement("input"); input.type = "text"; input.maxLength = 500; input.required = true;
    input.className = "void-reason"; input.placeholder = M.t("emergency.void_reason"); input.setAttribute("aria-label", M.t("emergency.void_reason"));
    var b = document.createElement("button"); b.type = "submit"; b.className = "secondary"; b.textContent = M.t("emergency.void");
    f.appendChild(input); f.appendChild(b);
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      M.api("/api/motcua/emergency/sheets/" + encodeURIComponent(s.code) + "/void", { method: "POST", body: { reason: input.value } })
        .then(function (p) { shown = p; drawPad(); return loadPads(); }, function (err) { M.sayError($("msg"), err); });
    });
    return f;
  }

  function loadPads() {
    return M.api("/api/motcua/emergency/pads").then(function (res) { pads = res.pads || []; drawPads(); });
  }

  function loadPad(id) {
    return M.api("/api/motcua/emergency/pads/" + encodeURIComponent(id)).then(function (p) { shown = p; drawPad(); },
      function (err) { M.sayError($("msg"), err); });
  }

  // printPad fetches the printable sheets with the leader's token (staff sign
  // in with a bearer token, so the page cannot link to them) and prints once
  // the fonts and the QR images are ready.
  function printPad(id) {
    return fetch("/api/motcua/emergency/pads/" + encodeURIComponent(id) + "/print", {
      headers: { "Authorization": (M.auth && M.auth.token) || "" }
    }).then(function (r) {
      return r.text().then(function (t) {
        if (!r.ok) { var e = new Error("pad"); e.status = r.status; try { e.body = JSON.parse(t); } catch (x) { e.body = {}; } throw e; }
        return t;
      });
    }).then(function (html) {
      $("pad-print").innerHTML = html;
      var imgs = Array.prototype.slice.call(document.querySelectorAll("#pad-print img"));
      return Promise.all([document.fonts.ready].concat(imgs.map(function (i) { return i.decode ? i.decode().catch(function () {}) : null; })));
    }).then(function () {
      document.body.setAttribute("data-pad-ready", id);
      M.sayKey($("msg"), "ok", "emergency.print_ready");
      if (!window.motcuaNoPrint) setTimeout(function () { window.print(); }, 50);
    }, function (err) { M.sayError($("msg"), err); });
  }

  $("pad-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    document.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
    var btn = $("pad-create"); btn.disabled = true;
    M.api("/api/motcua/emergency/pads", { method: "POST", body: { sheets: Number($("pad-sheets").value), note: $("pad-note").value } }).then(function (p) {
      btn.disabled = false;
      M.sayKey($("msg"), "ok", "emergency.created", { pad: p.number, from: p.first_code, to: p.last_code });
      shown = p; drawPad();
      return loadPads().then(function () { return printPad(p.id); });
    }, function (err) {
      btn.disabled = false;
      var data = (err.body && err.body.data) || {};
      Object.keys(data).forEach(function (f) {
        var el = document.querySelector('[data-error-for="' + f + '"]');
        if (el && data[f] && data[f].code) el.textContent = M.t(data[f].code);
      });
      M.sayError($("msg"), err);
    });
  });

  document.addEventListener("motcua:lang", function () { drawPads(); drawPad(); });

  M.init().then(function (rec) {
    if (!rec) { location.href = "/"; return; }
    if (rec.role !== "leader" && rec.role !== "reception") { M.sayKey($("msg"), "error", "error.role_forbidden"); return; }
    $("pad-form").classList.toggle("hidden", !isLeader());
    $("leaders-only").classList.toggle("hidden", isLeader());
    return loadPads();
  }).catch(function (err) { M.sayError($("msg"), err); });
})(window.motcua);
