package pdu

import "unicode/utf8"

// escape is the septet that announces a character of the extension table
// (TS 23.038 §6.2.1.1).
const escape = 0x1B

// basicTable is the GSM 7-bit default alphabet of TS 23.038 §6.2.1, indexed
// by septet. Position 0x1B is the escape to the extension table, never a
// character of its own; the U+001B written there is not encodable.
const basicTable = "@£$¥èéùìòÇ\nØø\rÅå" +
	"Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ" +
	" !\"#¤%&'()*+,-./" +
	"0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNO" +
	"PQRSTUVWXYZÄÖÑÜ§" +
	"¿abcdefghijklmno" +
	"pqrstuvwxyzäöñüà"

// extTable is the default extension table of TS 23.038 §6.2.1.1: the
// characters written as escape followed by the septet given here.
var extTable = map[byte]rune{
	0x0A: '\f', // page break
	0x14: '^',
	0x28: '{',
	0x29: '}',
	0x2F: '\\',
	0x3C: '[',
	0x3D: '~',
	0x3E: ']',
	0x40: '|',
	0x65: '€',
}

var (
	// septetToRune decodes a septet of the basic table.
	septetToRune [128]rune
	// runeToSeptet encodes a rune of the basic table.
	runeToSeptet = make(map[rune]byte, 128)
	// runeToExt encodes a rune of the extension table (after the escape).
	runeToExt = make(map[rune]byte, len(extTable))
)

func init() {
	i := 0
	for _, r := range basicTable {
		if i >= len(septetToRune) {
			break
		}
		septetToRune[i] = r
		if i != escape {
			runeToSeptet[r] = byte(i)
		}
		i++
	}
	// TestTables checks that basicTable has exactly 128 characters.
	for s, r := range extTable {
		runeToExt[r] = s
	}
}

// gsmSeptets returns how many septets r takes in the GSM 7-bit alphabet:
// 1 for the basic table, 2 for the extension table (escape + code), 0 when r
// is not in the alphabet.
func gsmSeptets(r rune) int {
	if _, ok := runeToSeptet[r]; ok {
		return 1
	}
	if _, ok := runeToExt[r]; ok {
		return 2
	}
	return 0
}

// IsGSM7 reports whether every character of text is in the GSM 7-bit
// default alphabet or its extension table, so that it can be sent at 160
// characters a part. Invalid UTF-8 is not.
//
// The test is exact, not by likeness: "ç" is not "Ç", and a Vietnamese "ồ" is
// not "o"; use StripDiacritics first for the customary Vietnamese SMS. The
// text is taken as given: Encode puts it in NFC first, so call IsGSM7 on
// NFC text to predict what Encode does.
func IsGSM7(text string) bool {
	if !utf8.ValidString(text) {
		return false
	}
	for _, r := range text {
		if gsmSeptets(r) == 0 {
			return false
		}
	}
	return true
}

// appendGSM appends the septets of r (one or two values below 0x80) to dst.
// The caller has checked that r is in the alphabet.
func appendGSM(dst []byte, r rune) []byte {
	if s, ok := runeToSeptet[r]; ok {
		return append(dst, s)
	}
	return append(dst, escape, runeToExt[r])
}

// packSeptets packs septets (values below 0x80) into octets, least
// significant bit first, after fill zero bits (TS 23.040 §9.2.3.24: the fill
// bits bring the text to a septet boundary after a user data header).
func packSeptets(septets []byte, fill int) []byte {
	nbits := fill + 7*len(septets)
	out := make([]byte, (nbits+7)/8)
	for i, s := range septets {
		p := fill + 7*i
		out[p/8] |= s << (p % 8)
		if p%8 > 1 {
			out[p/8+1] |= s >> (8 - p%8)
		}
	}
	return out
}

// unpackSeptets reads n septets from octets, skipping fill bits first. It
// returns false when the octets are too few for n septets.
func unpackSeptets(octets []byte, fill, n int) ([]byte, bool) {
	if n < 0 || fill < 0 || (fill+7*n+7)/8 > len(octets) {
		return nil, false
	}
	out := make([]byte, n)
	for i := range out {
		p := fill + 7*i
		v := octets[p/8] >> (p % 8)
		if p%8 > 1 {
			v |= octets[p/8+1] << (8 - p%8)
		}
		out[i] = v & 0x7F
	}
	return out, true
}

// decodeGSM turns septets into text. An escape followed by a code the
// extension table does not define gives the basic-table character of that
// code, as TS 23.038 §6.2.1.1 asks of a receiver; a dangling escape at the end
// is dropped.
func decodeGSM(septets []byte) string {
	out := make([]rune, 0, len(septets))
	for i := 0; i < len(septets); i++ {
		s := septets[i]
		if s != escape {
			out = append(out, septetToRune[s&0x7F])
			continue
		}
		if i+1 >= len(septets) {
			break
		}
		i++
		if r, ok := extTable[septets[i]]; ok {
			out = append(out, r)
		} else if septets[i] != escape {
			out = append(out, septetToRune[septets[i]&0x7F])
		} else {
			// Escape escape is reserved for a further table: a space.
			out = append(out, ' ')
		}
	}
	return string(out)
}
