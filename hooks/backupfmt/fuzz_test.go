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
	enc, _ := (&Manifest{Format: FormatEncrypted, Name: "motcua-20260302-090000", CreatedAt: "2026-03-02T02:00:00Z",
		Key:   &Key{Recipient: fuzzRecipient, Fingerprint: fuzzFingerprint},
		Files: []File{{Path: IndexName, Size: 300, SHA256: sha}, {Path: SealedPath("data.db"), Size: 5000, SHA256: sha}}}).Marshal()
	f.Add(enc)
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
		if m.Encrypted() {
			if err := m.Key.check(); err != nil {
				t.Fatalf("accepted an encrypted manifest with a bad key: %v", err)
			}
			if _, ok := m.Sealed(IndexName); !ok {
				t.Fatalf("accepted an encrypted manifest without an index")
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

// A fixed recipient for seeds (backupkey's known-answer code).
const (
	fuzzRecipient   = "age104dv0pgvjxg6wqhh9m3mwup66fhjcwfrg26azd8gdzzqyassgvkscc59lc"
	fuzzFingerprint = "2487-6944"
)

// FuzzParseIndex: whatever a decrypted index holds (a key holder could write
// anything), parseIndex never panics, and an index it accepts names only safe
// paths, each with its sealed file in the manifest.
func FuzzParseIndex(f *testing.F) {
	m := &Manifest{Format: FormatEncrypted, Name: "motcua-20260302-090000", CreatedAt: "2026-03-02T02:00:00Z",
		Key:   &Key{Recipient: fuzzRecipient, Fingerprint: fuzzFingerprint},
		Files: []File{{Path: IndexName, Size: 300, SHA256: sha}, {Path: SealedPath("data.db"), Size: 5000, SHA256: sha}}}
	f.Add([]byte(`{"format":"motcua-backup/2","name":"motcua-20260302-090000","files":[{"path":"data.db","size":1,"sha256":"` + sha + `"}]}`))
	f.Add([]byte(`{"format":"motcua-backup/2","name":"motcua-20260302-090000","files":[{"path":"../data.db","size":1,"sha256":"` + sha + `"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ix, err := parseIndex(b, m)
		if err != nil {
			return
		}
		for _, file := range ix.Files {
			if err := CheckPath(file.Path); err != nil {
				t.Fatalf("accepted unsafe path %q", file.Path)
			}
			if _, ok := m.Sealed(file.Path); !ok {
				t.Fatalf("accepted %q without a sealed file", file.Path)
			}
		}
	})
}
