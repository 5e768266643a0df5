package pdu

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Encoding is the alphabet of a message's user data (TS 23.038 §4).
type Encoding uint8

const (
	// Auto lets Encode choose: GSM7 when every character is in the GSM
	// alphabet, else UCS2.
	Auto Encoding = iota
	// GSM7 is the GSM 7-bit default alphabet with its extension table.
	GSM7
	// UCS2 is 16-bit UCS-2 (UTF-16BE; characters beyond the BMP take two
	// code units).
	UCS2
	// Binary is 8-bit data; Decode reports it, Encode does not write it.
	Binary
)

// String names the encoding for logs and the outbox ("gsm7", "ucs2" …).
func (e Encoding) String() string {
	switch e {
	case Auto:
		return "auto"
	case GSM7:
		return "gsm7"
	case UCS2:
		return "ucs2"
	case Binary:
		return "8bit"
	}
	return fmt.Sprintf("encoding(%d)", uint8(e))
}

// Capacity of one SMS: 140 octets of user data (TS 23.040 §9.2.3.24), less
// the 6-octet concatenation header (UDHL, IEI 0x00, length 3, reference,
// total, sequence) when the text takes several parts.
const (
	// SingleGSM7 is how many septets one unconcatenated part holds.
	SingleGSM7 = 160
	// MultiGSM7 is how many septets each part of a concatenated message
	// holds: 134 octets less one fill bit.
	MultiGSM7 = 153
	// SingleUCS2 is how many UTF-16 code units one unconcatenated part holds.
	SingleUCS2 = 70
	// MultiUCS2 is how many UTF-16 code units each concatenated part holds.
	MultiUCS2 = 67
	// MaxParts is the most parts an 8-bit concatenation header can number.
	MaxParts = 255
)

// udhConcatLen is the length of the user data header Encode writes: UDHL
// (5), IEI 0x00, IEDL 3, reference, total, sequence.
const udhConcatLen = 6

var (
	// ErrInvalidUTF8 is returned for text that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("pdu: text is not valid UTF-8")
	// ErrNotGSM7 is returned when GSM7 is asked for and the text has a
	// character outside the GSM alphabet.
	ErrNotGSM7 = errors.New("pdu: text has characters outside the GSM 7-bit alphabet")
	// ErrTooManyParts is returned when the text needs more parts than
	// Options.MaxParts (or than MaxParts).
	ErrTooManyParts = errors.New("pdu: text needs too many parts")
)

// Options tune Encode. The zero value sends to an international number,
// chooses the alphabet, sets no validity period and uses reference 0.
type Options struct {
	// Encoding forces an alphabet; Auto (the zero value) chooses.
	Encoding Encoding
	// Format is how the destination is written (InternationalFormat by
	// default).
	Format NumberFormat
	// CountryCode replaces the leading 0 of national numbers ("" means
	// DefaultCountryCode, "84").
	CountryCode string
	// Validity, when positive, asks the SMSC to give up after this long
	// (relative validity period, TS 23.040 §9.2.3.12.1), rounded up to the
	// next value the format can say, at most 441 days. Zero leaves it to the
	// SMSC's default.
	Validity time.Duration
	// Ref is the concatenation reference of a multi-part message. Parts of
	// one message share it; consecutive messages to one phone need
	// different references, or the phone may join parts of two messages.
	Ref uint8
	// StatusReport asks the SMSC for a delivery report (TP-SRR).
	StatusReport bool
	// MaxParts refuses texts that need more parts (0 means MaxParts, 255).
	MaxParts int
}

// Part is one SMS of a message, ready for AT+CMGS in PDU mode.
type Part struct {
	// PDU is the hex of the whole PDU as AT+CMGS takes it: "00" (use the
	// SMSC stored on the SIM) followed by the SMS-SUBMIT TPDU.
	PDU string
	// TPDULen is the length in octets of the TPDU (the PDU without the SMSC
	// field): the number AT+CMGS=<length> wants.
	TPDULen int
	// Seq and Total number the part, from 1; a single SMS is 1 of 1.
	Seq, Total int
	// Encoding is the alphabet used (GSM7 or UCS2).
	Encoding Encoding
	// Text is the piece of the text this part carries.
	Text string
}

// Size tells how a text would travel.
type Size struct {
	// Encoding is the alphabet Encode would use.
	Encoding Encoding
	// Parts is the number of SMS.
	Parts int
	// Units is the length of the whole text in septets (GSM7, extension
	// characters counting two) or UTF-16 code units (UCS2).
	Units int
}

