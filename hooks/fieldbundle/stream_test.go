package fieldbundle

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

// The centre's key pair, and another centre's.
var (
	centreID, _ = age.GenerateX25519Identity()
	otherID, _  = age.GenerateX25519Identity()
	errUnknown  = errors.New("unknown kit")
)

func meta(kit string) Bundle {
	return Bundle{Format: Version, KitID: kit, CentreID: "centre1", CreatedAt: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)}
}

func dossier(i int, scan []byte) Dossier {
	return Dossier{ID: fmt.Sprintf("d%04d", i),
		Fields: map[string]any{"code": fmt.Sprintf("000.00.07.H60-260302-%04d", 5000+i), "applicant_name": "Thạch Sa Ry",
			"applicant_id_number": "079123456789"},
		Events: []map[string]any{{"id": fmt.Sprintf("e%04d", i), "action": "receive"}},
		Files:  []File{{Name: "scan.pdf", Data: scan}}}
}

// writeBundle writes a version-2 bundle file into dir as a laptop does, one
// dossier at a time, and returns its path.
func writeBundle(t testing.TB, dir, kit string, secret []byte, to *age.X25519Recipient, ds []Dossier) string {
	t.Helper()
	p := filepath.Join(dir, "motcua-to-1-20260302-163000.mcbundle")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw, err := NewBundleWriter(f, secret, to, meta(kit))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if err := bw.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func opts(tmp string) ReceiveOptions {
	return ReceiveOptions{Secret: secrets, Centre: centreID, TempDir: tmp}
}

// receiveAll reads a whole bundle and returns its dossiers.
func receiveAll(r io.Reader, o ReceiveOptions) (*BundleFile, []Dossier, error) {
	bf, err := ReceiveBundle(r, o)
	if err != nil {
		return nil, nil, err
	}
	defer bf.Close()
	var out []Dossier
	for {
		d, err := bf.Next()
		if err == io.EOF {
			return bf, out, nil
		}
		if err != nil {
			return bf, out, err
		}
		out = append(out, *d)
	}
}

func receiveBytes(data []byte, tmp string) ([]Dossier, error) {
	_, ds, err := receiveAll(bytes.NewReader(data), opts(tmp))
	return ds, err
}

func emptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind in the temp folder: %s", e.Name())
	}
}

