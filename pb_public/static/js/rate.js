// The citizen-facing rating screen (rate.html?dossier=<id>&scale=3|5): three or
// five big faces, optional reason chips, Vietnamese and Khmer side by side
// whatever the officer's language, and one tap on "send".
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var FACES = { 1: "😠", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄" };
  var SCALES = { 3: [1, 3, 5], 5: [1, 2, 3, 4, 5] };
  var REASONS = ["good_service", "quick", "clear_guidance", "kind_staff", "waited_long",
    "unclear_guidance", "staff_attitude", "extra_papers", "came_back_many_times"];
  var params = new URLSearchParams(location.search);
  var dossier = params.get("dossier") || "";
  var scale = params.get("scale") === "3" ? 3 : 5;
  var vi = {}, km = {};
  var chosen = 0;

  // both writes a key in Vietnamese with the Khmer beneath.
  function both(el, key, args) {
    el.textContent = "";
    var a = document.createElement("span"); a.lang = "vi"; a.textContent = tr(vi, key, args);
    var b = document.createElement("span"); b.lang = "km"; b.className = "km"; b.textContent = tr(km, key, args);
    el.appendChild(a); el.appendChild(b);
  }
  function tr(dict, key, args) {
    var s = dict[key] || key;
    if (args) Object.keys(args).forEach(function (k) { s = s.split("{" + k + "}").join(args[k]); });
    return s;
  }
  function show(id) {
    ["sign-in", "waiting", "rate", "thanks"].forEach(function (s) { $(s).classList.toggle("hidden", s !== id); });
  }

  function drawRate() {
    document.querySelectorAll("[data-bi]").forEach(function (el) { both(el, el.getAttribute("data-bi")); });
    var faces = $("faces"); faces.innerHTML = "";
    SCALES[scale].forEach(function (score) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "face face-" + score; b.setAttribute("data-score", score);
      var e = document.createElement("span"); e.className = "emoji"; e.textContent = FACES[score]; e.setAttribute("aria-hidden", "true");
      var t = document.createElement("span"); both(t, "face." + score);
      b.appendChild(e); b.appendChild(t);
      b.addEventListener("click", function () {
        chosen = score;
        faces.querySelectorAll(".face").forEach(function (f) { f.setAttribute("aria-pressed", f === b ? "true" : "false"); });
        $("send").disabled = false;
      });
      faces.appendChild(b);
    });
    var chips = $("chips"); chips.innerHTML = "";
    REASONS.forEach(function (r) {
      var c = document.createElement("button");
      c.type = "button"; c.className = "chip"; c.setAttribute("data-reason", r); c.setAttribute("aria-pressed", "false");
      both(c, "reason." + r);
      c.addEventListener("click", function () {
        c.setAttribute("aria-pressed", c.getAttribute("aria-pressed") === "true" ? "false" : "true");
      });
      chips.appendChild(c);
    });
  }

  function start() {
    if (!M.auth) { show("sign-in"); return; }
    if (!dossier) { show("waiting"); return; }
    M.api("/api/collections/dossiers/records/" + encodeURIComponent(dossier) + "?fields=code").then(function (d) {
      both($("dossier-code"), "rating.dossier", { code: d.code });
      drawRate(); show("rate");
    }, function (err) { M.say($("msg"), "error", M.errorText(err)); show("waiting"); });
  }

  $("send").addEventListener("click", function () {
    if (!chosen) return;
    $("send").disabled = true;
    var reasons = Array.prototype.map.call(document.querySelectorAll('#chips .chip[aria-pressed="true"]'),
      function (c) { return c.getAttribute("data-reason"); });
    M.api("/api/motcua/ratings", { method: "POST", body: { dossier: dossier, score: chosen, scale: scale, reasons: reasons } })
      .then(function () { show("thanks"); }, function (err) {
        if (err.body && err.body.data && err.body.data.key === "error.already_rated") { show("thanks"); return; }
        M.say($("msg"), "error", M.errorText(err)); $("send").disabled = false;
      });
  });

  $("sign-in").addEventListener("submit", function (ev) {
    ev.preventDefault();
    M.signIn($("identity").value.trim(), $("password").value).then(start, function () {
      M.say($("msg"), "error", M.t("error.sign_in_failed"));
    });
  });

  Promise.all([
    fetch("/api/motcua/i18n/vi").then(function (r) { return r.json(); }),
    fetch("/api/motcua/i18n/km").then(function (r) { return r.json(); })
  ]).then(function (d) { vi = d[0]; km = d[1]; return M.init(); }).then(function () {
    document.querySelectorAll("[data-bi]").forEach(function (el) { both(el, el.getAttribute("data-bi")); });
    start();
  });
})(window.motcua);
