// Package digitcode reads codes that people type as groups of digits: the
// recovery code of the backup key and the one-time code of a field kit. A
// commune's IT person may type them on a Vietnamese (Telex, VNI) or a Khmer
// keyboard, copy them from a chat message or scan them with a keyboard-mode
// scanner, so separators and digit scripts vary. This package turns what was
// typed into runs of ASCII digits and refuses anything else with the
// character at fault; what the runs mean is the caller's business.
//
// Digits only, on purpose: Telex and VNI rewrite letters as they are typed
// ("dd" becomes "đ", "a1" becomes "á"), English words are unfamiliar, and a
// Khmer keyboard has digits of its own. A digit survives all of them.
package digitcode

import (
	"fmt"
	"unicode"
)

// MaxInput bounds what Runs reads: a code is short, and an input field or a
// QR payload of megabytes is not a code.
const MaxInput = 1024

// CharError is a character that is neither a digit nor a separator.
type CharError struct {
	Rune rune
	Pos  int // rune index in the input, from 0
}

// Error names the character and its place, counting from 1.
func (e *CharError) Error() string {
	return fmt.Sprintf("character %q at position %d is not a digit", e.Rune, e.Pos+1)
}

// ErrTooLong is returned for inputs over MaxInput bytes.
var ErrTooLong = fmt.Errorf("code: longer than %d bytes", MaxInput)

// Digit returns the value of r when it is a decimal digit of a script people
// here type (ASCII, Khmer ០–៩, full-width ０–９ as some input methods give),
// and -1 otherwise.
func Digit(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '\u17e0' && r <= '\u17e9': // Khmer digits
		return int(r - '\u17e0')
	case r >= '\uff10' && r <= '\uff19': // full-width digits
		return int(r - '\uff10')
	}
	return -1
}

// IsSeparator reports whether r may stand between groups of a code: any
// space (the no-break space and the zero-width space a Khmer keyboard puts
// between words included), a dash of any length, a dot, comma, slash or
// underscore.
func IsSeparator(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\ufeff', // zero-width space, joiners, BOM
		'.', ',', '/', '_', '\u00b7':
		return true
	}
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r)
}

// Runs splits s into its runs of digits, each converted to ASCII, in order.
// Separators end a run; any other character is a *CharError.
func Runs(s string) ([]string, error) {
	if len(s) > MaxInput {
		return nil, ErrTooLong
	}
	var runs []string
	var cur []byte
	pos := 0
	for _, r := range s {
		if d := Digit(r); d >= 0 {
			cur = append(cur, byte('0'+d))
		} else if IsSeparator(r) {
			if len(cur) > 0 {
				runs = append(runs, string(cur))
				cur = cur[:0]
			}
		} else {
			return nil, &CharError{Rune: r, Pos: pos}
		}
		pos++
	}
	if len(cur) > 0 {
		runs = append(runs, string(cur))
	}
	return runs, nil
}