// SizeOf tells which alphabet and how many parts Encode would use for text
// with encoding enc (Auto to let it choose), without encoding it. The notice
// layer uses it to keep a notice to three parts.
func SizeOf(text string, enc Encoding) (Size, error) {
	text, enc, err := prepare(text, enc)
	if err != nil {
		return Size{}, err
	}
	units := 0
	for _, r := range text {
		units += runeUnits(r, enc)
	}
	return Size{Encoding: enc, Parts: len(split(text, enc)), Units: units}, nil
}

// Parts is how many SMS Encode would send for text, choosing the alphabet.
// It fails only for invalid UTF-8.
func Parts(text string) (int, error) {
	s, err := SizeOf(text, Auto)
	return s.Parts, err
}

// ChooseEncoding gives the alphabet Auto picks for text: GSM7 when every
// character (after NFC) is in the GSM alphabet, else UCS2.
func ChooseEncoding(text string) Encoding {
	if IsGSM7(norm.NFC.String(text)) {
		return GSM7
	}
	return UCS2
}

// prepare puts text in NFC (a keyboard's "e" + combining acute would
// otherwise leave the GSM alphabet) and settles the encoding.
func prepare(text string, enc Encoding) (string, Encoding, error) {
	if !utf8.ValidString(text) {
		return "", 0, ErrInvalidUTF8
	}
	text = norm.NFC.String(text)
	switch enc {
	case Auto:
		enc = UCS2
		if IsGSM7(text) {
			enc = GSM7
		}
	case GSM7:
		if !IsGSM7(text) {
			return "", 0, ErrNotGSM7
		}
	case UCS2:
	default:
		return "", 0, fmt.Errorf("pdu: cannot encode as %v", enc)
	}
	return text, enc, nil
}

// runeUnits is what r costs in enc: septets or UTF-16 code units.
func runeUnits(r rune, enc Encoding) int {
	if enc == GSM7 {
		return gsmSeptets(r)
	}
	return utf16.RuneLen(r)
}

// Encode turns a text for the number to into the SMS-SUBMIT PDUs to send,
// one per part, in order. The text is put in NFC first. It fails for a
// number that is not one (ErrBadNumber), invalid UTF-8, GSM7 asked for a text
// outside the alphabet, or too many parts (ErrTooManyParts).
func Encode(to, text string, opts Options) ([]Part, error) {
	addr, err := ParseNumber(to, opts.Format, opts.CountryCode)
	if err != nil {
		return nil, err
	}
	text, enc, err := prepare(text, opts.Encoding)
	if err != nil {
		return nil, err
	}
	pieces := split(text, enc)
	limit := opts.MaxParts
	if limit <= 0 || limit > MaxParts {
		limit = MaxParts
	}
	if len(pieces) > limit {
		return nil, fmt.Errorf("%w: %d parts, at most %d", ErrTooManyParts, len(pieces), limit)
	}
	parts := make([]Part, len(pieces))
	for i, piece := range pieces {
		tpdu := encodeSubmit(addr, piece, enc, opts, i+1, len(pieces))
		parts[i] = Part{
			PDU:      "00" + strings.ToUpper(hex.EncodeToString(tpdu)),
			TPDULen:  len(tpdu),
			Seq:      i + 1,
			Total:    len(pieces),
			Encoding: enc,
			Text:     piece,
		}
	}
	return parts, nil
}

