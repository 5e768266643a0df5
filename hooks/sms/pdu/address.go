package pdu

import (
	"errors"
	"fmt"
	"strings"
)

// Types of address (TS 23.040 §9.1.2.5): type of number in bits 6–4,
// numbering plan in bits 3–0, bit 7 always set.
const (
	// TOAInternational is an international number in the ISDN/telephone
	// numbering plan (E.164): the digits start with the country code.
	TOAInternational byte = 0x91
	// TOAUnknown is a number of unknown type in the ISDN/telephone plan: the
	// network reads the digits as dialled, as it does for a handset that
	// dials 0912345678.
	TOAUnknown byte = 0x81
	// TOANational is a national number (without the trunk prefix 0).
	TOANational byte = 0xA1
	// TOAAlphanumeric is an alphanumeric sender name in GSM 7-bit; it only
	// appears in messages the decoder reads.
	TOAAlphanumeric byte = 0xD0
)

// DefaultCountryCode is Vietnam's calling code, put in front of national
// numbers (0912345678 becomes +84912345678).
const DefaultCountryCode = "84"

// minAddressDigits is the shortest number accepted: the shortest service
// numbers (113, 115) have three digits; anything shorter is a typing slip.
const minAddressDigits = 3

// maxAddressDigits is the longest address TS 23.040 §9.1.2.5 allows: ten
// octets of two semi-octets.
const maxAddressDigits = 20

// ErrBadNumber is returned for a destination that is not a phone number:
// fewer than three digits, more than twenty, or a character other than a digit after an optional
// leading "+". Separators (spaces, dots, dashes, parentheses) are allowed.
var ErrBadNumber = errors.New("pdu: not a phone number")

// NumberFormat tells Encode how to write the destination number.
type NumberFormat uint8

const (
	// InternationalFormat (the default) sends numbers in international form:
	// "0912345678" becomes +84912345678 with the country code of the
	// options, "+84…" and "0084…" stay international. A number that has
	// neither a "+" nor a leading 0 (a short code such as "1900") is sent as
	// typed with type TOAUnknown.
	InternationalFormat NumberFormat = iota
	// NationalFormat sends the digits exactly as typed ("0912345678") with
	// type TOAUnknown, the way a handset sends a dialled number, for a network
	// that routes national numbers better than international ones. A leading
	// "+" still makes the number international.
	NationalFormat
)

// Address is a phone number as it travels in a PDU.
type Address struct {
	// Digits are the digits without "+" (or, for TOAAlphanumeric, the name).
	Digits string
	// TOA is the type of address octet.
	TOA byte
}

// String gives the number the way people write it: "+84912345678" for an
// international number, the digits alone otherwise.
func (a Address) String() string {
	if a.TOA&0x70 == 0x10 {
		return "+" + a.Digits
	}
	return a.Digits
}

// ParseNumber turns a typed phone number into the Address Encode will send;
// see NumberFormat. cc is the country code put in front of national numbers
// ("" means DefaultCountryCode).
func ParseNumber(to string, format NumberFormat, cc string) (Address, error) {
	if cc == "" {
		cc = DefaultCountryCode
	}
	if !allDigits(cc) || len(cc) > 3 {
		return Address{}, fmt.Errorf("pdu: country code %q: %w", cc, ErrBadNumber)
	}
	var (
		digits = make([]byte, 0, len(to))
		plus   bool
	)
	for i, r := range strings.TrimSpace(to) {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return Address{}, fmt.Errorf("pdu: number %q: %w", to, ErrBadNumber)
		}
	}
	d := string(digits)
	var a Address
	switch {
	case plus:
		a = Address{Digits: d, TOA: TOAInternational}
	case format == NationalFormat:
		a = Address{Digits: d, TOA: TOAUnknown}
	case strings.HasPrefix(d, "00"):
		a = Address{Digits: d[2:], TOA: TOAInternational}
	case strings.HasPrefix(d, "0") && len(d) > 1:
		a = Address{Digits: cc + d[1:], TOA: TOAInternational}
	default:
		a = Address{Digits: d, TOA: TOAUnknown}
	}
	if len(a.Digits) < minAddressDigits || len(a.Digits) > maxAddressDigits ||
		(a.TOA == TOAInternational && a.Digits[0] == '0') {
		return Address{}, fmt.Errorf("pdu: number %q: %w", to, ErrBadNumber)
	}
	return a, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// appendAddress writes a destination address (TS 23.040 §9.1.2.5): the
// number of digits, the type, then the digits two to an octet, low nibble
// first, padded with F.
func appendAddress(dst []byte, a Address) []byte {
	dst = append(dst, byte(len(a.Digits)), a.TOA)
	for i := 0; i < len(a.Digits); i += 2 {
		lo := a.Digits[i] - '0'
		hi := byte(0x0F)
		if i+1 < len(a.Digits) {
			hi = a.Digits[i+1] - '0'
		}
		dst = append(dst, hi<<4|lo)
	}
	return dst
}

// semiOctetDigit maps a BCD nibble to its character (TS 23.040 §9.1.2.3:
// A–C are "*", "#" and the letters a, b, c of DTMF keypads).
const semiOctetDigit = "0123456789*#abc"

// decodeSemiOctets reads n semi-octet digits.
func decodeSemiOctets(b []byte, n int) (string, error) {
	out := make([]byte, 0, n)
	for i := 0; i < n; i++ {
		v := b[i/2]
		if i%2 == 1 {
			v >>= 4
		}
		v &= 0x0F
		if int(v) >= len(semiOctetDigit) {
			return "", fmt.Errorf("pdu: address digit 0x%X: %w", v, ErrMalformed)
		}
		out = append(out, semiOctetDigit[v])
	}
	return string(out), nil
}
