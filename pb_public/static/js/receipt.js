// The receipt page: fetches form 01 for ?id= with the staff token (staff auth
// is a bearer token, not a cookie, so the page cannot just link to it), shows
// both copies as they will print and, with ?print=1, opens the print dialog
// once fonts and the QR image are ready.
//
// The paper is a class on <body>, chosen in this order: ?paper=a4|a5|roll in
// the address; the receipt's own data-paper (an office setting, when the server
// sends one); roll for a mobile team's dossier or on a team laptop; else A4.
//   paper-a4   both copies on one A4 portrait sheet, a cut line between them
//   paper-a5   each copy on its own A5 page
//   paper-roll each copy on its own slip of an 80 mm roll
// The buttons above the preview change it for this print.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var q = new URLSearchParams(location.search);
  var id = q.get("id") || "";
  var PAPERS = ["a4", "a5", "roll"];
  var MM = 96 / 25.4; // CSS pixels per millimetre
  // The height each copy may take, in mm: half an A4 sheet less the cut line
  // (297 − 2 × 8 margin − 9 for the line, halved), an A5 page less its margins.
  // A roll has no limit: its page is made as long as the longest copy.
  var LIMIT = { a4: 136, a5: 196 };
  // The type the copy starts at: A5 has room for more than half an A4 sheet.
  var START = { a4: 9.5, a5: 11.5, roll: 9 };
  var paper = "a4";

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

  // choosePaper applies the first paper that applies (see the top of this file).
  function choosePaper(dossier) {
    var asked = q.get("paper"), root = document.querySelector("#receipt .receipt-copies");
    var office = root && root.getAttribute("data-paper");
    if (PAPERS.indexOf(asked) >= 0) return asked;
    if (PAPERS.indexOf(office) >= 0) return office;
    if ((dossier && dossier.mobile) || M.field.mode === "field") return "roll";
    return "a4";
  }

  // fit lowers the type size, a quarter point at a time down to 7 pt, until
  // each copy fits its share of the paper, measured on the preview (laid out at
  // the paper's width); for a roll it sets the slip's length instead.
  function fit() {
    var root = document.querySelector("#receipt .receipt-copies");
    if (!root) return;
    var copies = Array.prototype.slice.call(root.querySelectorAll(".rc-copy"));
    var size = START[paper];
    root.style.setProperty("--rc-font", size + "pt");
    var tallest = function () {
      return Math.max.apply(null, copies.map(function (c) {
        // The content's own height (first line to last), not the box's
        // min-height or padding; the signatures are pushed to the bottom of a
        // half-sheet copy, so a copy that fits measures exactly its limit.
        return (c.lastElementChild.getBoundingClientRect().bottom - c.firstElementChild.getBoundingClientRect().top) / MM;
      }));
    };
    if (LIMIT[paper]) {
      while (tallest() > LIMIT[paper] + 0.5 && size > 7) {
        size -= 0.25;
        root.style.setProperty("--rc-font", size + "pt");
      }
    }
    var style = $("roll-page");
    if (!style) { style = document.createElement("style"); style.id = "roll-page"; document.head.appendChild(style); }
    style.textContent = paper === "roll" ? "@page receipt-roll { size: 80mm " + Math.ceil(tallest() + 8) + "mm; }" : "";
  }

  function setPaper(p) {
    paper = p;
    PAPERS.forEach(function (x) { document.body.classList.toggle("paper-" + x, x === p); });
    document.querySelectorAll("[data-paper]").forEach(function (b) {
      if (b.tagName === "BUTTON") b.setAttribute("aria-pressed", b.getAttribute("data-paper") === p ? "true" : "false");
    });
    fit();
  }

  $("print").addEventListener("click", function () { window.print(); });
  document.querySelectorAll("button[data-paper]").forEach(function (b) {
    b.addEventListener("click", function () { setPaper(b.getAttribute("data-paper")); });
  });

  M.init().then(function (rec) {
    if (!rec) { M.sayKey($("msg"), "error", "error.sign_in_required"); return; }
    var dossier = M.api("/api/collections/dossiers/records/" + encodeURIComponent(id) + "?fields=id,mobile").catch(function () { return null; });
    return Promise.all([load(), dossier]).then(function (res) {
      $("receipt").innerHTML = res[0];
      document.title = M.t("receipt.page_title");
      return ready().then(function () { setPaper(choosePaper(res[1])); });
    }).then(function () {
      document.body.setAttribute("data-ready", "true");
      if (q.get("print") === "1") setTimeout(function () { window.print(); }, 50);
    });
  }).catch(function (err) { M.sayError($("msg"), err); });
})(window.motcua);