func TestBundleV2RoundTrip(t *testing.T) {
	usb, tmp := t.TempDir(), t.TempDir()
	var ds []Dossier
	for i := 1; i <= 30; i++ {
		ds = append(ds, dossier(i, bytes.Repeat([]byte{byte(i)}, 100_000)))
	}
	p := writeBundle(t, usb, "kita", secretA, centreID.Recipient(), ds)
	onStick, _ := os.ReadFile(p)
	if bytes.Contains(onStick, []byte("079123456789")) || bytes.Contains(onStick, []byte("Sa Ry")) {
		t.Fatal("the bundle on the stick holds personal data in the clear")
	}
	f, _ := os.Open(p)
	defer f.Close()
	bf, err := ReceiveBundle(f, opts(tmp))
	if err != nil {
		t.Fatal(err)
	}
	if bf.Version != Version2 || bf.KitID != "kita" || bf.CentreID != "centre1" || !bf.CreatedAt.Equal(meta("kita").CreatedAt) || bf.Size != int64(len(onStick)) {
		t.Errorf("header: %+v", bf)
	}
	// While it is being read, the temp file holds only ciphertext.
	entries, _ := os.ReadDir(tmp)
	if len(entries) != 1 {
		t.Fatalf("%d temp files", len(entries))
	}
	held, _ := os.ReadFile(filepath.Join(tmp, entries[0].Name()))
	if bytes.Contains(held, []byte("079123456789")) {
		t.Error("the temp file holds personal data in the clear")
	}
	for i := 0; ; i++ {
		d, err := bf.Next()
		if err == io.EOF {
			if i != len(ds) {
				t.Errorf("read %d dossiers, wrote %d", i, len(ds))
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		want, _ := ContentHash(ds[i])
		got, _ := ContentHash(*d)
		if got != want || d.DataSize() != 100_000 {
			t.Errorf("dossier %d changed on the way", i)
		}
	}
	if _, err := bf.Next(); err != io.EOF {
		t.Errorf("Next after the end: %v", err)
	}
	bf.Close()
	bf.Close()
	emptyDir(t, tmp)
}

// TestBundleV1StillReads: a bundle written before bundles were encrypted is
// read by the streaming reader too, which says it was version 1.
func TestBundleV1StillReads(t *testing.T) {
	tmp := t.TempDir()
	data := sampleBundle(t)
	bf, ds, err := receiveAll(bytes.NewReader(data), opts(tmp))
	if err != nil {
		t.Fatal(err)
	}
	old, _ := ReadBundle(data, secrets)
	if bf.Version != Version || len(ds) != 1 || ds[0].Fields["applicant_name"] != old.Dossiers[0].Fields["applicant_name"] || string(ds[0].Files[0].Data) != "%PDF" {
		t.Errorf("v1 through the stream: %+v %+v", bf, ds)
	}
	// An empty v1 bundle: json.Marshal writes "dossiers":null.
	empty, _ := SealJSON(KindBundle, "kita", secretA, Bundle{Format: Version, KitID: "kita", CentreID: "centre1"})
	if _, ds, err := receiveAll(bytes.NewReader(empty), opts(tmp)); err != nil || len(ds) != 0 {
		t.Errorf("empty v1 bundle: %v %d", err, len(ds))
	}
	emptyDir(t, tmp)
}

// TestV2EveryByteMatters: changing any one byte, cutting the file anywhere or
// adding a byte is refused with a message key, and never yields a dossier.
func TestV2EveryByteMatters(t *testing.T) {
	tmp := t.TempDir()
	data, err := SealBundle(secretA, centreID.Recipient(), Bundle{Format: Version, KitID: "kita", CentreID: "centre1",
		Dossiers: []Dossier{dossier(1, []byte("%PDF"))}})
	if err != nil {
		t.Fatal(err)
	}
	if ds, err := receiveBytes(data, tmp); err != nil || len(ds) != 1 {
		t.Fatalf("good bundle: %v", err)
	}
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x01
		ds, err := receiveBytes(bad, tmp)
		if err == nil || len(ds) > 0 || KeyOf(err) == "" && !errors.Is(err, errUnknown) {
			t.Fatalf("byte %d changed: %d dossiers, err=%v", i, len(ds), err)
		}
	}
	for n := 0; n < len(data); n++ {
		if ds, err := receiveBytes(data[:n], tmp); KeyOf(err) != KeyDamaged || len(ds) > 0 {
			t.Fatalf("cut at %d: err=%v, want %s", n, err, KeyDamaged)
		}
	}
	if _, err := receiveBytes(append(bytes.Clone(data), '\n'), tmp); KeyOf(err) != KeyDamaged {
		t.Errorf("byte added: %v", err)
	}
	emptyDir(t, tmp)
}

// rawV2 builds a version-2 bundle around any plaintext, from the format's
// description alone (an independent writer, and a way to forge payloads).
func rawV2(t testing.TB, header string, secret []byte, to age.Recipient, plaintext []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(header)
	w, err := age.Encrypt(&b, to)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plaintext)
	w.Close()
	m := hmac.New(sha256.New, secret)
	m.Write(b.Bytes())
	fmt.Fprintf(&b, "hmac-sha256 %x\n", m.Sum(nil))
	return b.Bytes()
}

const hdrA = "MOTCUA-FIELD-BUNDLE 2\nkit kita\n\n"

func TestIndependentWriterAgrees(t *testing.T) {
	plain := `{"format":1,"kit_id":"kita","centre_id":"centre1","created_at":"2026-03-02T09:30:00Z","dossiers":[{"id":"d1","fields":{"code":"X"}}]}`
	ds, err := receiveBytes(rawV2(t, hdrA, secretA, centreID.Recipient(), []byte(plain)), t.TempDir())
	if err != nil || len(ds) != 1 || ds[0].Fields["code"] != "X" {
		t.Errorf("independent writer: %v %+v", err, ds)
	}
}

