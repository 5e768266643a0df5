// motcua lobby devices (kiosk and TV): a device account signed in once, both
// citizen languages side by side, the queue API, and a realtime connection that
// reconnects and resubscribes by itself. Plain script, no framework.
(function (global) {
  "use strict";
  var KEY = "motcua_device";
  var HEARTBEAT = "motcua_heartbeat";
  // A beat comes every 25 s; two missed beats mean a dead connection.
  var WATCHDOG_MS = 60000;
  var Q = { dict: { vi: {}, km: {} }, auth: null };

  // t translates key into lang with {name} placeholders; a missing key shows as itself.
  Q.t = function (lang, key, params) {
    var s = Q.dict[lang][key] || Q.dict.vi[key] || key;
    if (params) Object.keys(params).forEach(function (k) { s = s.split("{" + k + "}").join(params[k]); });
    return s;
  };

  // bi fills el with the Vietnamese text and the Khmer text beneath it.
  Q.bi = function (el, key, params) {
    Q.biText(el, { vi: Q.t("vi", key, params), km: Q.t("km", key, params) });
  };

  // biText fills el with ready texts {vi, km}.
  Q.biText = function (el, texts) {
    el.textContent = "";
    var v = document.createElement("span"); v.lang = "vi"; v.className = "vi"; v.textContent = texts.vi;
    var k = document.createElement("span"); k.lang = "km"; k.className = "km"; k.textContent = texts.km;
    el.appendChild(v); el.appendChild(k);
  };

  // applyBi fills every element marked data-bi="key".
  Q.applyBi = function (root) {
    (root || document).querySelectorAll("[data-bi]").forEach(function (el) { Q.bi(el, el.getAttribute("data-bi")); });
  };

  Q.loadDicts = function () {
    return Promise.all(["vi", "km"].map(function (lang) {
      return fetch("/api/motcua/i18n/" + lang).then(function (r) { return r.json(); }).then(function (d) { Q.dict[lang] = d; });
    }));
  };

  // api calls the appliance with the device token; errors reject with an Error
  // carrying PocketBase's error body (our message key and texts in body.data).
  Q.api = function (path, opts) {
    opts = opts || {};
    var headers = { "Accept": "application/json" };
    var body = opts.body;
    if (body) { headers["Content-Type"] = "application/json"; body = JSON.stringify(body); }
    if (Q.auth) headers["Authorization"] = Q.auth.token;
    return fetch(path, { method: opts.method || "GET", headers: headers, body: body, cache: "no-store" }).then(function (r) {
      return r.text().then(function (txt) {
        var data = null;
        try { data = txt ? JSON.parse(txt) : null; } catch (e) { data = null; }
        if (!r.ok) {
          var err = new Error((data && data.message) || r.statusText);
          err.status = r.status; err.body = data || {};
          throw err;
        }
        return data;
      });
    }, function () { var err = new Error("network"); err.status = 0; err.body = { data: { key: "error.network" } }; throw err; });
  };

  // errorTexts gives an API error in both citizen languages.
  Q.errorTexts = function (err) {
    var d = (err && err.body && err.body.data) || {};
    if (d.vi && d.km) return { vi: d.vi, km: d.km };
    var key = d.key || "error.generic";
    return { vi: Q.t("vi", key), km: Q.t("km", key) };
  };

  function save() { localStorage.setItem(KEY, JSON.stringify(Q.auth)); }

  Q.signIn = function (username, password) {
    return Q.api("/api/collections/devices/auth-with-password", { method: "POST", body: { identity: username, password: password } })
      .then(function (res) { Q.auth = { token: res.token, record: res.record }; save(); return res.record; });
  };

  Q.signOut = function () { Q.auth = null; localStorage.removeItem(KEY); };

  // refresh renews the device token (30 days), so a screen left on never expires.
  Q.refresh = function () {
    return Q.api("/api/collections/devices/auth-refresh", { method: "POST" }).then(function (res) {
      Q.auth = { token: res.token, record: res.record }; save(); return res.record;
    }, function (err) {
      if (err.status === 401 || err.status === 403 || err.status === 404) Q.signOut();
      return Q.auth && Q.auth.record; // offline: keep the token we have
    });
  };

  // init loads both catalogues and restores the device session; it resolves with
  // the device record when it is of the wanted kind, otherwise null.
  Q.init = function (kind) {
    try { Q.auth = JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { Q.auth = null; }
    var dicts = Q.loadDicts();
    var auth = Q.auth ? Q.refresh() : Promise.resolve(null);
    setInterval(function () { if (Q.auth) Q.refresh(); }, 12 * 3600 * 1000);
    return Promise.all([dicts, auth]).then(function (r) {
      Q.applyBi();
      var rec = r[1];
      return rec && rec.kind === kind ? rec : null;
    });
  };

  // signInForm wires a form with #device-username and #device-password; done
  // runs once a device of the wanted kind has signed in.
  Q.signInForm = function (form, msg, kind, done) {
    form.classList.remove("hidden");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      Q.signIn(form.querySelector("#device-username").value.trim(), form.querySelector("#device-password").value).then(function (rec) {
        if (rec.kind !== kind) { Q.signOut(); Q.bi(msg, "device.wrong_kind"); msg.classList.remove("hidden"); return; }
        form.classList.add("hidden"); msg.classList.add("hidden");
        done(rec);
      }, function (err) {
        if (err.status === 400) Q.bi(msg, "device.sign_in_failed"); else Q.biText(msg, Q.errorTexts(err));
        msg.classList.remove("hidden");
      });
    });
  };

  // live keeps a PocketBase realtime connection: EventSource on /api/realtime,
  // and on every PB_CONNECT (the first, and each after PocketBase's idle or
  // 30-minute cut or a network blip) it subscribes again with a POST, then calls
  // onReady (to fetch the current state) before reporting connected. Silence
  // longer than two heartbeats, an error or the browser coming back online
  // restarts it, with a growing pause (0.5 s to 10 s) while the server is away.
  //   opts.topics: realtime topics, e.g. ["tickets/*"]
  //   opts.onMessage(topic, data), opts.onReady() → promise, opts.onState(connected)
  Q.live = function (opts) {
    var es = null, retry = null, watchdog = null, delay = 500, generation = 0;
    function state(connected) { if (opts.onState) opts.onState(connected); }
    function kick() {
      clearTimeout(watchdog);
      watchdog = setTimeout(function () { restart(); }, WATCHDOG_MS);
    }
    function restart(now) {
      generation++;
      if (es) { es.close(); es = null; }
      clearTimeout(watchdog);
      state(false);
      clearTimeout(retry);
      retry = setTimeout(connect, now ? 0 : delay);
      delay = Math.min(delay * 2, 10000);
    }
    function connect() {
      var gen = ++generation;
      es = new EventSource("/api/realtime");
      es.addEventListener("PB_CONNECT", function (ev) {
        kick();
        var id = JSON.parse(ev.data).clientId;
        Q.api("/api/realtime", { method: "POST", body: { clientId: id, subscriptions: opts.topics.concat([HEARTBEAT]) } })
          .then(function () { return opts.onReady(); })
          .then(function () { if (gen === generation) { delay = 500; state(true); } }, function () { if (gen === generation) restart(); });
      });
      opts.topics.forEach(function (topic) {
        es.addEventListener(topic, function (ev) {
          kick();
          var data = null;
          try { data = JSON.parse(ev.data); } catch (e) { return; }
          opts.onMessage(topic, data);
        });
      });
      es.addEventListener(HEARTBEAT, kick);
      // PocketBase ends the stream on its timeouts; the browser would retry on
      // its own after ~3 s, but we want our own pause, resubscribe and refetch.
      es.onerror = function () { if (gen === generation) restart(); };
    }
    global.addEventListener("online", function () { delay = 500; restart(true); });
    connect();
    return { restart: restart };
  };

  // clock formats an instant as HH:MM in the office's time zone.
  Q.clock = function (d) {
    return new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", hour12: false }).format(d);
  };

  // dateTime formats an instant as dd/mm/yyyy HH:MM in the office's time zone,
  // day first as Vietnamese and Khmer readers write it (see app.js dateText:
  // no locale gives this order with the time after the date).
  Q.dateTime = function (d) {
    var p = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return p.day + "/" + p.month + "/" + p.year + " " + p.hour + ":" + p.minute;
  };

  // parseDate reads PocketBase's "2026-08-18 09:30:00.000Z".
  Q.parseDate = function (s) { return s ? new Date(s.replace(" ", "T")) : null; };

  global.motcuaQueue = Q;
})(window);
