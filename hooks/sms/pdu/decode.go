package pdu

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
)

// MaxPDUOctets is the longest PDU Decode reads: a 12-octet SMSC field and
// the longest SMS-SUBMIT TPDU (7 octets of header, a 12-octet address, a
// 7-octet validity period and 140 octets of user data, TS 23.040 §9.2.2.2).
const MaxPDUOctets = 12 + 164

var (
	// ErrMalformed is returned (wrapped, with the detail) for a PDU that is
	// not a well-formed SMS-SUBMIT.
	ErrMalformed = errors.New("pdu: malformed PDU")
	// ErrTooLong is returned for input longer than MaxPDUOctets.
	ErrTooLong = errors.New("pdu: PDU too long")
)

// ValidityFormat is the TP-VPF field of an SMS-SUBMIT (TS 23.040 §9.2.3.3).
type ValidityFormat uint8

const (
	// NoValidity: the SMSC's default applies.
	NoValidity ValidityFormat = iota
	// EnhancedValidity: 7 octets in the enhanced format.
	EnhancedValidity
	// RelativeValidity: 1 octet, a duration.
	RelativeValidity
	// AbsoluteValidity: 7 octets, a time stamp.
	AbsoluteValidity
)

// Concat is the concatenation header of one part (TS 23.040
// §9.2.3.24.1 and §9.2.3.24.8).
type Concat struct {
	// Ref is the reference shared by the parts of one message (8 or 16 bits).
	Ref uint16
	// Total is the number of parts, Seq this part's number from 1.
	Total, Seq int
}

// Submit is a decoded SMS-SUBMIT.
type Submit struct {
	// SMSC is the service centre address; zero when the PDU starts "00"
	// (use the SIM's).
	SMSC Address
	// MessageRef is TP-MR.
	MessageRef uint8
	// RejectDuplicates, StatusReport and ReplyPath are TP-RD, TP-SRR, TP-RP.
	RejectDuplicates, StatusReport, ReplyPath bool
	// To is the destination.
	To Address
	// PID and DCS are TP-PID and TP-DCS as sent.
	PID, DCS uint8
	// Encoding is the alphabet DCS names.
	Encoding Encoding
	// ValidityFormat is TP-VPF; Validity is the duration of a relative one.
	ValidityFormat ValidityFormat
	Validity       time.Duration
	// UDH is the raw user data header (without its length octet), nil when
	// there is none.
	UDH []byte
	// Concat is the concatenation header, when UDH has one.
	Concat *Concat
	// Text is the message text (GSM7 and UCS2).
	Text string
	// Data is the user data after the header when Encoding is Binary.
	Data []byte
	// TPDULen is the length in octets of the TPDU (without the SMSC field).
	TPDULen int
}

// Decode reads an SMS-SUBMIT PDU given in hex, with its SMSC field first, as
// a program writes it after AT+CMGS's prompt. Surrounding white space is
// ignored; anything else that is not hex, an input longer than MaxPDUOctets,
// a message type other than SMS-SUBMIT, lengths that do not add up and
// bytes left over are refused.
func Decode(pduHex string) (*Submit, error) {
	pduHex = strings.TrimSpace(pduHex)
	if len(pduHex) > 2*MaxPDUOctets {
		return nil, fmt.Errorf("%w: %d hex digits, at most %d", ErrTooLong, len(pduHex), 2*MaxPDUOctets)
	}
	b, err := hex.DecodeString(pduHex)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return DecodeBytes(b)
}

// reader walks a PDU without running past its end.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s (at octet %d)", ErrMalformed, fmt.Sprintf(format, args...), r.off)
	}
}

func (r *reader) byte(what string) byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail("%s missing", what)
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *reader) bytes(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || r.off+n > len(r.b) {
		r.fail("%s: %d octets wanted, %d left", what, n, len(r.b)-r.off)
		return nil
	}
	v := r.b[r.off : r.off+n]
	r.off += n
	return v
}