// encodeSubmit writes one SMS-SUBMIT TPDU (TS 23.040 §9.2.2.2).
func encodeSubmit(addr Address, text string, enc Encoding, opts Options, seq, total int) []byte {
	const (
		mtiSubmit   = 0x01
		vpfRelative = 0x10
		srr         = 0x20
		udhi        = 0x40
	)
	first := byte(mtiSubmit)
	if opts.Validity > 0 {
		first |= vpfRelative
	}
	if opts.StatusReport {
		first |= srr
	}
	if total > 1 {
		first |= udhi
	}
	b := make([]byte, 0, 164)
	// TP-MR 0: the modem puts in its own message reference.
	b = append(b, first, 0x00)
	b = appendAddress(b, addr)
	dcs := byte(0x00)
	if enc == UCS2 {
		dcs = 0x08
	}
	b = append(b, 0x00, dcs) // TP-PID 0: plain short message
	if opts.Validity > 0 {
		b = append(b, relativeValidity(opts.Validity))
	}
	var udh []byte
	if total > 1 {
		udh = []byte{udhConcatLen - 1, 0x00, 0x03, opts.Ref, byte(total), byte(seq)}
	}
	if enc == GSM7 {
		septets := make([]byte, 0, 2*len(text))
		for _, r := range text {
			septets = appendGSM(septets, r)
		}
		// The header takes whole septets; fill bits pad it to the boundary.
		hdrSeptets := (len(udh)*8 + 6) / 7
		fill := hdrSeptets*7 - len(udh)*8
		b = append(b, byte(hdrSeptets+len(septets)))
		b = append(b, udh...)
		return append(b, packSeptets(septets, fill)...)
	}
	units := utf16.Encode([]rune(text))
	b = append(b, byte(len(udh)+2*len(units)))
	b = append(b, udh...)
	for _, u := range units {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

// relativeValidity encodes d as TP-VP in relative format (TS 23.040
// §9.2.3.12.1), rounding up so the message never lives shorter than asked.
func relativeValidity(d time.Duration) byte {
	ceil := func(d, unit time.Duration) int { return int((d + unit - 1) / unit) }
	const day = 24 * time.Hour
	switch {
	case d <= 12*time.Hour:
		return byte(max(ceil(d, 5*time.Minute)-1, 0)) // (VP+1) × 5 minutes
	case d <= day:
		return byte(143 + ceil(d-12*time.Hour, 30*time.Minute)) // 12 h + (VP−143) × 30 min
	case d <= 30*day:
		return byte(166 + ceil(d, day)) // (VP−166) days
	case d <= 63*7*day:
		return byte(192 + ceil(d, 7*day)) // (VP−192) weeks
	}
	return 255
}

// relativeDuration decodes a relative TP-VP.
func relativeDuration(vp byte) time.Duration {
	const day = 24 * time.Hour
	v := time.Duration(vp)
	switch {
	case vp <= 143:
		return (v + 1) * 5 * time.Minute
	case vp <= 167:
		return 12*time.Hour + (v-143)*30*time.Minute
	case vp <= 196:
		return (v - 166) * day
	}
	return (v - 192) * 7 * day
}

// split cuts text into the pieces of a message: one piece when it fits a
// single SMS, else pieces of at most MultiGSM7 septets or MultiUCS2 code
// units. Cuts fall between characters, so an escape pair or a surrogate
// pair is never cut; within the last few characters of a piece a cut that
// does not separate a combining cluster is preferred (see poorCut).
func split(text string, enc Encoding) []string {
	single, multi := SingleGSM7, MultiGSM7
	if enc == UCS2 {
		single, multi = SingleUCS2, MultiUCS2
	}
	runes := []rune(text)
	total := 0
	for _, r := range runes {
		total += runeUnits(r, enc)
	}
	if total <= single {
		return []string{text}
	}
	var pieces []string
	for start := 0; start < len(runes); {
		end, used := start, 0
		for end < len(runes) && used+runeUnits(runes[end], enc) <= multi {
			used += runeUnits(runes[end], enc)
			end++
		}
		if end < len(runes) {
			end = betterCut(runes, start, end)
		}
		pieces = append(pieces, string(runes[start:end]))
		start = end
	}
	return pieces
}

// maxCutLookback is how many characters a cut may move back to avoid
// splitting a cluster; a Khmer syllable (consonant, coeng, subscript,
// vowel sign, sign) stays well within it.
const maxCutLookback = 12

// betterCut moves the cut before runes[end] back to the nearest place that
// does not split a cluster, looking back at most maxCutLookback characters
// and never emptying the piece. Without such a place the cut stays.
func betterCut(runes []rune, start, end int) int {
	for cut := end; cut > start && end-cut <= maxCutLookback; cut-- {
		if !poorCut(runes[cut-1], runes[cut]) {
			return cut
		}
	}
	return end
}

// poorCut reports whether a cut between a and b would separate a character
// from what belongs to it: a combining mark or joiner after it (Khmer vowel
// signs are marks), a variation selector or emoji skin tone, the consonant
// after a Khmer coeng (U+17D2), or the next half of a regional-indicator
// flag. Phones that join the parts do not care; phones that show each part
// alone would show a broken syllable.
func poorCut(a, b rune) bool {
	switch {
	case unicode.In(b, unicode.Mn, unicode.Mc, unicode.Me):
		return true
	case b == '\u200C' || b == '\u200D' || a == '\u200D': // ZWNJ, ZWJ
		return true
	case a == '\u17D2': // Khmer coeng: the next consonant is written under a
		return true
	case unicode.Is(unicode.Variation_Selector, b):
		return true
	case b >= 0x1F3FB && b <= 0x1F3FF: // emoji modifiers (skin tones)
		return true
	case a >= 0x1F1E6 && a <= 0x1F1FF && b >= 0x1F1E6 && b <= 0x1F1FF:
		return true
	}
	return false
}
