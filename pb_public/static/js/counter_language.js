// The counter page in two languages (issue 17): which languages this counter
// serves now (the signed-in officer's, staff.serves_languages), the language
// of the ticket being served with a button to change it when the citizen asks,
// and, per group, how many wait in each language. counter.js tells this
// script after each redraw ("motcua:counter") and redraws when asked
// ("motcua:counter-reload").
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var LANGS = ["vi", "km"];
  var state = null;

  function badge(lang) {
    var b = document.createElement("span");
    b.className = "lang-badge " + lang; b.lang = lang === "km" ? "km" : M.lang;
    b.textContent = M.t("lang." + lang);
    return b;
  }

  function build() {
    var sel = $("counter-select");
    var p = document.createElement("p");
    p.id = "counter-langs"; p.className = "counter-langs";
    sel.parentNode.appendChild(p);
    var box = document.createElement("div");
    box.id = "ticket-lang"; box.className = "counter-ticket-lang hidden";
    $("current-info").parentNode.insertBefore(box, $("current-info").nextSibling);
  }

  function served() {
    var rec = M.auth && M.auth.record;
    return (rec && rec.serves_languages) || [];
  }

  function draw() {
    if (!state) return;
    var p = $("counter-langs"); p.textContent = "";
    var label = document.createElement("span"); label.textContent = M.t("counter.serves_languages");
    p.appendChild(label);
    var langs = served();
    if (!langs.length) {
      var all = document.createElement("span"); all.className = "muted"; all.textContent = M.t("counter.serves_all");
      p.appendChild(all);
    }
    langs.forEach(function (l) { p.appendChild(badge(l)); });

    var box = $("ticket-lang"), cur = state.current;
    box.classList.toggle("hidden", !cur);
    box.textContent = "";
    if (cur) {
      var t = document.createElement("span"); t.textContent = M.t("counter.ticket_language");
      box.appendChild(t);
      if (cur.language) box.appendChild(badge(cur.language));
      else { var none = document.createElement("span"); none.className = "muted"; none.textContent = M.t("counter.language_unknown"); box.appendChild(none); }
      LANGS.forEach(function (l) {
        if (l === cur.language) return;
        var b = document.createElement("button");
        b.type = "button"; b.className = "secondary"; b.setAttribute("data-set-ticket-lang", l);
        b.textContent = M.t("counter.change_language", { lang: M.t("lang." + l) });
        b.addEventListener("click", function () { change(cur, l); });
        box.appendChild(b);
      });
    }

    // Waiting per group and language; the tickets this counter cannot call yet.
    var other = 0;
    (state.board.groups || []).forEach(function (g) {
      var td = document.querySelector('#waiting td[data-group="' + g.letter + '"]');
      var by = g.waiting_by_language || {};
      if (td && g.waiting) {
        td.textContent = g.waiting + " (" + LANGS.map(function (l) { return M.t("qlang." + l) + " " + (by[l] || 0); }).join(" · ") + ")";
      }
      var mine = state.board.counters.filter(function (c) { return c.id === state.counter; })[0];
      if (mine && mine.groups.indexOf(g.id) >= 0 && langs.length) {
        LANGS.forEach(function (l) { if (langs.indexOf(l) < 0) other += by[l] || 0; });
      }
    });
    var note = $("other-language");
    if (!note) {
      note = document.createElement("p"); note.id = "other-language"; note.className = "msg warn hidden";
      $("waiting").parentNode.appendChild(note);
    }
    note.classList.toggle("hidden", !other);
    if (other) note.textContent = M.t("counter.waiting_other_language", { n: other });
  }

  function change(ticket, lang) {
    M.api("/api/motcua/queue/language", { method: "POST", body: { ticket: ticket.id, language: lang } }).then(function (t) {
      M.say($("msg"), "ok", function () { return M.t("counter.language_changed", { code: t.code, lang: M.t("lang." + lang) }); });
      document.dispatchEvent(new CustomEvent("motcua:counter-reload"));
    }, function (err) { M.sayError($("msg"), err); });
  }

  document.addEventListener("motcua:counter", function (ev) { state = ev.detail; draw(); });
  document.addEventListener("motcua:lang", draw);
  build();
})(window.motcua);
