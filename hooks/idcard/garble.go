package idcard

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Garbled reports whether s, a name or an address from a CCCD QR, shows the
// damage that USB barcode scanners in keyboard (HID) mode do when the
// keyboard layout, code page or Vietnamese input method (Unikey, EVKey) does
// not match. Such text is never saved: the officer is asked to check.
//
// The heuristics, each chosen so that genuine Vietnamese and Khmer-Vietnamese
// names and addresses ("Lý Thị Sa Ry", "Thạch Thị Sà Rết", "Số 12/3A, Ấp 3",
// "Thị trấn D'Ran", Khmer script with U+200B) pass:
//
//   - Broken encoding: invalid UTF-8, the replacement character U+FFFD, or
//     any control character (C0 or C1; the C1 range is what Latin-1 makes
//     of UTF-8 continuation bytes).
//   - Mojibake: the UTF-8 bytes of Vietnamese or Khmer letters read as
//     Windows-1252, Latin-1 or Windows-1258, as with "Nguyá»…n", "Thá»‹",
//     "NguyÃªn", "Ä‘". Detected by turning the runes back into those code
//     pages' bytes and finding a valid UTF-8 sequence for a Latin, combining
//     mark, Khmer or punctuation character. Also flagged: Ä, Å and Æ, which
//     Vietnamese never uses but mojibake of đ, ĩ, ũ, ơ, ư and ă produces, and
//     Ã, Â, Ì or Í right after a lower-case letter ("NguyÃn", left when
//     Windows drops the undefined byte of Á, Í or Ý); genuine text has them
//     only at the start of a word or among capitals, as in "XÃ".
//   - Characters outside the repertoire of Vietnamese addresses: letters of
//     scripts other than Latin and Khmer (Greek, Cyrillic, box drawing from
//     the OEM code page …), and any symbol or punctuation other than
//     , . - / ( ) ' " : ; # & + _ and typographic quotes and dashes. This
//     catches '?' standing for a letter ("Nguy?n") and VIQR residue
//     ("Nguye^~n", "Ho`ng").
//   - VIQR breve and horn between letters: "Va(n", "Ho+n".
//   - VNI residue: a lower-case ASCII vowel or d followed by a digit 1–9
//     inside a word of two or more letters ("Nguye6n", "Thi5", "d9ai").
//     Road and lot codes ("QL1A", "Km7", "Lô A12", "ĐT934") do not match.
//   - Telex residue, only when the text has no non-ASCII letter at all (a
//     real CCCD name or address always has some): an all-ASCII word with
//     f, j, w or z, with "aa", "ee", "dd" or "oo" (except the real "oong"
//     and "ooc" as in "Xoong"), or with s, r or x after a vowel or ending a
//     word that has a vowel ("Nguyeenx", "Thij", "Sosc", "Vanx"). No
//     Vietnamese syllable has these.
//   - No letter at all ("12345", "--").
//
// An empty or blank s is not garbled (missing fields are another error).
// Parse applies stricter rules to the name: no digits or punctuation other
// than ' and -, and the Telex test on every all-ASCII word.
func Garbled(s string) bool {
	if damaged(s) {
		return true
	}
	s = norm.NFC.String(s)
	if strings.TrimSpace(s) == "" {
		return false
	}
	var (
		letters, nonASCII bool
		prev              rune
		runes             = []rune(s)
	)
	for i, r := range runes {
		switch {
		case unicode.IsLetter(r):
			if !unicode.Is(unicode.Latin, r) && !unicode.Is(unicode.Khmer, r) {
				return true
			}
			if strings.ContainsRune("ÄÅÆ", r) || (strings.ContainsRune("ÂÃÌÍ", r) && unicode.IsLower(prev)) {
				return true
			}
			letters = true
			nonASCII = nonASCII || r >= utf8.RuneSelf
		case unicode.IsMark(r):
			if !unicode.Is(unicode.Inherited, r) && !unicode.Is(unicode.Khmer, r) {
				return true
			}
		case r >= '0' && r <= '9', unicode.Is(unicode.Khmer, r), unicode.Is(unicode.Zs, r), zeroWidth(r):
		case strings.ContainsRune(addressPunct, r):
			if (r == '(' || r == '+') && unicode.IsLetter(prev) && i+1 < len(runes) && unicode.IsLetter(runes[i+1]) {
				return true
			}
		default:
			return true
		}
		prev = r
	}
	if !letters || vniResidue(runes) {
		return true
	}
	if !nonASCII {
		for _, w := range asciiWords(s) {
			if telexWord(w) {
				return true
			}
		}
	}
	return false
}

// addressPunct is the punctuation that real addresses use.
const addressPunct = ",.-/()'\":;#&+_‘’“”–"

// zeroWidth reports the invisible characters Khmer text relies on.
func zeroWidth(r rune) bool {
	return r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\u2060'
}

// garbledName is Garbled with the rules only a person's name allows: letters,
// marks, spaces and the ' and - of some minority names, and no Telex residue
// in any all-ASCII word, even next to correctly accented ones.
func garbledName(s string) bool {
	if Garbled(s) {
		return true
	}
	for _, r := range norm.NFC.String(s) {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.Is(unicode.Zs, r) &&
			!zeroWidth(r) && !strings.ContainsRune("'’-", r) {
			return true
		}
	}
	for _, w := range asciiWords(s) {
		if telexWord(w) {
			return true
		}
	}
	return false
}

// damaged reports text broken in transit: invalid UTF-8, U+FFFD, control
// characters and mojibake. It is checked on the whole QR payload before
// splitting, so even a garbled gender or date is reported as garbling.
func damaged(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return true
		}
	}
	// NFC first: a decomposed tone mark is a Windows-1258 byte that could
	// otherwise pair with a following symbol.
	return mojibake([]rune(norm.NFC.String(s)))
}

