// Work lists: what each role has to do now, each dossier a link to its page.
(function (M) {
  "use strict";
  var LISTS = {
    reception: ["ready", "due"], processor: ["mine"], leader: ["approval", "overdue", "mine", "due", "ready"], field: []
  };
  var data = {};

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function when(s) { return s ? M.dateText(new Date(s.replace(" ", "T")), true) : ""; }

  function draw() {
    var box = document.getElementById("lists"); box.innerHTML = "";
    Object.keys(data).forEach(function (name) {
      var card = el("section", { "class": "card", id: "list-" + name });
      card.appendChild(el("h2", {}, M.t("worklist." + name) + " (" + data[name].length + ")"));
      if (!data[name].length) { card.appendChild(el("p", { "class": "muted" }, M.t("worklist.empty"))); box.appendChild(card); return; }
      var tbl = el("table"), head = el("tr");
      ["dossier.code", "dossier.applicant", "dossier.procedure", "dossier.status", "dossier.due_at", "dossier.assignee"].forEach(function (k) {
        head.appendChild(el("th", {}, M.t(k)));
      });
      tbl.appendChild(head);
      data[name].forEach(function (it) {
        var tr = el("tr", { "data-id": it.id });
        var td = el("td"); td.appendChild(el("a", { href: "/dossier.html?id=" + encodeURIComponent(it.id) }, it.code)); tr.appendChild(td);
        tr.appendChild(el("td", {}, it.applicant_name));
        tr.appendChild(el("td", {}, M.lang === "km" && it.procedure_km ? it.procedure_km : it.procedure_vi));
        tr.appendChild(el("td", {}, M.t("status." + it.status)));
        var due = el("td", {}, when(it.due_at));
        if (it.overdue) { due.appendChild(el("span", { "class": "tag late" }, M.t("timeliness.late"))); }
        tr.appendChild(due);
        tr.appendChild(el("td", {}, it.assignee_name));
        tbl.appendChild(tr);
      });
      card.appendChild(tbl); box.appendChild(card);
    });
  }

  function load(role) {
    var names = LISTS[role] || [];
    return Promise.all(names.map(function (n) { return M.api("/api/motcua/worklists/" + n); })).then(function (res) {
      data = {};
      res.forEach(function (r) { data[r.name] = r.items; });
      draw();
    }, function (err) { M.sayError(document.getElementById("msg"), err); });
  }

  document.addEventListener("motcua:lang", draw);
  M.init().then(function (rec) {
    if (!rec) { location.href = "/"; return; }
    return load(rec.role);
  });
})(window.motcua);
