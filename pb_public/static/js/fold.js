// motcuaFold makes the accent-folded search key the server also builds
// (hooks/textnorm.Fold): lower case, Vietnamese marks removed, đ → d, single spaces.
// Khmer text passes through unchanged.
function motcuaFold(s) {
  return String(s || "").normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d").replace(/Đ/g, "D")
    .toLowerCase().replace(/\s+/g, " ").trim().normalize("NFC");
}
