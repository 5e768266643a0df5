// The citizen-facing rating screen (rate.html?dossier=<id>&scale=3|5): three or
// five big faces, optional reason chips, Vietnamese and Khmer side by side
// whatever the officer's language, and one tap on "send".
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  // FACES draws face 1 (angry) to 5 (laughing) as inline SVG: the counter PCs
  // have no emoji font, and emoji faces showed there as boxes. The same drawing
  // is in hooks/templates/rating.html (face-svg) for the status page.
  var INK = 'stroke="#1b1f24" stroke-width="4" stroke-linecap="round" fill="none"';
  var EYES = '<circle cx="22" cy="26" r="4" fill="#1b1f24"/><circle cx="42" cy="26" r="4" fill="#1b1f24"/>';
  var HEAD = function (fill) { return '<circle cx="32" cy="32" r="29" fill="' + fill + '" stroke="#1b1f24" stroke-width="3"/>'; };
  var FACES = {
    1: HEAD("#f28b82") + '<path d="M14 18l12 5M50 18l-12 5" ' + INK + '/><circle cx="22" cy="28" r="4" fill="#1b1f24"/><circle cx="42" cy="28" r="4" fill="#1b1f24"/><path d="M19 49q13-13 26 0" ' + INK + '/>',
    2: HEAD("#fcc934") + EYES + '<path d="M20 46q12-8 24 0" ' + INK + '/>',
    3: HEAD("#fde293") + EYES + '<path d="M20 43h24" ' + INK + '/>',
    4: HEAD("#a8dab5") + EYES + '<path d="M20 40q12 10 24 0" ' + INK + '/>',
    5: HEAD("#5bb974") + '<path d="M16 26q6-7 12 0M36 26q6-7 12 0" ' + INK + '/><path d="M16 37h32q-2 16-16 16t-16-16z" fill="#fff" stroke="#1b1f24" stroke-width="3.5" stroke-linejoin="round"/>'
  };
  function faceSVG(score) {
    var span = document.createElement("span");
    // Constant markup above, never text from outside.
    span.innerHTML = '<svg class="face-img" viewBox="0 0 64 64" width="72" height="72" aria-hidden="true" focusable="false">' + FACES[score] + "</svg>";
    return span.firstChild;
  }
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
      var t = document.createElement("span"); both(t, "face." + score);
      b.appendChild(faceSVG(score)); b.appendChild(t);
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
    }, function (err) { M.sayError($("msg"), err); show("waiting"); });
  }

  $("send").addEventListener("click", function () {
    if (!chosen) return;
    $("send").disabled = true;
    var reasons = Array.prototype.map.call(document.querySelectorAll('#chips .chip[aria-pressed="true"]'),
      function (c) { return c.getAttribute("data-reason"); });
    M.api("/api/motcua/ratings", { method: "POST", body: { dossier: dossier, score: chosen, scale: scale, reasons: reasons } })
      .then(function () { show("thanks"); }, function (err) {
        if (err.body && err.body.data && err.body.data.key === "error.already_rated") { show("thanks"); return; }
        M.sayError($("msg"), err); $("send").disabled = false;
      });
  });

  $("sign-in").addEventListener("submit", function (ev) {
    ev.preventDefault();
    M.signIn($("identity").value.trim(), $("password").value).then(start, function () {
      M.say($("msg"), "error", function () { return M.t("error.sign_in_failed"); });
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
