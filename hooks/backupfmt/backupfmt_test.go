package backupfmt

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func validManifest() *Manifest {
	return &Manifest{
		Format: Format, Name: "motcua-20260302-090000", CreatedAt: "2026-03-02T02:00:00Z", AppVersion: "test",
		Files: []File{
			{Path: "storage/motcua_dossiers/abc123/scan_x1y2z3.pdf", Size: 10, SHA256: sha},
			{Path: "data.db", Size: 4096, SHA256: sha},
		},
		Counts: map[string]int64{"dossiers": 3},
		Pages:  map[string]int64{"data.db": 1},
	}
}

func TestManifestRoundTrip(t *testing.T) {
	m := validManifest()
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifest(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, b)
	}
	if got.Files[0].Path != "data.db" || got.Files[1].Size != 10 || got.Counts["dossiers"] != 3 || got.Size() != 4106 {
		t.Errorf("round trip changed the manifest: %+v", got)
	}
}

func TestManifestRefuses(t *testing.T) {
	cases := map[string]func(m *Manifest){
		"other format":    func(m *Manifest) { m.Format = "motcua-backup/9" },
		"no created_at":   func(m *Manifest) { m.CreatedAt = "" },
		"no data.db":      func(m *Manifest) { m.Files = m.Files[:1] },
		"duplicate":       func(m *Manifest) { m.Files = append(m.Files, File{Path: "DATA.db", Size: 1, SHA256: sha}) },
		"bad sha":         func(m *Manifest) { m.Files[0].SHA256 = "xyz" },
		"upper-case sha":  func(m *Manifest) { m.Files[0].SHA256 = strings.ToUpper(sha) },
		"negative size":   func(m *Manifest) { m.Files[0].Size = -1 },
		"escape with ..":  func(m *Manifest) { m.Files[0].Path = "storage/../../etc/passwd" },
		"absolute":        func(m *Manifest) { m.Files[0].Path = "/etc/passwd" },
		"drive letter":    func(m *Manifest) { m.Files[0].Path = "C:/Windows/win.ini" },
		"backslash":       func(m *Manifest) { m.Files[0].Path = `storage\..\..\x` },
		"device name":     func(m *Manifest) { m.Files[0].Path = "storage/NUL.txt" },
		"trailing dot":    func(m *Manifest) { m.Files[0].Path = "storage/x." },
		"alternate strm":  func(m *Manifest) { m.Files[0].Path = "data.db:evil" },
		"control char":    func(m *Manifest) { m.Files[0].Path = "storage/a\nb" },
		"empty element":   func(m *Manifest) { m.Files[0].Path = "storage//x" },
		"unknown field":   nil,
		"trailing garbag": nil,
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			m := validManifest()
			var b []byte
			switch name {
			case "unknown field":
				b = []byte(`{"format":"motcua-backup/1","created_at":"2026-03-02T02:00:00Z","evil":1,"files":[{"path":"data.db","size":1,"sha256":"` + sha + `"}]}`)
			case "trailing garbag":
				b, _ = m.Marshal()
				b = b[:len(b)/2]
			default:
				change(m)
				b, _ = m.Marshal()
			}
			if got, err := ReadManifest(strings.NewReader(string(b))); err == nil {
				t.Errorf("accepted: %+v", got)
			}
		})
	}
}

func TestCheckPathErrorsAreTyped(t *testing.T) {
	if err := CheckPath("../x"); !errors.Is(err, ErrPath) {
		t.Errorf("CheckPath(../x) = %v, want ErrPath", err)
	}
	for _, ok := range []string{"data.db", "auxiliary.db", "storage/pbc_123/r1/thumbs_a.png/100x100_a.png", "storage/a b/c"} {
		if err := CheckPath(ok); err != nil {
			t.Errorf("CheckPath(%q) = %v", ok, err)
		}
	}
}

// TestLocalWindowsPaths: on any OS a manifest path maps to a path under the
// root with the OS separator; on Windows (cross-built test) the root is a drive
// path such as C:\motcua\pb_data.
func TestLocalWindowsPaths(t *testing.T) {
	root := filepath.Join("motcua", "pb_data")
	if runtime.GOOS == "windows" {
		root = `C:\motcua\pb_data`
	}
	got, err := Local(root, "storage/motcua_dossiers/r1/scan.pdf")
	if err != nil {
		t.Fatal(err)
	}
	want := root + string(filepath.Separator) + strings.Join([]string{"storage", "motcua_dossiers", "r1", "scan.pdf"}, string(filepath.Separator))
	if got != want {
		t.Errorf("Local = %q, want %q", got, want)
	}
	rel, err := filepath.Rel(root, got)
	if err != nil || strings.HasPrefix(rel, "..") {
		t.Errorf("Local left the root: %q (%v)", rel, err)
	}
	for _, p := range []string{`C:\x`, `..\x`, "c:x", "//server/share/x"} {
		if _, err := Local(root, p); err == nil {
			t.Errorf("Local(%q) accepted a Windows escape", p)
		}
	}
}

func TestNames(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Skip("no tzdata")
	}
	n := Name(time.Date(2026, 3, 1, 17, 30, 5, 0, time.UTC), loc)
	if n != "motcua-20260302-003005" {
		t.Errorf("Name = %q", n)
	}
	for name, want := range map[string]bool{n: true, n + "-2": true, ".tmp-" + n: false, "latest": false, "motcua-2026": false} {
		if IsName(name) != want {
			t.Errorf("IsName(%q) = %v", name, !want)
		}
	}
}

func TestHasher(t *testing.T) {
	f, err := HashReader("x", strings.NewReader(""))
	if err != nil || f.SHA256 != sha || f.Size != 0 {
		t.Errorf("empty hash = %+v %v", f, err)
	}
	f, _ = HashReader("x", strings.NewReader("abc"))
	if f.SHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || f.Size != 3 {
		t.Errorf("abc hash = %+v", f)
	}
}
