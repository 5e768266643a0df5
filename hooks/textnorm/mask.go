package textnorm

import (
	"strings"
	"unicode"
)

// khmerMask replaces everything after the first letter of a Khmer word.
const khmerMask = "***"

// Mask hides a person's name for public pages (lookup results, the lobby TV)
// while leaving enough for the citizen to recognise their own dossier.
//
// Each space-separated word keeps its first letter and every further letter
// becomes one "*": "Nguyễn Văn An" gives "N***** V** A*". The input is NFC'd
// first, so a precomposed letter counts once, and a combining mark that has
// no precomposed form stays with its letter instead of adding a star.
//
// A word in Khmer script keeps only its first code point (normally a
// consonant) followed by a fixed "***". Khmer names are usually written
// without spaces and their code-point count (consonants, subscripts, vowel
// signs) says little about the visible length, so a star per code point
// would both look wrong and leak the length of the name; a fixed mask leaks
// nothing. Keeping only the first code point also never leaves a dangling
// vowel sign or coeng next to the stars.
func Mask(name string) string {
	words := strings.Fields(NFC(name))
	for i, w := range words {
		words[i] = maskWord(w)
	}
	return strings.Join(words, " ")
}

func maskWord(w string) string {
	var (
		b       strings.Builder
		started bool // the first letter has been written
		masking bool // a letter has been replaced by "*"
	)
	for _, r := range w {
		switch {
		case !started:
			started = true
			b.WriteRune(r)
			if unicode.Is(unicode.Khmer, r) {
				b.WriteString(khmerMask)
				return b.String()
			}
		case unicode.Is(unicode.Mn, r):
			// A mark belongs to the letter before it: kept on the first
			// letter, invisible behind a star.
			if !masking {
				b.WriteRune(r)
			}
		default:
			masking = true
			b.WriteByte('*')
		}
	}
	return b.String()
}
