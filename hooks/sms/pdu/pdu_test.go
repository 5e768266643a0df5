package pdu

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const fourDays = 4 * 24 * time.Hour

// khmerNotice is a receipt notice in Khmer: 148 UTF-16 code units, three
// concatenated parts.
const khmerNotice = "មជ្ឈមណ្ឌលសេវាសាធារណៈឃុំ៖ ឯកសាររបស់អ្នក លេខកូដ 000.00.07.H60-260818-0001 " +
	"ត្រូវបានទទួលហើយ។ សូមមកយកលទ្ធផលនៅថ្ងៃ 25/08/2026 ម៉ោង 07:00-11:30 ។ សូមអរគុណ។"

func TestTables(t *testing.T) {
	if n := utf8.RuneCountInString(basicTable); n != 128 {
		t.Fatalf("basic table has %d characters, want 128", n)
	}
	// Spot checks against TS 23.038 §6.2.1.
	for s, want := range map[byte]rune{0x00: '@', 0x02: '$', 0x09: 'Ç', 0x10: 'Δ', 0x11: '_', 0x1F: 'É',
		0x24: '¤', 0x40: '¡', 0x41: 'A', 0x5F: '§', 0x60: '¿', 0x7F: 'à'} {
		if septetToRune[s] != want {
			t.Errorf("septet 0x%02X = %q, want %q", s, septetToRune[s], want)
		}
	}
	if _, ok := runeToSeptet['\x1b']; ok {
		t.Error("U+001B must not encode as the escape septet")
	}
	if len(runeToSeptet) != 127 || len(runeToExt) != 10 {
		t.Errorf("tables: %d basic, %d extension", len(runeToSeptet), len(runeToExt))
	}
}

// The packing example of every PDU tutorial (dreamfabric.com "SMS
// messages and the PDU format", GSM 03.38 §6.1.2.1.1): "hellohello".
func TestPackSeptetsHelloHello(t *testing.T) {
	var sep []byte
	for _, r := range "hellohello" {
		sep = appendGSM(sep, r)
	}
	got := strings.ToUpper(hex.EncodeToString(packSeptets(sep, 0)))
	if got != "E8329BFD4697D9EC37" {
		t.Fatalf("packed %s, want E8329BFD4697D9EC37", got)
	}
	back, ok := unpackSeptets(packSeptets(sep, 0), 0, len(sep))
	if !ok || decodeGSM(back) != "hellohello" {
		t.Fatalf("unpacked %q", decodeGSM(back))
	}
}

// Published SMS-SUBMIT PDUs: dreamfabric's "hellohello" to +46708251358, and
// the test vectors of python-messaging (messaging/test/test_sms.py), which
// were checked there with pduspy and umts-tools. Vectors given with an SMSC
// address are compared on the TPDU.
func TestEncodePublished(t *testing.T) {
	tests := []struct {
		name     string
		to, text string
		opts     Options
		want     string
		tpduLen  int
	}{
		{"dreamfabric hellohello", "+46708251358", "hellohello", Options{Validity: fourDays},
			"0011000B916407281553F80000AA0AE8329BFD4697D9EC37", 23},
		{"hola, no validity", "+34616585119", "hola", Options{},
			"0001000B914316565811F9000004E8373B0C", 17},
		{"hola, relative validity", "+34616585119", "hola", Options{Validity: fourDays},
			"0011000B914316565811F90000AA04E8373B0C", 18},
		{"status report", "+34654123456", "hey yo", Options{StatusReport: true},
			"0021000B914356143254F6000006E8721E947F03", 19},
		{"latin letters of the GSM alphabet", "+34654123456", "Hölä", Options{Validity: fourDays},
			"0011000B914356143254F60000AA04483E7B0F", 18},
		{"more GSM letters", "+34654123456", "BÄRÇA äñ@", Options{},
			"0001000B914356143254F6000009C2AD341104EDFB00", 21},
		{"UCS-2 Japanese", "+34616585119", "あ叶葉", Options{},
			"0001000B914316565811F9000806304253F68449", 19},
		{"UCS-2 Russian to a number as dialled", "655345678", "Русский", Options{Validity: fourDays},
			"001100098156355476F80008AA0E0420044304410441043A04380439", 27},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts, err := Encode(tt.to, tt.text, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) != 1 {
				t.Fatalf("%d parts", len(parts))
			}
			if parts[0].PDU != tt.want {
				t.Errorf("PDU\n got %s\nwant %s", parts[0].PDU, tt.want)
			}
			if parts[0].TPDULen != tt.tpduLen || parts[0].TPDULen != len(parts[0].PDU)/2-1 {
				t.Errorf("TPDU length %d, want %d", parts[0].TPDULen, tt.tpduLen)
			}
		})
	}
}