// TestBundleFromAnotherKit: a bundle of kit b passed off as kit a's, however
// it is done, is refused.
func TestBundleFromAnotherKit(t *testing.T) {
	tmp := t.TempDir()
	ofB := Bundle{Format: Version, KitID: "kitb", CentreID: "centre1", Dossiers: []Dossier{dossier(1, nil)}}
	genuineB, _ := SealBundle(secretB, centreID.Recipient(), ofB)
	if _, err := receiveBytes(genuineB, tmp); err != nil {
		t.Fatalf("kit b's own bundle: %v", err)
	}
	// Header relabelled: the signature covers the header.
	relabelled := bytes.Replace(genuineB, []byte("kit kitb\n"), []byte("kit kita\n"), 1)
	if _, err := receiveBytes(relabelled, tmp); KeyOf(err) != KeySignature {
		t.Errorf("relabelled: %v", err)
	}
	// Signed with b's secret under a's name.
	ofB.KitID = "kita"
	forged, _ := SealBundle(secretB, centreID.Recipient(), ofB)
	if _, err := receiveBytes(forged, tmp); KeyOf(err) != KeySignature {
		t.Errorf("b's secret, a's name: %v", err)
	}
	// Laptop a cannot read b's bundle, but could re-sign its ciphertext with
	// its own secret: the payload still names kit b.
	start := len("MOTCUA-FIELD-BUNDLE 2\nkit kitb\n\n")
	cipher := genuineB[start : len(genuineB)-trailerSize]
	var resigned bytes.Buffer
	resigned.WriteString(hdrA)
	resigned.Write(cipher)
	m := hmac.New(sha256.New, secretA)
	m.Write(resigned.Bytes())
	fmt.Fprintf(&resigned, "hmac-sha256 %x\n", m.Sum(nil))
	if _, err := receiveBytes(resigned.Bytes(), tmp); KeyOf(err) != KeyDamaged {
		t.Errorf("b's ciphertext re-signed by a: %v", err)
	}
	// A payload naming another kit, sealed properly by kit a.
	lying := `{"format":1,"kit_id":"kitb","dossiers":[]}`
	if _, err := receiveBytes(rawV2(t, hdrA, secretA, centreID.Recipient(), []byte(lying)), tmp); KeyOf(err) != KeyDamaged {
		t.Errorf("payload naming kit b: %v", err)
	}
	emptyDir(t, tmp)
}

// countingReader counts the bytes taken from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestRefusedBeforeReadingMuch: an unknown or retired kit, or a forged huge
// length, is refused after at most MaxHeaderBytes, whatever follows.
func TestRefusedBeforeReadingMuch(t *testing.T) {
	tmp := t.TempDir()
	big := writeBundle(t, t.TempDir(), "kitz", secretA, centreID.Recipient(), []Dossier{dossier(1, make([]byte, 5<<20))})
	errRetired := errors.New("kit retired")
	for name, secret := range map[string]func(string) ([]byte, error){
		"unknown": secrets,
		"retired": func(string) ([]byte, error) { return nil, errRetired },
	} {
		f, _ := os.Open(big)
		cr := &countingReader{r: f}
		_, err := ReceiveBundle(cr, ReceiveOptions{Secret: secret, Centre: centreID, TempDir: tmp})
		f.Close()
		if !errors.Is(err, errUnknown) && !errors.Is(err, errRetired) {
			t.Errorf("%s kit: %v", name, err)
		}
		if cr.n > MaxHeaderBytes {
			t.Errorf("%s kit: read %d bytes before refusing", name, cr.n)
		}
	}
	forged := "MOTCUA-FIELD-BUNDLE 1\nkit kita\nlength 999999999999\nhmac-sha256 " + strings.Repeat("00", 32) + "\n\n"
	cr := &countingReader{r: io.MultiReader(strings.NewReader(forged), zeros{})}
	if _, err := ReceiveBundle(cr, opts(tmp)); KeyOf(err) != KeyTooLarge || cr.n > MaxHeaderBytes {
		t.Errorf("forged length: %v after %d bytes", err, cr.n)
	}
	// A header line that never ends.
	cr = &countingReader{r: io.MultiReader(strings.NewReader("MOTCUA-FIELD-BUNDLE 2\nkit "), zeros{})}
	if _, err := ReceiveBundle(cr, opts(tmp)); KeyOf(err) != KeyDamaged || cr.n > MaxHeaderBytes {
		t.Errorf("endless header: %v after %d bytes", err, cr.n)
	}
	emptyDir(t, tmp)
}

