// The dossier page: facts, the whole history, the actions the caller's role may
// take from the current status (read from the server's transition table), and
// the printable forms 02–06 fetched as HTML fragments with the staff token.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var id = (new URLSearchParams(location.search).get("id") || "").replace(/[^a-z0-9]/g, "");
  var state = { dossier: null, events: [], table: null, staff: [] };

  // FIELDS: what each action asks for, in order; the keys label the inputs.
  var FIELDS = {
    assign: ["assignee", "note"], start: ["note"], request_supplement: ["missing_papers", "note"],
    supplement_received: ["note"], refuse: ["reason", "note"], complete: ["note"],
    "return": ["collected_by", "collector_id_number", "note"], withdraw: ["reason", "note"],
    extend: ["new_due_at", "reason"], stop: ["reason", "note"]
  };
  var LABELS = {
    note: "workflow.note", assignee: "workflow.assignee", missing_papers: "workflow.missing_papers",
    reason: "workflow.reason", new_due_at: "workflow.new_due_at", collected_by: "workflow.collected_by",
    collector_id_number: "workflow.collector_id_number"
  };
  var FORMS = ["02", "03", "04", "05", "06"];
  var FORM_TITLES = { "02": "form.title_02", "03": "form.title_03", "04": "form.title_04", "05": "form.title_05", "06": "form.title_06" };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function when(s) { return s ? M.dateText(new Date(s.replace(" ", "T")), true) : ""; }
  function row(tbl, label, value) {
    var tr = el("tr"); tr.appendChild(el("th", {}, label)); var td = el("td", {}, value); tr.appendChild(td); tbl.appendChild(tr); return td;
  }

  function drawFacts() {
    var d = state.dossier, tbl = $("facts"); tbl.innerHTML = "";
    $("code").textContent = d.code;
    var proc = (d.expand && d.expand.procedure) || {};
    var who = (d.expand && d.expand.assignee) || {};
    row(tbl, M.t("dossier.applicant"), d.applicant_name);
    row(tbl, M.t("dossier.procedure"), M.lang === "km" && proc.name_km ? proc.name_km : proc.name_vi);
    var st = row(tbl, M.t("dossier.status"), M.t("status." + d.status)); st.id = "status"; st.setAttribute("data-status", d.status);
    row(tbl, M.t("dossier.received_at"), when(d.received_at));
    row(tbl, M.t("dossier.due_at"), when(d.due_at)).id = "due";
    row(tbl, M.t("dossier.assignee"), who.name || "");
    if (d.paused_at) row(tbl, "", M.t("dossier.paused_since", { date: when(d.paused_at) }));
  }

  function drawHistory() {
    var tbl = $("history"); tbl.innerHTML = "";
    var head = el("tr");
    ["workflow.when", "workflow.actions", "dossier.status", "workflow.by", "workflow.note"].forEach(function (k) { head.appendChild(el("th", {}, M.t(k))); });
    tbl.appendChild(head);
    state.events.forEach(function (ev) {
      var tr = el("tr", { "class": "event", "data-action": ev.action });
      var data = ev.data || {};
      tr.appendChild(el("td", {}, when(ev.at)));
      tr.appendChild(el("td", {}, M.t("action." + ev.action)));
      tr.appendChild(el("td", {}, (ev.from_status ? M.t("status." + ev.from_status) + " → " : "") + (ev.to_status ? M.t("status." + ev.to_status) : "")));
      tr.appendChild(el("td", {}, ev.actor_name || data.superuser || ""));
      var details = [];
      if (data.assignee_name) details.push("→ " + data.assignee_name);
      if (data.missing_papers) details.push(data.missing_papers.join("; "));
      if (data.reason) details.push(data.reason);
      if (data.collected_by) details.push(data.collected_by + " (" + data.collector_id_number + ")");
      if (ev.action === "extend" || ev.action === "supplement_received") details.push(M.t("dossier.due_at") + ": " + when(data.due_at));
      if (ev.note) details.push(ev.note);
      tr.appendChild(el("td", {}, details.join(" · ")));
      tbl.appendChild(tr);
    });
  }

  function drawActions() {
    var box = $("actions"); box.innerHTML = "";
    var role = state.table.role, status = state.dossier.status;
    var allowed = state.table.transitions.filter(function (tr) { return tr.roles.indexOf(role) >= 0 && tr.from.indexOf(status) >= 0; });
    if (!allowed.length) { box.appendChild(el("p", { "class": "muted" }, M.t("workflow.no_actions"))); return; }
    allowed.forEach(function (tr) {
      var b = el("button", { type: "button", "class": "secondary action", "data-action": tr.action }, M.t("action." + tr.action));
      b.addEventListener("click", function () { openForm(tr); });
      box.appendChild(b); box.appendChild(document.createTextNode(" "));
    });
  }

  function input(field) {
    if (field === "assignee") {
      var sel = el("select", { id: "f-assignee", name: "assignee" });
      sel.appendChild(el("option", { value: "" }, ""));
      state.staff.forEach(function (s) { sel.appendChild(el("option", { value: s.id }, s.name + " — " + M.t("role." + s.role))); });
      return sel;
    }
    if (field === "missing_papers") return el("textarea", { id: "f-missing_papers", name: field, rows: "4" });
    if (field === "note" || field === "reason") return el("textarea", { id: "f-" + field, name: field, rows: "2" });
    if (field === "new_due_at") return el("input", { id: "f-new_due_at", name: field, type: "datetime-local" });
    return el("input", { id: "f-" + field, name: field, type: "text" });
  }

  function openForm(tr) {
    var form = $("action-form"); form.innerHTML = ""; form.classList.remove("hidden");
    form.setAttribute("data-action", tr.action);
    form.appendChild(el("h3", {}, M.t("action." + tr.action)));
    FIELDS[tr.action].forEach(function (f) {
      form.appendChild(el("label", { "for": "f-" + f }, M.t(LABELS[f]) + (tr.required && tr.required.indexOf(f) >= 0 ? " *" : "")));
      form.appendChild(input(f));
      form.appendChild(el("div", { "class": "field-error", id: "e-" + f }));
    });
    var p = el("p");
    var ok = el("button", { type: "submit", id: "action-submit" }, M.t("workflow.submit"));
    var cancel = el("button", { type: "button", "class": "secondary" }, M.t("workflow.cancel"));
    cancel.addEventListener("click", function () { form.classList.add("hidden"); });
    p.appendChild(ok); p.appendChild(document.createTextNode(" ")); p.appendChild(cancel); form.appendChild(p);
    form.onsubmit = function (ev) { ev.preventDefault(); submit(tr, ok); };
  }

  function submit(tr, btn) {
    var body = {};
    FIELDS[tr.action].forEach(function (f) {
      var v = $("f-" + f).value;
      if (f === "missing_papers") v = v.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
      else if (f === "new_due_at") v = v ? v : "";
      body[f] = v;
    });
    document.querySelectorAll("#action-form .field-error").forEach(function (e) { e.textContent = ""; });
    btn.disabled = true;
    M.api("/api/motcua/dossiers/" + id + "/actions/" + tr.action, { method: "POST", body: body }).then(function () {
      $("action-form").classList.add("hidden");
      M.say($("msg"), "ok", M.t("workflow.done_ok", { action: M.t("action." + tr.action) }));
      return load();
    }, function (err) {
      var data = (err.body && err.body.data) || {};
      if (err.status === 400 && !data.key) {
        Object.keys(data).forEach(function (f) { var e = $("e-" + f); if (e) e.textContent = M.t(data[f].code); });
        M.say($("msg"), "error", M.t("error.form_invalid"));
      } else {
        M.say($("msg"), "error", M.errorText(err));
      }
    }).then(function () { btn.disabled = false; });
  }

  function drawForms() {
    var box = $("forms"); box.innerHTML = "";
    FORMS.forEach(function (n) {
      var line = el("p");
      line.appendChild(el("span", {}, n + ". " + M.t(FORM_TITLES[n]) + " "));
      var view = el("button", { type: "button", "class": "secondary form-preview", "data-form": n }, M.t("dossier.preview"));
      view.addEventListener("click", function () { showForm(n); });
      var print = el("button", { type: "button", "class": "secondary form-print-button", "data-form": n }, M.t("dossier.print"));
      print.addEventListener("click", function () { showForm(n).then(function (ok) { if (ok) window.print(); }); });
      line.appendChild(view); line.appendChild(document.createTextNode(" ")); line.appendChild(print);
      box.appendChild(line);
    });
  }

  // showForm fetches a form fragment with the staff token and puts it in the
  // print area; the print styles hide everything else.
  function showForm(n) {
    return fetch("/api/motcua/dossiers/" + id + "/forms/" + n, { headers: { Authorization: M.auth.token } }).then(function (r) {
      return r.text().then(function (txt) {
        if (!r.ok) {
          var body = {}; try { body = JSON.parse(txt); } catch (e) { body = {}; }
          M.say($("msg"), "error", M.errorText({ body: body })); $("print-area").innerHTML = ""; return false;
        }
        $("msg").classList.add("hidden");
        $("print-area").innerHTML = txt;
        return true;
      });
    });
  }

  function load() {
    var filter = encodeURIComponent('dossier = "' + id + '"');
    return Promise.all([
      M.api("/api/collections/dossiers/records/" + id + "?expand=procedure,assignee"),
      M.api("/api/collections/dossier_events/records?perPage=500&sort=at,created&filter=" + filter),
      M.api("/api/motcua/workflow"),
      M.api("/api/collections/staff/records?perPage=500&sort=name&filter=" + encodeURIComponent('(role = "processor" || role = "leader") && disabled = false'))
    ]).then(function (res) {
      state.dossier = res[0]; state.events = res[1].items; state.table = res[2]; state.staff = res[3].items;
      draw();
    }, function (err) { M.say($("msg"), "error", M.errorText(err)); });
  }

  function draw() {
    if (!state.dossier) return;
    drawFacts(); drawHistory(); drawActions(); drawForms();
  }

  document.addEventListener("motcua:lang", draw);
  M.init().then(function (rec) {
    if (!rec) { location.href = "/"; return; }
    if (!id) { M.say($("msg"), "error", M.t("dossier.missing_id")); return; }
    return load();
  });
})(window.motcua);