// python-messaging's concatenated 7-bit vector (encoded there with
// umts-tools): three parts, reference 136, fill bit after the header.
func TestEncodeMultipartPublished(t *testing.T) {
	text := "Or walk with Kings - nor lose the common touch, if neither foes nor loving friends can hurt you, If all men count with you, but none too much; If you can fill the unforgiving minute With sixty seconds' worth of distance run, Yours is the Earth and everything thats in it, And - which is more - you will be a Man, my son"
	want := []string{
		"005100098156355476F80000AAA00500038803019E72D03DCC5E83EE693A1AB44CBBCF73500BE47ECB41ECF7BC0CA2A3CBA0F1BBDD7EBB41F4777D8C6681D26690BB9CA6A3CB7290F95D9E83DC6F3988FDB6A7DD6790599E2EBBC973D038EC06A1EB723A28FFAEB340493328CC6683DA653768FCAEBBE9A07B9A8E06E5DF7516485CA783DC6F7719447FBF41EDFA18BD0325CDA0FCBB0E1A87DD",
		"005100098156355476F80000AAA005000388030240E6349B0DA2A3CBA0BADBFC969FD3F6B4FB0C6AA7DD757A19744DD3D1A0791A4FCF83E6E5F1DB4D9E9F40F7B79C8E06BDCD20727A4E0FBBC76590BCEE6681B2EFBA7C0E4ACF41747419540CCBE96850D84D0695ED65799E8E4EBBCF203A3A4C9F83D26E509ACE0205DD64500B7447A7C768507A0E6ABFE565500B947FD741F7349B0D129741",
		"005100098156355476F80000AA14050003880303C2A066D8CD02B5F3A0F9DB0D",
	}
	parts, err := Encode("655345678", text, Options{Validity: fourDays, Ref: 136})
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != len(want) {
		t.Fatalf("%d parts, want %d", len(parts), len(want))
	}
	var decoded []*Submit
	for i, p := range parts {
		if p.PDU != want[i] {
			t.Errorf("part %d\n got %s\nwant %s", i+1, p.PDU, want[i])
		}
		if p.Seq != i+1 || p.Total != 3 {
			t.Errorf("part %d numbered %d/%d", i+1, p.Seq, p.Total)
		}
		s, err := Decode(want[i])
		if err != nil {
			t.Fatalf("decode part %d: %v", i+1, err)
		}
		if s.Concat == nil || s.Concat.Ref != 136 || s.Concat.Seq != i+1 || s.Concat.Total != 3 {
			t.Errorf("part %d concatenation %+v", i+1, s.Concat)
		}
		decoded = append(decoded, s)
	}
	if got, err := Join(decoded); err != nil || got != text {
		t.Errorf("joined %q, %v", got, err)
	}
}

