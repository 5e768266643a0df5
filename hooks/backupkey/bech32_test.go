package backupkey

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"

	"filippo.io/age"
)

// decode5 undoes bech32Encode's data part (test only): the checksum is age's
// business, this only recovers the 32 bytes.
func decode5(t *testing.T, s string) []byte {
	t.Helper()
	s = strings.ToLower(s)
	data := s[strings.LastIndexByte(s, '1')+1 : len(s)-6]
	var out []byte
	acc, bits := uint32(0), 0
	for _, ch := range data {
		v := strings.IndexRune(bech32Charset, ch)
		if v < 0 {
			t.Fatalf("bad character %q", ch)
		}
		acc = acc<<5 | uint32(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	return out
}

// TestBech32MatchesAge: for identities age generates, encoding their 32 bytes
// gives exactly age's own text; and for random scalars, age parses the text
// and prints it back unchanged.
func TestBech32MatchesAge(t *testing.T) {
	for i := 0; i < 100; i++ {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			t.Fatal(err)
		}
		scalar := decode5(t, id.String())
		if len(scalar) != 32 {
			t.Fatalf("decoded %d bytes", len(scalar))
		}
		if got := bech32Encode("age-secret-key-", scalar); got != id.String() {
			t.Fatalf("encode = %s\n  age = %s", got, id.String())
		}
		raw := make([]byte, 32)
		rand.Read(raw)
		s := bech32Encode("age-secret-key-", raw)
		parsed, err := age.ParseX25519Identity(s)
		if err != nil || parsed.String() != s || !bytes.Equal(decode5(t, s), raw) {
			t.Fatalf("age does not read back %s: %v", s, err)
		}
	}
}
