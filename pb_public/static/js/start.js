// The staff start page: sign in, then the office, today's date, the reception
// hours and the work this account's role can open.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var office = null;
  var DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  var DAY_INDEX = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

  function drawHours() {
    var tbl = $("hours"); tbl.innerHTML = "";
    var sessions = (office && office.sessions) || {};
    DAYS.forEach(function (d) {
      var tr = document.createElement("tr");
      var th = document.createElement("th"); th.textContent = M.t("weekday." + DAY_INDEX[d]);
      var td = document.createElement("td");
      var list = sessions[d] || [];
      td.textContent = list.length ? list.map(function (s) { return s[0] + "–" + s[1]; }).join(", ") : M.t("shell.closed");
      tr.appendChild(th); tr.appendChild(td); tbl.appendChild(tr);
    });
  }

  function draw() {
    var rec = M.auth && M.auth.record;
    $("sign-in").classList.toggle("hidden", !!rec);
    $("start").classList.toggle("hidden", !rec);
    $("sign-out").classList.toggle("hidden", !rec);
    if (!rec) return;
    $("greeting").textContent = M.t("shell.signed_in_as", { name: rec.name, role: M.t("role." + rec.role) });
    // Show the work this role can open; the server refuses the rest anyway.
    document.querySelectorAll("#capabilities [data-roles]").forEach(function (li) {
      li.classList.toggle("hidden", li.getAttribute("data-roles").split(" ").indexOf(rec.role) < 0);
    });
    var now = new Date();
    var wd = new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Ho_Chi_Minh", weekday: "short" }).format(now).toLowerCase().slice(0, 3);
    $("today").textContent = M.t("weekday." + DAY_INDEX[wd]) + ", " + M.dateText(now);
    drawHours();
  }

  // drawPublicURL warns while citizens' phones cannot open the office's
  // public URL: the server judges it (unset, localhost, a loopback address)
  // and says so in the office record's public_url_reachable.
  function drawPublicURL() {
    var bad = !!office && office.public_url_reachable === false;
    $("public-url-warning").classList.toggle("hidden", !bad);
    if (bad) M.keep($("public-url-text"), function () { return M.t("page.public_url_text", { url: office.public_url || M.t("page.public_url_unset") }); });
  }

  function loadOffice() {
    return M.api("/api/collections/office/records?perPage=1").then(function (res) {
      office = res.items[0] || null;
      if (office) {
        $("office-name").textContent = office.name_vi;
        $("office-name-km").textContent = office.name_km || "";
        if (/H00$/.test(office.agency_code) && M.auth) M.say($("msg"), "warn", function () { return M.t("shell.office_incomplete"); });
      }
      drawPublicURL();
    });
  }

  $("sign-in").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var btn = $("sign-in-button"); btn.disabled = true;
    M.say($("msg"), "ok", function () { return M.t("shell.signing_in"); });
    M.signIn($("identity").value.trim(), $("password").value).then(function (rec) {
      $("msg").classList.add("hidden");
      return M.setLang(rec.language || M.lang, false).then(loadOffice);
    }).then(draw, function (err) {
      M.say($("msg"), "error", function () { return err.status === 400 ? M.t("error.sign_in_failed") : M.errorText(err); });
    }).then(function () { btn.disabled = false; });
  });
  $("sign-out").addEventListener("click", function () { M.signOut(); });
  document.addEventListener("motcua:lang", draw);
  document.addEventListener("motcua:auth", function () { $("msg").classList.add("hidden"); draw(); });

  M.init().then(loadOffice).then(draw, draw);
})(window.motcua);
