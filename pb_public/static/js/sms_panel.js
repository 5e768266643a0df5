// The SMS card of the leaders' dashboard (hooks/notify): the modem's or the
// gateway's state, today's figures, what stops the outbox in words, and the
// newest notices with "send again". dashboard.js hands it panels.sms of
// GET /api/motcua/dashboard each time it draws; the list comes from
// GET /api/motcua/sms/outbox.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var items = [];

  function line(parent, text, cls) {
    var p = document.createElement("p");
    p.textContent = text;
    if (cls) p.className = cls;
    parent.appendChild(p);
    return p;
  }
  function when(s) { return s ? M.dateText(new Date(s), true) : ""; }
  function reasonText(r) { return M.t("sms." + "reason_" + r); }

  function drawState(v) {
    var box = $("sms-state");
    box.innerHTML = "";
    $("sms-panel").classList.remove("bad");
    if (!v.enabled) { line(box, M.t("sms.off"), "muted"); return; }
    if (v.ready) line(box, M.t("sms.ready"), "msg ok");
    else {
      line(box, M.t("sms.not_ready", { reason: reasonText(v.reason || "config") }), "msg error");
      $("sms-panel").classList.add("bad");
    }
    if (v.device) line(box, M.t("sms.device", { device: v.device }));
    if (v.sender === "modem") {
      line(box, M.t("sms.sim", { state: M.t("sms." + "sim_" + (v.sim || "unknown")) }));
      line(box, v.signal_known ? M.t("sms.signal", { bars: v.signal_bars, dbm: v.signal_dbm }) : M.t("sms.signal_unknown"));
      if (v.operator) line(box, M.t("sms.operator", { name: v.operator }));
    }
    line(box, M.t("sms.sent_today", { sent: v.sent_today, parts: v.parts_today }));
    if (v.daily_cap) line(box, M.t("sms.cap", { cap: v.daily_cap }));
    if (v.failed_today) line(box, M.t("sms.failed_today", { n: v.failed_today }), "msg warn");
    line(box, M.t("sms.waiting", { n: v.waiting }));
    if (v.attention) line(box, M.t("sms.attention", { n: v.attention }), "msg warn");
    if (v.quiet) line(box, M.t("sms.quiet", { from: v.send_from, until: v.send_until }), "muted");
    if (v.cap_reached) line(box, M.t("sms.cap_reached"), "msg warn");
    if (v.next_try) line(box, M.t("sms.next_try", { at: when(v.next_try) }), "muted");
    if (v.checked) line(box, M.t("sms.checked", { at: when(v.checked) }), "muted");
    if (v.worker_problem) line(box, M.t("sms.problem", { detail: v.worker_problem }), "msg error");
  }

  function drawList() {
    var tbl = $("sms-outbox");
    tbl.innerHTML = "";
    if (!items.length) { var tr0 = document.createElement("tr"), td0 = document.createElement("td"); td0.textContent = M.t("sms.no_notices"); tr0.appendChild(td0); tbl.appendChild(tr0); return; }
    var head = document.createElement("tr");
    ["sms.col_time", "sms.col_kind", "sms.col_code", "sms.col_phone", "sms.col_status", "sms.col_text", ""].forEach(function (k) {
      var th = document.createElement("th"); th.textContent = k ? M.t(k) : ""; head.appendChild(th);
    });
    tbl.appendChild(head);
    items.forEach(function (it) {
      var tr = document.createElement("tr");
      var status = M.t("sms." + "status_" + it.status) + (it.reason ? " – " + reasonText(it.reason) : "");
      [when(it.sent_at || it.created), M.t("sms." + "kind_" + it.kind), it.code, it.phone, status, it.text].forEach(function (v) {
        var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
      });
      tr.lastChild.className = "sms-text";
      var td = document.createElement("td");
      if (it.can_resend) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "secondary"; b.textContent = M.t("sms.resend");
        b.addEventListener("click", function () { resend(it.id, b); });
        td.appendChild(b);
      }
      tr.appendChild(td);
      tbl.appendChild(tr);
    });
  }

  function loadList() {
    return M.api("/api/motcua/sms/outbox?limit=20").then(function (res) { items = res.items || []; drawList(); });
  }

  function resend(id, button) {
    button.disabled = true;
    M.api("/api/motcua/sms/outbox/" + encodeURIComponent(id) + "/resend", { method: "POST" }).then(function () {
      M.say($("sms-msg"), "ok", M.t("sms.resent"));
      return loadList();
    }, function (err) { button.disabled = false; M.say($("sms-msg"), "error", M.errorText(err)); });
  }

  // smsPanel draws the card from panels.sms (absent: the build has no SMS).
  M.smsPanel = function (v) {
    var card = $("sms-panel");
    if (!card) return;
    card.classList.toggle("hidden", !v);
    if (!v) return;
    drawState(v);
    loadList().catch(function () { drawList(); });
  };
  document.addEventListener("DOMContentLoaded", function () {
    var b = $("sms-check");
    // The worker asks the modem within moments; the next refresh shows it.
    if (b) b.addEventListener("click", function () {
      b.disabled = true;
      M.api("/api/motcua/sms/check", { method: "POST" }).then(null, function (err) { M.say($("sms-msg"), "error", M.errorText(err)); });
      setTimeout(function () { b.disabled = false; }, 5000);
    });
  });
})(window.motcua);
