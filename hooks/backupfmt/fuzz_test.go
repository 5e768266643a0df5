package backupfmt

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadManifest: whatever bytes a damaged or hostile backup holds, the reader
// never panics, and a manifest it accepts names only paths that stay inside the
// restore folder and survive a write/read round trip.
func FuzzReadManifest(f *testing.F) {
	good, _ := validManifest().Marshal()
	f.Add(good)
	f.Add([]byte(`{"format":"motcua-backup/1","created_at":"2026-03-02T02:00:00Z","files":[{"path":"data.db","size":1,"sha256":"` + sha + `"}]}`))
	f.Add([]byte(`{"format":"motcua-backup/1","created_at":"2026-03-02T02:00:00Z","files":[{"path":"../data.db","size":1,"sha256":"` + sha + `"}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadManifest(bytes.NewReader(b))
		if err != nil {
			return
		}
		root := filepath.Join("restore", "pb_data")
		for _, file := range m.Files {
			p, err := Local(root, file.Path)
			if err != nil {
				t.Fatalf("accepted path %q that Local refuses: %v", file.Path, err)
			}
			rel, err := filepath.Rel(root, p)
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
				t.Fatalf("path %q leaves the root: %q", file.Path, rel)
			}
		}
		again, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ReadManifest(bytes.NewReader(again)); err != nil {
			t.Fatalf("accepted manifest does not read back: %v", err)
		}
	})
}