func TestDecodePublished(t *testing.T) {
	tests := []struct {
		pdu      string
		to       string
		toa      byte
		enc      Encoding
		text     string
		validity time.Duration
		smsc     string
	}{
		{"0011000B916407281553F80000AA0AE8329BFD4697D9EC37", "+46708251358", TOAInternational, GSM7, "hellohello", fourDays, ""},
		{"001100098156355476F80008AA0E0420044304410441043A04380439", "655345678", TOAUnknown, UCS2, "Русский", fourDays, ""},
		{"07914346466554F601000B914316565811F9000806304253F68449", "+34616585119", TOAInternational, UCS2, "あ叶葉", 0, "+34646456456"},
		{"07914400000000F001000B811000000000F000040B48692074686572652E2E2E", "01000000000", TOAUnknown, Binary, "", 0, "+44000000000"},
	}
	for _, tt := range tests {
		s, err := Decode(tt.pdu)
		if err != nil {
			t.Errorf("%s: %v", tt.pdu, err)
			continue
		}
		if s.To.String() != tt.to || s.To.TOA != tt.toa || s.Encoding != tt.enc || s.Text != tt.text ||
			s.Validity != tt.validity || s.SMSC.String() != tt.smsc {
			t.Errorf("%s: to %s (0x%02X), %v, %q, validity %v, SMSC %q", tt.pdu, s.To, s.To.TOA, s.Encoding, s.Text, s.Validity, s.SMSC)
		}
	}
	s, _ := Decode("07914400000000F001000B811000000000F000040B48692074686572652E2E2E")
	if s != nil && string(s.Data) != "Hi there..." {
		t.Errorf("8-bit data %q", s.Data)
	}
}

func TestDecodeRefuses(t *testing.T) {
	tests := map[string]string{
		"empty":                "",
		"odd hex":              "0011000B916407281553F80000AA0AE8329BFD4697D9EC3",
		"not hex":              "0011000B916407281553F80000AA0AE8329BFD4697D9ECZZ",
		"SMS-DELIVER":          "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07",
		"truncated text":       "0011000B916407281553F80000AA0AE8329BFD4697D9EC",
		"trailing octets":      "0011000B916407281553F80000AA0AE8329BFD4697D9EC3700",
		"GSM UDL over 160":     "0001000B914316565811F90000A1" + strings.Repeat("00", 141),
		"UCS-2 odd length":     "0001000B914316565811F9000803304253",
		"address of 21 digits": "000100159143165658110000000000000000F9000000",
		"SMSC too long":        "0C91" + strings.Repeat("11", 11) + "0001000B914316565811F9000000",
		"header overruns":      "0041000B914316565811F9000804" + "09000301",
		"part 4 of 3":          "0041000B914316565811F9000808" + "050003010304" + "0041",
		"compressed":           "0001000B914316565811F9002004E8373B0C",
		"too long":             strings.Repeat("00", MaxPDUOctets+1),
	}
	for name, in := range tests {
		if s, err := Decode(in); err == nil {
			t.Errorf("%s: decoded %+v", name, s)
		} else if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLong) {
			t.Errorf("%s: error %v is neither ErrMalformed nor ErrTooLong", name, err)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in     string
		format NumberFormat
		cc     string
		want   string
		toa    byte
	}{
		{"0912345678", InternationalFormat, "", "+84912345678", TOAInternational},
		{"091 234 5678", InternationalFormat, "", "+84912345678", TOAInternational},
		{"+84912345678", InternationalFormat, "", "+84912345678", TOAInternational},
		{"+84 91-234.5678", NationalFormat, "", "+84912345678", TOAInternational},
		{"0084912345678", InternationalFormat, "", "+84912345678", TOAInternational},
		{"0912345678", NationalFormat, "", "0912345678", TOAUnknown},
		{"0812345678", InternationalFormat, "855", "+855812345678", TOAInternational},
		{"1900", InternationalFormat, "", "1900", TOAUnknown},
	}
	for _, tt := range tests {
		a, err := ParseNumber(tt.in, tt.format, tt.cc)
		if err != nil || a.String() != tt.want || a.TOA != tt.toa {
			t.Errorf("ParseNumber(%q, %d, %q) = %s 0x%02X, %v; want %s 0x%02X", tt.in, tt.format, tt.cc, a, a.TOA, err, tt.want, tt.toa)
		}
	}
	for _, bad := range []string{"", "+", "abc", "09123x5678", "0", "00", "+0912345678", "09+12345678",
		strings.Repeat("9", 21), "+" + strings.Repeat("9", 21)} {
		if _, err := ParseNumber(bad, InternationalFormat, ""); !errors.Is(err, ErrBadNumber) {
			t.Errorf("ParseNumber(%q) error %v, want ErrBadNumber", bad, err)
		}
	}
	for _, cc := range []string{"8x", "8484"} {
		if _, err := ParseNumber("0912345678", InternationalFormat, cc); !errors.Is(err, ErrBadNumber) {
			t.Errorf("country code %q: error %v, want ErrBadNumber", cc, err)
		}
	}
	if _, err := Encode("09x", "hi", Options{}); !errors.Is(err, ErrBadNumber) {
		t.Errorf("Encode to a bad number: %v", err)
	}
}

