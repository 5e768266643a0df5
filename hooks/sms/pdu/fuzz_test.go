package pdu

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzDecode feeds Decode arbitrary input, as a fake modem or a test would
// read it from a serial line: it must never panic, refuse what is too long,
// and give valid text and consistent lengths for what it accepts.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"0011000B916407281553F80000AA0AE8329BFD4697D9EC37",
		"001100098156355476F80008AA0E0420044304410441043A04380439",
		"07914346466554F601000B914316565811F9000806304253F68449",
		"07914400000000F001000B811000000000F000040B48692074686572652E2E2E",
		"005100098156355476F80000AA14050003880303C2A066D8CD02B5F3A0F9DB0D",
		"0041000B914316565811F9000808050003010304" + "0041",
		"0019000B914316565811F900000170520251930004E8373B0C",
		"000100" + "09D0C6A733390400000000",
		"00", "", "zz", " 0011 ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Decode(in)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLong) {
				t.Fatalf("error %v is neither ErrMalformed nor ErrTooLong", err)
			}
			return
		}
		if len(strings.TrimSpace(in)) > 2*MaxPDUOctets {
			t.Fatalf("accepted %d hex digits", len(in))
		}
		if !utf8.ValidString(s.Text) || !utf8.ValidString(s.To.Digits) {
			t.Fatalf("invalid UTF-8 out: %q / %q", s.Text, s.To.Digits)
		}
		if s.TPDULen > 164 || s.TPDULen < 7 {
			t.Fatalf("TPDU length %d", s.TPDULen)
		}
		if c := s.Concat; c != nil && (c.Seq < 1 || c.Seq > c.Total) {
			t.Fatalf("concatenation %+v", c)
		}
	})
}

// FuzzRoundTrip encodes arbitrary text and decodes every part again: the
// joined parts must give the text back (in NFC), each part must respect the
// limits, and Parts must agree with Encode.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{
		"Ho so da tiep nhan", "Hồ sơ đã tiếp nhận", khmerNotice, strings.Repeat("x", 161),
		strings.Repeat("x", 152) + "€{}[]", strings.Repeat("ő", 66) + "😀", "@\r\n\f\x00",
		strings.Repeat("ក្រុម", 30), "🇻🇳🇰🇭👍🏽", "",
	} {
		f.Add(s, uint8(7), false)
	}
	f.Add("Ho so", uint8(0), true)
	f.Fuzz(func(t *testing.T, text string, ref uint8, ucs2 bool) {
		if len(text) > 4000 {
			return // many parts say nothing more, and take long
		}
		opts := Options{Ref: ref}
		if ucs2 {
			opts.Encoding = UCS2
		}
		parts, err := Encode("0912345678", text, opts)
		if !utf8.ValidString(text) {
			if !errors.Is(err, ErrInvalidUTF8) {
				t.Fatalf("invalid UTF-8 accepted: %v", err)
			}
			return
		}
		if errors.Is(err, ErrTooManyParts) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		size, err := SizeOf(text, opts.Encoding)
		if err != nil || size.Parts != len(parts) {
			t.Fatalf("SizeOf %+v, %v; Encode %d parts", size, err, len(parts))
		}
		checkParts(t, parts, norm.NFC.String(text))
		for _, p := range parts {
			s, err := Decode(p.PDU)
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) > 1 && s.Concat.Ref != uint16(ref) {
				t.Fatalf("reference %d, want %d", s.Concat.Ref, ref)
			}
			if s.To.String() != "+84912345678" {
				t.Fatalf("to %s", s.To)
			}
		}
	})
}