// DecodeBytes reads an SMS-SUBMIT PDU given as octets; see Decode.
func DecodeBytes(b []byte) (*Submit, error) {
	if len(b) > MaxPDUOctets {
		return nil, fmt.Errorf("%w: %d octets, at most %d", ErrTooLong, len(b), MaxPDUOctets)
	}
	r := &reader{b: b}
	s := &Submit{}

	// SMSC: a length in octets (type + digits), TS 24.011 §8.2.5.2.
	if n := int(r.byte("SMSC length")); n > 0 {
		if n > 11 {
			r.fail("SMSC length %d", n)
		}
		toa := r.byte("SMSC type")
		digits := r.bytes(n-1, "SMSC digits")
		if r.err == nil {
			// The length counts octets, so an odd number of digits ends
			// with the filler nibble F.
			count := 2 * len(digits)
			if count > 0 && digits[len(digits)-1]>>4 == 0x0F {
				count--
			}
			s.SMSC = Address{TOA: toa}
			s.SMSC.Digits, r.err = decodeSemiOctets(digits, count)
		}
	}
	tpduStart := r.off

	first := r.byte("first octet")
	if r.err == nil && first&0x03 != 0x01 {
		r.fail("message type %d is not SMS-SUBMIT", first&0x03)
	}
	s.RejectDuplicates = first&0x04 != 0
	s.ValidityFormat = ValidityFormat((first >> 3) & 0x03)
	s.StatusReport = first&0x20 != 0
	udhi := first&0x40 != 0
	s.ReplyPath = first&0x80 != 0
	s.MessageRef = r.byte("message reference")

	s.To = readAddress(r)
	s.PID = r.byte("protocol identifier")
	s.DCS = r.byte("data coding scheme")
	enc, err := dcsEncoding(s.DCS)
	if err != nil && r.err == nil {
		r.err = err
	}
	s.Encoding = enc

	switch s.ValidityFormat {
	case RelativeValidity:
		s.Validity = relativeDuration(r.byte("validity period"))
	case EnhancedValidity, AbsoluteValidity:
		r.bytes(7, "validity period")
	}

	udl := int(r.byte("user data length"))
	var udLen int // octets of user data
	switch enc {
	case GSM7:
		if udl > SingleGSM7 {
			r.fail("user data length %d septets, at most %d", udl, SingleGSM7)
		}
		udLen = (udl*7 + 7) / 8
	default:
		if udl > 140 {
			r.fail("user data length %d octets, at most 140", udl)
		}
		udLen = udl
	}
	ud := r.bytes(udLen, "user data")
	if r.err == nil && r.off != len(b) {
		r.fail("%d octets after the user data", len(b)-r.off)
	}
	if r.err != nil {
		return nil, r.err
	}
	s.TPDULen = len(b) - tpduStart
	if err := s.readUserData(ud, udl, udhi); err != nil {
		return nil, err
	}
	return s, nil
}

// readAddress reads a TP-DA: a length in digits (semi-octets), the type,
// the digits.
func readAddress(r *reader) Address {
	n := int(r.byte("address length"))
	toa := r.byte("address type")
	if r.err != nil {
		return Address{}
	}
	if n > maxAddressDigits {
		r.fail("address of %d digits", n)
		return Address{}
	}
	raw := r.bytes((n+1)/2, "address digits")
	if r.err != nil {
		return Address{}
	}
	a := Address{TOA: toa}
	if toa&0x70 == 0x50 {
		// Alphanumeric (TS 23.040 §9.1.2.5): GSM septets packed in the
		// semi-octets the length counts.
		septets, _ := unpackSeptets(raw, 0, len(raw)*8/7)
		a.Digits = strings.TrimRight(decodeGSM(septets), "@")
		return a
	}
	digits, err := decodeSemiOctets(raw, n)
	if err != nil {
		r.err = err
		return Address{}
	}
	a.Digits = digits
	return a
}

// dcsEncoding reads the alphabet from a TP-DCS (TS 23.038 §4). Compressed
// text is refused; reserved codings count as GSM 7-bit, as the standard
// asks of a receiver.
func dcsEncoding(dcs byte) (Encoding, error) {
	switch {
	case dcs&0x80 == 0: // 00xx xxxx general, 01xx xxxx automatic deletion
		if dcs&0x20 != 0 {
			return 0, fmt.Errorf("%w: compressed text (DCS 0x%02X)", ErrMalformed, dcs)
		}
		switch (dcs >> 2) & 0x03 {
		case 1:
			return Binary, nil
		case 2:
			return UCS2, nil
		}
		return GSM7, nil
	case dcs&0xF0 == 0xE0: // message waiting, UCS2
		return UCS2, nil
	case dcs&0xF0 == 0xF0: // data coding / message class
		if dcs&0x04 != 0 {
			return Binary, nil
		}
		return GSM7, nil
	}
	return GSM7, nil
}