// The destination goes international: 0912345678 is sent as 84912345678,
// type 0x91, digits in swapped semi-octets with an F filler.
func TestEncodeVietnameseNumber(t *testing.T) {
	parts, err := Encode("0912345678", "Ho so da tiep nhan", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(parts[0].PDU, "0001000B914819325476F8") {
		t.Errorf("PDU %s does not start with the international address of 84912345678", parts[0].PDU)
	}
	parts, err = Encode("0912345678", "Ho so da tiep nhan", Options{Format: NationalFormat})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(parts[0].PDU, "0001000A819021436587") {
		t.Errorf("PDU %s does not start with the national address 0912345678", parts[0].PDU)
	}
}

func TestValidity(t *testing.T) {
	tests := []struct {
		d    time.Duration
		vp   byte
		back time.Duration
	}{
		{time.Minute, 0, 5 * time.Minute},
		{5 * time.Minute, 0, 5 * time.Minute},
		{6 * time.Minute, 1, 10 * time.Minute}, // rounded up, never shorter
		{12 * time.Hour, 143, 12 * time.Hour},
		{13 * time.Hour, 145, 13 * time.Hour},
		{24 * time.Hour, 167, 24 * time.Hour},
		{2 * 24 * time.Hour, 168, 2 * 24 * time.Hour},
		{fourDays, 170, fourDays},
		{30 * 24 * time.Hour, 196, 30 * 24 * time.Hour},
		{31 * 24 * time.Hour, 197, 5 * 7 * 24 * time.Hour},
		{63 * 7 * 24 * time.Hour, 255, 63 * 7 * 24 * time.Hour},
		{1000 * 24 * time.Hour, 255, 63 * 7 * 24 * time.Hour},
	}
	for _, tt := range tests {
		vp := relativeValidity(tt.d)
		if vp != tt.vp || relativeDuration(vp) != tt.back {
			t.Errorf("%v: VP %d (%v), want %d (%v)", tt.d, vp, relativeDuration(vp), tt.vp, tt.back)
		}
		if relativeDuration(vp) < tt.d && tt.d <= 63*7*24*time.Hour {
			t.Errorf("%v: validity %v is shorter than asked", tt.d, relativeDuration(vp))
		}
	}
}

func TestChooseEncoding(t *testing.T) {
	tests := map[string]Encoding{
		"Ho so da tiep nhan":    GSM7,
		"Giá 20€ {ghi chú}":     UCS2, // á is not GSM
		"Gia 20€ {ghi chu} [x]": GSM7,
		"Hồ sơ đã tiếp nhận":    UCS2,
		khmerNotice:             UCS2,
		"caf\u0065\u0301":       GSM7, // NFD é becomes GSM's é
		"ça":                    UCS2, // GSM has Ç, not ç
		"":                      GSM7,
	}
	for text, want := range tests {
		if got := ChooseEncoding(text); got != want {
			t.Errorf("ChooseEncoding(%q) = %v, want %v", text, got, want)
		}
	}
	if IsGSM7("\xff") {
		t.Error("invalid UTF-8 is not GSM")
	}
	if _, err := Encode("0912345678", "Hồ sơ", Options{Encoding: GSM7}); !errors.Is(err, ErrNotGSM7) {
		t.Errorf("GSM7 forced on Vietnamese with diacritics: %v", err)
	}
	if _, err := Encode("0912345678", "a\xffb", Options{}); !errors.Is(err, ErrInvalidUTF8) {
		t.Errorf("invalid UTF-8: %v", err)
	}
	parts, err := Encode("0912345678", "Ho so", Options{Encoding: UCS2})
	if err != nil || parts[0].Encoding != UCS2 {
		t.Errorf("UCS2 forced on ASCII: %v, %v", parts, err)
	}
}

func TestBoundaries(t *testing.T) {
	const euro, x, o = "€", "x", "ő"
	tests := []struct {
		name  string
		text  string
		enc   Encoding
		parts int
		units int
	}{
		{"160 septets", strings.Repeat(x, 160), GSM7, 1, 160},
		{"161 septets", strings.Repeat(x, 161), GSM7, 2, 161},
		{"153×2", strings.Repeat(x, 153*2), GSM7, 2, 306},
		{"153×2+1", strings.Repeat(x, 153*2+1), GSM7, 3, 307},
		{"153×3", strings.Repeat(x, 153*3), GSM7, 3, 459},
		{"153×3+1", strings.Repeat(x, 153*3+1), GSM7, 4, 460},
		{"80 euros", strings.Repeat(euro, 80), GSM7, 1, 160},
		{"79 euros and one", strings.Repeat(euro, 79) + x, GSM7, 1, 159},
		{"81 euros", strings.Repeat(euro, 81), GSM7, 2, 162},
		{"153 euros", strings.Repeat(euro, 153), GSM7, 3, 306}, // 76 a part: 152 septets
		{"70 UCS-2", strings.Repeat(o, 70), UCS2, 1, 70},
		{"71 UCS-2", strings.Repeat(o, 70) + x, UCS2, 2, 71},
		{"67×2", strings.Repeat(o, 67*2), UCS2, 2, 134},
		{"67×2+1", strings.Repeat(o, 67*2) + x, UCS2, 3, 135},
		{"67×3", strings.Repeat(o, 67*3), UCS2, 3, 201},
		{"67×3+1", strings.Repeat(o, 67*3) + x, UCS2, 4, 202},
		{"35 emoji", strings.Repeat("😀", 35), UCS2, 1, 70},
		{"36 emoji", strings.Repeat("😀", 36), UCS2, 2, 72}, // 33 a part: 66 units
		{"Khmer notice", khmerNotice, UCS2, 3, 148},
		{"empty", "", GSM7, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size, err := SizeOf(tt.text, Auto)
			if err != nil {
				t.Fatal(err)
			}
			if size != (Size{Encoding: tt.enc, Parts: tt.parts, Units: tt.units}) {
				t.Errorf("SizeOf = %+v, want %v, %d parts, %d units", size, tt.enc, tt.parts, tt.units)
			}
			parts, err := Encode("0912345678", tt.text, Options{Ref: 42})
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) != tt.parts {
				t.Fatalf("Encode gave %d parts, SizeOf %d", len(parts), tt.parts)
			}
			if n, _ := Parts(tt.text); n != tt.parts {
				t.Errorf("Parts = %d", n)
			}
			checkParts(t, parts, norm.NFC.String(tt.text))
		})
	}
}

