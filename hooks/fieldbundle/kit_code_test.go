package fieldbundle

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

// withFastScrypt lowers the kit's scrypt cost for one test: the real cost
// (TestKitRealCost) takes a second and 256 MB per seal and per open.
func withFastScrypt(t testing.TB) {
	old := kitWorkFactor
	kitWorkFactor = 10
	t.Cleanup(func() { kitWorkFactor = old })
}

func sampleKit() *Kit {
	return &Kit{Format: Version, KitID: "kita", Name: "Tổ 1 Mỹ Hương", CentreID: "centre1", CentreCode: "000.00.07.H60",
		CreatedAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), RangeFrom: 5000, RangeTo: 5999,
		Secret: hex.EncodeToString(secretA), CentreRecipient: centreID.Recipient().String(),
		Office: map[string]any{"id": "o1", "name": "UBND xã Mỹ Hương"},
		Staff:  []map[string]any{{"id": "s1", "username": "son.my", "password": "$2a$10$abcdefghijklmnopqrstuv"}}}
}

func sameKit(t *testing.T, a, b *Kit) {
	t.Helper()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("kit changed:\n%s\n%s", ja, jb)
	}
}

func TestKitCode(t *testing.T) {
	re := regexp.MustCompile(`^[0-9]{4} [0-9]{4} [0-9]{4}$`)
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		c, err := NewKitCode()
		if err != nil || !re.MatchString(c) || seen[c] {
			t.Fatalf("NewKitCode = %q, %v", c, err)
		}
		seen[c] = true
		if d, err := ParseKitCode(c); err != nil || d != strings.ReplaceAll(c, " ", "") {
			t.Errorf("ParseKitCode(%q) = %q, %v", c, d, err)
		}
	}
	for in, want := range map[string]string{
		"1234-5678-9012":      "123456789012",
		" 123456789012\n":     "123456789012",
		"១២៣៤ ៥៦៧៨ ៩០១២":      "123456789012",
		"1234\u200b5678 9012": "123456789012",
	} {
		if got, err := ParseKitCode(in); err != nil || got != want {
			t.Errorf("ParseKitCode(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "1234 5678 901", "1234 5678 90123", "1234 5678 901O", "MOTCUA-KEY:1"} {
		if _, err := ParseKitCode(bad); KeyOf(err) != KeyCode {
			t.Errorf("ParseKitCode(%q): %v", bad, err)
		}
	}
}

// TestSealedKitOnAStick: the kit file as the leader saves it and the laptop
// reads it, with the code typed on a Khmer keyboard.
func TestSealedKitOnAStick(t *testing.T) {
	withFastScrypt(t)
	k := sampleKit()
	data, err := SealKit(k, "4821 0937 1150")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "motcua-kit-to-1-kita.mckit")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	onStick, _ := os.ReadFile(p)
	for _, s := range []string{k.Secret, "$2a$10$", "son.my", "Mỹ Hương"} {
		if bytes.Contains(onStick, []byte(s)) {
			t.Errorf("kit file holds %q in the clear", s)
		}
	}
	h, err := PeekHeader(onStick)
	if err != nil || !h.Encrypted() || h.Kind != KindKit || h.KitID != "kita" {
		t.Fatalf("header: %+v %v", h, err)
	}
	got, ver, err := OpenKit(onStick, "៤៨២១ ០៩៣៧ ១១៥០")
	if err != nil || ver != Version2 {
		t.Fatalf("open: %v (version %d)", err, ver)
	}
	sameKit(t, k, got)
	if r, err := got.CentreKey(); err != nil || r.String() != centreID.Recipient().String() {
		t.Errorf("centre key: %v %v", r, err)
	}
}

func TestSealedKitRefusals(t *testing.T) {
	withFastScrypt(t)
	code := "4821 0937 1150"
	data, _ := SealKit(sampleKit(), code)
	hdr := len("MOTCUA-FIELD-KIT 2\nkit kita\n\n")
	change := func(at int) []byte {
		b := bytes.Clone(data)
		if at < 0 {
			at += len(b)
		}
		b[at] ^= 0x01
		return b
	}
	cases := []struct {
		name string
		data []byte
		code string
		key  string
	}{
		{"wrong code", data, "4821 0937 1151", KeyCode},
		{"code of another kit", data, "0000 0000 0000", KeyCode},
		{"no code", data, "", KeyCode},
		{"11 digits", data, "4821 0937 115", KeyCode},
		{"payload byte changed", change(-10), code, KeyDamaged},
		{"header MAC changed", change(hdr + 120), code, KeyDamaged},
		{"kit id in the clear changed", bytes.Replace(data, []byte("kit kita\n"), []byte("kit kitb\n"), 1), code, KeyDamaged},
		{"cut", data[:len(data)-30], code, KeyDamaged},
		{"cut in the header", data[:hdr-2], code, KeyDamaged},
		{"byte added", append(bytes.Clone(data), 0), code, KeyDamaged},
		{"a bundle", sampleBundle(t), code, KeyKind},
	}
	for _, c := range cases {
		if _, _, err := OpenKit(c.data, c.code); KeyOf(err) != c.key {
			t.Errorf("%s: %v, want %s", c.name, err, c.key)
		}
	}
}

