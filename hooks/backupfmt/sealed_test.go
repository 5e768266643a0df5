package backupfmt

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"filippo.io/age"

	"motcua/hooks/backupkey"
)

// A citizen's ID number and a scan named after her: neither may appear in
// any byte of an encrypted backup folder.
const (
	secretText = "Thạch Sa Ry 079123456789"
	scanPath   = "storage/pbc_dossiers/r1abc/cccd_thach_sa_ry_x1y2z3.jpg"
)

func sampleFiles() map[string][]byte {
	db := bytes.Repeat([]byte("SQLite format 3\x00"+secretText), 5000) // ~200 KB: several age chunks
	return map[string][]byte{
		"data.db":      db,
		"auxiliary.db": []byte("SQLite format 3\x00logs"),
		scanPath:       []byte("\xff\xd8\xff JPEG of " + secretText),
		"storage/e":    {},
	}
}

func newCode(t testing.TB) (backupkey.Code, *age.X25519Recipient) {
	t.Helper()
	c, err := backupkey.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Recipient()
	if err != nil {
		t.Fatal(err)
	}
	return c, r
}

// writeEncrypted writes an encrypted backup folder the way the backup command
// does: each file sealed at its SealedPath (0600), the index, then the
// manifest.
func writeEncrypted(t testing.TB, dir, name string, files map[string][]byte, to *age.X25519Recipient) *Manifest {
	t.Helper()
	m := &Manifest{Format: FormatEncrypted, Name: name, CreatedAt: "2026-03-02T02:00:00Z", AppVersion: "test",
		Key: KeyFor(to), Counts: map[string]int64{"dossiers": 1}, Pages: map[string]int64{"data.db": 50}}
	ix := &Index{Format: FormatEncrypted, Name: name}
	create := func(p string) *os.File {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for p, data := range files {
		f := create(SealedPath(p))
		plain, stored, err := Seal(f, bytes.NewReader(data), to, p)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		ix.Files = append(ix.Files, plain)
		m.Files = append(m.Files, stored)
	}
	f := create(IndexName)
	stored, err := SealIndex(f, ix, to)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	m.Files = append(m.Files, stored)
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return m
}

// restoreEncrypted reads a backup folder the way restore does: manifest in the
// clear, key check, sizes, index, then every file decrypted and compared with
// both lists. It returns the restored files.
func restoreEncrypted(dir string, code *backupkey.Code) (map[string][]byte, error) {
	f, err := os.Open(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := ReadManifest(f)
	if err != nil {
		return nil, err
	}
	var id *age.X25519Identity
	if code != nil {
		if id, err = code.Identity(); err != nil {
			return nil, err
		}
	}
	if err := m.CheckIdentity(id); err != nil {
		return nil, err
	}
	for _, file := range m.Files {
		p, err := Local(dir, file.Path)
		if err != nil {
			return nil, err
		}
		if st, err := os.Stat(p); err != nil || st.Size() != file.Size {
			return nil, errors.New("missing or wrong size: " + file.Path)
		}
	}
	ixf, err := os.Open(filepath.Join(dir, IndexName))
	if err != nil {
		return nil, err
	}
	defer ixf.Close()
	ix, err := ReadIndex(ixf, id, m)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, want := range ix.Files {
		sealed, _ := m.Sealed(want.Path)
		src, err := os.Open(filepath.Join(dir, filepath.FromSlash(sealed.Path)))
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		plain, stored, err := Unseal(&buf, src, id, want.Path)
		src.Close()
		if err != nil {
			return nil, err
		}
		if stored != sealed || plain != want {
			return nil, errors.New("checksum mismatch: " + want.Path)
		}
		out[want.Path] = buf.Bytes()
	}
	return out, nil
}

func TestEncryptedBackupRoundTrip(t *testing.T) {
	dir := t.TempDir()
	code, to := newCode(t)
	files := sampleFiles()
	writeEncrypted(t, dir, "motcua-20260302-090000", files, to)

	// Typed back from the sheet, with spaces instead of dashes.
	typed, err := backupkey.ParseCode(strings.ReplaceAll(code.Typed(), "-", " "))
	if err != nil {
		t.Fatal(err)
	}
	got, err := restoreEncrypted(dir, &typed)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(files) {
		t.Errorf("restored %d files, want %d", len(got), len(files))
	}
	for p, data := range files {
		if !bytes.Equal(got[p], data) {
			t.Errorf("%s: restored %d bytes differ from the %d backed up", p, len(got[p]), len(data))
		}
	}

	// Nothing personal in the clear: not the ID number, not the scan's name.
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		b, _ := os.ReadFile(p)
		for _, s := range []string{"079123456789", "thach_sa_ry", "SQLite format"} {
			if bytes.Contains(b, []byte(s)) || strings.Contains(p, s) {
				t.Errorf("%s holds %q in the clear", p, s)
			}
		}
		if st, _ := os.Stat(p); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v", p, st.Mode().Perm())
		}
		return nil
	})
	if n != len(files)+2 {
		t.Errorf("%d files in the folder, want %d", n, len(files)+2)
	}

	// Readable without the key: what the dashboard and "restore --check" show.
	f, _ := os.Open(filepath.Join(dir, ManifestName))
	defer f.Close()
	m, err := ReadManifest(f)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Encrypted() || m.Key.Fingerprint != code.Fingerprint() || m.Counts["dossiers"] != 1 {
		t.Errorf("manifest in the clear: %+v", m)
	}
}