// checkParts decodes every part and checks it against the text meant:
// lengths within the limits, numbering, the reference, the joined text.
func checkParts(t *testing.T, parts []Part, text string) {
	t.Helper()
	var decoded []*Submit
	for i, p := range parts {
		s, err := Decode(p.PDU)
		if err != nil {
			t.Fatalf("part %d: %v (%s)", i+1, err, p.PDU)
		}
		if s.TPDULen != p.TPDULen || p.TPDULen != len(p.PDU)/2-1 || p.TPDULen > 164 {
			t.Errorf("part %d: TPDU length %d, decoded %d, PDU %d octets", i+1, p.TPDULen, s.TPDULen, len(p.PDU)/2)
		}
		if s.Text != p.Text || s.Encoding != p.Encoding {
			t.Errorf("part %d: decoded %q (%v), encoded %q (%v)", i+1, s.Text, s.Encoding, p.Text, p.Encoding)
		}
		units, single, multi := 0, SingleGSM7, MultiGSM7
		if p.Encoding == UCS2 {
			single, multi = SingleUCS2, MultiUCS2
		}
		for _, r := range p.Text {
			units += runeUnits(r, p.Encoding)
		}
		if len(parts) == 1 && units > single || len(parts) > 1 && units > multi {
			t.Errorf("part %d: %d units", i+1, units)
		}
		if len(parts) > 1 && (s.Concat == nil || s.Concat.Seq != i+1 || s.Concat.Total != len(parts) || p.Seq != i+1) {
			t.Errorf("part %d: concatenation %+v, seq %d", i+1, s.Concat, p.Seq)
		}
		if len(parts) == 1 && (s.Concat != nil || s.UDH != nil) {
			t.Errorf("single part has a header %x", s.UDH)
		}
		decoded = append(decoded, s)
	}
	got, err := Join(decoded)
	if err != nil || got != text {
		t.Errorf("joined %q, %v; want %q", got, err, text)
	}
}

