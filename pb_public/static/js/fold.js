// motcuaFold makes the accent-folded search key the server also builds
// (hooks/textnorm.Fold), character for character: lower case, Vietnamese marks
// (U+0300–U+036F) removed, đ/Đ and the look-alike ð/Ð → d, every run of white
// space (Go's unicode.IsSpace, not JavaScript's \s, which also takes U+FEFF
// and leaves U+0085) one space, trimmed, NFC. Khmer text passes through
// unchanged. A browser test (hooks/internal/web) compares it with the server.
var motcuaFoldSpace = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
function motcuaFold(s) {
  var out = "";
  for (var c of String(s || "").normalize("NFD")) {
    var n = c.codePointAt(0);
    if (n >= 0x300 && n <= 0x36f) continue;
    if (c === "đ" || c === "Đ" || c === "ð" || c === "Ð") { out += "d"; continue; }
    var l = c.toLowerCase();
    out += l.length === c.length ? l : c; // one character to one, as Go's unicode.ToLower
  }
  return out.normalize("NFC").replace(motcuaFoldSpace, " ").replace(/^ | $/g, "");
}
