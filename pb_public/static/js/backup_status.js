// The backup card of the staff start page, for leaders: the last good backup and
// a warning when backups are off, failing or old (GET /api/motcua/backup/status).
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
    var text;
    switch (st.reason) {
      case "off": text = M.t("backup.warn_off"); break;
      case "old": text = M.t("backup.warn_old"); break;
      case "never": text = M.t("backup.warn_never"); break;
      default: text = M.t("backup.warn_failing", { error: (st.last_error && (st.last_error[M.lang] || st.last_error.vi)) || "" });
    }
    M.say(el, st.reason === "failing" ? "error" : "warn", text);
  }

  function load() {
    if (!isLeader()) { status = null; draw(); return; }
    M.api("/api/motcua/backup/status").then(function (st) { status = st; draw(); }, function () { status = null; draw(); });
  }

  document.addEventListener("motcua:lang", load);
  document.addEventListener("motcua:auth", load);
})(window.motcua);