func TestSplitKeepsPairs(t *testing.T) {
	// An extension character at the boundary moves whole to the next part.
	text := strings.Repeat("x", 152) + "€" + strings.Repeat("y", 20)
	parts, err := Encode("0912345678", text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 || parts[0].Text != strings.Repeat("x", 152) || !strings.HasPrefix(parts[1].Text, "€") {
		t.Errorf("escape pair split: %d parts, first %d characters", len(parts), utf8.RuneCountInString(parts[0].Text))
	}
	// A character beyond the BMP at the boundary moves whole.
	text = strings.Repeat("ő", 66) + "😀" + strings.Repeat("ő", 10)
	parts, err = Encode("0912345678", text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 || len(utf16.Encode([]rune(parts[0].Text))) != 66 || !strings.HasPrefix(parts[1].Text, "😀") {
		t.Errorf("surrogate pair split: first part %q", parts[0].Text)
	}
}

func TestSplitKeepsKhmerClusters(t *testing.T) {
	// "ក្រុម" is ka, coeng, ro, vowel u, mo: a cut after ka or coeng or
	// before the vowel would break the syllable. Shift the word across the
	// boundary one code unit at a time.
	for pad := 60; pad <= 67; pad++ {
		text := strings.Repeat("ក", pad) + strings.Repeat("ក្រុម", 20)
		parts, err := Encode("0912345678", text, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkParts(t, parts, text)
		for i := 1; i < len(parts); i++ {
			prev, _ := utf8.DecodeLastRuneInString(parts[i-1].Text)
			next, _ := utf8.DecodeRuneInString(parts[i].Text)
			if prev == '\u17D2' || unicode.In(next, unicode.Mn, unicode.Mc) {
				t.Errorf("pad %d: part %d ends %U, part %d starts %U", pad, i, prev, i+1, next)
			}
		}
	}
	// A run of marks longer than the look-back still splits, between
	// characters.
	text := "ក" + strings.Repeat("\u17B6", 200)
	parts, err := Encode("0912345678", text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkParts(t, parts, text)
}

func TestMaxParts(t *testing.T) {
	text := strings.Repeat("ក", 67*3+1)
	if _, err := Encode("0912345678", text, Options{MaxParts: 3}); !errors.Is(err, ErrTooManyParts) {
		t.Errorf("4 parts with MaxParts 3: %v", err)
	}
	if parts, err := Encode("0912345678", text[:len(text)-len("ក")], Options{MaxParts: 3}); err != nil || len(parts) != 3 {
		t.Errorf("3 parts with MaxParts 3: %d, %v", len(parts), err)
	}
	if _, err := Encode("0912345678", strings.Repeat("x", 153*255+1), Options{}); !errors.Is(err, ErrTooManyParts) {
		t.Errorf("256 parts: %v", err)
	}
}

func TestKhmerMultipart(t *testing.T) {
	parts, err := Encode("0912345678", khmerNotice, Options{Ref: 200, MaxParts: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 {
		t.Fatalf("%d parts", len(parts))
	}
	for _, p := range parts {
		s, err := Decode(p.PDU)
		if err != nil {
			t.Fatal(err)
		}
		if s.DCS != 0x08 || s.Concat == nil || s.Concat.Ref != 200 || s.To.String() != "+84912345678" {
			t.Errorf("part %d: DCS 0x%02X, %+v, to %s", p.Seq, s.DCS, s.Concat, s.To)
		}
	}
	checkParts(t, parts, khmerNotice)
}

func TestJoinRefuses(t *testing.T) {
	a, _ := Encode("0912345678", strings.Repeat("x", 200), Options{Ref: 1})
	b, _ := Encode("0912345678", strings.Repeat("y", 200), Options{Ref: 2})
	dec := func(ps ...Part) []*Submit {
		var out []*Submit
		for _, p := range ps {
			s, err := Decode(p.PDU)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	for name, parts := range map[string][]*Submit{
		"none":           nil,
		"one of two":     dec(a[0]),
		"two messages":   dec(a[0], b[1]),
		"repeated":       dec(a[0], a[0]),
		"forged seq":     {{Concat: &Concat{Total: 2, Seq: 9}}, {Concat: &Concat{Total: 2, Seq: 1}}},
		"missing header": {{Text: "a"}, {Text: "b"}},
	} {
		if _, err := Join(parts); !errors.Is(err, ErrIncomplete) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got, err := Join(dec(a[1], a[0])); err != nil || got != strings.Repeat("x", 200) {
		t.Errorf("out of order: %q, %v", got, err)
	}
}

func TestStripDiacritics(t *testing.T) {
	tests := map[string]string{
		"Hồ sơ đã tiếp nhận":                  "Ho so da tiep nhan",
		"Đặng Thị Ngọc Ánh":                   "Dang Thi Ngoc Anh",
		"ĐƯỜNG NGUYỄN HUỆ":                    "DUONG NGUYEN HUE",
		"Thạch Thị Sà Rết, Ấp 3":              "Thach Thi Sa Ret, Ap 3",
		"Mã hồ sơ: 000.00.07.H60-260818-0001": "Ma ho so: 000.00.07.H60-260818-0001",
		"Ðức (code page)":                     "Duc (code page)",
		"Café ½ €":                            "Cafe ½ €",
		khmerNotice:                           khmerNotice,
		"":                                    "",
	}
	for in, want := range tests {
		if got := StripDiacritics(in); got != want {
			t.Errorf("StripDiacritics(%q) = %q, want %q", in, got, want)
		}
		if got := StripDiacritics(norm.NFD.String(in)); got != want {
			t.Errorf("StripDiacritics(NFD %q) = %q, want %q", in, got, want)
		}
	}
	// Every Vietnamese letter, both cases, lands in the GSM alphabet.
	letters := "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
	all := letters + strings.ToUpper(letters)
	if s := StripDiacritics(all); !IsGSM7(s) || strings.ContainsFunc(s, func(r rune) bool { return r > 0x7F }) {
		t.Errorf("stripped Vietnamese alphabet %q is not plain ASCII", s)
	}
	if got := StripDiacritics("a\xffb"); got != "a\uFFFDb" {
		t.Errorf("invalid UTF-8: %q", got)
	}
}
