// The backup card of the leaders' dashboard (inside #backup-panel): what to act
// on (no backup key yet: backups are NOT encrypted; a sheet not confirmed; old
// backups; a nearly full disk), a backup being written with its progress, and
// "copy the latest backup to a USB stick": the removable drives plugged in, the
// copy with its progress, and when the stick may be pulled out, in Vietnamese
// and Khmer. Reads GET /api/motcua/backup/status (every 30 s, every 2 s while
// something runs).
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var root = $("backup-extra");
  if (!root) return;
  var status = null, drives = null, timer = null;

  root.innerHTML =
    '<div id="bk-warnings"></div>' +
    '<p id="bk-key" class="sub"></p>' +
    '<p id="bk-key-action" class="hidden"><a class="button" href="/backup-key.html" id="bk-key-link"></a></p>' +
    '<div id="bk-running" class="hidden"><p id="bk-running-text"></p><progress id="bk-running-bar" max="100" value="0"></progress></div>' +
    '<div id="bk-usb">' +
    '  <h3 data-i18n="backup.usb_title"></h3>' +
    '  <p><button type="button" class="secondary" id="bk-usb-find" data-i18n="backup.usb_find"></button></p>' +
    '  <div id="bk-usb-pick" class="hidden"><label for="bk-usb-drive" data-i18n="backup.usb_drive"></label>' +
    '    <select id="bk-usb-drive"></select>' +
    '    <p><button type="button" id="bk-usb-copy" data-i18n="backup.usb_copy"></button></p></div>' +
    '  <p id="bk-usb-none" class="msg warn hidden" data-i18n="backup.usb_none"></p>' +
    '  <progress id="bk-usb-bar" class="hidden" max="100" value="0"></progress>' +
    '  <div id="bk-usb-msg" class="msg hidden" role="status" aria-live="polite"></div>' +
    '</div>';
  M.apply(root);

  function sizeText(n) {
    if (n >= 1073741824) return (n / 1073741824).toFixed(1) + " GB";
    if (n >= 1048576) return (n / 1048576).toFixed(1) + " MB";
    return Math.round(n / 1024) + " KB";
  }

  function both(text) {
    // The stick message is shown in Vietnamese and Khmer at once: whoever
    // pulls the stick out may read either.
    if (!text) return "";
    return text.vi === text.km ? text.vi : text.vi + "\n" + text.km;
  }

  function draw() {
    var st = status; if (!st) return;
    var w = $("bk-warnings"); w.innerHTML = "";
    (st.warnings || []).forEach(function (x) {
      var d = document.createElement("div"); d.className = "msg " + (x.key === "backup.warn_plain" || x.key === "backup.warn_failing" ? "error" : "warn");
      d.setAttribute("data-warning", x.key);
      d.textContent = (x.text && (x.text[M.lang] || x.text.vi)) || M.t(x.key); w.appendChild(d);
    });
    var k = st.key || {};
    $("bk-key").textContent = k.active ? M.t("backup.panel_encrypted", { fingerprint: k.fingerprint }) : "";
    $("bk-key-action").classList.toggle("hidden", k.active && !k.pending);
    $("bk-key-link").textContent = M.t(k.pending ? "backup.key_finish" : "backup.key_make");

    var r = st.running;
    $("bk-running").classList.toggle("hidden", !r);
    if (r) {
      $("bk-running-text").textContent = M.t("backup.progress", { step: r.step, percent: r.percent, done: sizeText(r.done), total: sizeText(r.total) });
      $("bk-running-bar").value = r.percent;
    }
    var u = st.usb;
    var bar = $("bk-usb-bar"), msg = $("bk-usb-msg");
    bar.classList.toggle("hidden", !u || u.state !== "running");
    if (u) {
      bar.value = u.percent;
      var kind = u.state === "ok" ? "ok" : (u.state === "failed" ? "error" : "warn");
      M.say(msg, kind, both(u.text) + (u.state === "running" ? " (" + u.percent + "%)" : ""));
      msg.setAttribute("data-state", u.state);
      msg.style.whiteSpace = "pre-line";
      msg.style.overflowWrap = "anywhere"; // a long Linux mount path
    }
    $("bk-usb-copy").disabled = !!(u && u.state === "running") || !!r;
    schedule((r || (u && u.state === "running")) ? 2000 : 30000);
  }

  function schedule(ms) { clearTimeout(timer); timer = setTimeout(load, ms); }

  function load() {
    return M.api("/api/motcua/backup/status").then(function (st) { status = st; draw(); }, function () { schedule(30000); });
  }

  function findDrives() {
    return M.api("/api/motcua/backup/drives").then(function (res) {
      drives = res.drives || [];
      var sel = $("bk-usb-drive"); sel.innerHTML = "";
      drives.forEach(function (d) {
        var o = document.createElement("option"); o.value = d.path;
        o.textContent = M.t("backup.usb_option", { label: d.label, path: d.path, free: sizeText(d.free) });
        o.disabled = !!d.read_only; sel.appendChild(o);
      });
      $("bk-usb-pick").classList.toggle("hidden", !drives.length);
      $("bk-usb-none").classList.toggle("hidden", !!drives.length);
    });
  }

  $("bk-usb-find").addEventListener("click", findDrives);
  $("bk-usb-copy").addEventListener("click", function () {
    var drive = $("bk-usb-drive").value; if (!drive) return;
    $("bk-usb-copy").disabled = true;
    M.api("/api/motcua/backup/usb", { method: "POST", body: { drive: drive } }).then(function (res) {
      if (status) status.usb = res.usb; draw(); schedule(1000);
    }, function (err) {
      var d = (err && err.body && err.body.data) || {};
      M.say($("bk-usb-msg"), "error", d[M.lang] || M.errorText(err));
      $("bk-usb-copy").disabled = false;
    });
  });

  // The dashboard's own script signs in (M.init); its first catalogue load
  // ("motcua:lang") comes after the sign-in is known.
  var started = false;
  document.addEventListener("motcua:lang", function () {
    M.apply(root);
    if (started) { draw(); return; }
    if (M.auth && M.auth.record && M.auth.record.role === "leader") { started = true; load(); }
  });
})(window.motcua);
