// The dashboard's waits by language (panels.queue_languages): today and the
// last six months, drawn when dashboard.js has the figures ("motcua:dashboard").
(function (M) {
  "use strict";
  var last = null;
  function draw() {
    var p = last && last.panels && last.panels.queue_languages;
    var card = document.getElementById("queue-lang-panel");
    if (!p) { if (card) card.classList.add("hidden"); return; }
    if (!card) {
      card = document.createElement("div"); card.className = "card"; card.id = "queue-lang-panel";
      var board = document.getElementById("panels");
      board.parentNode.insertBefore(card, board.nextSibling);
    }
    card.classList.remove("hidden");
    card.textContent = "";
    var h = document.createElement("h2"); h.textContent = M.t("qlang.title"); card.appendChild(h);
    var rows = [p.today].concat(p.months.slice().reverse());
    var wrap = document.createElement("div"); wrap.className = "scroll-x"; card.appendChild(wrap);
    wrap.appendChild(window.motcuaQueueLangTable(rows, function (k) { return M.t(k); }, function (f) {
      return f === p.today ? M.t("qlang.today") : f.period.slice(5, 7) + "/" + f.period.slice(0, 4);
    }));
    var note = document.createElement("p"); note.className = "muted"; note.textContent = M.t("qlang.note"); card.appendChild(note);
  }
  document.addEventListener("motcua:dashboard", function (ev) { last = ev.detail; draw(); });
  document.addEventListener("motcua:lang", draw);
})(window.motcua);
