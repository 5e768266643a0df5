package backupkey

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"filippo.io/age"
)

// kat is a fixed code (bytes 0…15) and what it must derive, forever: a change
// here means every recovery sheet ever printed stops opening its backups.
var kat = struct {
	code        Code
	typed       string
	recipient   string
	fingerprint string
}{
	code:        Code{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	typed:       "000011-005665-011319-016973-022627-028281-033935-039589",
	recipient:   "age104dv0pgvjxg6wqhh9m3mwup66fhjcwfrg26azd8gdzzqyassgvkscc59lc",
	fingerprint: "2487-6944",
}

func TestKnownAnswer(t *testing.T) {
	if got := kat.code.Typed(); got != kat.typed {
		t.Errorf("Typed = %s, want %s", got, kat.typed)
	}
	r, err := kat.code.Recipient()
	if err != nil {
		t.Fatal(err)
	}
	if r.String() != kat.recipient {
		t.Errorf("recipient = %s, want %s (the derivation changed: printed sheets would stop working)", r, kat.recipient)
	}
	if fp := Fingerprint(r); fp != kat.fingerprint || kat.code.Fingerprint() != fp {
		t.Errorf("fingerprint = %s, want %s", fp, kat.fingerprint)
	}
	c, err := ParseCode(kat.typed)
	if err != nil || c != kat.code {
		t.Errorf("ParseCode(%s) = %x, %v", kat.typed, c, err)
	}
}

func TestRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range []string{c.Typed(), c.QR(), strings.ToLower(c.QR()), strings.ReplaceAll(c.Typed(), "-", "")} {
			got, err := ParseCode(form)
			if err != nil || got != c {
				t.Fatalf("ParseCode(%q) = %x, %v; want %x", form, got, err, c)
			}
		}
		fp := c.Fingerprint()
		if len(fp) != 9 || fp[4] != '-' {
			t.Errorf("fingerprint %q", fp)
		}
		r, _ := c.Recipient()
		if seen[r.String()] {
			t.Fatalf("two codes gave recipient %s", r)
		}
		seen[r.String()] = true
		again, _ := c.Recipient()
		if again.String() != r.String() {
			t.Errorf("derivation not deterministic")
		}
	}
}

// TestTypedForms: what people type on Vietnamese and Khmer keyboards, or a
// scanner gives, reads back to the same code.
func TestTypedForms(t *testing.T) {
	khmer := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '០' + (r - '0')
		}
		return r
	}, kat.typed)
	forms := map[string]string{
		"dashes":            kat.typed,
		"spaces":            strings.ReplaceAll(kat.typed, "-", " "),
		"no separators":     strings.ReplaceAll(kat.typed, "-", ""),
		"khmer digits":      khmer,
		"zero-width spaces": strings.ReplaceAll(kat.typed, "-", "\u200b"),
		"en dashes, padded": "  " + strings.ReplaceAll(kat.typed, "-", " – ") + "\r\n",
		"groups of three":   "000 011 005 665 011 319 016 973 022 627 028 281 033 935 039 589",
		"qr, lower case":    "motcua-key:" + kat.typed,
		"qr with newline":   QRPrefix + kat.typed + "\n",
	}
	for name, s := range forms {
		c, err := ParseCode(s)
		if err != nil || c != kat.code {
			t.Errorf("%s: ParseCode(%q) = %x, %v", name, s, c, err)
		}
	}
}

func TestRefusals(t *testing.T) {
	g := strings.Split(kat.typed, "-")
	with := func(i int, s string) string {
		h := append([]string(nil), g...)
		h[i] = s
		return strings.Join(h, "-")
	}
	cases := []struct {
		name, in, key string
		arg           any
	}{
		{"typo in group 3", with(2, "011329"), KeyCodeGroup, 3},
		{"swapped digits in group 8", with(7, "039598"), KeyCodeGroup, 8},
		{"digit left out of group 5", with(4, "02262"), KeyCodeGroup, 5},
		{"group over the limit", with(0, "720896"), KeyCodeGroup, 1},
		{"47 digits", strings.ReplaceAll(kat.typed, "-", "")[1:], KeyCodeLength, 47},
		{"nine groups", kat.typed + "-000000", KeyCodeLength, 54},
		{"empty", "", KeyCodeLength, 0},
		{"a receipt's QR", "https://motcua.local/tra-cuu?k=ABC", KeyCodeInvalid, nil},
		{"an ID card's QR", "079123456789||Thạch Sa Ry|01011990|Nữ|Mỹ Hương|01012021", KeyCodeInvalid, nil},
		{"letter O for zero", "O" + kat.typed[1:], KeyCodeInvalid, nil},
		{"another prefix", "MOTCUA-KIT:" + kat.typed, KeyCodeInvalid, nil},
	}
	for _, c := range cases {
		_, err := ParseCode(c.in)
		key, args := KeyOf(err)
		if key != c.key {
			t.Errorf("%s: ParseCode(%q) = %v, want key %s", c.name, c.in, err, c.key)
			continue
		}
		if c.arg != nil && (len(args) != 2 || args[1] != c.arg) {
			t.Errorf("%s: args %v, want %v", c.name, args, c.arg)
		}
	}
}

