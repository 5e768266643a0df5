// The backup key page (/backup-key.html), for leaders: make the recovery sheet
// (POST /api/motcua/backup/key answers it once: the code is kept nowhere
// else), print it on A4, then scan the printed sheet's QR code (or type its 48
// digits) to confirm it (POST /api/motcua/backup/key/confirm): only then are
// backups encrypted to the new key. A new sheet while a key is in use is the
// re-key; the old sheet keeps opening the backups made before.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var status = null;

  // serverText is an API error in the page's language, with its placeholders
  // filled by the server (the wrong sheet names both fingerprints).
  function serverText(err) {
    var d = (err && err.body && err.body.data) || {};
    return d[M.lang] || d.vi || M.errorText(err);
  }

  function when(iso) { return iso ? M.dateText(new Date(iso), true) : ""; }

  function draw() {
    if (!status) return;
    var k = status.key || {};
    var el = $("key-state");
    if (k.active) {
      M.say(el, k.pending ? "warn" : "ok", M.t("backup.key_state_active", { fingerprint: k.fingerprint, date: when(k.confirmed_at), by: k.confirmed_by || "" }) +
        (k.pending ? " " + M.t("backup.key_state_pending", { fingerprint: k.pending_fingerprint, date: when(k.pending_at) }) : ""));
    } else if (k.pending) {
      M.say(el, "warn", M.t("backup.warn_plain") + " " + M.t("backup.key_state_pending", { fingerprint: k.pending_fingerprint, date: when(k.pending_at) }));
    } else {
      M.say(el, "error", M.t("backup.warn_plain"));
    }
    var ul = $("earlier"); ul.innerHTML = "";
    (k.earlier || []).forEach(function (h) {
      var li = document.createElement("li");
      li.textContent = M.t("backup.key_state_earlier", { fingerprint: h.fingerprint, until: when(h.until) });
      ul.appendChild(li);
    });
    $("make").textContent = M.t(k.active ? "backup.key_rekey" : "backup.key_make");
    $("rekey-warn").classList.toggle("hidden", !k.active);
    $("confirm-card").classList.toggle("hidden", !k.pending);
    $("state-card").classList.remove("hidden");
  }

  function load() {
    return M.api("/api/motcua/backup/status").then(function (st) { status = st; draw(); },
      function (err) { M.say($("msg"), "error", serverText(err)); });
  }

  $("make").addEventListener("click", function () {
    var k = (status && status.key) || {};
    if (k.active && !window.confirm(M.t("backup.key_rekey_warn"))) return;
    $("make").disabled = true;
    M.api("/api/motcua/backup/key", { method: "POST", body: {} }).then(function (res) {
      $("sheet").innerHTML = res.sheet_html; // our own server's escaped template
      $("sheet-card").classList.remove("hidden");
      $("confirm-msg").classList.add("hidden");
      $("code").value = "";
      return load().then(function () { $("sheet-card").scrollIntoView(); });
    }, function (err) { M.say($("msg"), "error", serverText(err)); }).then(function () { $("make").disabled = false; });
  });

  $("print").addEventListener("click", function () { window.print(); });

  $("confirm-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    $("confirm").disabled = true;
    M.api("/api/motcua/backup/key/confirm", { method: "POST", body: { code: $("code").value } }).then(function (k) {
      $("sheet").innerHTML = ""; // the secret leaves the screen once it is on paper
      $("code").value = "";
      $("sheet-card").classList.add("hidden");
      return load().then(function () {
        $("confirm-card").classList.remove("hidden");
        M.say($("confirm-msg"), "ok", M.t("backup.key_confirmed", { fingerprint: k.fingerprint }));
      });
    }, function (err) {
      M.say($("confirm-msg"), "error", serverText(err));
      $("code").select();
    }).then(function () { $("confirm").disabled = false; });
  });

  M.init().then(function (rec) {
    if (!rec) { location.href = "/"; return; }
    if (rec.role !== "leader") { M.say($("msg"), "warn", M.t("backup.key_leaders_only")); return; }
    load();
  });
  document.addEventListener("motcua:lang", draw);
})(window.motcua);
