package pdu

import "testing"

// BenchmarkEncodeKhmer encodes the three-part Khmer notice.
func BenchmarkEncodeKhmer(b *testing.B) {
	for b.Loop() {
		if _, err := Encode("0912345678", khmerNotice, Options{Ref: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeVietnamese strips the diacritics of a notice and encodes
// it in one GSM part.
func BenchmarkEncodeVietnamese(b *testing.B) {
	const text = "UBND xã Mỹ Hương: hồ sơ 000.00.07.H60-260818-0001 đã được tiếp nhận. Hẹn trả kết quả 25/08/2026."
	for b.Loop() {
		if _, err := Encode("0912345678", StripDiacritics(text), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode decodes one concatenated UCS-2 part.
func BenchmarkDecode(b *testing.B) {
	parts, err := Encode("0912345678", khmerNotice, Options{Ref: 1})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Decode(parts[0].PDU); err != nil {
			b.Fatal(err)
		}
	}
}