// readUserData splits the user data into header and text.
func (s *Submit) readUserData(ud []byte, udl int, udhi bool) error {
	body, fill, septets := ud, 0, udl
	if udhi {
		if len(ud) == 0 {
			return fmt.Errorf("%w: header announced, user data empty", ErrMalformed)
		}
		hl := int(ud[0])
		if 1+hl > len(ud) {
			return fmt.Errorf("%w: header of %d octets in %d octets of user data", ErrMalformed, hl, len(ud))
		}
		s.UDH = slices.Clone(ud[1 : 1+hl])
		if err := s.readHeader(); err != nil {
			return err
		}
		body = ud[1+hl:]
		if s.Encoding == GSM7 {
			hdrSeptets := ((1+hl)*8 + 6) / 7
			if hdrSeptets > udl {
				return fmt.Errorf("%w: header longer than the user data length", ErrMalformed)
			}
			septets = udl - hdrSeptets
			fill = hdrSeptets*7 - (1+hl)*8
		}
	}
	switch s.Encoding {
	case GSM7:
		sep, ok := unpackSeptets(body, fill, septets)
		if !ok {
			return fmt.Errorf("%w: %d septets do not fit the user data", ErrMalformed, septets)
		}
		s.Text = decodeGSM(sep)
	case UCS2:
		if len(body)%2 != 0 {
			return fmt.Errorf("%w: UCS-2 text of an odd number of octets", ErrMalformed)
		}
		units := make([]uint16, len(body)/2)
		for i := range units {
			units[i] = uint16(body[2*i])<<8 | uint16(body[2*i+1])
		}
		s.Text = string(utf16.Decode(units))
	default:
		s.Data = slices.Clone(body)
	}
	return nil
}

// readHeader walks the information elements of the user data header and
// keeps the concatenation one.
func (s *Submit) readHeader() error {
	h := s.UDH
	for len(h) > 0 {
		if len(h) < 2 || 2+int(h[1]) > len(h) {
			return fmt.Errorf("%w: truncated header element", ErrMalformed)
		}
		iei, data := h[0], h[2:2+int(h[1])]
		h = h[2+int(h[1]):]
		var c Concat
		switch {
		case iei == 0x00 && len(data) == 3:
			c = Concat{Ref: uint16(data[0]), Total: int(data[1]), Seq: int(data[2])}
		case iei == 0x08 && len(data) == 4:
			c = Concat{Ref: uint16(data[0])<<8 | uint16(data[1]), Total: int(data[2]), Seq: int(data[3])}
		case iei == 0x00 || iei == 0x08:
			return fmt.Errorf("%w: concatenation element of %d octets", ErrMalformed, len(data))
		default:
			continue
		}
		if c.Total == 0 || c.Seq == 0 || c.Seq > c.Total {
			return fmt.Errorf("%w: part %d of %d", ErrMalformed, c.Seq, c.Total)
		}
		s.Concat = &c
	}
	return nil
}

// ErrIncomplete is returned by Join when the parts are not one whole
// message.
var ErrIncomplete = errors.New("pdu: parts do not make one message")

// Join puts the parts of one message back together, in any order: a single
// part without a concatenation header, or every part 1..Total of one
// reference exactly once.
func Join(parts []*Submit) (string, error) {
	if len(parts) == 1 && parts[0].Concat == nil {
		return parts[0].Text, nil
	}
	if len(parts) == 0 || parts[0].Concat == nil {
		return "", fmt.Errorf("%w: %d parts, the first without a concatenation header", ErrIncomplete, len(parts))
	}
	ref, total := parts[0].Concat.Ref, parts[0].Concat.Total
	if len(parts) != total {
		return "", fmt.Errorf("%w: %d parts of %d", ErrIncomplete, len(parts), total)
	}
	texts := make([]string, total)
	seen := make([]bool, total)
	for _, p := range parts {
		c := p.Concat
		if c == nil || c.Ref != ref || c.Total != total || c.Seq < 1 || c.Seq > total || seen[c.Seq-1] {
			return "", fmt.Errorf("%w: parts of different messages or a repeated part", ErrIncomplete)
		}
		seen[c.Seq-1] = true
		texts[c.Seq-1] = p.Text
	}
	return strings.Join(texts, ""), nil
}
