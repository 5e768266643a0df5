// The mobile-team page. On a team laptop: the school site of the day, the
// return to the centre (push over the network, export for a USB stick, the
// centre's confirmation file) and every dossier with its sync state, each
// retriable on its own. At the centre, for leaders: import a bundle with upload
// progress and a result per dossier, the kits issued, and a new kit.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var STATE_KEYS = {
    pending: "field.state_pending", sent: "field.state_sent", confirmed: "field.state_confirmed",
    conflict: "field.state_conflict", failed: "field.state_failed"
  };
  var OUTCOME_KEYS = { "new": "field.result_new", exists: "field.result_exists", conflict: "field.result_conflict", failed: "field.result_failed" };
  var CENTRE_KEY = "motcua_field_centre";
  var lastKits = [], lastDossiers = [], lastResults = null;

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) { var s = document.createElement("span"); s.className = cls; s.textContent = text; td.appendChild(s); } else { td.textContent = text; }
    tr.appendChild(td); return td;
  }

  function summary(counts) {
    counts = counts || {};
    return M.t("field.summary", { "new": counts["new"] || 0, exists: counts.exists || 0, conflict: counts.conflict || 0, failed: counts.failed || 0 });
  }

  // ---- laptop ----
  function drawLaptop() {
    var f = M.field;
    $("range").textContent = M.t("field.range", { from: String(f.range_from).padStart(4, "0"), to: String(f.range_to).padStart(4, "0") });
    if (document.activeElement !== $("location")) $("location").value = f.location || "";
    var c = f.counts || {};
    $("counts").textContent = Object.keys(STATE_KEYS).map(function (k) { return M.t(STATE_KEYS[k]) + ": " + (c[k] || 0); }).join(" · ");
    var tb = $("dossiers").querySelector("tbody"); tb.innerHTML = "";
    lastDossiers.forEach(function (d) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-id", d.id); tr.setAttribute("data-state", d.sync_state || "");
      cell(tr, d.code); cell(tr, d.applicant_name); cell(tr, d.location);
      cell(tr, M.t(STATE_KEYS[d.sync_state] || "field.state_pending"), "sync-state " + (d.sync_state || ""));
      var td = cell(tr, "");
      if (d.sync_state === "failed" || d.sync_state === "conflict" || d.sync_state === "sent") {
        var b = document.createElement("button"); b.type = "button"; b.className = "secondary retry";
        b.textContent = M.t("field.retry");
        b.addEventListener("click", function () { push([d.id]); });
        td.appendChild(b);
      }
      tb.appendChild(tr);
    });
  }

  function loadDossiers() {
    return M.api("/api/collections/dossiers/records?perPage=500&sort=-received_at&fields=id,code,applicant_name,location,sync_state")
      .then(function (res) { lastDossiers = res.items; return M.loadField(); }).then(drawLaptop);
  }

  function push(only) {
    var to = $("centre-url").value.trim();
    if (!to) { $("centre-url").focus(); return; }
    localStorage.setItem(CENTRE_KEY, to);
    $("push").disabled = true;
    M.say($("push-msg"), "warn", function () { return M.t("field.working"); });
    M.api("/api/motcua/field/push", { method: "POST", body: { to: to, only: only || [] } }).then(function (rep) {
      M.say($("push-msg"), rep.counts.failed || rep.counts.conflict ? "warn" : "ok", function () { return summary(rep.counts); });
    }, function (err) {
      var done = err.body && err.body.data && err.body.data.done;
      M.say($("push-msg"), "error", function () { return M.errorText(err) + (done ? " " + summary(done.counts) : ""); });
    }).then(function () { $("push").disabled = false; return loadDossiers(); });
  }

  function download(path, fallbackName) {
    return fetch(path, { headers: { "Authorization": (M.auth && M.auth.token) || "" } }).then(function (r) {
      if (!r.ok) return r.json().then(function (b) { var e = new Error("download"); e.status = r.status; e.body = b; throw e; });
      var m = /filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "");
      var code = r.headers.get("X-Motcua-Kit-Code");
      if (code) { $("kit-code-value").textContent = code; $("kit-code").classList.remove("hidden"); }
      return r.blob().then(function (blob) { save(blob, m ? m[1] : fallbackName); });
    });
  }

  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = name;
    document.body.appendChild(a); a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  $("location-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    M.api("/api/motcua/field/location", { method: "POST", body: { location: $("location").value } }).then(function () {
      M.say($("msg"), "ok", function () { return M.t("field.saved"); }); return M.loadField();
    }, function (err) {
      var d = err.body && err.body.data && err.body.data.location;
      M.say($("msg"), "error", function () { return d ? M.t(d.code) : M.errorText(err); });
    });
  });
  $("push-form").addEventListener("submit", function (ev) { ev.preventDefault(); push(null); });
  $("export").addEventListener("click", function () {
    download("/api/motcua/field/export", "motcua.mcbundle").then(loadDossiers, function (err) { M.sayError($("push-msg"), err); });
  });
  $("confirm-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var fd = new FormData(); fd.append("bundle", $("ack-file").files[0]);
    M.api("/api/motcua/field/confirm", { method: "POST", body: fd }).then(function (rep) {
      M.say($("push-msg"), "ok", function () { return summary(rep.counts); });
    }, function (err) { M.sayError($("push-msg"), err); }).then(loadDossiers);
  });

  // ---- centre ----
  function drawKits() {
    var tb = $("kits").querySelector("tbody"); tb.innerHTML = "";
    if (!lastKits.length) { var tr0 = document.createElement("tr"); cell(tr0, M.t("field.none")); tb.appendChild(tr0); }
    lastKits.forEach(function (k) {
      var tr = document.createElement("tr"); tr.setAttribute("data-id", k.id);
      cell(tr, k.name + (k.retired ? " (" + M.t("field.kit_retired") + ")" : ""));
      cell(tr, String(k.range_from).padStart(4, "0") + "–" + String(k.range_to).padStart(4, "0"));
      cell(tr, String((k.members || []).length)); cell(tr, String(k.synced || 0));
      cell(tr, k.last_sync_at ? M.dateText(new Date(k.last_sync_at.replace(" ", "T")), true) : "");
      var td = cell(tr, "");
      if (!k.retired) {
        var dl = document.createElement("button"); dl.type = "button"; dl.className = "secondary download";
        dl.textContent = M.t("field.download");
        dl.addEventListener("click", function () { download("/api/motcua/field/kits/" + k.id + "/file", "kit.mckit").catch(function (err) { M.sayError($("msg"), err); }); });
        var rt = document.createElement("button"); rt.type = "button"; rt.className = "secondary";
        rt.textContent = M.t("field.retire");
        rt.addEventListener("click", function () {
          if (!window.confirm(M.t("field.retire_confirm"))) return;
          M.api("/api/motcua/field/kits/" + k.id + "/retire", { method: "POST" }).then(loadKits, function (err) { M.sayError($("msg"), err); });
        });
        td.appendChild(dl); td.appendChild(rt);
      }
      tb.appendChild(tr);
    });
  }

  function loadKits() {
    return M.api("/api/collections/field_kits/records?perPage=200&sort=-created&filter=" + encodeURIComponent("local = false"))
      .then(function (res) { lastKits = res.items; drawKits(); });
  }

  function loadMembers() {
    return M.api("/api/collections/staff/records?perPage=500&sort=name&filter=" + encodeURIComponent("role = 'field' && disabled = false"))
      .then(function (res) {
        var box = $("member-list"); box.innerHTML = "";
        res.items.forEach(function (s) {
          var l = document.createElement("label"); var c = document.createElement("input");
          c.type = "checkbox"; c.value = s.username; l.appendChild(c);
          l.appendChild(document.createTextNode(" " + s.name + " (" + s.username + ")"));
          box.appendChild(l);
        });
      });
  }

  function drawResults() {
    if (!lastResults) return;
    var tb = $("import-results").querySelector("tbody"); tb.innerHTML = "";
    lastResults.results.forEach(function (r) {
      var tr = document.createElement("tr"); tr.setAttribute("data-outcome", r.outcome);
      cell(tr, r.code); var td = cell(tr, M.t(OUTCOME_KEYS[r.outcome] || "field.result_failed"), "sync-state outcome-" + r.outcome);
      if (r.key || r.notice) { var s = document.createElement("span"); s.className = "sub"; s.textContent = M.t(r.key || r.notice); td.appendChild(s); }
      tb.appendChild(tr);
    });
    $("import-results").classList.remove("hidden");
  }

  $("import-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var file = $("bundle-file").files[0];
    if (!file) return;
    var fd = new FormData(); fd.append("bundle", file);
    var xhr = new XMLHttpRequest();
    var bar = $("import-progress"); bar.value = 0; bar.classList.remove("hidden");
    $("import").disabled = true;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); M.say($("import-msg"), "warn", function () { return M.t("field.uploading", { pct: bar.value }); }); }
    };
    xhr.onload = function () {
      $("import").disabled = false; bar.value = 100;
      var body = {}; try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status !== 200) { M.sayError($("import-msg"), { body: body }); return; }
      lastResults = body;
      M.say($("import-msg"), body.counts.failed || body.counts.conflict || body.notices ? "warn" : "ok", function () {
        return summary(body.counts) + (body.notices || []).map(function (k) { return " " + M.t(k); }).join("");
      });
      drawResults();
      var a = $("ack-download");
      a.onclick = function (e) {
        e.preventDefault();
        var bin = atob(body.ack), bytes = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        save(new Blob([bytes], { type: "application/octet-stream" }), "motcua-ack.mcack");
      };
      $("ack-link").classList.remove("hidden");
      loadKits();
    };
    xhr.onerror = function () { $("import").disabled = false; M.say($("import-msg"), "error", function () { return M.t("error.network"); }); };
    xhr.open("POST", "/api/motcua/field/import");
    xhr.setRequestHeader("Authorization", (M.auth && M.auth.token) || "");
    xhr.send(fd);
  });

  $("kit-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var members = Array.prototype.map.call(document.querySelectorAll("#member-list input:checked"), function (c) { return c.value; });
    M.api("/api/motcua/field/kits", { method: "POST", body: { name: $("kit-name").value, members: members } }).then(function () {
      M.say($("msg"), "ok", function () { return M.t("field.created"); }); $("kit-name").value = ""; return loadKits();
    }, function (err) {
      var d = err.body && err.body.data && err.body.data.name;
      M.say($("msg"), "error", function () { return d ? M.t(d.code) : M.errorText(err); });
    });
  });

  document.addEventListener("motcua:lang", function () { if (M.field.mode === "field") drawLaptop(); else { drawKits(); drawResults(); } });

  M.init().then(function (rec) {
    if (!rec) { location.href = "/"; return; }
    document.title = M.t("field.title");
    if (M.field.mode === "field") {
      $("laptop").classList.remove("hidden");
      $("centre-url").value = localStorage.getItem(CENTRE_KEY) || "";
      return loadDossiers();
    }
    if (rec.role !== "leader") { M.say($("msg"), "warn", function () { return M.t("field.leader_only"); }); return; }
    $("centre").classList.remove("hidden");
    return Promise.all([loadKits(), loadMembers()]);
  }).catch(function (err) { M.sayError($("msg"), err); });
})(window.motcua);
