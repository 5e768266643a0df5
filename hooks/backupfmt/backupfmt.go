// Package backupfmt is the on-disk format of a motcua backup: the manifest that
// lists every file with its size and SHA-256, the names of backup folders, and
// the path rules that keep a backup made on Linux restorable on Windows (and a
// hostile manifest from writing outside the restore folder). It needs no
// database, so it can be read, tested and fuzzed alone.
//
// Two formats exist. "motcua-backup/1" (Format) is plain: the files as they
// are, and a manifest naming them. "motcua-backup/2" (FormatEncrypted) is
// encrypted to the office's backup key (package backupkey); sealed.go says
// how. Readers take both, and Manifest.Encrypted tells them apart so the
// caller can say when an old, readable-by-anyone backup is used.
package backupfmt

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Format identifies the plain manifest layout; a reader refuses any format it
// does not know, so an old program never half-understands a newer backup.
const Format = "motcua-backup/1"

// ManifestName is the file written last in a backup folder: a folder without it
// is not a backup.
const ManifestName = "manifest.json"

// Prefix starts the name of every finished dated backup folder; TempPrefix the
// name of one being written, which is never a good backup.
const (
	Prefix     = "motcua-"
	TempPrefix = ".tmp-"
	LatestName = "latest"
)

// MaxManifestSize bounds what ReadManifest accepts, so a damaged file cannot
// make the reader allocate without limit.
const MaxManifestSize = 64 << 20

// Manifest describes one backup folder.
type Manifest struct {
	Format     string `json:"format"`
	Name       string `json:"name"`
	CreatedAt  string `json:"created_at"` // RFC 3339, UTC
	AppVersion string `json:"app_version"`
	// Files lists every file of the backup but the manifest itself, with
	// slash-separated paths relative to the backup folder.
	Files []File `json:"files"`
	// Counts is the number of records per collection in data.db, read from the copy.
	Counts map[string]int64 `json:"counts"`
	// Pages is the page count of each database copy (file name → pages).
	Pages map[string]int64 `json:"pages"`
	// Key names the backup key an encrypted backup was made for; nil in a
	// plain one.
	Key *Key `json:"key,omitempty"`
}

// File is one file of a backup.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Databases are the SQLite files a backup holds, in the order they are copied.
var Databases = []string{"data.db", "auxiliary.db"}

// StorageDir is the folder of uploaded files, inside pb_data and inside a backup.
const StorageDir = "storage"

var shaRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Errors a reader reports; callers match them with errors.Is.
var (
	ErrFormat = errors.New("backup manifest: unknown format")
	ErrPath   = errors.New("backup manifest: unsafe path")
)