// zeros is an endless stream: a sender that never stops.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestSizeLimits(t *testing.T) {
	tmp := t.TempDir()
	// An endless body from a known kit stops at the cap.
	o := opts(tmp)
	o.MaxBytes = 1 << 20
	cr := &countingReader{r: io.MultiReader(strings.NewReader(hdrA), zeros{})}
	if _, err := ReceiveBundle(cr, o); KeyOf(err) != KeyTooLarge || cr.n > o.MaxBytes+1 {
		t.Errorf("endless body: %v after %d bytes", err, cr.n)
	}
	// A genuine bundle over the cap.
	data, _ := SealBundle(secretA, centreID.Recipient(), Bundle{KitID: "kita", Dossiers: []Dossier{dossier(1, make([]byte, 2<<20))}})
	if _, _, err := receiveAll(bytes.NewReader(data), o); KeyOf(err) != KeyTooLarge {
		t.Errorf("2 MB bundle, 1 MB cap: %v", err)
	}
	o.MaxBytes = int64(len(data))
	if _, ds, err := receiveAll(bytes.NewReader(data), o); err != nil || len(ds) != 1 {
		t.Errorf("bundle of exactly the cap: %v", err)
	}
	// One dossier over the per-dossier bound; those before it come through.
	data, _ = SealBundle(secretA, centreID.Recipient(), Bundle{KitID: "kita",
		Dossiers: []Dossier{dossier(1, make([]byte, 1000)), dossier(2, make([]byte, 200_000)), dossier(3, nil)}})
	o = opts(tmp)
	o.MaxDossierBytes = 100_000
	_, ds, err := receiveAll(bytes.NewReader(data), o)
	if KeyOf(err) != KeyTooLarge || len(ds) != 1 {
		t.Errorf("big dossier: %d read, %v", len(ds), err)
	}
	// Too many dossiers.
	o = opts(tmp)
	o.MaxDossiers = 2
	if _, ds, err := receiveAll(bytes.NewReader(data), o); KeyOf(err) != KeyTooLarge || len(ds) != 2 {
		t.Errorf("three dossiers, limit two: %d read, %v", len(ds), err)
	}
	emptyDir(t, tmp)
}

// TestOnlyTheCentreReads: the laptop holds the centre's recipient, never its
// identity. A bundle opened with any other identity (another centre, or a
// laptop that made itself one) is refused, though its signature is right.
func TestOnlyTheCentreReads(t *testing.T) {
	tmp := t.TempDir()
	data, _ := SealBundle(secretA, centreID.Recipient(), Bundle{KitID: "kita", Dossiers: []Dossier{dossier(1, nil)}})
	o := opts(tmp)
	o.Centre = otherID
	if _, err := ReceiveBundle(bytes.NewReader(data), o); KeyOf(err) != KeyRecipient {
		t.Errorf("other identity: %v", err)
	}
	o.Centre = nil
	if _, err := ReceiveBundle(bytes.NewReader(data), o); KeyOf(err) != KeyRecipient {
		t.Errorf("no identity: %v", err)
	}
	toOther, _ := SealBundle(secretA, otherID.Recipient(), Bundle{KitID: "kita"})
	if _, err := ReceiveBundle(bytes.NewReader(toOther), opts(tmp)); KeyOf(err) != KeyRecipient {
		t.Errorf("bundle for another centre: %v", err)
	}
	emptyDir(t, tmp)
}

