// The periodic report's queue annex (annexes.queue_languages): the waits by
// language over the report's period, per day (a month or shorter) or per
// month, and the whole period; headers in Vietnamese with Khmer beneath, as
// the report itself. Drawn when report.js has the report ("motcua:report").
(function (M) {
  "use strict";
  var dicts = { vi: {}, km: {} };
  function both(key) {
    var s = document.createElement("span");
    var a = document.createElement("span"); a.textContent = dicts.vi[key] || key;
    var b = document.createElement("span"); b.className = "km"; b.lang = "km"; b.textContent = dicts.km[key] || key;
    s.appendChild(a); s.appendChild(b); return s;
  }
  function draw(rep) {
    var box = document.getElementById("queue-annex");
    if (!box) {
      box = document.createElement("section"); box.id = "queue-annex"; box.className = "queue-annex";
      document.getElementById("sheet").appendChild(box);
    }
    box.textContent = "";
    var a = rep && rep.annexes && rep.annexes.queue_languages;
    // No queue in the period (an office without a kiosk): no annex page.
    var none = a && !a.too_long && !(a.total.vi.tickets + a.total.km.tickets + a.total.unknown.tickets);
    box.classList.toggle("hidden", !a || none);
    if (!a || none) return;
    var h = document.createElement("h3"); h.appendChild(both("qlang.annex_title")); box.appendChild(h);
    if (a.too_long) { var p = document.createElement("p"); p.appendChild(both("qlang.too_long")); box.appendChild(p); return; }
    var rows = a.rows.concat([a.total]);
    var card = document.createElement("div"); card.className = "card"; box.appendChild(card); // scrolls on a phone
    card.appendChild(window.motcuaQueueLangTable(rows, both, function (f) {
      if (f === a.total) return (dicts.vi["report.total"] || "") + " / " + (dicts.km["report.total"] || "");
      return a.by === "day" ? f.period.slice(8, 10) + "/" + f.period.slice(5, 7) : f.period.slice(5, 7) + "/" + f.period.slice(0, 4);
    }));
    var note = document.createElement("p"); note.className = "small"; note.appendChild(both("qlang.note")); box.appendChild(note);
  }
  Promise.all(["vi", "km"].map(function (l) {
    return fetch("/api/motcua/i18n/" + l).then(function (r) { return r.json(); }).then(function (d) { dicts[l] = d; });
  })).then(function () {
    document.addEventListener("motcua:report", function (ev) { draw(ev.detail); });
    if (window.__motcuaReport) draw(window.__motcuaReport);
  });
})(window.motcua);