// ReadManifest parses and checks a manifest: known format, a creation time, and
// every path safe on Windows and Linux, unique, with a size and a SHA-256.
func ReadManifest(r io.Reader) (*Manifest, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxManifestSize+1))
	if err != nil {
		return nil, fmt.Errorf("read backup manifest: %w", err)
	}
	if len(b) > MaxManifestSize {
		return nil, errors.New("backup manifest: too large")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("parse backup manifest: %w", err)
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Check validates a manifest the way ReadManifest does.
func (m *Manifest) Check() error {
	switch m.Format {
	case Format:
		if m.Key != nil {
			return errors.New("backup manifest: a plain backup names a key")
		}
	case FormatEncrypted:
		if err := m.Key.check(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w %q", ErrFormat, m.Format)
	}
	if _, err := time.Parse(time.RFC3339, m.CreatedAt); err != nil {
		return fmt.Errorf("backup manifest: created_at: %w", err)
	}
	if m.Format == FormatEncrypted {
		return checkSealedFiles(m.Files)
	}
	return checkFiles(m.Files)
}

// checkFiles validates the files of a plain manifest or of an encrypted
// backup's index: safe unique paths, sizes, checksums, and data.db among them.
func checkFiles(files []File) error {
	seen := make(map[string]bool, len(files))
	hasDB := false
	for _, f := range files {
		if err := CheckPath(f.Path); err != nil {
			return err
		}
		key := strings.ToLower(f.Path) // Windows folds case: two names must not collide there
		if seen[key] {
			return fmt.Errorf("backup manifest: %q listed twice", f.Path)
		}
		seen[key] = true
		if f.Size < 0 {
			return fmt.Errorf("backup manifest: %q has a negative size", f.Path)
		}
		if !shaRe.MatchString(f.SHA256) {
			return fmt.Errorf("backup manifest: %q has no valid sha256", f.Path)
		}
		if f.Path == Databases[0] {
			hasDB = true
		}
	}
	if !hasDB {
		return fmt.Errorf("backup manifest: no %s listed", Databases[0])
	}
	return nil
}

// Marshal renders the manifest as indented JSON with files in path order, so two
// backups of the same data differ only where the data does.
func (m *Manifest) Marshal() ([]byte, error) {
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, fmt.Errorf("write backup manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// Size is the total size of the files listed.
func (m *Manifest) Size() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// windowsReserved are device names Windows will not create as files, whatever
// the extension.
var windowsReserved = map[string]bool{
	"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

// CheckPath accepts a slash-separated relative path that names the same file on
// Windows and Linux and stays inside the backup folder: no absolute path, drive
// letter, backslash, "..", empty or dot element, colon, control character,
// reserved device name, or name ending in a dot or space.
func CheckPath(p string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrPath, p, why) }
	if p == "" || len(p) > 1024 {
		return bad("empty or too long")
	}
	if strings.HasPrefix(p, "/") {
		return bad("absolute")
	}
	if path.Clean(p) != p {
		return bad("not clean")
	}
	for _, r := range p {
		switch {
		case r < 0x20 || r == 0x7f:
			return bad("control character")
		case strings.ContainsRune(`\:*?"<>|`, r):
			return bad("character not allowed on Windows")
		}
	}
	for _, el := range strings.Split(p, "/") {
		if el == "" || el == "." || el == ".." {
			return bad("empty, . or .. element")
		}
		if strings.HasSuffix(el, ".") || strings.HasSuffix(el, " ") {
			return bad("element ends in a dot or space")
		}
		base := strings.ToLower(el)
		if i := strings.IndexByte(base, '.'); i >= 0 {
			base = base[:i]
		}
		if windowsReserved[base] {
			return bad("reserved name on Windows")
		}
	}
	return nil
}

// Local turns a checked manifest path into a path under root for this OS.
func Local(root, p string) (string, error) {
	if err := CheckPath(p); err != nil {
		return "", err
	}
	return filepath.Join(root, filepath.FromSlash(p)), nil
}

// Name is the folder name of a backup made at t, in the office's time zone so
// the IT person reads the local time.
func Name(t time.Time, loc *time.Location) string {
	return Prefix + t.In(loc).Format("20060102-150405")
}

var nameRe = regexp.MustCompile(`^motcua-[0-9]{8}-[0-9]{6}(-[0-9]+)?$`)

// IsName tells whether a folder name is a finished dated backup.
func IsName(name string) bool { return nameRe.MatchString(name) }

// Hasher counts and hashes what passes through it.
type Hasher struct {
	n int64
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
}

// NewHasher starts an empty SHA-256 hasher.
func NewHasher() *Hasher { return &Hasher{h: sha256.New()} }

// Write adds p to the hash.
func (h *Hasher) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	return h.h.Write(p)
}

// File is the manifest entry of what was written, under path p.
func (h *Hasher) File(p string) File {
	return File{Path: p, Size: h.n, SHA256: hex.EncodeToString(h.h.Sum(nil))}
}

// HashReader reads r to the end and returns its entry under path p.
func HashReader(p string, r io.Reader) (File, error) {
	h := NewHasher()
	if _, err := io.Copy(h, r); err != nil {
		return File{}, fmt.Errorf("hash %s: %w", p, err)
	}
	return h.File(p), nil
}
