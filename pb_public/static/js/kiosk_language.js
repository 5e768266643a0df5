// The kiosk asks the citizen's language first: two large buttons, each with
// the language's name in its own script and in the other one (Tiếng Việt ·
// ភាសាវៀតណាម, ភាសាខ្មែរ · Tiếng Khmer) and an icon of a speech bubble with a
// letter of that script (no flags: Khmer speakers here are Vietnamese
// citizens). The ticket records the choice, the slip prints it, and the next
// citizen (or 45 seconds without a touch) starts again from the question.
(function (Q) {
  "use strict";
  var IDLE_MS = 45000;
  var chosen = "", idle = null;
  var $ = function (id) { return document.getElementById(id); };

  function bubble(letter, lang) {
    return '<svg class="lang-icon" viewBox="0 0 64 56" aria-hidden="true"><path d="M8 4h48a6 6 0 0 1 6 6v26a6 6 0 0 1-6 6H26l-12 10v-10H8a6 6 0 0 1-6-6V10a6 6 0 0 1 6-6z" fill="currentColor" opacity=".18" stroke="currentColor" stroke-width="3"/>' +
      '<text x="32" y="33" text-anchor="middle" font-size="26" font-weight="700" fill="currentColor" lang="' + lang + '">' + letter + "</text></svg>";
  }

  function build() {
    var issue = $("issue");
    var step = document.createElement("div");
    step.id = "lang-step"; step.className = "kiosk-lang";
    step.innerHTML = '<p class="bi lead" data-bi="kiosk.choose_language"></p><div class="kiosk-lang-buttons">' +
      '<button type="button" class="kiosk-lang-button" data-lang="vi">' + bubble("Ă", "vi") +
      '<span class="name" lang="vi">Tiếng Việt</span><span class="other" lang="km">ភាសាវៀតណាម</span></button>' +
      '<button type="button" class="kiosk-lang-button" data-lang="km">' + bubble("ក", "km") +
      '<span class="name" lang="km">ភាសាខ្មែរ</span><span class="other" lang="vi">Tiếng Khmer</span></button></div>';
    var bar = document.createElement("div");
    bar.id = "lang-bar"; bar.className = "kiosk-lang-bar hidden";
    bar.innerHTML = '<span class="bi" id="lang-chosen"></span><button type="button" id="lang-change" class="secondary big bi" data-bi="kiosk.change_language"></button>';
    issue.insertBefore(bar, issue.firstChild);
    issue.insertBefore(step, issue.firstChild);
    Q.applyBi(step); Q.applyBi(bar);
    step.querySelectorAll("[data-lang]").forEach(function (b) {
      b.addEventListener("click", function () { choose(b.getAttribute("data-lang")); });
    });
    $("lang-change").addEventListener("click", function () { reset(); });
    var slip = document.createElement("div");
    slip.id = "t-lang"; slip.className = "bi";
    $("t-prio").parentNode.insertBefore(slip, $("t-prio"));
    document.addEventListener("pointerdown", touched, true);
  }

  function touched() {
    clearTimeout(idle);
    if (chosen) idle = setTimeout(reset, IDLE_MS);
  }

  function label(lang) {
    return { vi: Q.t("vi", "kiosk.language_is", { lang: Q.t("vi", "lang." + lang) }), km: Q.t("km", "kiosk.language_is", { lang: Q.t("km", "lang." + lang) }) };
  }

  function choose(lang) {
    chosen = lang;
    $("issue").classList.remove("choosing-language");
    $("lang-bar").classList.remove("hidden");
    Q.biText($("lang-chosen"), label(lang));
    document.body.setAttribute("data-ticket-lang", lang);
    touched();
  }

  function reset() {
    chosen = "";
    clearTimeout(idle);
    $("issue").classList.add("choosing-language");
    $("lang-bar").classList.add("hidden");
    document.body.removeAttribute("data-ticket-lang");
  }

  // Q.kioskLanguage: kiosk.js reads the choice for the ticket and tells when
  // a ticket was issued (the slip gets the language, the question comes back).
  Q.kioskLanguage = {
    get: function () { return chosen; },
    issued: function (t) {
      var el = $("t-lang");
      el.classList.toggle("hidden", !t.language);
      if (t.language) Q.biText(el, label(t.language));
      reset();
    }
  };

  build();
  reset();
})(window.motcuaQueue);
