// The intake page's emergency-receipt mode. A dossier received on a sheet of a
// pre-printed pad during a power cut is keyed in under the code printed on the
// sheet and the real time of receipt written on it: the officer ticks the box,
// picks the code (GET /api/motcua/emergency/sheets lists the unused ones) and
// types the time; the page's save then goes to POST /api/motcua/intake/emergency
// and the due date shown counts from that time. intake.js asks M.intakeMode.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var sheets = [];

  // localAt turns the datetime-local value (the office's wall clock) into
  // RFC 3339 in Vietnam's zone (UTC+7 all year), whatever the PC's zone.
  function localAt() {
    var v = $("received_at").value;
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(v) ? v + ":00+07:00" : "";
  }

  M.intakeMode = {
    url: "/api/motcua/intake/emergency",
    active: function () { return $("keyin-on").checked; },
    at: localAt,
    extend: function (body) {
      body.emergency_code = $("emergency_code").value;
      body.received_at = $("received_at").value;
      return body;
    }
  };

  function drawCodes() {
    var sel = $("emergency_code"); sel.innerHTML = "";
    if (!sheets.length) {
      var none = document.createElement("option"); none.value = ""; none.textContent = M.t("emergency.keyin_none"); sel.appendChild(none);
      return;
    }
    sheets.forEach(function (s) {
      var o = document.createElement("option"); o.value = s.code;
      o.textContent = M.t("emergency.keyin_option", { code: s.code, pad: s.pad_number, n: s.number });
      sel.appendChild(o);
    });
  }

  function changed() {
    $("keyin-fields").classList.toggle("hidden", !M.intakeMode.active());
    document.dispatchEvent(new CustomEvent("motcua:intake-mode"));
  }

  function load() {
    // Only the centre's reception keys papers in; a mobile team's laptop has no pads.
    var rec = M.auth && M.auth.record;
    if (!rec || rec.role !== "reception" || M.field.mode === "field") { $("keyin-box").classList.add("hidden"); return; }
    M.api("/api/motcua/emergency/sheets").then(function (res) {
      sheets = res.sheets || [];
      drawCodes();
      // Shown while there are papers to key in, or once the officer opened it.
      $("keyin-box").classList.toggle("hidden", !sheets.length && !M.intakeMode.active());
    }, function () { $("keyin-box").classList.add("hidden"); });
  }

  $("keyin-on").addEventListener("change", changed);
  $("received_at").addEventListener("change", function () { document.dispatchEvent(new CustomEvent("motcua:intake-mode")); });
  document.addEventListener("motcua:field", load);
  document.addEventListener("motcua:lang", function () { if (sheets.length) drawCodes(); });
})(window.motcua);