// sealRawKit seals any kit JSON with age directly (a forged or foreign kit).
func sealRawKit(t *testing.T, kitID string, payload []byte, code string, logN int) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("MOTCUA-FIELD-KIT 2\nkit " + kitID + "\n\n")
	r, _ := age.NewScryptRecipient(code)
	r.SetWorkFactor(logN)
	w, err := age.Encrypt(&b, r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(payload)
	w.Close()
	return b.Bytes()
}

func TestSealedKitContent(t *testing.T) {
	withFastScrypt(t)
	good, _ := json.Marshal(sampleKit())
	if _, _, err := OpenKit(sealRawKit(t, "kita", good, "482109371150", kitWorkFactor), "482109371150"); err != nil {
		t.Fatalf("independently sealed kit: %v", err)
	}
	// A costlier scrypt than motcua writes is refused without being computed.
	costly := sealRawKit(t, "kita", good, "482109371150", kitWorkFactor+1)
	if _, _, err := OpenKit(costly, "482109371150"); KeyOf(err) != KeyDamaged {
		t.Errorf("higher work factor: %v", err)
	}
	bad := func(edit func(k *Kit)) []byte {
		k := sampleKit()
		edit(k)
		b, _ := json.Marshal(k)
		return sealRawKit(t, "kita", b, "482109371150", kitWorkFactor)
	}
	for name, data := range map[string][]byte{
		"other kit inside": bad(func(k *Kit) { k.KitID = "kitb" }),
		"range":            bad(func(k *Kit) { k.RangeTo = 10000 }),
		"secret":           bad(func(k *Kit) { k.Secret = "zz" }),
		"centre recipient": bad(func(k *Kit) { k.CentreRecipient = "age1nope" }),
		"not json":         sealRawKit(t, "kita", []byte("{"), "482109371150", kitWorkFactor),
		"trailing json":    sealRawKit(t, "kita", append(good, '{', '}'), "482109371150", kitWorkFactor),
	} {
		if _, _, err := OpenKit(data, "482109371150"); KeyOf(err) != KeyDamaged {
			t.Errorf("%s: %v", name, err)
		}
	}
	newer := bad(func(k *Kit) { k.Format = 9 })
	if _, _, err := OpenKit(newer, "482109371150"); KeyOf(err) != KeyVersion {
		t.Errorf("newer format: %v", err)
	}
	k := sampleKit()
	k.CentreRecipient = "age1nope"
	if _, err := SealKit(k, "482109371150"); err == nil {
		t.Error("SealKit accepted a broken centre recipient")
	}
	if _, err := SealKit(sampleKit(), "1234"); KeyOf(err) != KeyCode {
		t.Error("SealKit accepted a short code")
	}
}

// TestUnsealedKitStillReads: a kit made before kits were sealed opens
// without a code, and says it was version 1.
func TestUnsealedKitStillReads(t *testing.T) {
	k := sampleKit()
	k.CentreRecipient = ""
	data, _ := SealJSON(KindKit, "kita", secretA, k)
	got, ver, err := OpenKit(data, "")
	if err != nil || ver != Version {
		t.Fatalf("v1 kit: %v %d", err, ver)
	}
	sameKit(t, k, got)
	if r, err := got.CentreKey(); r != nil || err != nil {
		t.Errorf("v1 kit centre key: %v %v", r, err)
	}
}

// TestKitRealCost seals and opens once at the cost motcua really uses.
func TestKitRealCost(t *testing.T) {
	if testing.Short() {
		t.Skip("scrypt at 2^18 twice")
	}
	if kitWorkFactor != 18 {
		t.Fatalf("kit work factor %d, the package comment reasons about 18", kitWorkFactor)
	}
	data, err := SealKit(sampleKit(), "4821 0937 1150")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(" 18\n")) {
		t.Errorf("scrypt stanza does not say 18")
	}
	if _, _, err := OpenKit(data, "482109371150"); err != nil {
		t.Fatal(err)
	}
}

// FuzzOpenKit: whatever a stick holds, OpenKit never panics, and refuses with
// a key.
func FuzzOpenKit(f *testing.F) {
	old := kitWorkFactor
	kitWorkFactor = 4
	defer func() { kitWorkFactor = old }()
	sealed, _ := SealKit(sampleKit(), "482109371150")
	kitWorkFactor = old
	v1, _ := SealJSON(KindKit, "kita", secretA, sampleKit())
	f.Add(sealed)
	f.Add(v1)
	f.Add([]byte("MOTCUA-FIELD-KIT 2\nkit kita\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		kitWorkFactor = 4
		defer func() { kitWorkFactor = old }()
		k, _, err := OpenKit(data, "482109371150")
		if err != nil {
			if KeyOf(err) == "" {
				t.Fatalf("refusal without a key: %v", err)
			}
			return
		}
		if h, _ := PeekHeader(data); k.KitID != h.KitID {
			t.Fatalf("accepted kit %q under header %q", k.KitID, h.KitID)
		}
	})
}
