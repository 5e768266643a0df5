package fieldbundle

import (
	"bytes"
	"testing"
	"time"
)

var (
	secretA = bytes.Repeat([]byte{7}, SecretSize)
	secretB = bytes.Repeat([]byte{9}, SecretSize)
)

func secrets(id string) ([]byte, error) {
	switch id {
	case "kita":
		return secretA, nil
	case "kitb":
		return secretB, nil
	}
	return nil, errUnknown
}

func sampleBundle(t testing.TB) []byte {
	t.Helper()
	b := Bundle{Format: Version, KitID: "kita", CentreID: "centre1", CreatedAt: time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC),
		Dossiers: []Dossier{{ID: "d1", Fields: map[string]any{"code": "X-260302-5001", "applicant_name": "Thạch Sa Ry"},
			Events: []map[string]any{{"id": "e1", "action": "receive"}}, Files: []File{{Name: "a.pdf", Data: []byte("%PDF")}}}}}
	data, err := SealJSON(KindBundle, "kita", secretA, b)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestBundleRoundTrip(t *testing.T) {
	data := sampleBundle(t)
	b, err := ReadBundle(data, secrets)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Dossiers) != 1 || b.Dossiers[0].Fields["applicant_name"] != "Thạch Sa Ry" || string(b.Dossiers[0].Files[0].Data) != "%PDF" {
		t.Errorf("round trip: %+v", b)
	}
}

// TestEveryByteMatters: changing any one byte, or cutting the file anywhere,
// is refused with a message key.
func TestEveryByteMatters(t *testing.T) {
	data := sampleBundle(t)
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x01
		if _, err := ReadBundle(bad, secrets); err == nil || KeyOf(err) == "" && err.Error() != "unknown kit" {
			t.Fatalf("byte %d changed: err=%v", i, err)
		}
	}
	for n := 0; n < len(data); n++ {
		if _, err := ReadBundle(data[:n], secrets); KeyOf(err) != KeyDamaged {
			t.Fatalf("cut at %d: err=%v, want %s", n, err, KeyDamaged)
		}
	}
	if _, err := ReadBundle(append(bytes.Clone(data), '\n'), secrets); KeyOf(err) != KeyDamaged {
		t.Errorf("trailing byte: %v", err)
	}
}

func TestForeignAndKind(t *testing.T) {
	// Signed by kit b's secret but claiming kit a: refused.
	forged, _ := SealJSON(KindBundle, "kita", secretB, Bundle{KitID: "kita"})
	if _, err := ReadBundle(forged, secrets); KeyOf(err) != KeySignature {
		t.Errorf("forged: %v", err)
	}
	ack, _ := SealJSON(KindAck, "kita", secretA, Ack{KitID: "kita"})
	if _, err := ReadBundle(ack, secrets); KeyOf(err) != KeyKind {
		t.Errorf("ack as bundle: %v", err)
	}
	if _, err := ReadAck(ack, "kitb", secretB); KeyOf(err) != KeySignature {
		t.Errorf("ack for another kit: %v", err)
	}
	if a, err := ReadAck(ack, "kita", secretA); err != nil || a.KitID != "kita" {
		t.Errorf("ack: %v %v", a, err)
	}
	newer := bytes.Replace(sampleBundle(t), []byte("BUNDLE 1\n"), []byte("BUNDLE 3\n"), 1)
	if _, err := ReadBundle(newer, secrets); KeyOf(err) != KeyVersion {
		t.Errorf("newer version: %v", err)
	}
}

func TestKitRoundTrip(t *testing.T) {
	k := Kit{Format: Version, KitID: "kita", Name: "Tổ 1", RangeFrom: 5000, RangeTo: 5999, Secret: "0707070707070707070707070707070707070707070707070707070707070707"}
	data, err := SealJSON(KindKit, "kita", secretA, k)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadKit(data)
	if err != nil || got.Name != "Tổ 1" || got.RangeFrom != 5000 {
		t.Fatalf("kit: %+v %v", got, err)
	}
	bad := bytes.Replace(data, []byte("5999"), []byte("9999"), 1)
	if _, err := ReadKit(bad); KeyOf(err) != KeySignature && KeyOf(err) != KeyDamaged {
		t.Errorf("changed range: %v", err)
	}
}

func TestContentHash(t *testing.T) {
	a := Dossier{ID: "d1", Fields: map[string]any{"a": 1, "b": "x"},
		Events: []map[string]any{{"id": "e1", "at": "t1"}, {"id": "e2", "at": "t2"}}, Files: []File{{Name: "x.pdf", Data: []byte("1")}}}
	b := Dossier{ID: "d1", Fields: map[string]any{"b": "x", "a": 1.0},
		Events: []map[string]any{{"id": "e2", "at": "t2"}, {"at": "t1", "id": "e1"}}, Files: []File{{Name: "renamed.pdf", Data: []byte("1")}}}
	ha, _ := ContentHash(a)
	hb, _ := ContentHash(b)
	if ha != hb {
		t.Errorf("same content, different hash")
	}
	b.Fields["b"] = "y"
	if hc, _ := ContentHash(b); hc == ha {
		t.Errorf("changed field, same hash")
	}
	b.Fields["b"] = "x"
	b.Files[0].Data = []byte("2")
	if hc, _ := ContentHash(b); hc == ha {
		t.Errorf("changed scan, same hash")
	}
}

// FuzzReadBundle: whatever bytes arrive, the reader never panics, and anything
// it accepts was signed with the kit's secret (here: re-sealing the decoded
// payload reproduces the input exactly).
func FuzzReadBundle(f *testing.F) {
	f.Add(sampleBundle(f))
	f.Add([]byte("MOTCUA-FIELD-BUNDLE 1\nkit kita\nlength 2\nhmac-sha256 00\n\n{}"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadBundle(data, secrets)
		if err != nil {
			return
		}
		env, err := Open(data)
		if err != nil {
			t.Fatalf("accepted but does not open: %v", err)
		}
		again, err := Seal(KindBundle, env.KitID, map[string][]byte{"kita": secretA, "kitb": secretB}[env.KitID], env.Payload)
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("accepted bytes that were not sealed by the kit: %v", err)
		}
		if b.KitID != env.KitID {
			t.Fatalf("kit id mismatch accepted")
		}
	})
}