func TestPayloadRefusals(t *testing.T) {
	tmp := t.TempDir()
	d := `{"id":"d1","fields":{"code":"X"}}`
	cases := map[string]string{
		"repeated id":          `{"kit_id":"kita","dossiers":[` + d + `,` + d + `]}`,
		"no fields":            `{"kit_id":"kita","dossiers":[{"id":"d1"}]}`,
		"bad id":               `{"kit_id":"kita","dossiers":[{"id":"../x","fields":{}}]}`,
		"dossiers before kit":  `{"dossiers":[],"kit_id":"kita"}`,
		"no kit":               `{"format":1}`,
		"after the dossiers":   `{"kit_id":"kita","dossiers":[],"centre_id":"c2"}`,
		"trailing data":        `{"kit_id":"kita","dossiers":[]}{}`,
		"not an object":        `[]`,
		"dossiers not a list":  `{"kit_id":"kita","dossiers":{}}`,
		"cut inside":           `{"kit_id":"kita","dossiers":[` + d,
		"newer payload format": `{"format":9,"kit_id":"kita","dossiers":[]}`,
	}
	for name, plain := range cases {
		_, err := receiveBytes(rawV2(t, hdrA, secretA, centreID.Recipient(), []byte(plain)), tmp)
		want := KeyDamaged
		if name == "newer payload format" {
			want = KeyVersion
		}
		if KeyOf(err) != want {
			t.Errorf("%s: %v, want %s", name, err, want)
		}
	}
	// Unknown fields before the dossiers are skipped, as ReadBundle did.
	ok := `{"kit_id":"kita","note":{"x":[1,2]},"dossiers":[` + d + `]}`
	if ds, err := receiveBytes(rawV2(t, hdrA, secretA, centreID.Recipient(), []byte(ok)), tmp); err != nil || len(ds) != 1 {
		t.Errorf("unknown field: %v", err)
	}
	emptyDir(t, tmp)
}

func TestKindRefusals(t *testing.T) {
	tmp := t.TempDir()
	ack, _ := SealJSON(KindAck, "kita", secretA, Ack{KitID: "kita"})
	if _, err := receiveBytes(ack, tmp); KeyOf(err) != KeyKind {
		t.Errorf("ack as bundle: %v", err)
	}
	withFastScrypt(t)
	kit, _ := SealKit(sampleKit(), "1234 5678 9012")
	if _, err := receiveBytes(kit, tmp); KeyOf(err) != KeyKind {
		t.Errorf("kit as bundle: %v", err)
	}
	if _, err := receiveBytes([]byte("MOTCUA-FIELD-BUNDLE 3\nkit kita\n\n"), tmp); KeyOf(err) != KeyVersion {
		t.Errorf("version 3: %v", err)
	}
	if _, err := receiveBytes([]byte("MOTCUA-FIELD-ACK 2\nkit kita\n\n"), tmp); KeyOf(err) != KeyDamaged {
		t.Errorf("v2 ack: %v", err)
	}
	emptyDir(t, tmp)
}

func TestWriterRefuses(t *testing.T) {
	if _, err := NewBundleWriter(io.Discard, secretA, nil, meta("kita")); err == nil {
		t.Error("no centre recipient accepted")
	}
	if _, err := NewBundleWriter(io.Discard, secretA[:5], centreID.Recipient(), meta("kita")); err == nil {
		t.Error("short secret accepted")
	}
	if _, err := NewBundleWriter(io.Discard, secretA, centreID.Recipient(), meta("bad kit")); err == nil {
		t.Error("bad kit id accepted")
	}
	bw, _ := NewBundleWriter(io.Discard, secretA, centreID.Recipient(), meta("kita"))
	if err := bw.Add(Dossier{ID: "d1"}); err == nil {
		t.Error("dossier without fields accepted")
	}
	bw.Close()
	if err := bw.Add(dossier(1, nil)); err == nil {
		t.Error("add after close accepted")
	}
}

