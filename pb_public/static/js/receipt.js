// The receipt page: fetches form 01 for ?id= with the staff token (staff auth
// is a bearer token, not a cookie, so the page cannot just link to it), shows
// both copies and, with ?print=1, opens the print dialog once fonts and the QR
// image are ready.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var q = new URLSearchParams(location.search);
  var id = q.get("id") || "";

  function load() {
    return fetch("/api/motcua/dossiers/" + encodeURIComponent(id) + "/receipt", {
      headers: { "Authorization": (M.auth && M.auth.token) || "" }
    }).then(function (r) {
      return r.text().then(function (t) {
        if (!r.ok) { var e = new Error("receipt"); e.status = r.status; try { e.body = JSON.parse(t); } catch (x) { e.body = {}; } throw e; }
        return t;
      });
    });
  }

  function ready() {
    var imgs = Array.prototype.slice.call(document.querySelectorAll("#receipt img"));
    return Promise.all([document.fonts.ready].concat(imgs.map(function (i) { return i.decode ? i.decode().catch(function () {}) : null; })));
  }

  $("print").addEventListener("click", function () { window.print(); });

  M.init().then(function (rec) {
    if (!rec) { M.say($("msg"), "error", M.t("error.sign_in_required")); return; }
    return load().then(function (html) {
      $("receipt").innerHTML = html;
      document.title = M.t("receipt.page_title");
      return ready();
    }).then(function () {
      document.body.setAttribute("data-ready", "true");
      if (q.get("print") === "1") setTimeout(function () { window.print(); }, 50);
    });
  }).catch(function (err) { M.say($("msg"), "error", M.errorText(err)); });
})(window.motcua);