func TestWrongSheet(t *testing.T) {
	dir := t.TempDir()
	code, to := newCode(t)
	writeEncrypted(t, dir, "motcua-20260302-090000", sampleFiles(), to)
	other, _ := newCode(t)
	_, err := restoreEncrypted(dir, &other)
	key, args := backupkey.KeyOf(err)
	if key != backupkey.KeyWrongKey || args[1] != code.Fingerprint() || args[3] != other.Fingerprint() {
		t.Errorf("other sheet: %v %v", err, args)
	}
	_, err = restoreEncrypted(dir, nil)
	if key, args := backupkey.KeyOf(err); key != backupkey.KeyNeeded || args[1] != code.Fingerprint() {
		t.Errorf("no sheet: %v", err)
	}
}

// TestDamagedBackup: a changed byte anywhere in a sealed file, a cut file, an
// appended byte, files swapped, an index of another backup: each is refused,
// and never reported as the wrong sheet.
func TestDamagedBackup(t *testing.T) {
	code, to := newCode(t)
	other := t.TempDir()
	writeEncrypted(t, other, "motcua-20260301-090000", sampleFiles(), to)
	sealedDB := filepath.FromSlash(SealedPath("data.db"))
	cases := map[string]func(t *testing.T, dir string){
		"byte changed in a chunk": func(t *testing.T, dir string) { flip(t, filepath.Join(dir, sealedDB), 100_000) },
		"byte changed in header":  func(t *testing.T, dir string) { flip(t, filepath.Join(dir, sealedDB), 30) },
		"last byte changed":       func(t *testing.T, dir string) { flip(t, filepath.Join(dir, sealedDB), -1) },
		"index byte changed":      func(t *testing.T, dir string) { flip(t, filepath.Join(dir, IndexName), -20) },
		"cut short, size kept in manifest": func(t *testing.T, dir string) {
			p := filepath.Join(dir, sealedDB)
			st, _ := os.Stat(p)
			os.Truncate(p, st.Size()-1000)
		},
		"cut and manifest edited to match": func(t *testing.T, dir string) {
			p := filepath.Join(dir, sealedDB)
			st, _ := os.Stat(p)
			os.Truncate(p, st.Size()-1000)
			editManifest(t, dir, func(m *Manifest) {
				for i := range m.Files {
					if m.Files[i].Path == SealedPath("data.db") {
						m.Files[i].Size -= 1000
					}
				}
			})
		},
		"files swapped": func(t *testing.T, dir string) {
			a, b := filepath.Join(dir, sealedDB), filepath.Join(dir, filepath.FromSlash(SealedPath("auxiliary.db")))
			os.Rename(a, a+".x")
			os.Rename(b, a)
			os.Rename(a+".x", b)
			editManifest(t, dir, func(m *Manifest) { // sizes made to match, so only checksums can tell
				var ia, ib int
				for i, f := range m.Files {
					switch f.Path {
					case SealedPath("data.db"):
						ia = i
					case SealedPath("auxiliary.db"):
						ib = i
					}
				}
				m.Files[ia].Size, m.Files[ib].Size = m.Files[ib].Size, m.Files[ia].Size
				m.Files[ia].SHA256, m.Files[ib].SHA256 = m.Files[ib].SHA256, m.Files[ia].SHA256
			})
		},
		"index of another backup": func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(other, IndexName))
			os.WriteFile(filepath.Join(dir, IndexName), b, 0o600)
			editManifest(t, dir, func(m *Manifest) {
				for i := range m.Files {
					if m.Files[i].Path == IndexName {
						m.Files[i] = hashOf(t, IndexName, b)
					}
				}
			})
		},
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeEncrypted(t, dir, "motcua-20260302-090000", sampleFiles(), to)
			damage(t, dir)
			got, err := restoreEncrypted(dir, &code)
			if err == nil {
				t.Fatalf("damaged backup restored (%d files)", len(got))
			}
			t.Log(err)
			if key, _ := backupkey.KeyOf(err); key != "" {
				t.Errorf("damage reported as a key problem: %v", err)
			}
		})
	}
}

