// Package textnorm normalises the text that people type, paste or scan into
// the one-stop centre: Unicode NFC with tidy whitespace, accent-folded search
// keys for Vietnamese, Vietnamese mobile phone numbers, citizen ID numbers,
// masked names for public pages, and Vietnamese and Khmer sort order.
//
// Keyboards, copy-paste and the ID-card QR mix NFC and NFD, and SQLite compares
// bytes, so every stored string goes through NFC and every searchable one gets
// a Fold copy. Khmer text is never rewritten beyond NFC: it has no case, no
// spaces between words, and relies on zero-width characters (U+200B, ZWJ, ZWNJ)
// that must survive untouched.
package textnorm

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C, trimmed, with every run of
// white space (as defined by unicode.IsSpace, including tabs, newlines and
// no-break spaces) replaced by one ASCII space.
//
// Zero-width characters such as U+200B, ZWNJ and ZWJ are not white space in
// Unicode and are kept: Khmer uses them to mark word breaks and shaping.
// Bytes that are not valid UTF-8 become U+FFFD, so the result is always valid.
func NFC(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))), " ")
}

// Fold returns an accent-folded, lower-case search key for s, so that the
// query "nguyen van a" finds "Nguyễn Văn A": Vietnamese tone marks and vowel
// marks (the combining diacritics U+0300–U+036F) are removed from NFC or NFD
// input, đ/Đ become d, and white space is tidied as in NFC.
//
// Khmer text only goes through NFC: its vowel signs are not in that block and
// lower-casing is a no-op for it. Ð/ð (U+00D0/U+00F0), which legacy Vietnamese
// code pages and fonts confuse with Đ/đ, also fold to d.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD")) {
		switch {
		case r >= 0x0300 && r <= 0x036F:
			// Combining diacritical marks: Vietnamese tones, circumflex, breve, horn.
		case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð':
			b.WriteByte('d')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return NFC(b.String())
}
