// The clock banner of the staff pages: while the clock guard says the PC's
// date and time are wrong (GET /api/motcua/clock), a red box at the top of the
// page says so in the reader's language, before anyone tries to take a dossier
// in; a leader (or the team on a mobile laptop) whose office really was closed
// confirms the date from it. Checked again every five minutes.
(function (M) {
  "use strict";
  var status = null, timer = null;

  function box() {
    var el = document.getElementById("clock-banner");
    if (!el) {
      el = document.createElement("div"); el.id = "clock-banner";
      var main = document.querySelector("main");
      if (!main) return null;
      main.insertBefore(el, main.firstChild);
    }
    return el;
  }

  function draw() {
    var el = box(); if (!el) return;
    el.innerHTML = "";
    el.className = "";
    if (!status || status.state === "ok") return;
    el.className = "clock-banner no-print"; el.setAttribute("role", "alert");
    var h = document.createElement("h2"); h.textContent = M.t("clock.banner_title"); el.appendChild(h);
    var p = document.createElement("p"); p.id = "clock-text";
    p.textContent = (status.text && (status.text[M.lang] || status.text.vi)) || M.t(status.key);
    el.appendChild(p);
    if (status.can_confirm) {
      var hint = document.createElement("p"); hint.className = "sub"; hint.textContent = M.t("clock.confirm_hint"); el.appendChild(hint);
      var b = document.createElement("button"); b.type = "button"; b.id = "clock-confirm"; b.className = "secondary";
      b.textContent = M.t("clock.confirm");
      b.addEventListener("click", function () {
        b.disabled = true;
        M.api("/api/motcua/clock/confirm", { method: "POST", body: {} }).then(function (st) {
          status = st; draw();
          var msg = document.getElementById("msg");
          if (msg) M.sayKey(msg, "ok", "clock.confirmed");
        }, function (err) { b.disabled = false; p.textContent = M.errorText(err); });
      });
      el.appendChild(b);
    }
  }

  function load() {
    if (!M.auth) { status = null; draw(); return; }
    M.api("/api/motcua/clock").then(function (st) { status = st; draw(); }, function () { status = null; draw(); });
    clearTimeout(timer);
    timer = setTimeout(load, 5 * 60 * 1000);
  }

  M.clockStatus = function () { return status; };
  document.addEventListener("motcua:lang", function () { if (status) draw(); else load(); });
  document.addEventListener("motcua:auth", load);
})(window.motcua);