// TestEveryTypoIsCaught: every single-digit change and every swap of two
// different neighbouring digits within a group is refused, naming that group.
func TestEveryTypoIsCaught(t *testing.T) {
	for trial := 0; trial < 5; trial++ {
		c, _ := NewCode()
		typed := []byte(strings.ReplaceAll(c.Typed(), "-", " "))
		for pos := range typed {
			if typed[pos] == ' ' {
				continue
			}
			group := pos/(GroupDigits+1) + 1
			for d := byte('0'); d <= '9'; d++ {
				if d == typed[pos] {
					continue
				}
				bad := bytes.Clone(typed)
				bad[pos] = d
				_, err := ParseCode(string(bad))
				if key, args := KeyOf(err); key != KeyCodeGroup || args[1] != group {
					t.Fatalf("%s: digit %d changed to %c: %v", typed, pos, d, err)
				}
			}
			if pos+1 < len(typed) && typed[pos+1] != ' ' && typed[pos+1] != typed[pos] {
				bad := bytes.Clone(typed)
				bad[pos], bad[pos+1] = bad[pos+1], bad[pos]
				if key, args := KeyOf(parseErr(string(bad))); key != KeyCodeGroup || args[1] != group {
					t.Fatalf("%s: digits %d,%d swapped not caught", typed, pos, pos+1)
				}
			}
		}
	}
}

// parseErr is ParseCode's error alone.
func parseErr(s string) error {
	_, err := ParseCode(s)
	return err
}

// TestEncryptDecrypt: a file encrypted to the recipient the server keeps is
// opened by the identity typed back from the sheet, and by no other.
func TestEncryptDecrypt(t *testing.T) {
	c, _ := NewCode()
	r, _ := c.Recipient()
	stored, err := ParseRecipient(r.String() + "\n")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, stored)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "Thạch Sa Ry 079123456789")
	w.Close()

	typed, err := ParseCode(strings.ReplaceAll(c.Typed(), "-", " "))
	if err != nil {
		t.Fatal(err)
	}
	id, _ := typed.Identity()
	rd, err := age.Decrypt(bytes.NewReader(buf.Bytes()), id)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(rd); string(got) != "Thạch Sa Ry 079123456789" {
		t.Errorf("decrypted %q", got)
	}
	other, _ := NewCode()
	otherID, _ := other.Identity()
	if _, err := age.Decrypt(bytes.NewReader(buf.Bytes()), otherID); err == nil {
		t.Errorf("another code opened the file")
	}
}

func TestCodeNeverPrintsItsDigits(t *testing.T) {
	for _, s := range []string{fmt.Sprint(kat.code), fmt.Sprintf("%v %s %#v", kat.code, kat.code, kat.code)} {
		if strings.Contains(s, "005665") || !strings.Contains(s, kat.fingerprint) {
			t.Errorf("formatted code: %q", s)
		}
	}
}

func TestRekey(t *testing.T) {
	c, err := Rekey(kat.recipient)
	if err != nil {
		t.Fatal(err)
	}
	if c.Fingerprint() == kat.fingerprint || c == kat.code {
		t.Errorf("Rekey gave the current key")
	}
	if _, err := Rekey("age1notakey"); err == nil {
		t.Errorf("Rekey accepted a broken current recipient")
	}
	if _, err := Rekey(""); err != nil {
		t.Errorf("Rekey without a current key: %v", err)
	}
}

func TestSheet(t *testing.T) {
	s, err := kat.code.Sheet()
	if err != nil {
		t.Fatal(err)
	}
	if s.Groups[1] != "005665" || s.QR != QRPrefix+kat.typed || s.Fingerprint != kat.fingerprint || s.Recipient != kat.recipient {
		t.Errorf("sheet %+v", s)
	}
}

func TestWrongKeyError(t *testing.T) {
	key, args := KeyOf(fmt.Errorf("restore: %w", WrongKey("1111-2222", "3333-4444")))
	if key != KeyWrongKey || fmt.Sprint(args) != "[want 1111-2222 got 3333-4444]" {
		t.Errorf("WrongKey: %s %v", key, args)
	}
	if key, _ := KeyOf(io.EOF); key != "" {
		t.Errorf("KeyOf(EOF) = %q", key)
	}
}

// FuzzParseCode: whatever is typed or scanned, ParseCode never panics, and a
// code it accepts prints back to a form that parses to the same code.
func FuzzParseCode(f *testing.F) {
	f.Add(kat.typed)
	f.Add(kat.code.QR())
	f.Add("០០០០១១ ០០៥៦៦៥")
	f.Add(strings.Repeat("0", 48))
	f.Add("MOTCUA-KEY:")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			if key, _ := KeyOf(err); key == "" {
				t.Fatalf("refusal without a key: %v", err)
			}
			return
		}
		again, err := ParseCode(c.Typed())
		if err != nil || again != c {
			t.Fatalf("%q: accepted %x, reprint %q reads %x, %v", s, c, c.Typed(), again, err)
		}
	})
}
