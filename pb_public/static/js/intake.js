// The counter intake page: scan the ID card, pick the procedure, tick the papers,
// see the due date, save, and open the receipt ready to print. The ID-card QR is
// parsed by the server (POST /api/motcua/idcard/parse) so that the page and the
// server never disagree about a name or a garbled scan.
(function (M) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var MAX_SCAN = 10 * 1024 * 1024; // the dossiers.scans field's limit per file
  var MAX_SCANS = 10;               // and its number of files
  // The first bytes of each file type the dossiers.scans field accepts: the
  // server checks the content, not the name, so the page does too, and can say
  // which file is wrong before the upload.
  var SCAN_MAGIC = { "application/pdf": [0x25, 0x50, 0x44, 0x46], "image/jpeg": [0xFF, 0xD8, 0xFF], "image/png": [0x89, 0x50, 0x4E, 0x47] };
  var SCAN_EXT = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };
  // PocketBase's own file validation codes, should the server pass one on.
  var SCAN_CODES = { validation_invalid_mime_type: "error.scan_type", validation_file_size_limit: "error.scan_size",
    validation_too_many_files: "error.scan_too_many", validation_invalid_file: "error.scan_unreadable" };
  // The card's fields: a failed scan empties them all, so the previous
  // citizen's data can never be saved under the next one.
  var CARD_FIELDS = ["applicant_id_number", "applicant_old_id", "applicant_name", "applicant_birth_date", "applicant_gender", "applicant_address"];
  var procedures = [], chosen = null;
  var FIELD_OF_CARD = { id: "applicant_id_number", old_id: "applicant_old_id", name: "applicant_name",
    birth_date: "applicant_birth_date", gender: "applicant_gender", address: "applicant_address" };

  function clearErrors() {
    document.querySelectorAll(".field-error").forEach(function (el) { M.keep(el, ""); });
    document.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  // fieldError shows a keyed message beside a field, in the page's language
  // now and after a switch.
  function fieldError(field, key, params) {
    var el = document.querySelector('[data-error-for="' + field + '"]');
    if (el) M.keep(el, function () { return M.t(key, params); });
    var input = $(field);
    if (input) input.setAttribute("aria-invalid", "true");
    return !!el;
  }

  // showError puts each keyed field error beside its field, the rest on top.
  function showError(err) {
    var data = (err.body && err.body.data) || {};
    var shown = false;
    Object.keys(data).forEach(function (f) {
      if (!data[f] || !data[f].code) return;
      if (f === "scans") { shown = scanServerError(data[f].code, data[f].params) || shown; return; }
      shown = fieldError(f, data[f].code) || shown;
    });
    M.say($("msg"), "error", function () { return shown ? M.t("error.form_invalid") : M.errorText(err); });
  }

  // --- ID card scan -------------------------------------------------------
  // readCard is the one path from QR text to filled fields, for the USB scanner
  // (which types into #scan), typing by hand and the webcam alike.
  var scanTimer = null;
  function readCard(text) {
    clearTimeout(scanTimer);
    if (!text.trim()) return;
    $("scan").value = text;
    M.keep($("scan-error"), "");
    $("scan").removeAttribute("aria-invalid");
    M.api("/api/motcua/idcard/parse", { method: "POST", body: { text: text } }).then(function (card) {
      $("applicant_id_number").value = card.id || "";
      $("applicant_old_id").value = card.old_id || "";
      $("applicant_name").value = card.name || "";
      $("applicant_birth_date").value = card.birth_date || "";
      $("applicant_gender").value = card.gender || "";
      $("applicant_address").value = card.address || "";
      $("scan").value = "";
      M.say($("msg"), "ok", function () { return M.t("intake.scan_ok"); });
      $("proc-search").focus();
    }, function (err) {
      var d = (err.body && err.body.data) || {};
      CARD_FIELDS.forEach(function (f) { $(f).value = ""; });
      M.keep($("scan-error"), function () { return M.errorText(err); });
      $("scan").setAttribute("aria-invalid", "true");
      if (d.field && FIELD_OF_CARD[d.field]) fieldError(FIELD_OF_CARD[d.field], d.key);
      M.say($("msg"), d.key === "error.idcard_garbled" ? "warn" : "error", function () { return M.errorText(err); });
    });
  }
  $("scan").addEventListener("keydown", function (ev) {
    // A USB scanner ends the code with Enter: parse instead of submitting the form.
    if (ev.key === "Enter") { ev.preventDefault(); readCard($("scan").value); }
  });
  $("scan").addEventListener("input", function () {
    clearTimeout(scanTimer);
    if (($("scan").value.match(/\|/g) || []).length >= 5) scanTimer = setTimeout(function () { readCard($("scan").value); }, 400);
  });

  // --- webcam -------------------------------------------------------------
  // The webcam reads the same QR in the browser: BarcodeDetector where the browser
  // has it for QR codes, else the embedded jsQR on about five frames a second.
  // getUserMedia exists only in a secure context (https or localhost), so a PC that
  // opens the appliance by LAN IP over http is told to use the USB scanner.
  var cam = null, frame = document.createElement("canvas");
  function jsqrDetect(src) {
    var w = src.videoWidth || src.naturalWidth || src.width, h = src.videoHeight || src.naturalHeight || src.height;
    if (!w || !h) return Promise.resolve("");
    frame.width = w; frame.height = h;
    var ctx = frame.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(src, 0, 0, w, h);
    var code = jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "attemptBoth" });
    if (!code) return Promise.resolve("");
    // jsQR leaves data empty for bytes that are not UTF-8: decode them anyway so
    // the server sees the text and flags it as garbled instead of nothing happening.
    return Promise.resolve(code.data || new TextDecoder().decode(new Uint8Array(code.binaryData)));
  }
  function makeDetector() {
    if (!("BarcodeDetector" in window) || !window.BarcodeDetector.getSupportedFormats) return Promise.resolve(jsqrDetect);
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) return jsqrDetect;
      var d = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function (src) { return d.detect(src).then(function (codes) { return codes.length ? codes[0].rawValue : ""; }); };
    }, function () { return jsqrDetect; });
  }
  function cameraError(key) {
    M.keep($("scan-error"), function () { return M.t(key); });
    M.say($("msg"), "error", function () { return M.t(key); });
  }
  function stopCamera() {
    if (!cam) return;
    clearTimeout(cam.timer);
    if (cam.stream) cam.stream.getTracks().forEach(function (tr) { tr.stop(); });
    cam = null;
    $("camera-video").srcObject = null;
    $("camera-panel").classList.add("hidden");
    $("camera-start").disabled = false;
  }
  function scanFrame(me) {
    if (cam !== me) return;
    me.detect($("camera-video")).then(function (text) {
      if (cam !== me) return;
      if (text) { stopCamera(); readCard(text); return; }
      me.timer = setTimeout(function () { scanFrame(me); }, 200);
    }, function () { if (cam === me) me.timer = setTimeout(function () { scanFrame(me); }, 200); });
  }
  function startCamera() {
    M.keep($("scan-error"), "");
    if (!window.isSecureContext) { cameraError("intake.camera_insecure"); return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { cameraError("intake.camera_failed"); return; }
    if (cam) return;
    var me = cam = { timer: null, stream: null, detect: null };
    $("camera-start").disabled = true;
    makeDetector().then(function (detect) {
      me.detect = detect;
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    }).then(function (stream) {
      if (cam !== me) { stream.getTracks().forEach(function (tr) { tr.stop(); }); return; }
      me.stream = stream;
      var v = $("camera-video");
      v.srcObject = stream;
      $("camera-panel").classList.remove("hidden");
      return v.play().then(function () { scanFrame(me); });
    }).catch(function (err) {
      if (cam !== me) return;
      stopCamera();
      var name = err && err.name;
      if (name === "NotAllowedError" || name === "SecurityError") cameraError("intake.camera_denied");
      else if (name === "NotFoundError" || name === "OverconstrainedError") cameraError("intake.camera_none");
      else cameraError("intake.camera_failed");
    });
  }
  $("camera-start").addEventListener("click", startCamera);
  $("camera-stop").addEventListener("click", stopCamera);
  window.addEventListener("pagehide", stopCamera);

  // --- procedure ----------------------------------------------------------
  function procName(p) {
    return M.lang === "km" ? p.name_km : p.name_vi;
  }
  function procOther(p) {
    return M.lang === "km" ? p.name_vi : p.name_km;
  }
  function searchProcedures() {
    var terms = motcuaFold($("proc-search").value).split(" ").filter(Boolean);
    var list = $("proc-results"); list.innerHTML = "";
    if (!terms.length) return;
    procedures.filter(function (p) {
      return terms.every(function (t) { return p._fold.indexOf(t) >= 0; });
    }).slice(0, 8).forEach(function (p) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button"; b.className = "secondary proc-option"; b.setAttribute("data-id", p.id);
      b.textContent = procName(p);
      var sub = document.createElement("span"); sub.className = "sub"; sub.textContent = procOther(p) + " · " + p.code;
      if (M.lang !== "km") sub.lang = "km";
      b.appendChild(sub);
      b.addEventListener("click", function () { choose(p); });
      li.appendChild(b); list.appendChild(li);
    });
  }
  $("proc-search").addEventListener("input", searchProcedures);

  function choose(p) {
    chosen = p;
    $("proc-results").innerHTML = "";
    $("proc-search").value = "";
    var c = $("proc-chosen"); c.classList.remove("hidden");
    c.textContent = procName(p) + " (" + p.code + ")";
    drawPapers();
    showDue();
  }

  // paperLabel is a paper's name in the page's language, marked optional
  // unless its name already says so ("… (nếu có)").
  function paperLabel(paper) {
    var name = M.lang === "km" ? paper.name_km : paper.name_vi;
    var marked = /\((nếu có|បើមាន|ប្រសិនបើមាន)\)\s*$/.test(name) || /\(nếu có\)\s*$/.test(paper.name_vi || "");
    return name + (paper.required || marked ? "" : " (" + M.t("catalogue.optional") + ")");
  }

  // drawPapers lays out the chosen procedure's papers, unticked; a language
  // switch only relabels them (labelPapers), so what was ticked and typed stays.
  function drawPapers() {
    var tbl = $("papers"); tbl.innerHTML = "";
    (chosen.papers || []).forEach(function (paper, i) {
      var tr = document.createElement("tr"); tr.className = "paper-row"; tr.setAttribute("data-index", i);
      var td1 = document.createElement("td");
      var cb = document.createElement("input"); cb.type = "checkbox"; cb.id = "paper-" + i; cb.className = "paper-got";
      var lab = document.createElement("label"); lab.htmlFor = cb.id; lab.className = "inline";
      td1.appendChild(cb); td1.appendChild(lab);
      var td2 = document.createElement("td");
      var kind = document.createElement("select"); kind.className = "paper-kind";
      ["original", "copy"].forEach(function (k) {
        var o = document.createElement("option"); o.value = k; kind.appendChild(o);
      });
      kind.value = paper.kind;
      td2.appendChild(kind);
      var td3 = document.createElement("td");
      var n = document.createElement("input"); n.type = "number"; n.min = 1; n.max = 99; n.value = paper.count || 1; n.className = "paper-count";
      td3.appendChild(n);
      tr.appendChild(td1); tr.appendChild(td2); tr.appendChild(td3);
      tbl.appendChild(tr);
    });
    labelPapers();
    $("papers-box").classList.remove("hidden");
  }

  function labelPapers() {
    document.querySelectorAll("#papers .paper-row").forEach(function (tr) {
      var paper = chosen.papers[Number(tr.getAttribute("data-index"))];
      var lab = tr.querySelector("label");
      lab.textContent = paperLabel(paper);
      lab.lang = M.lang === "km" ? "km" : "vi";
      tr.querySelectorAll(".paper-kind option").forEach(function (o) { o.textContent = M.t("paper." + o.value); });
    });
  }

  function tickedPapers() {
    var out = [];
    document.querySelectorAll("#papers .paper-row").forEach(function (tr) {
      if (!tr.querySelector(".paper-got").checked) return;
      out.push({ index: Number(tr.getAttribute("data-index")), kind: tr.querySelector(".paper-kind").value,
        count: Number(tr.querySelector(".paper-count").value) });
    });
    return out;
  }

  // keyIn is the emergency-receipt mode (intake_emergency.js) when it is on.
  function keyIn() { return M.intakeMode && M.intakeMode.active() ? M.intakeMode : null; }

  function showDue() {
    M.keep($("due"), function () { return M.t("shell.loading"); });
    var at = keyIn() ? keyIn().at() : "";
    M.api("/api/motcua/due-date?procedure=" + encodeURIComponent(chosen.id) + (at ? "&at=" + encodeURIComponent(at) : "")).then(function (res) {
      M.keep($("due"), function () { return M.t("intake.due", { date: M.dateText(new Date(res.due_at), true) }); });
    }, function (err) { M.keep($("due"), function () { return M.errorText(err); }); });
  }

  // --- scans --------------------------------------------------------------
  // checkScans resolves with the first problem of the chosen files as
  // {key, name}, or null: too many, a type the field refuses, too large, or
  // content that is not what the name says (read from the first bytes).
  function checkScans(files) {
    if (files.length > MAX_SCANS) return Promise.resolve({ key: "error.scan_too_many", name: "" });
    return files.reduce(function (prev, f) {
      return prev.then(function (bad) {
        if (bad) return bad;
        var ext = (f.name.split(".").pop() || "").toLowerCase();
        var type = SCAN_MAGIC[f.type] ? f.type : (!f.type && SCAN_EXT[ext]) || "";
        if (!type) return { key: "error.scan_type", name: f.name };
        if (f.size > MAX_SCAN) return { key: "error.scan_size", name: f.name };
        return f.slice(0, 8).arrayBuffer().then(function (buf) {
          var head = new Uint8Array(buf);
          var ok = Object.keys(SCAN_MAGIC).some(function (t) {
            return SCAN_MAGIC[t].every(function (b, i) { return head[i] === b; });
          });
          return ok ? null : { key: "error.scan_unreadable", name: f.name };
        }, function () { return { key: "error.scan_unreadable", name: f.name }; });
      });
    }, Promise.resolve(null));
  }

  // scanServerError shows the server's answer about the scans: a PocketBase
  // file code mapped to our keys, our own key (with the file it names), or,
  // for the generic "value invalid", the reasons the server can have.
  function scanServerError(code, params) {
    var names = (params && params.name) || Array.prototype.map.call($("scans").files || [], function (f) { return f.name; }).join(", ");
    var key = SCAN_CODES[code] || (code === "error.value_invalid" ? "error.scan_rejected" : code);
    return fieldError("scans", key, { name: names });
  }

  // --- SMS consent (hooks/notify) ------------------------------------------
  // The language is asked only of a citizen who wants SMS; a Khmer page
  // suggests Khmer.
  $("sms_consent").addEventListener("change", function () {
    $("sms_language").disabled = !$("sms_consent").checked;
    if ($("sms_consent").checked && M.lang === "km") $("sms_language").value = "km";
  });

  // --- save ---------------------------------------------------------------
  function payload() {
    var body = {};
    ["applicant_name", "applicant_id_number", "applicant_old_id", "applicant_birth_date", "applicant_gender",
      "applicant_address", "applicant_phone", "notes"].forEach(function (f) { body[f] = $(f).value; });
    body.sets = Number($("sets").value) || 1;
    body.procedure = chosen ? chosen.id : "";
    body.papers = tickedPapers();
    // SMS notices: consent and language (hooks/notify).
    body.sms_consent = $("sms_consent").checked;
    body.sms_language = body.sms_consent ? $("sms_language").value : "";
    // Opened from the counter page for a called queue ticket: link the two.
    var ticket = new URLSearchParams(location.search).get("ticket");
    if (ticket) body.ticket = ticket;
    return body;
  }

  $("intake").addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearErrors();
    var files = Array.prototype.slice.call($("scans").files || []);
    checkScans(files).then(function (bad) {
      if (bad) {
        fieldError("scans", bad.key, { name: bad.name });
        M.say($("msg"), "error", function () { return M.t("error.form_invalid"); });
        return;
      }
      save(files);
    });
  });

  function save(files) {
    var body = payload();
    var mode = keyIn();
    if (mode) mode.extend(body);
    if (files.length) {
      var fd = new FormData();
      fd.append("@jsonPayload", JSON.stringify(body));
      files.forEach(function (f) { fd.append("scans", f); });
      body = fd;
    }
    var btn = $("save"); btn.disabled = true;
    M.say($("msg"), "ok", function () { return M.t("intake.saving"); });
    M.api(mode ? mode.url : "/api/collections/dossiers/records", { method: "POST", body: body }).then(function (rec) {
      M.say($("msg"), "ok", function () { return M.t("intake.saved", { code: rec.code }); });
      location.href = "/receipt.html?id=" + encodeURIComponent(rec.id) + (mode ? "" : "&print=1");
    }, function (err) {
      btn.disabled = false;
      showError(err);
    });
  }

  // --- forms 02 and 03 for a dossier not taken in -------------------------
  function printNotice(kind) {
    clearErrors();
    if (!chosen) { fieldError("procedure", "error.procedure_required"); M.say($("msg"), "error", function () { return M.t("error.procedure_required"); }); return; }
    var body = payload();
    var req = { kind: kind, procedure: body.procedure, applicant_name: body.applicant_name,
      applicant_address: body.applicant_address, applicant_phone: body.applicant_phone,
      papers: body.papers, reason: $("reason").value };
    fetch("/api/motcua/intake/notice", { method: "POST", headers: { "Content-Type": "application/json", "Authorization": M.auth.token },
      body: JSON.stringify(req) }).then(function (r) {
      return r.text().then(function (t) {
        if (!r.ok) { var e = new Error("notice"); e.status = r.status; try { e.body = JSON.parse(t); } catch (x) { e.body = {}; } throw e; }
        return t;
      });
    }).then(function (html) {
      var n = $("notice"); n.innerHTML = html; n.classList.remove("hidden");
      M.say($("msg"), "ok", function () { return M.t("intake.notice_ready"); });
      document.fonts.ready.then(function () { window.print(); });
    }, showError);
  }
  $("print-supplement").addEventListener("click", function () { printNotice("supplement"); });
  $("print-refusal").addEventListener("click", function () { printNotice("refusal"); });

  document.addEventListener("motcua:intake-mode", function () { if (chosen) showDue(); });
  document.addEventListener("motcua:lang", function () {
    if (!chosen) return;
    labelPapers();
    $("proc-chosen").textContent = procName(chosen) + " (" + chosen.code + ")";
  });

  M.init().then(function (rec) {
    if (!rec || (rec.role !== "reception" && rec.role !== "field")) {
      $("need-sign-in").classList.remove("hidden");
      if (rec) M.say($("msg"), "error", function () { return M.t("error.role_forbidden"); });
      return;
    }
    $("intake").classList.remove("hidden");
    $("scan").focus();
    return M.api("/api/collections/procedures/records?perPage=500&sort=name_vi&filter=" + encodeURIComponent("active=true")).then(function (res) {
      procedures = res.items.map(function (p) {
        p._fold = motcuaFold([p.code, p.name_vi, p.name_km, p.field_vi, p.field_km].join(" "));
        return p;
      });
      // What was typed before the list arrived is searched now.
      searchProcedures();
      document.body.setAttribute("data-ready", "true");
    });
  }).catch(function (err) { M.sayError($("msg"), err); });
})(window.motcua);
