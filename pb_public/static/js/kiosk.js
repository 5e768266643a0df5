// The lobby kiosk: one button per service group (Vietnamese and Khmer), a
// priority ticket, the 80 mm slip printed through the browser, the hours when
// reception is closed, and the dossier lookup from a receipt's QR code.
(function (Q) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var board = null, reason = "", busy = false, resultTimer = null;

  function showError(err) {
    Q.biText($("msg"), Q.errorTexts(err)); $("msg").classList.remove("hidden");
    setTimeout(function () { $("msg").classList.add("hidden"); }, 8000);
  }

  function drawClosed() {
    var closed = !board.open;
    $("closed").classList.toggle("hidden", !closed);
    $("issue").classList.toggle("hidden", closed);
    if (!closed) return;
    Q.bi($("closed-hours"), "kiosk.hours_today", { hours: board.hours.length ? board.hours.join(", ") : "—" });
    $("closed-next").classList.toggle("hidden", !board.next_open);
    if (board.next_open) Q.bi($("closed-next"), "kiosk.next_open", { next: Q.dateTime(new Date(board.next_open)) });
  }

  function drawGroups() {
    var box = $("groups"); box.textContent = "";
    board.groups.forEach(function (g) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "kiosk-group"; b.setAttribute("data-group", g.id);
      var l = document.createElement("span"); l.className = "letter"; l.textContent = g.letter;
      var names = document.createElement("span"); names.className = "names";
      var v = document.createElement("span"); v.className = "vi"; v.lang = "vi"; v.textContent = g.name_vi;
      var k = document.createElement("span"); k.className = "km"; k.lang = "km"; k.textContent = g.name_km;
      var w = document.createElement("span"); w.className = "waiting";
      w.textContent = Q.t("vi", "kiosk.waiting_count", { n: g.waiting }) + " · " + Q.t("km", "kiosk.waiting_count", { n: g.waiting });
      names.appendChild(v); names.appendChild(k); names.appendChild(w);
      b.appendChild(l); b.appendChild(names);
      b.addEventListener("click", function () { issue(g); });
      box.appendChild(b);
    });
  }

  function load() {
    return Q.api("/api/motcua/queue/board").then(function (b) { board = b; drawClosed(); drawGroups(); }, function (err) {
      if (err.status === 401) { Q.signOut(); location.reload(); return; }
      showError(err);
    });
  }

  // choosing shows the priority reasons in the groups' place (or back).
  function choosing(on) {
    $("priority-choose").classList.toggle("hidden", !on);
    $("groups").classList.toggle("hidden", on);
    $("choose-lead").classList.toggle("hidden", on);
  }

  function setReason(r) {
    reason = r;
    choosing(false);
    $("priority-mode").classList.toggle("hidden", !r);
    $("priority-cancel").classList.toggle("hidden", !r);
    $("priority-button").classList.toggle("hidden", !!r);
    if (r) Q.biText($("priority-mode"), {
      vi: Q.t("vi", "kiosk.priority_on", { reason: Q.t("vi", "priority." + r) }),
      km: Q.t("km", "kiosk.priority_on", { reason: Q.t("km", "priority." + r) })
    });
  }

  function fillTicket(t) {
    var at = Q.parseDate(t.issued_at) || new Date();
    var both = function (key, params) { return { vi: Q.t("vi", key, params), km: Q.t("km", key, params) }; };
    $("t-code").textContent = t.code;
    $("result-code").textContent = t.code;
    [$("t-group"), $("result-group")].forEach(function (el) { Q.biText(el, { vi: t.group_name_vi, km: t.group_name_km }); });
    [$("t-ahead"), $("result-ahead")].forEach(function (el) { Q.biText(el, both("kiosk.ahead", { n: t.ahead })); });
    [$("t-wait"), $("result-wait")].forEach(function (el) { Q.biText(el, both("kiosk.wait", { n: t.estimated_wait_minutes })); });
    Q.biText($("t-time"), both("kiosk.issued_at", { time: Q.dateTime(at) }));
    $("t-prio").classList.toggle("hidden", !t.priority);
    if (t.priority) Q.biText($("t-prio"), { vi: Q.t("vi", "priority." + t.priority_reason), km: Q.t("km", "priority." + t.priority_reason) });
  }

  function issue(g) {
    if (busy) return;
    busy = true;
    var body = { group: g.id, priority: !!reason };
    if (reason) body.priority_reason = reason;
    if (Q.kioskLanguage) body.language = Q.kioskLanguage.get();
    Q.api("/api/motcua/queue/tickets", { method: "POST", body: body }).then(function (t) {
      fillTicket(t);
      if (Q.kioskLanguage) Q.kioskLanguage.issued(t);
      $("result").classList.remove("hidden");
      $("issue").classList.add("hidden");
      setReason("");
      window.print();
      clearTimeout(resultTimer);
      resultTimer = setTimeout(function () { $("result").classList.add("hidden"); load(); }, 8000);
      return load();
    }, function (err) {
      showError(err);
      return load();
    }).then(function () { busy = false; }, function () { busy = false; });
  }

  // lookupTarget reads a receipt QR (a URL ending in /tra-cuu/<code>?k=<key>) or
  // the typed code and key; only the path is kept, so the kiosk never leaves
  // this appliance whatever the QR says.
  function lookupTarget() {
    var scan = $("lookup-scan").value.trim(), code = $("lookup-code").value.trim(), key = $("lookup-key").value.trim();
    if (scan) {
      var m = scan.match(/\/tra-cuu\/([^/?#\s]+)\?(?:[^#\s]*&)?k=([^&#\s]+)/);
      if (!m) return "";
      code = decodeURIComponent(m[1]); key = decodeURIComponent(m[2]);
    }
    if (!/^[0-9A-Za-z.\-]{4,60}$/.test(code) || !/^[0-9A-Za-z_\-]{4,60}$/.test(key)) return "";
    return "/tra-cuu/" + encodeURIComponent(code) + "?k=" + encodeURIComponent(key);
  }

  function start(rec) {
    $("kiosk").classList.remove("hidden");
    load();
    setInterval(load, 20000);
  }

  $("priority-button").addEventListener("click", function () { choosing($("priority-choose").classList.contains("hidden")); });
  $("priority-cancel").addEventListener("click", function () { setReason(""); });
  document.querySelectorAll("[data-reason]").forEach(function (b) {
    b.addEventListener("click", function () { setReason(b.getAttribute("data-reason")); });
  });
  $("lookup").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var target = lookupTarget();
    if (!target) { Q.bi($("lookup-msg"), "kiosk.lookup_invalid"); $("lookup-msg").classList.remove("hidden"); return; }
    location.href = target;
  });
  // A USB scanner types the QR text and Enter into the scan box.
  $("lookup-scan").addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); $("lookup").requestSubmit(); } });
  setInterval(function () { $("clock").textContent = Q.clock(new Date()); }, 1000);
  $("clock").textContent = Q.clock(new Date());

  fetch("/api/collections/office/records?perPage=1").then(function (r) { return r.json(); }).then(function (res) {
    var o = res.items && res.items[0];
    if (!o) return;
    $("office-vi").textContent = $("t-office-vi").textContent = o.name_vi;
    $("office-km").textContent = $("t-office-km").textContent = o.name_km || "";
  });

  Q.init("kiosk").then(function (rec) {
    if (rec) start(rec);
    else Q.signInForm($("device-sign-in"), $("msg"), "kiosk", start);
  });
})(window.motcuaQueue);
