// The recording page (/voice.html, leaders): every word the lobby TV needs to
// call a ticket, in Khmer and in Vietnamese, with what is still missing. Each
// word is recorded with the PC's microphone in the browser: the samples are
// taken by an audio worklet, the silence before and after the word is cut,
// the clip is checked (not silent, not too short or too long) and written as a
// 16-bit PCM mono WAV at 16 kHz, then saved on the server, which checks it
// again by its content, and played back from there. A refused or failed clip
// saves nothing: the word keeps its previous sound. Messages come in
// Vietnamese and Khmer together, whatever the page's language.
(function (M, V) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var RATE = 16000;        // what clips are stored at
  var MAX_SECONDS = 5;     // recording stops by itself here
  var LIMIT = { min: 0.15, max: 4, loud: 0.01, voiced: 0.1 }; // as hooks/wavclip
  var dicts = { vi: {}, km: {}, en: {} };
  var list = null, rec = null, stream = null;

  // both shows a message key (with params) in Vietnamese and Khmer, and in
  // English too when the page is in English.
  function both(kind, key, params) {
    var el = $("msg"); el.className = "msg voice-msg " + kind; el.textContent = "";
    var langs = M.lang === "en" ? ["en", "vi", "km"] : ["vi", "km"];
    langs.forEach(function (l) {
      var s = dicts[l][key] || dicts.vi[key] || key;
      Object.keys(params || {}).forEach(function (p) { s = s.split("{" + p + "}").join(params[p]); });
      var span = document.createElement("span"); span.className = l; span.lang = l; span.textContent = s;
      el.appendChild(span);
    });
    el.setAttribute("data-key", key);
    el.classList.remove("hidden");
  }

  // refusal shows the server's (or the network's) error in both languages.
  function refusal(err) {
    var d = (err && err.body && err.body.data) || {};
    var key = d.key || (d.audio && d.audio.code) || (d.key === undefined && d.audio === undefined && err.status === 0 ? "error.network" : "error.generic");
    if (d.audio && d.audio.code) key = d.audio.code;
    both("error", key);
  }

  var KINDS = { invite: "voice.kind_invite", letter: "voice.kind_letter", digit: "voice.kind_digit",
    number: "voice.kind_number", counter: "voice.kind_counter" };
  function kindLabel(kind) { return M.t(KINDS[kind] || kind); }

  function drawSummary() {
    var box = $("summary"); box.textContent = "";
    ["km", "vi"].forEach(function (l) {
      var mine = list.clips.filter(function (c) { return c.language === l; });
      var missing = mine.filter(function (c) { return c.source === "missing"; });
      var div = document.createElement("div"); div.className = "figure" + (missing.length ? " bad" : "");
      div.id = "summary-" + l;
      var n = document.createElement("span"); n.className = "n"; n.textContent = missing.length;
      var t = document.createElement("span");
      t.textContent = M.t("voice.missing_count", { lang: M.t("lang." + l), n: missing.length, total: mine.length });
      div.appendChild(n); div.appendChild(t);
      var starter = mine.filter(function (c) { return c.source === "starter"; }).length;
      if (starter) {
        var st = document.createElement("span"); st.className = "sub";
        st.textContent = M.t("voice.starter_count", { n: starter }); div.appendChild(st);
      }
      if (missing.length) {
        var w = document.createElement("span"); w.className = "sub"; w.lang = l;
        w.textContent = missing.map(function (c) { return c.say; }).join(", ");
        div.appendChild(w);
      }
      box.appendChild(div);
    });
  }

  function stateText(c) {
    if (c.source === "recorded") return M.t("voice.state_recorded", { name: c.recorded_by || "—", seconds: (c.duration_ms / 1000).toFixed(1) });
    if (c.source === "starter") return M.t("voice.state_starter");
    return M.t("voice.state_missing");
  }

  function drawTable(lang) {
    var tbl = $("clips-" + lang); tbl.textContent = "";
    var head = document.createElement("tr");
    ["voice.col_say", "voice.col_kind", "voice.col_state", "voice.col_actions"].forEach(function (k) {
      var th = document.createElement("th"); th.textContent = M.t(k); head.appendChild(th);
    });
    tbl.appendChild(head);
    list.clips.filter(function (c) { return c.language === lang; }).forEach(function (c) {
      var tr = document.createElement("tr"); tr.setAttribute("data-key", c.key); tr.id = "clip-" + c.key.replace(".", "-");
      var say = document.createElement("td"); say.className = "say"; say.lang = lang; say.textContent = c.say;
      var kind = document.createElement("td"); kind.textContent = kindLabel(c.kind);
      var st = document.createElement("td");
      var badge = document.createElement("span"); badge.className = "clip-state " + c.source; badge.textContent = stateText(c);
      st.appendChild(badge);
      var act = document.createElement("td"); act.className = "actions";
      var play = button("voice.play", "secondary", function () { listen(c.key); });
      play.disabled = !c.url; play.setAttribute("data-action", "play");
      var recb = button(c.source === "recorded" ? "voice.rerecord" : "voice.record", "", function () { toggle(c, tr); });
      recb.setAttribute("data-action", "record");
      act.appendChild(play); act.appendChild(recb);
      if (c.source === "recorded") {
        var del = button("voice.delete", "secondary", function () { remove(c); });
        del.setAttribute("data-action", "delete"); act.appendChild(del);
      }
      var meter = document.createElement("div"); meter.className = "voice-meter hidden"; meter.innerHTML = "<span></span>";
      act.appendChild(meter);
      [say, kind, st, act].forEach(function (td) { tr.appendChild(td); });
      tbl.appendChild(tr);
    });
  }

  function button(key, cls, fn) {
    var b = document.createElement("button"); b.type = "button"; if (cls) b.className = cls;
    b.textContent = M.t(key); b.addEventListener("click", fn); return b;
  }

  function draw() {
    if (!list) return;
    drawSummary(); drawTable("km"); drawTable("vi"); drawTry();
  }

  function load() {
    return M.api("/api/motcua/queue/voice").then(function (l) { list = l; draw(); return V.load(); }, refusal);
  }

  function listen(key) {
    V.play(key).then(function (ok) { if (!ok) both("warn", "voice.nothing_to_play"); });
  }

  // --- recording -----------------------------------------------------------

  function micError(e) {
    var name = (e && e.name) || "";
    if (name === "NotAllowedError" || name === "SecurityError") return "voice.mic_denied";
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return "voice.mic_missing";
    if (name === "NotReadableError" || name === "AbortError") return "voice.mic_busy";
    return "voice.mic_failed";
  }

  function openMic() {
    if (stream && stream.getAudioTracks().some(function (t) { return t.readyState === "live"; })) return Promise.resolve(stream);
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject({ key: window.isSecureContext ? "voice.mic_unsupported" : "voice.mic_insecure" });
    }
    return navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: true, autoGainControl: true } })
      .then(function (s) { stream = s; return s; }, function (e) { return Promise.reject({ key: micError(e) }); });
  }

  function toggle(c, tr) {
    if (rec && rec.key === c.key) { stop(); return; }
    if (rec) return; // one at a time
    start(c, tr);
  }

  function start(c, tr) {
    var btn = tr.querySelector('[data-action="record"]');
    openMic().then(function (s) {
      var ctx = V.context();
      return (ctx.state === "running" ? Promise.resolve() : ctx.resume()).then(function () {
        return ctx.audioWorklet.addModule("/static/js/voice_recorder_worklet.js");
      }).then(function () {
        var src = ctx.createMediaStreamSource(s);
        var node = new AudioWorkletNode(ctx, "motcua-recorder");
        var mute = ctx.createGain(); mute.gain.value = 0;
        src.connect(node); node.connect(mute); mute.connect(ctx.destination);
        rec = { key: c.key, tr: tr, chunks: [], frames: 0, rate: ctx.sampleRate, src: src, node: node, mute: mute };
        var meter = tr.querySelector(".voice-meter"); meter.classList.remove("hidden");
        node.port.onmessage = function (ev) {
          if (!rec) return;
          rec.chunks.push(ev.data); rec.frames += ev.data.length;
          var sum = 0; for (var i = 0; i < ev.data.length; i++) sum += ev.data[i] * ev.data[i];
          meter.firstChild.style.width = Math.min(100, Math.sqrt(sum / ev.data.length) * 400) + "%";
          if (rec.frames >= rec.rate * MAX_SECONDS) stop();
        };
        tr.classList.add("recording");
        btn.textContent = M.t("voice.stop");
        both("ok", "voice.recording", { say: c.say });
      });
    }).catch(function (e) { rec = null; both("error", (e && e.key) || "voice.mic_failed"); });
  }

  function stop() {
    var r = rec; rec = null;
    if (!r) return;
    try { r.src.disconnect(); r.node.disconnect(); r.mute.disconnect(); } catch (e) { /* already gone */ }
    r.tr.classList.remove("recording");
    r.tr.querySelector(".voice-meter").classList.add("hidden");
    var samples = new Float32Array(r.frames), off = 0;
    r.chunks.forEach(function (ch) { samples.set(ch, off); off += ch.length; });
    var checked = check(samples, r.rate, r.frames >= r.rate * MAX_SECONDS);
    if (checked.error) { both("error", checked.error); draw(); return; }
    var wav = encode(resample(checked.samples, r.rate, RATE), RATE);
    save(r.key, wav);
  }

  // check cuts the silence around the word and holds it to the server's limits.
  function check(s, rate, hitMax) {
    var win = Math.max(1, Math.floor(rate / 50)), first = -1, last = -1, voiced = 0;
    for (var i = 0; i < s.length; i += win) {
      var sum = 0, n = Math.min(win, s.length - i);
      for (var j = i; j < i + n; j++) sum += s[j] * s[j];
      if (Math.sqrt(sum / n) >= LIMIT.loud) { if (first < 0) first = i; last = i + n; voiced += n; }
    }
    if (first < 0 || voiced / rate < LIMIT.voiced) return { error: "voice.clip_silent" };
    var pad = Math.floor(rate * 0.04);
    var cut = s.subarray(Math.max(0, first - pad), Math.min(s.length, last + pad));
    var seconds = cut.length / rate;
    if (seconds > LIMIT.max || (hitMax && last >= s.length - win)) return { error: "voice.clip_too_long" };
    if (seconds < LIMIT.min) return { error: "voice.clip_too_short" };
    return { samples: cut };
  }

  // resample averages the input over each output sample (a box low-pass),
  // enough for speech going down from 44.1 or 48 kHz to 16 kHz.
  function resample(s, from, to) {
    if (from === to) return s;
    var n = Math.floor(s.length * to / from), out = new Float32Array(n), step = from / to;
    for (var i = 0; i < n; i++) {
      var a = Math.floor(i * step), b = Math.min(s.length, Math.max(a + 1, Math.floor((i + 1) * step))), sum = 0;
      for (var j = a; j < b; j++) sum += s[j];
      out[i] = sum / (b - a);
    }
    return out;
  }

  function encode(s, rate) {
    var buf = new ArrayBuffer(44 + s.length * 2), v = new DataView(buf);
    function str(o, t) { for (var i = 0; i < t.length; i++) v.setUint8(o + i, t.charCodeAt(i)); }
    str(0, "RIFF"); v.setUint32(4, 36 + s.length * 2, true); str(8, "WAVEfmt ");
    v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
    v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
    str(36, "data"); v.setUint32(40, s.length * 2, true);
    for (var i = 0; i < s.length; i++) {
      var x = Math.max(-1, Math.min(1, s[i]));
      v.setInt16(44 + i * 2, x < 0 ? x * 32768 : x * 32767, true);
    }
    return new Blob([buf], { type: "audio/wav" });
  }

  function save(key, wav) {
    var form = new FormData();
    form.append("key", key);
    form.append("audio", wav, key + ".wav");
    both("ok", "voice.saving");
    M.api("/api/motcua/queue/voice/clips", { method: "POST", body: form }).then(function () {
      return load().then(function () {
        both("ok", "voice.saved", { say: (list.clips.filter(function (c) { return c.key === key; })[0] || {}).say || key });
        return V.play(key);
      });
    }, function (err) { refusal(err); draw(); });
  }

  function remove(c) {
    M.api("/api/motcua/queue/voice/clips/" + encodeURIComponent(c.key), { method: "DELETE" }).then(function () {
      both("ok", "voice.deleted", { say: c.say });
      return load();
    }, refusal);
  }

  // --- trying a call -------------------------------------------------------

  function drawTry() {
    var code = $("try-code").value.trim().toUpperCase(), lang = $("try-lang").value;
    var keys = V.languagesOf(lang).map(function (l) { return V.words(l, code, $("try-counter").value) || []; });
    $("try-words").textContent = keys.map(function (ks) {
      return ks.map(function (k) { var c = list && list.clips.filter(function (x) { return x.key === k; })[0]; return c ? c.say : "?"; }).join(" ");
    }).join(" · ");
  }

  $("try").addEventListener("input", drawTry);
  $("try").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var code = $("try-code").value.trim().toUpperCase(), n = $("try-counter").value;
    var ctx = V.context();
    (ctx && ctx.state !== "running" ? ctx.resume() : Promise.resolve()).then(function () {
      V.announce({ code: code, counter: n, language: $("try-lang").value,
        text: function (l) { return (dicts[l]["display.call_text"] || "").split("{code}").join(code).split("{n}").join(n); } });
    });
  });
  document.addEventListener("motcua:lang", draw);

  Promise.all(["vi", "km", "en"].map(function (l) {
    return fetch("/api/motcua/i18n/" + l).then(function (r) { return r.json(); }).then(function (d) { dicts[l] = d; });
  })).then(M.init).then(function (me) {
    $("signed-out").classList.toggle("hidden", !!me);
    if (!me) return;
    if (me.role !== "leader") { $("leaders-only").classList.remove("hidden"); return; }
    $("work").classList.remove("hidden");
    V.setup(function (path) { return fetch(path, { headers: { Authorization: M.auth.token } }); });
    load();
  });
})(window.motcua, window.motcuaVoice);