func TestPeekHeader(t *testing.T) {
	h, err := PeekHeader([]byte(hdrA + "rest"))
	if err != nil || h.Kind != KindBundle || !h.Encrypted() || h.KitID != "kita" {
		t.Errorf("PeekHeader v2: %+v %v", h, err)
	}
	h, err = PeekHeader(sampleBundle(t))
	if err != nil || h.Encrypted() || h.Version != Version {
		t.Errorf("PeekHeader v1: %+v %v", h, err)
	}
	if _, err := PeekHeader([]byte(strings.Repeat("x", 1000))); KeyOf(err) != KeyDamaged {
		t.Errorf("PeekHeader garbage: %v", err)
	}
}

// FuzzReadHeader: the header reader never panics, never reads past
// MaxHeaderBytes, and what it accepts is exactly the canonical header at the
// start of the input.
func FuzzReadHeader(f *testing.F) {
	f.Add([]byte(hdrA))
	f.Add(sampleBundle(f)[:120])
	f.Add([]byte("MOTCUA-FIELD-KIT 2\nkit x\n\n"))
	f.Add([]byte("MOTCUA-FIELD-BUNDLE 1\nkit kita\nlength 2\nhmac-sha256 00\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cr := &countingReader{r: bytes.NewReader(data)}
		br, _ := gatedReader(cr)
		h, err := readHeader(br)
		if cr.n > MaxHeaderBytes {
			t.Fatalf("read %d bytes", cr.n)
		}
		if err != nil {
			if KeyOf(err) == "" {
				t.Fatalf("refusal without a key: %v", err)
			}
			return
		}
		if !bytes.HasPrefix(data, h.bytes()) {
			t.Fatalf("accepted header %q is not the input's start %q", h.bytes(), data)
		}
	})
}

// FuzzReceiveBundle: whatever bytes arrive, the streaming reader never
// panics, leaves no temp file, and yields dossiers only from a file whose
// last line is the right HMAC of everything before it (version 2) or that
// re-seals to itself (version 1).
func FuzzReceiveBundle(f *testing.F) {
	v2, _ := SealBundle(secretA, centreID.Recipient(), Bundle{Format: Version, KitID: "kita", CentreID: "centre1",
		Dossiers: []Dossier{dossier(1, []byte("%PDF"))}})
	f.Add(v2)
	f.Add(sampleBundle(f))
	f.Add([]byte(hdrA))
	f.Add([]byte("MOTCUA-FIELD-BUNDLE 1\nkit kita\nlength 2\nhmac-sha256 00\n\n{}"))
	tmp := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		o := opts(tmp)
		o.MaxBytes = 1 << 20
		bf, ds, err := receiveAll(bytes.NewReader(data), o)
		if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
			t.Fatalf("temp file left behind")
		}
		if err != nil {
			return
		}
		h, _ := PeekHeader(data)
		if bf.Version == Version2 {
			body := data[:len(data)-trailerSize]
			m := hmac.New(sha256.New, map[string][]byte{"kita": secretA, "kitb": secretB}[h.KitID])
			m.Write(body)
			if string(data[len(body):]) != fmt.Sprintf("hmac-sha256 %x\n", m.Sum(nil)) {
				t.Fatalf("accepted a v2 file without its kit's signature")
			}
		} else {
			env, err := Open(data)
			if err != nil {
				t.Fatalf("accepted v1 that does not open: %v", err)
			}
			again, _ := Seal(KindBundle, env.KitID, map[string][]byte{"kita": secretA, "kitb": secretB}[env.KitID], env.Payload)
			if !bytes.Equal(again, data) {
				t.Fatalf("accepted v1 bytes not sealed by the kit")
			}
		}
		for _, d := range ds {
			if !validKitID(d.ID) || d.Fields == nil {
				t.Fatalf("bad dossier accepted: %+v", d)
			}
		}
	})
}