// mojibakeCodePages are the code pages a Windows PC may read UTF-8 bytes as:
// Western (Windows-1252, a superset of Latin-1's printable range) and
// Vietnamese (Windows-1258).
var mojibakeCodePages = []*charmap.Charmap{charmap.Windows1252, charmap.Windows1258}

// mojibake reports whether some run of runes, turned back into the bytes of
// one code page, is the UTF-8 encoding of a character that Vietnamese or
// Khmer text contains. Genuine text never matches: the bytes 0x80–0xBF that
// continue a UTF-8 sequence are symbols (€ ‚ … ‹ » ¡ ª º …) in these code
// pages, and a Vietnamese letter is never followed by such a symbol.
func mojibake(rs []rune) bool {
	bs := make([]int, len(rs))
	for _, cp := range mojibakeCodePages {
		for i, r := range rs {
			bs[i] = -1
			switch {
			case r < 0x80:
				bs[i] = int(r)
			case r <= 0x9F:
				bs[i] = int(r) // Latin-1 C1 range.
			default:
				if b, ok := cp.EncodeRune(r); ok {
					bs[i] = int(b)
				}
			}
		}
		var buf [utf8.UTFMax]byte
	next:
		for i := range rs {
			n := utf8LeadLen(bs[i])
			if n == 0 || i+n > len(rs) {
				continue
			}
			for k := 0; k < n; k++ {
				if bs[i+k] < 0 {
					continue next
				}
				buf[k] = byte(bs[i+k])
			}
			r, size := utf8.DecodeRune(buf[:n])
			if size == n && r != utf8.RuneError && mojibakeTarget(r) {
				return true
			}
		}
	}
	return false
}

// utf8LeadLen returns the length of the UTF-8 sequence that byte b starts,
// or 0 when b does not start a multi-byte sequence (or is -1).
func utf8LeadLen(b int) int {
	switch {
	case b >= 0xC2 && b <= 0xDF:
		return 2
	case b >= 0xE0 && b <= 0xEF:
		return 3
	case b >= 0xF0 && b <= 0xF4:
		return 4
	}
	return 0
}

// mojibakeTarget reports characters whose UTF-8 bytes, misread, make the
// mojibake seen on Vietnamese and Khmer text.
func mojibakeTarget(r rune) bool {
	switch {
	case r >= 0x00A0 && r <= 0x024F: // Latin-1 supplement, Latin extended A/B (ă đ ĩ ũ ơ ư)
	case r >= 0x0300 && r <= 0x036F: // combining diacritics (NFD tones)
	case r >= 0x1780 && r <= 0x17FF, r >= 0x19E0 && r <= 0x19FF: // Khmer
	case r >= 0x1E00 && r <= 0x1EFF: // Latin extended additional (ạ ấ ễ ị …)
	case r >= 0x2000 && r <= 0x206F: // general punctuation (“ ” – …)
	default:
		return false
	}
	return true
}

// vniResidue reports a lower-case ASCII vowel or d directly followed by a
// digit 1–9 inside a run of letters and digits holding at least two letters:
// VNI typing ("Nguye6n", "Thi5") without the input method active.
func vniResidue(rs []rune) bool {
	for start := 0; start < len(rs); {
		if !unicode.IsLetter(rs[start]) && !unicode.IsDigit(rs[start]) {
			start++
			continue
		}
		end, letters, hit := start, 0, false
		for ; end < len(rs) && (unicode.IsLetter(rs[end]) || unicode.IsDigit(rs[end]) || unicode.IsMark(rs[end])); end++ {
			if unicode.IsLetter(rs[end]) {
				letters++
			}
			if end > start && rs[end] >= '1' && rs[end] <= '9' && strings.ContainsRune("aeiouyd", rs[end-1]) {
				hit = true
			}
		}
		if hit && letters >= 2 {
			return true
		}
		start = end
	}
	return false
}

// asciiWords returns the lower-cased words of s made only of ASCII letters;
// words with any other letter or mark are skipped.
func asciiWords(s string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsMark(r)
	}) {
		ascii := true
		for i := 0; i < len(w); i++ {
			if w[i] >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			words = append(words, strings.ToLower(w))
		}
	}
	return words
}

// telexWord reports Telex keystrokes left in a lower-case ASCII word: letters
// Vietnamese lacks (f j w z are Telex tone and vowel keys), doubled vowels
// and dd (Telex for â ê ô đ), or a tone key s, r or x right after a vowel or
// ending a word that has a vowel. In Vietnamese s, r and x only start a
// syllable (r also in "tr"), so "Sosc", "Tirnh" and "Vanx" are keystrokes;
// vowel-less abbreviations such as "TX" (thị xã) are spared.
func telexWord(w string) bool {
	if strings.ContainsAny(w, "fjwz") {
		return true
	}
	for _, dbl := range []string{"aa", "ee", "dd"} {
		if strings.Contains(w, dbl) {
			return true
		}
	}
	for i := strings.Index(w, "oo"); i >= 0; {
		rest := w[i+2:]
		if !strings.HasPrefix(rest, "ng") && !strings.HasPrefix(rest, "c") {
			return true
		}
		j := strings.Index(rest, "oo")
		if j < 0 {
			break
		}
		i += 2 + j
	}
	for i := 1; i < len(w); i++ {
		if strings.IndexByte("srx", w[i]) >= 0 && strings.IndexByte("aeiouy", w[i-1]) >= 0 {
			return true
		}
	}
	n := len(w)
	return n >= 2 && strings.IndexByte("srx", w[n-1]) >= 0 && strings.ContainsAny(w[:n-1], "aeiouy")
}
