// The dossier page: facts, the whole history, the actions the caller's role may
// take from the current status (read from the server's transition table), and
// the printable forms 02–06 fetched as HTML fragments with the staff token.
// It shows what the API answers for the caller's role (ID number, phone,
// address, papers, scans where the role may read them) and nothing for a field
// the answer leaves out; a dossier that has left the caller's list (handed on,
// or given to someone else) says so instead of showing stale buttons.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var id = (new URLSearchParams(location.search).get("id") || "").replace(/[^a-z0-9]/g, "");
  var state = { dossier: null, events: [], table: null, staff: [], acted: false };

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
  // row adds a fact; an empty value adds nothing (no label beside a blank).
  function row(tbl, label, value) {
    if (value === undefined || value === null || value === "" || (value.nodeType === undefined && !String(value).trim())) return null;
    var tr = el("tr"); tr.appendChild(el("th", {}, label));
    var td = el("td");
    if (value.nodeType) td.appendChild(value); else td.textContent = value;
    tr.appendChild(td); tbl.appendChild(tr); return td;
  }

  // papersList is the papers received, each with original/copy and count.
  function papersList(papers) {
    if (!papers || !papers.length) return null;
    var ul = el("ul", { "class": "papers" });
    papers.forEach(function (p) {
      var name = M.lang === "km" && p.name_km ? p.name_km : p.name_vi;
      var li = el("li", {}, name + " — " + (p.count || 1) + " " + M.t("paper." + p.kind));
      if (M.lang === "km") li.lang = "km";
      ul.appendChild(li);
    });
    return ul;
  }

  // scansList links each scan through a PocketBase file token (the scans are
  // protected files): a fresh token is asked for on every click, since one
  // lasts only minutes.
  var fileToken = "";
  function scanURL(name) {
    return "/api/files/dossiers/" + encodeURIComponent(state.dossier.id) + "/" + encodeURIComponent(name) + "?token=" + encodeURIComponent(fileToken);
  }
  function scansList(scans) {
    if (!scans || !scans.length) return null;
    var ul = el("ul", { "class": "scans" });
    scans.forEach(function (name) {
      var a = el("a", { "class": "scan", href: scanURL(name), target: "_blank", rel: "noopener" }, name);
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        var win = window.open("", "_blank");
        freshToken().then(function () { a.href = scanURL(name); if (win) win.location = a.href; else location.href = a.href; },
          function (err) { if (win) win.close(); M.sayError($("msg"), err); });
      });
      var li = el("li"); li.appendChild(a); ul.appendChild(li);
    });
    return ul;
  }
  function freshToken() {
    return M.api("/api/files/token", { method: "POST" }).then(function (res) { fileToken = res.token; });
  }

  function drawFacts() {
    var d = state.dossier, tbl = $("facts"); tbl.innerHTML = "";
    $("code").textContent = d.code;
    var proc = (d.expand && d.expand.procedure) || {};
    var who = (d.expand && d.expand.assignee) || {};
    row(tbl, M.t("dossier.applicant"), d.applicant_name);
    row(tbl, M.t("intake.id_number"), d.applicant_id_number);
    row(tbl, M.t("intake.old_id"), d.applicant_old_id);
    row(tbl, M.t("intake.birth_date"), d.applicant_birth_date ? M.dateText(M.parseDate(d.applicant_birth_date.slice(0, 10) + " 12:00:00Z")) : "");
    row(tbl, M.t("intake.gender"), d.applicant_gender ? M.t("intake." + d.applicant_gender) : "");
    row(tbl, M.t("intake.phone"), d.applicant_phone);
    row(tbl, M.t("intake.address"), d.applicant_address);
    row(tbl, M.t("dossier.procedure"), M.lang === "km" && proc.name_km ? proc.name_km : proc.name_vi);
    var st = row(tbl, M.t("dossier.status"), M.t("status." + d.status)); st.id = "status"; st.setAttribute("data-status", d.status);
    row(tbl, M.t("dossier.received_at"), when(d.received_at));
    var due = row(tbl, M.t("dossier.due_at"), when(d.due_at)); if (due) due.id = "due";
    row(tbl, M.t("dossier.assignee"), who.name || "");
    if (d.paused_at) row(tbl, M.t("dossier.status"), M.t("dossier.paused_since", { date: when(d.paused_at) }));
    row(tbl, M.t("intake.sets"), d.sets ? String(d.sets) : "");
    row(tbl, M.t("intake.papers_title"), papersList(d.papers));
    row(tbl, M.t("intake.scans"), scansList(d.scans));
    row(tbl, M.t("intake.notes"), d.notes);
    // Reception and mobile teams read the lookup key, and only they may print the receipt.
    $("reprint-line").classList.toggle("hidden", !d.lookup_key);
    $("reprint").href = "/receipt.html?id=" + encodeURIComponent(d.id);
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
      M.say($("msg"), "ok", function () { return M.t("workflow.done_ok", { action: M.t("action." + tr.action) }); });
      state.acted = true;
      return load();
    }, function (err) {
      var data = (err.body && err.body.data) || {};
      if (err.status === 400 && !data.key) {
        Object.keys(data).forEach(function (f) { var e = $("e-" + f); if (e) M.keep(e, function () { return M.t(data[f].code); }); });
        M.say($("msg"), "error", function () { return M.t("error.form_invalid"); });
      } else {
        M.sayError($("msg"), err);
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
          M.sayError($("msg"), { body: body }); $("print-area").innerHTML = ""; return false;
        }
        $("msg").classList.add("hidden");
        $("print-area").innerHTML = txt;
        return true;
      });
    });
  }

  // gone shows that the dossier is not (or no longer) in this account's list:
  // just handed on, or never (or no longer) given to it.
  function gone(key) {
    state.dossier = null;
    $("content").classList.add("hidden");
    $("print-area").innerHTML = "";
    $("gone").classList.remove("hidden");
    M.sayKey($("msg"), state.acted ? "ok" : "warn", key);
  }

  function load() {
    var filter = encodeURIComponent('dossier = "' + id + '"');
    return Promise.all([
      M.api("/api/collections/dossiers/records/" + id + "?expand=procedure,assignee"),
      M.api("/api/collections/dossier_events/records?perPage=500&sort=at,created&filter=" + filter),
      M.api("/api/motcua/workflow"),
      M.api("/api/collections/staff/records?perPage=500&sort=name&filter=" + encodeURIComponent('(role = "processor" || role = "leader") && disabled = false')),
      freshToken().catch(function () { /* no scans to open, or no file access */ })
    ]).then(function (res) {
      state.dossier = res[0]; state.events = res[1].items; state.table = res[2]; state.staff = res[3].items;
      $("content").classList.remove("hidden");
      $("gone").classList.add("hidden");
      draw();
    }, function (err) {
      // Not visible to this account (PocketBase answers 404 for a record the rules hide).
      if (err.status === 404) { gone(state.acted ? "page.dossier_handed_on" : "page.dossier_not_yours"); return; }
      M.sayError($("msg"), err);
    });
  }

  function draw() {
    if (!state.dossier) return;
    drawFacts(); drawHistory(); drawActions(); drawForms();
  }

  document.addEventListener("motcua:lang", draw);
  M.init().then(function (rec) {
    if (!rec) { location.href = "/"; return; }
    if (!id) { M.say($("msg"), "error", function () { return M.t("dossier.missing_id"); }); return; }
    return load();
  });
})(window.motcua);
