// motcua staff shell: translations, sign-in, API calls and messages shared by every
// staff page. Plain script, no framework, no network but the appliance itself.
(function (global) {
  "use strict";
  var AUTH_KEY = "motcua_auth";
  var M = { lang: "vi", dict: {}, auth: null };

  function cookieLang() {
    var m = document.cookie.match(/(?:^|; )lang=([a-z]{2})/);
    return m ? m[1] : "";
  }

  // t translates key with {name} placeholders; a missing key shows as itself.
  M.t = function (key, params) {
    var s = M.dict[key] || key;
    if (params) Object.keys(params).forEach(function (k) { s = s.split("{" + k + "}").join(params[k]); });
    return s;
  };

  // apply fills every element marked data-i18n (text) or data-i18n-placeholder.
  M.apply = function (root) {
    root = root || document;
    root.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = M.t(el.getAttribute("data-i18n")); });
    root.querySelectorAll("[data-i18n-placeholder]").forEach(function (el) { el.placeholder = M.t(el.getAttribute("data-i18n-placeholder")); });
    document.documentElement.lang = M.lang;
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.setAttribute("aria-current", b.getAttribute("data-set-lang") === M.lang ? "true" : "false");
    });
  };

  // setLang loads a catalogue, remembers the choice (cookie, and the staff account
  // when signed in) and redraws the page.
  M.setLang = function (lang, remember) {
    return fetch("/api/motcua/i18n/" + lang).then(function (r) { return r.json(); }).then(function (dict) {
      M.lang = lang; M.dict = dict;
      document.cookie = "lang=" + lang + "; path=/; max-age=31536000; samesite=lax";
      M.apply();
      document.dispatchEvent(new CustomEvent("motcua:lang"));
      if (remember && M.auth && (lang === "vi" || lang === "km") && M.auth.record.language !== lang) {
        return M.api("/api/collections/staff/records/" + M.auth.record.id, { method: "PATCH", body: { language: lang } })
          .then(function (rec) { M.auth.record = rec; saveAuth(); });
      }
    });
  };

  function saveAuth() { localStorage.setItem(AUTH_KEY, JSON.stringify(M.auth)); }

  // api calls the appliance with the staff token; errors reject with an Error whose
  // data is PocketBase's error body (with our message key in data.key).
  M.api = function (path, opts) {
    opts = opts || {};
    var headers = { "Accept": "application/json" };
    var body = opts.body;
    if (body && !(body instanceof FormData)) { headers["Content-Type"] = "application/json"; body = JSON.stringify(body); }
    if (M.auth) headers["Authorization"] = M.auth.token;
    return fetch(path, { method: opts.method || "GET", headers: headers, body: body }).then(function (r) {
      return r.text().then(function (txt) {
        var data = null;
        try { data = txt ? JSON.parse(txt) : null; } catch (e) { data = null; }
        if (!r.ok) {
          var err = new Error((data && data.message) || r.statusText);
          err.status = r.status; err.body = data || {};
          if (r.status === 401 && M.auth && path.indexOf("auth-with-password") < 0) { M.signOut(); }
          throw err;
        }
        return data;
      });
    }, function () { var err = new Error("network"); err.status = 0; err.body = { data: { key: "error.network" } }; throw err; });
  };

  // errorText turns an API error into a message in the page's language: our
  // message key when the server sent one, else a key for the status (PocketBase's
  // own messages are English, which no one at the counter may read).
  var STATUS_KEYS = { 0: "error.network", 400: "error.form_invalid", 401: "error.sign_in_required",
    403: "error.role_forbidden", 404: "error.not_found" };
  M.errorText = function (err) {
    var d = (err && err.body && err.body.data) || {};
    if (d.key) return M.t(d.key);
    var k = err && STATUS_KEYS[err.status];
    return M.t(k || "error.generic");
  };

  // keep puts text(), a function, into el now and again after every language
  // switch, so a message stays in the page's language (keep the key, not the
  // words). A plain string is shown as it is.
  var kept = [];
  M.keep = function (el, text) {
    el._motcuaText = typeof text === "function" ? text : null;
    el.textContent = el._motcuaText ? el._motcuaText() : (text || "");
    if (el._motcuaText && kept.indexOf(el) < 0) kept.push(el);
  };
  document.addEventListener("motcua:lang", function () {
    kept = kept.filter(function (el) { return el.isConnected; }); // forms redrawn since
    kept.forEach(function (el) { if (el._motcuaText) el.textContent = el._motcuaText(); });
  });

  // say shows a result at once in the element given (kind: ok, error, warn);
  // text is a string or a function (see keep). The element's own classes (such
  // as no-print) are kept.
  M.say = function (el, kind, text) {
    el.classList.remove("ok", "error", "warn", "hidden");
    el.classList.add("msg", kind);
    M.keep(el, text);
  };
  // sayKey shows a catalogue message that follows the language.
  M.sayKey = function (el, kind, key, params) { M.say(el, kind, function () { return M.t(key, params); }); };
  // sayError shows an API error that follows the language.
  M.sayError = function (el, err) { M.say(el, "error", function () { return M.errorText(err); }); };

  M.signIn = function (identity, password) {
    return M.api("/api/collections/staff/auth-with-password", { method: "POST", body: { identity: identity, password: password } })
      .then(function (res) { M.auth = { token: res.token, record: res.record }; saveAuth(); return res.record; });
  };

  M.signOut = function () {
    M.auth = null; localStorage.removeItem(AUTH_KEY);
    document.dispatchEvent(new CustomEvent("motcua:auth"));
  };

  // init restores the session and the language, then resolves with the staff record (or null).
  M.init = function () {
    try { M.auth = JSON.parse(localStorage.getItem(AUTH_KEY) || "null"); } catch (e) { M.auth = null; }
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.addEventListener("click", function () { M.setLang(b.getAttribute("data-set-lang"), true); });
    });
    var lang = (M.auth && M.auth.record.language) || cookieLang() || "vi";
    var refresh = M.auth ? M.api("/api/collections/staff/auth-refresh", { method: "POST" }).then(function (res) {
      M.auth = { token: res.token, record: res.record }; saveAuth(); lang = res.record.language || lang;
    }, function () { M.signOut(); }) : Promise.resolve();
    return refresh.then(function () { return M.setLang(lang, false); }).then(M.loadField).then(function () { return M.auth && M.auth.record; });
  };

  // loadField asks whether this appliance is a mobile team's laptop and, if so,
  // shows the team and the school site of the day in a banner on every staff page
  // (not printed). Pages read M.field; "motcua:field" tells them it changed.
  M.field = { mode: "centre" };
  M.loadField = function () {
    return M.api("/api/motcua/field/status").then(function (st) {
      M.field = st || { mode: "centre" };
      M.drawFieldBanner();
      document.dispatchEvent(new CustomEvent("motcua:field"));
    }, function () { /* an older centre without field mode: no banner */ });
  };
  M.drawFieldBanner = function () {
    var el = document.getElementById("field-banner");
    if (M.field.mode !== "field") { if (el) el.remove(); return; }
    if (!el) {
      el = document.createElement("div");
      el.id = "field-banner"; el.className = "field-banner no-print"; el.setAttribute("role", "status");
      document.body.insertBefore(el, document.body.firstChild);
    }
    el.textContent = M.t("field.banner", { team: M.field.team, location: M.field.location || M.t("field.no_location") });
    el.classList.toggle("warn", !M.field.location);
  };
  document.addEventListener("motcua:lang", function () { if (M.field.mode === "field") M.drawFieldBanner(); });

  // dateText writes an instant day first, dd/mm/yyyy (and HH:MM after it with
  // withTime), in the office's time zone, for every language. Built from
  // formatToParts by hand because no locale gives this: Chromium has no Khmer
  // date data and formats "km-KH" as en-US (month first), and "vi-VN" puts
  // the time before the date.
  M.dateText = function (d, withTime) {
    if (!(d instanceof Date) || isNaN(d.getTime())) return "";
    var o = { timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit" };
    if (withTime) { o.hour = "2-digit"; o.minute = "2-digit"; o.hourCycle = "h23"; }
    var p = {};
    new Intl.DateTimeFormat("en-GB", o).formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    var s = p.day + "/" + p.month + "/" + p.year;
    return withTime ? s + " " + p.hour + ":" + p.minute : s;
  };

  // parseDate reads PocketBase's "2026-08-18 09:30:00.000Z" (or ISO) as a Date.
  M.parseDate = function (s) { return s ? new Date(String(s).replace(" ", "T")) : null; };

  // openRating shows the citizen-facing rating screen for a dossier in the
  // window named "motcua-rate" (the second screen), reusing it each time.
  M.openRating = function (dossierId, scale) {
    return window.open("/rate.html?dossier=" + encodeURIComponent(dossierId) + "&scale=" + (scale === 3 ? 3 : 5), "motcua-rate");
  };

  // The staff pages share one header: the way home and the language switch.
  // Pages mark it <header class="top" data-shell></header>; it is filled here,
  // before the page's own script binds anything.
  var shell = document.querySelector("header[data-shell]");
  if (shell && !shell.children.length) {
    shell.innerHTML = '<div class="office"><a href="/" data-i18n="shell.staff_title">Trang cán bộ một cửa</a></div>' +
      '<nav class="lang"><button type="button" data-set-lang="vi">Tiếng Việt</button>' +
      '<button type="button" data-set-lang="km" lang="km">ខ្មែរ</button>' +
      '<button type="button" data-set-lang="en">English</button></nav>';
  }

  global.motcua = M;
})(window);