func flip(t *testing.T, p string, at int64) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if at < 0 {
		at += int64(len(b))
	}
	b[at] ^= 0x20
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func editManifest(t *testing.T, dir string, edit func(m *Manifest)) {
	t.Helper()
	f, _ := os.Open(filepath.Join(dir, ManifestName))
	m, err := ReadManifest(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ := m.Marshal()
	os.WriteFile(filepath.Join(dir, ManifestName), b, 0o600)
}

func hashOf(t *testing.T, p string, b []byte) File {
	f, err := HashReader(p, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func encryptedManifest(t *testing.T) *Manifest {
	_, to := newCode(t)
	return &Manifest{Format: FormatEncrypted, Name: "motcua-20260302-090000", CreatedAt: "2026-03-02T02:00:00Z",
		Key: KeyFor(to), Files: []File{{Path: IndexName, Size: 300, SHA256: sha}, {Path: SealedPath("data.db"), Size: 5000, SHA256: sha}}}
}

func TestEncryptedManifestRefuses(t *testing.T) {
	_, other := newCode(t)
	cases := map[string]func(m *Manifest){
		"no key":               func(m *Manifest) { m.Key = nil },
		"foreign fingerprint":  func(m *Manifest) { m.Key.Fingerprint = KeyFor(other).Fingerprint },
		"bad recipient":        func(m *Manifest) { m.Key.Recipient = "age1xyz" },
		"upper-case recipient": func(m *Manifest) { m.Key.Recipient = strings.ToUpper(m.Key.Recipient) },
		"plain path":           func(m *Manifest) { m.Files[1].Path = "data.db" },
		"scan path":            func(m *Manifest) { m.Files[1].Path = scanPath },
		"escape":               func(m *Manifest) { m.Files[1].Path = "sealed/../../x.age" },
		"no index":             func(m *Manifest) { m.Files = m.Files[1:] },
		"twice":                func(m *Manifest) { m.Files = append(m.Files, m.Files[1]) },
		"bad sha":              func(m *Manifest) { m.Files[1].SHA256 = "x" },
		"key in a plain one": func(m *Manifest) {
			m.Format = Format
			m.Files = []File{{Path: "data.db", Size: 1, SHA256: sha}}
		},
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			m := encryptedManifest(t)
			change(m)
			b, _ := m.Marshal()
			if got, err := ReadManifest(bytes.NewReader(b)); err == nil {
				t.Errorf("accepted: %+v", got)
			}
		})
	}
	m := encryptedManifest(t)
	b, _ := m.Marshal()
	if _, err := ReadManifest(bytes.NewReader(b)); err != nil {
		t.Errorf("valid encrypted manifest refused: %v", err)
	}
}

func TestPlainBackupStillReads(t *testing.T) {
	b, _ := validManifest().Marshal()
	m, err := ReadManifest(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if m.Encrypted() || m.Key != nil || m.CheckIdentity(nil) != nil {
		t.Errorf("plain manifest: encrypted=%v key=%v", m.Encrypted(), m.Key)
	}
}

func TestParseIndexRefuses(t *testing.T) {
	m := encryptedManifest(t)
	good := `{"format":"motcua-backup/2","name":"motcua-20260302-090000","files":[{"path":"data.db","size":1,"sha256":"` + sha + `"}]}`
	if _, err := parseIndex([]byte(good), m); err != nil {
		t.Fatalf("good index refused: %v", err)
	}
	cases := map[string]string{
		"other backup":  strings.Replace(good, "090000", "100000", 1),
		"other format":  strings.Replace(good, "backup/2", "backup/1", 1),
		"unlisted file": strings.Replace(good, `"data.db"`, `"auxiliary.db"`, 1),
		"escape":        strings.Replace(good, `"data.db"`, `"../data.db"`, 1),
		"extra file":    strings.Replace(good, `]}`, `,{"path":"storage/x","size":1,"sha256":"`+sha+`"}]}`, 1),
		"unknown field": strings.Replace(good, `"name"`, `"evil":1,"name"`, 1),
		"trailing":      good + "{}",
		"cut":           good[:len(good)-3],
	}
	for name, b := range cases {
		if _, err := parseIndex([]byte(b), m); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSealedPath(t *testing.T) {
	a, b := SealedPath("data.db"), SealedPath(scanPath)
	if a == b || !sealedRe.MatchString(a) || !sealedRe.MatchString(b) || strings.Contains(b, "thach") {
		t.Errorf("SealedPath: %s %s", a, b)
	}
	if err := CheckPath(a); err != nil {
		t.Errorf("sealed path unsafe: %v", err)
	}
	if SealedPath("data.db") != "sealed/"+a[7:9]+"/"+a[10:40]+".age" {
		t.Errorf("SealedPath not stable: %s", a)
	}
}

// TestUnsealWriteErrorIsNotDamage: a full disk while restoring is the disk's
// fault, and says so (the caller reports "disk full", not "backup damaged").
func TestUnsealWriteErrorIsNotDamage(t *testing.T) {
	code, to := newCode(t)
	id, _ := code.Identity()
	var sealed bytes.Buffer
	if _, _, err := Seal(&sealed, bytes.NewReader(make([]byte, 200_000)), to, "data.db"); err != nil {
		t.Fatal(err)
	}
	full := errors.New("no space left on device")
	_, _, err := Unseal(failWriter{full}, &sealed, id, "data.db")
	if !errors.Is(err, full) || errors.Is(err, ErrDamaged) {
		t.Errorf("Unseal on a full disk: %v", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write(p []byte) (int, error) { return 0, f.err }

// TestSealStreams: a 256 MB database is encrypted and decrypted while the
// heap stays small (it streams; nothing holds the file).
func TestSealStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 256 MB twice")
	}
	const size = 256 << 20
	code, to := newCode(t)
	id, _ := code.Identity()
	dir := t.TempDir()
	p := filepath.Join(dir, "data.db.age")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC() // start from a collected heap, so the collector's goal is this code's
	var peak uint64
	probe := &heapProbe{peak: &peak}
	plain, _, err := Seal(f, io.TeeReader(io.LimitReader(rand.NewChaCha8([32]byte{1}), size), probe), to, "data.db")
	f.Close()
	if err != nil || plain.Size != size {
		t.Fatalf("seal: %v %+v", err, plain)
	}
	src, _ := os.Open(p)
	defer src.Close()
	got, _, err := Unseal(probe, src, id, "data.db")
	if err != nil || got != plain {
		t.Fatalf("unseal: %v %+v", err, got)
	}
	if peak > 64<<20 {
		t.Errorf("heap in use reached %d MB while streaming 256 MB", peak>>20)
	}
	t.Logf("peak heap in use %.1f MB", float64(peak)/(1<<20))
}

// heapProbe samples HeapInuse every 16 MB that passes through it.
type heapProbe struct {
	n    int64
	peak *uint64
}

func (h *heapProbe) Write(p []byte) (int, error) {
	before := h.n
	h.n += int64(len(p))
	if before/(16<<20) != h.n/(16<<20) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		*h.peak = max(*h.peak, ms.HeapInuse)
	}
	return len(p), nil
}

func BenchmarkSeal(b *testing.B) {
	_, to := newCode(b)
	data := make([]byte, 64<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := Seal(io.Discard, bytes.NewReader(data), to, "data.db"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnseal(b *testing.B) {
	code, to := newCode(b)
	id, _ := code.Identity()
	var sealed bytes.Buffer
	if _, _, err := Seal(&sealed, bytes.NewReader(make([]byte, 64<<20)), to, "data.db"); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(64 << 20)
	for b.Loop() {
		if _, _, err := Unseal(io.Discard, bytes.NewReader(sealed.Bytes()), id, "data.db"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRekeyAfterLostSheet: the sheet is lost while the old PC still works. A
// new key is made; the next backup is made for it and restores with the new
// sheet; a backup made before the re-key is refused with the new sheet,
// naming the old key's fingerprint, so the IT person knows which backups the
// lost sheet took with it.
func TestRekeyAfterLostSheet(t *testing.T) {
	oldCode, oldTo := newCode(t)
	before := t.TempDir()
	writeEncrypted(t, before, "motcua-20260301-090000", sampleFiles(), oldTo)

	fresh, err := backupkey.Rekey(oldTo.String())
	if err != nil {
		t.Fatal(err)
	}
	newTo, _ := fresh.Recipient()
	after := t.TempDir()
	writeEncrypted(t, after, "motcua-20260302-090000", sampleFiles(), newTo)

	if got, err := restoreEncrypted(after, &fresh); err != nil || len(got) != len(sampleFiles()) {
		t.Fatalf("fresh backup with the new sheet: %v", err)
	}
	_, err = restoreEncrypted(before, &fresh)
	if key, args := backupkey.KeyOf(err); key != backupkey.KeyWrongKey || args[1] != oldCode.Fingerprint() {
		t.Errorf("old backup with the new sheet: %v", err)
	}
}
