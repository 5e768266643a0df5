// The lobby TV: the ticket at each counter and the last calls, live through
// PocketBase realtime; each call is said by voice.js (chime, recorded clips in
// the ticket's language, the browser's voice where a clip is missing) and is
// always shown as text in both languages, whatever the sound does.
(function (Q) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var counters = {};   // counter id → {number, name, current}
  var order = [];      // counter ids by number
  var lastCalls = [];  // tickets, newest first
  var seen = {};       // "id:recalls" of calls already announced
  var V = window.motcuaVoice;
  var audio = null, announceTimer = null, voiceTimer = null;
  var LAST = 8;

  function callKey(t) { return t.id + ":" + (t.recalls || 0); }

  function setBoard(b) {
    counters = {}; order = [];
    b.counters.forEach(function (c) {
      counters[c.id] = { number: c.number, name: c.name, current: c.current };
      order.push(c.id);
      if (c.current) seen[callKey(c.current)] = true;
    });
    lastCalls = b.last_calls.slice(0, LAST);
    lastCalls.forEach(function (t) { seen[callKey(t)] = true; });
    draw();
  }

  function counterNumber(id) { return counters[id] ? counters[id].number : "?"; }

  function draw() {
    var box = $("counters"); box.textContent = "";
    order.forEach(function (id) {
      var c = counters[id];
      var div = document.createElement("div"); div.className = "display-counter"; div.id = "counter-" + id;
      var name = document.createElement("div"); name.className = "name bi";
      Q.bi(name, "display.counter", { n: c.number });
      var code = document.createElement("div"); code.className = "code";
      code.textContent = c.current ? c.current.code : "—";
      if (c.current && c.current.status === "called") div.classList.add("calling");
      div.appendChild(name); div.appendChild(code); box.appendChild(div);
    });
    var ol = $("last-calls"); ol.textContent = "";
    lastCalls.forEach(function (t) {
      var li = document.createElement("li");
      var code = document.createElement("span"); code.className = "code"; code.textContent = t.code;
      var to = document.createElement("span"); to.className = "to bi";
      Q.bi(to, "display.counter", { n: counterNumber(t.counter) });
      li.appendChild(code); li.appendChild(to); ol.appendChild(li);
    });
  }

  // spokenCode reads "A012" as "A 12", which voices say as a letter and a number.
  function spokenCode(code) { return code.replace(/^([A-Z])0*(\d+)$/, "$1 $2"); }

  // announce shows the call in both languages while voice.js says it (after
  // the calls before it): chime, clips in the ticket's language, fallbacks.
  function announce(t) {
    var n = counterNumber(t.counter);
    var el = $("announce");
    V.announce({
      code: t.code, counter: n, language: t.language || "",
      text: function (lang) { return Q.t(lang, "display.call_text", { code: spokenCode(t.code), n: n }); },
      onStart: function () {
        Q.biText(el, { vi: Q.t("vi", "display.call_text", { code: t.code, n: n }), km: Q.t("km", "display.call_text", { code: t.code, n: n }) });
        el.classList.remove("hidden");
        clearTimeout(announceTimer);
        announceTimer = setTimeout(function () { el.classList.add("hidden"); }, 10000);
      }
    });
  }

  function onTicket(topic, msg) {
    if (topic === "voice_clips/*") { clearTimeout(voiceTimer); voiceTimer = setTimeout(V.load, 500); return; }
    var t = msg.record;
    if (!t || !t.counter || !counters[t.counter]) return;
    var c = counters[t.counter];
    if (t.status === "called" || t.status === "serving") {
      c.current = t;
    } else if (c.current && c.current.id === t.id) {
      c.current = null;
    }
    if (t.status === "called" && !seen[callKey(t)]) {
      seen[callKey(t)] = true;
      lastCalls = [t].concat(lastCalls.filter(function (x) { return x.id !== t.id; })).slice(0, LAST);
      draw();
      announce(t);
      return;
    }
    draw();
  }

  function refetch() {
    return Q.api("/api/motcua/queue/board").then(setBoard);
  }

  function setLive(ok) {
    $("reconnecting").classList.toggle("hidden", ok);
    document.body.setAttribute("data-live", ok ? "1" : "0");
  }

  function start() {
    $("board").classList.remove("hidden");
    setLive(false);
    V.setup(function (path) { return fetch(path, { headers: { Authorization: Q.auth ? Q.auth.token : "" } }); });
    V.load();
    setInterval(V.load, 10 * 60 * 1000);
    Q.live({ topics: ["tickets/*", "voice_clips/*"], onMessage: onTicket, onReady: refetch, onState: setLive });
    // Browsers allow sound only after a touch: a TV started with
    // --autoplay-policy=no-user-gesture-required needs none.
    audio = V.context();
    if (audio && audio.state === "suspended") $("sound").classList.remove("hidden");
  }

  $("sound").addEventListener("click", function () {
    if (audio) audio.resume().then(V.chime);
    $("sound").classList.add("hidden");
  });
  setInterval(function () { $("clock").textContent = Q.clock(new Date()); }, 1000);
  $("clock").textContent = Q.clock(new Date());
  fetch("/api/collections/office/records?perPage=1").then(function (r) { return r.json(); }).then(function (res) {
    var o = res.items && res.items[0];
    if (!o) return;
    $("office-vi").textContent = o.name_vi;
    $("office-km").textContent = o.name_km || "";
  });

  Q.init("display").then(function (rec) {
    if (rec) start();
    else { setLive(true); Q.signInForm($("device-sign-in"), $("msg"), "display", start); }
  });
})(window.motcuaQueue);
