package pdu

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// StripDiacritics writes Vietnamese without diacritics, the customary form
// of a Vietnamese SMS, keeping the case: "Hồ sơ đã tiếp nhận" becomes
// "Ho so da tiep nhan", đ becomes d and Đ becomes D (and the look-alike
// Ð/ð of old code pages too). NFC and NFD input give the same result, which
// is in NFC.
//
// Only marks on Latin letters are removed (tones, circumflex, breve, horn,
// and the accents of foreign names), so the result of Vietnamese text is in
// the GSM alphabet. Everything else is left as it is, Khmer included: the
// encoder decides what a character outside GSM costs.
func StripDiacritics(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	latinBase := false // the last base character was an ASCII letter
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD")) {
		switch {
		case r >= 0x0300 && r <= 0x036F && latinBase:
			// A combining diacritical mark on a Latin letter.
		case r == 'đ' || r == 'ð':
			b.WriteByte('d')
			latinBase = true
		case r == 'Đ' || r == 'Ð':
			b.WriteByte('D')
			latinBase = true
		default:
			latinBase = r < 0x80 && (r|0x20 >= 'a' && r|0x20 <= 'z')
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}
