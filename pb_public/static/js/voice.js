// motcua voice: the lobby TV calls a ticket aloud from recorded clips, word by
// word, through WebAudio. A call is the chime, then the sentence in the
// ticket's language (a Khmer ticket: Khmer, then Vietnamese), all of it twice:
// "Mời số A mười hai đến quầy ba". Where a word of a sentence has no clip (or
// it would not decode, or audio is blocked), that sentence is spoken by the
// browser's voice for the language if it has one; else only the chime sounds
// and the text shows (the page always shows it). Calls never overlap: each
// waits for the one before it. Every step is written to motcuaVoice.log, in
// order, for the tests and for anyone asking what the TV said.
// The clip keys are those of hooks/queue/voice_words.go.
(function (global) {
  "use strict";
  var GAP = 0.08;         // seconds between words
  var CHIME = 1.0;        // seconds the chime lasts before the words
  var V = { log: [], version: "", buffers: {}, urls: {}, ctx: null, fetch: null, pending: 0 };
  var queue = Promise.resolve();

  // setup gives the player a fetch that carries the page's token:
  // fetchFn(path) → Promise<Response>.
  V.setup = function (fetchFn) { V.fetch = fetchFn; };

  // context is the page's one AudioContext (the chime and the words); null
  // where the browser has none.
  V.context = function () {
    if (V.ctx) return V.ctx;
    try { V.ctx = new (global.AudioContext || global.webkitAudioContext)(); } catch (e) { V.ctx = null; }
    return V.ctx;
  };
  V.running = function () { return !!V.ctx && V.ctx.state === "running"; };

  // load reads the clip list and decodes every clip that changed; a clip that
  // fails to load or decode is left out (its sentences fall back).
  V.load = function () {
    if (!V.fetch) return Promise.resolve();
    return V.fetch("/api/motcua/queue/voice").then(function (r) {
      if (!r.ok) throw new Error("voice list " + r.status);
      return r.json();
    }).then(function (list) {
      V.version = list.version;
      var ctx = V.context(), jobs = [], keep = {};
      list.clips.forEach(function (c) {
        if (!c.url) return;
        keep[c.key] = true;
        if (V.urls[c.key] === c.url && V.buffers[c.key]) return;
        if (!ctx) return;
        jobs.push(V.fetch(c.url).then(function (r) {
          if (!r.ok) throw new Error("clip " + r.status);
          return r.arrayBuffer();
        }).then(function (data) {
          return new Promise(function (ok, fail) { ctx.decodeAudioData(data, ok, fail); });
        }).then(function (buf) { V.buffers[c.key] = buf; V.urls[c.key] = c.url; },
          function () { delete V.buffers[c.key]; delete V.urls[c.key]; }));
      });
      Object.keys(V.buffers).forEach(function (k) { if (!keep[k]) { delete V.buffers[k]; delete V.urls[k]; } });
      return Promise.all(jobs);
    }).catch(function () { /* no list: every call falls back to the browser's voice or the text */ });
  };

  // number is n read as words: Vietnamese "mười hai", "hai mươi mốt", "một trăm
  // linh năm"; Khmer "ដប់ពីរ", "ម្ភៃមួយ", "មួយរយប្រាំ".
  V.number = function (lang, n) {
    n = Math.floor(Number(n));
    if (!(n >= 0) || n > 9999) return String(n).split("").map(function (d) { return "digit_" + d; });
    return lang === "km" ? km(n) : vi(n);
  };
  function d(x) { return "digit_" + x; }
  function vi(n) {
    if (n < 10) return [d(n)];
    if (n < 20) return ["ten"].concat(n === 10 ? [] : [n % 10 === 5 ? "five_after_ten" : d(n % 10)]);
    if (n < 100) {
      var u = n % 10, out = [d(Math.floor(n / 10)), "tens"];
      if (u === 1) out.push("one_after_tens"); else if (u === 5) out.push("five_after_ten"); else if (u) out.push(d(u));
      return out;
    }
    if (n < 1000) {
      var r = n % 100, h = [d(Math.floor(n / 100)), "hundred"];
      if (!r) return h;
      return h.concat(r < 10 ? ["zero_ten", d(r)] : vi(r));
    }
    var rest = n % 1000, th = [d(Math.floor(n / 1000)), "thousand"];
    if (!rest) return th;
    if (rest < 100) return th.concat([d(0), "hundred"], rest < 10 ? ["zero_ten", d(rest)] : vi(rest));
    return th.concat(vi(rest));
  }
  function km(n) {
    if (n < 10) return [d(n)];
    if (n < 100) {
      var t = Math.floor(n / 10), u = n % 10;
      return [t === 1 ? "ten" : "tens_" + t].concat(u ? [d(u)] : []);
    }
    if (n < 1000) return [d(Math.floor(n / 100)), "hundred"].concat(n % 100 ? km(n % 100) : []);
    return [d(Math.floor(n / 1000)), "thousand"].concat(n % 1000 ? km(n % 1000) : []);
  }

  // words is the sentence of a call in lang as clip keys: "A012" at counter 3 →
  // km.invite km.letter_a km.ten km.digit_2 km.to_counter km.digit_3.
  V.words = function (lang, code, counter) {
    var m = /^([A-Z])0*([0-9]+)$/.exec(code || "");
    if (!m) return null;
    var w = ["invite", "letter_" + m[1].toLowerCase()].concat(V.number(lang, m[2]), ["to_counter"], V.number(lang, counter));
    return w.map(function (x) { return lang + "." + x; });
  };

  // languagesOf is the order a ticket is called in.
  V.languagesOf = function (language) { return language === "km" ? ["km", "vi"] : ["vi"]; };

  function note(call, kind, extra) {
    var e = { call: call.code, counter: call.counter, kind: kind, at: Date.now() };
    Object.keys(extra || {}).forEach(function (k) { e[k] = extra[k]; });
    V.log.push(e);
    if (V.log.length > 500) V.log.splice(0, V.log.length - 500);
  }

  function sleep(ms) { return new Promise(function (ok) { setTimeout(ok, ms); }); }

  // chime plays the two-note chime; it resolves once it is over (at once when
  // audio is blocked: nothing to wait for).
  V.chime = function () {
    var ctx = V.context();
    if (!ctx || ctx.state !== "running") return Promise.resolve(false);
    try {
      var t0 = ctx.currentTime;
      [[880, 0], [660, 0.35]].forEach(function (n) {
        var o = ctx.createOscillator(), g = ctx.createGain();
        o.type = "sine"; o.frequency.value = n[0];
        g.gain.setValueAtTime(0.0001, t0 + n[1]);
        g.gain.exponentialRampToValueAtTime(0.4, t0 + n[1] + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, t0 + n[1] + 0.6);
        o.connect(g); g.connect(ctx.destination);
        o.start(t0 + n[1]); o.stop(t0 + n[1] + 0.65);
      });
    } catch (e) { return Promise.resolve(false); }
    return sleep(CHIME * 1000).then(function () { return true; });
  };

  // clips plays the buffers one after another, scheduled on the audio clock,
  // and resolves when the last is over (by the wall clock, so a stalled audio
  // device cannot hold the queue).
  function clips(call, lang, keys) {
    var ctx = V.ctx, t = ctx.currentTime + 0.05, total = 0.05;
    keys.forEach(function (k) {
      var src = ctx.createBufferSource();
      src.buffer = V.buffers[k];
      src.connect(ctx.destination);
      src.start(t);
      note(call, "clip", { lang: lang, key: k, url: V.urls[k] });
      t += V.buffers[k].duration + GAP;
      total += V.buffers[k].duration + GAP;
    });
    return sleep(total * 1000 + 50);
  }

  // play plays one loaded clip (the recording page's "listen"); it resolves
  // when it is over, false when there is nothing to play.
  V.play = function (key) {
    var ctx = V.context();
    if (!ctx || !V.buffers[key]) return Promise.resolve(false);
    return (ctx.state === "running" ? Promise.resolve() : ctx.resume()).then(function () {
      var src = ctx.createBufferSource();
      src.buffer = V.buffers[key]; src.connect(ctx.destination); src.start();
      V.log.push({ kind: "play", key: key, url: V.urls[key], at: Date.now() });
      return sleep(V.buffers[key].duration * 1000 + 50).then(function () { return true; });
    });
  };

  // voiceFor is the browser's voice for lang, or null.
  function voiceFor(lang) {
    if (!global.speechSynthesis) return null;
    return speechSynthesis.getVoices().filter(function (v) { return v.lang.toLowerCase().indexOf(lang) === 0; })[0] || null;
  }

  function speak(call, lang, voice) {
    return new Promise(function (done) {
      var u = new SpeechSynthesisUtterance(call.text(lang));
      u.voice = voice; u.lang = voice.lang; u.rate = 0.9;
      var timer = setTimeout(done, 8000); // a voice that never ends must not hold the queue
      u.onend = u.onerror = function () { clearTimeout(timer); done(); };
      note(call, "speech", { lang: lang, voice: voice.name });
      speechSynthesis.speak(u);
    });
  }

  // sentence says the call in one language by the best means there is.
  function sentence(call, lang) {
    var keys = V.words(lang, call.code, call.counter);
    var missing = !keys ? ["?"] : keys.filter(function (k) { return !V.buffers[k]; });
    if (!missing.length && V.running()) return clips(call, lang, keys);
    var voice = voiceFor(lang);
    if (voice) return speak(call, lang, voice);
    note(call, "text", { lang: lang, missing: missing, audio: V.running() });
    return Promise.resolve();
  }

  // announce queues a call: {code, counter, language, text(lang) → the sentence
  // for a browser voice, onStart() → called when its turn comes}. It resolves
  // when the call has been said.
  V.announce = function (call) {
    V.pending++;
    var run = function () {
      var times = V.pending > 3 ? 1 : 2; // a long queue of calls is said once each, to catch up
      if (call.onStart) { try { call.onStart(); } catch (e) { /* drawing is the page's business */ } }
      note(call, "start", { language: call.language || "", times: times });
      return V.chime().then(function (rang) {
        note(call, "chime", { audio: rang });
        var steps = Promise.resolve();
        for (var i = 0; i < times; i++) {
          V.languagesOf(call.language).forEach(function (lang) { steps = steps.then(function () { return sentence(call, lang); }); });
        }
        return steps;
      });
    };
    var p = queue.then(run).catch(function () { /* a failed call must not stop the next */ }).then(function () {
      V.pending--; note(call, "end");
    });
    queue = p;
    return p;
  };

  global.motcuaVoice = V;
})(window);
