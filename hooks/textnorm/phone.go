package textnorm

import (
	"errors"
	"strings"
	"unicode"
)

// KeyPhoneInvalid is the message key shown when a phone number is not a
// Vietnamese mobile number.
const KeyPhoneInvalid = "error.phone_invalid"

// ErrPhoneInvalid is returned by NormalizePhone for anything that is not a
// Vietnamese mobile number. Its message is the catalogue key KeyPhoneInvalid.
var ErrPhoneInvalid = errors.New(KeyPhoneInvalid)

// NormalizePhone returns a Vietnamese mobile number in the national form
// "0xxxxxxxxx" (ten ASCII digits, prefix 03, 05, 07, 08 or 09).
//
// It accepts white space, dots, dashes and parentheses between digits and an
// international prefix "+84" or "84" (also the common "+84 (0) 912 …" form).
// Without a prefix the number must already start with 0: a nine-digit number
// is not completed by guessing. Landlines (02x), the retired 11-digit mobile
// numbers and any other character give ErrPhoneInvalid. An empty or blank
// input returns "", nil because the phone is optional.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	var (
		digits = make([]byte, 0, len(s))
		plus   bool
	)
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == '+' && i == 0:
			plus = true
		case r == '.' || r == '-' || r == '(' || r == ')' || unicode.IsSpace(r):
		default:
			return "", ErrPhoneInvalid
		}
	}
	d := string(digits)
	switch {
	case plus && !strings.HasPrefix(d, "84"):
		// Another country's number.
		return "", ErrPhoneInvalid
	case plus, strings.HasPrefix(d, "84") && (len(d) == 11 || len(d) == 12 && d[2] == '0'):
		d = d[2:]
		if len(d) == 9 && d[0] != '0' {
			d = "0" + d
		}
	}
	if len(d) != 10 || d[0] != '0' || !strings.ContainsRune("35789", rune(d[1])) {
		return "", ErrPhoneInvalid
	}
	return d, nil
}

// ValidIDNumber reports whether s is a citizen ID number: 12 ASCII digits
// (citizen identity card) or 9 ASCII digits (the old identity card). Other
// digit forms, such as Khmer or full-width digits, are rejected because IDs
// are keys and stay in ASCII.
func ValidIDNumber(s string) bool {
	if len(s) != 12 && len(s) != 9 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
