// The backup card of the staff start page, for leaders: the last good backup and
// a warning when backups are off, failing, old, not encrypted or the disk is
// nearly full (GET /api/motcua/backup/status; the dashboard has the rest).
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var status = null;

  function isLeader() { return !!(M.auth && M.auth.record && M.auth.record.role === "leader"); }

  function draw() {
    var card = $("backup-card");
    card.classList.toggle("hidden", !isLeader() || !status);
    if (!isLeader() || !status) return;
    var st = status;
    if (st.last_ok_at) {
      $("backup-last").textContent = M.t("backup.last_ok", {
        when: M.dateText(new Date(st.last_ok_at), true),
        age: (Math.round(st.age_hours * 10) / 10).toLocaleString(M.lang === "km" ? "km-KH" : (M.lang === "en" ? "en-GB" : "vi-VN"))
      });
    } else {
      $("backup-last").textContent = M.t("backup.never");
    }
    $("backup-schedule").textContent = st.enabled ? M.t("backup.schedule", { hours: st.every_hours, keep: st.keep }) : "";
    var el = $("backup-state");
    if (!st.warn) { el.classList.add("hidden"); return; }
    // Every warning, each in the reader's language as the server said it
    // (the backup key first: unencrypted backups on a lost stick).
    var text = (st.warnings || []).map(function (w) { return (w.text && (w.text[M.lang] || w.text.vi)) || M.t(w.key); }).join(" ");
    M.say(el, st.reason === "failing" || !(st.key && st.key.active) ? "error" : "warn", text);
  }

  function load() {
    if (!isLeader()) { status = null; draw(); return; }
    M.api("/api/motcua/backup/status").then(function (st) { status = st; draw(); }, function () { status = null; draw(); });
  }

  document.addEventListener("motcua:lang", load);
  document.addEventListener("motcua:auth", load);
})(window.motcua);
