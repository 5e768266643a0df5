package backupfmt

// An encrypted backup ("motcua-backup/2") is a folder of
//
//	manifest.json                 in the clear: format, name, time, version,
//	                              the backup key's recipient and fingerprint,
//	                              record counts, and the sealed files below
//	                              with the size and SHA-256 of their bytes
//	index.age                     encrypted: the files as restored, each with
//	                              its path, size and SHA-256
//	sealed/<2 hex>/<30 hex>.age   one age file per backed-up file
//
// Each file is its own age stream (encrypted to the office's X25519
// recipient, 64 KiB chunks, each authenticated), so a database of gigabytes
// is encrypted and decrypted as it streams, never held in memory, and a
// damaged USB stick costs the files it damaged, not the whole backup.
//
// What the clear manifest gives away: how many files, their sizes, the record
// counts, and when. Not the names of uploaded files (a scan may be named after
// a citizen): a sealed file's name is a hash of its path, and the paths are in
// the index. The manifest's checksums cover the encrypted bytes, so the
// server, which holds no key, can still check that a backup on a stick is
// whole; restore checks those and, after decryption, the index's checksums of
// every restored file. The fingerprint in the clear lets restore say "this is
// the wrong recovery sheet" before it tries anything (backupkey.WrongKey), and
// "this backup is damaged" only when the right key fails.
//
// age gives secrecy, not authorship: anyone who has the public recipient
// could make a backup that restores. Restore is run by the IT person on a
// folder they chose; that is the trust boundary.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"

	"filippo.io/age"

	"motcua/hooks/backupkey"
)

// FormatEncrypted identifies an encrypted backup.
const FormatEncrypted = "motcua-backup/2"

// IndexName is the encrypted index of an encrypted backup; SealedDir the
// folder of its sealed files.
const (
	IndexName = "index.age"
	SealedDir = "sealed"
)

// ErrDamaged is an encrypted file that does not decrypt with the right key,
// or whose bytes do not match the manifest: the medium damaged it or someone
// changed it.
var ErrDamaged = errors.New("backup: encrypted file damaged")

// Key names the backup key a backup was encrypted to. Both fields are public.
type Key struct {
	Recipient   string `json:"recipient"`   // age X25519 recipient, "age1…"
	Fingerprint string `json:"fingerprint"` // backupkey.Fingerprint of it
}

// KeyFor is the manifest entry for a recipient.
func KeyFor(r *age.X25519Recipient) *Key {
	return &Key{Recipient: r.String(), Fingerprint: backupkey.Fingerprint(r)}
}

func (k *Key) check() error {
	if k == nil {
		return errors.New("backup manifest: an encrypted backup names no key")
	}
	r, err := backupkey.ParseRecipient(k.Recipient)
	if err != nil || r.String() != k.Recipient {
		return fmt.Errorf("backup manifest: key recipient %.80q is not an age X25519 recipient", k.Recipient)
	}
	if backupkey.Fingerprint(r) != k.Fingerprint {
		return fmt.Errorf("backup manifest: key fingerprint %.20q does not belong to its recipient", k.Fingerprint)
	}
	return nil
}

// Encrypted tells an encrypted backup from a plain one. Restoring a plain one
// works; the caller says so (backupkey.KeyNotEncrypted).
func (m *Manifest) Encrypted() bool { return m.Format == FormatEncrypted }

// CheckIdentity makes sure id is the key an encrypted backup was made for,
// before anything is decrypted or written: no identity is
// backupkey.Needed, another key is backupkey.WrongKey, both with the
// fingerprints to show. A plain backup needs no identity.
func (m *Manifest) CheckIdentity(id *age.X25519Identity) error {
	if !m.Encrypted() {
		return nil
	}
	if id == nil {
		return backupkey.Needed(m.Key.Fingerprint)
	}
	if got := backupkey.Fingerprint(id.Recipient()); got != m.Key.Fingerprint || id.Recipient().String() != m.Key.Recipient {
		return backupkey.WrongKey(m.Key.Fingerprint, got)
	}
	return nil
}

// SealedPath is where the ciphertext of the file at manifest path p is kept:
// a name that says nothing of p, spread over 256 folders so that a FAT32 USB
// stick (about 16,000 long names per folder) holds a storage of any size.
func SealedPath(p string) string {
	sum := sha256.Sum256([]byte("motcua-backup/2 file\n" + p))
	h := hex.EncodeToString(sum[:16])
	return SealedDir + "/" + h[:2] + "/" + h[2:] + ".age"
}

var sealedRe = regexp.MustCompile(`^sealed/[0-9a-f]{2}/[0-9a-f]{30}\.age$`)

// checkSealedFiles validates the clear file list of an encrypted backup: the
// index and sealed files only, each once, with sizes and checksums.
func checkSealedFiles(files []File) error {
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if f.Path != IndexName && !sealedRe.MatchString(f.Path) {
			return fmt.Errorf("%w %.80q: not a sealed file of an encrypted backup", ErrPath, f.Path)
		}
		if seen[f.Path] {
			return fmt.Errorf("backup manifest: %q listed twice", f.Path)
		}
		seen[f.Path] = true
		if f.Size < 0 {
			return fmt.Errorf("backup manifest: %q has a negative size", f.Path)
		}
		if !shaRe.MatchString(f.SHA256) {
			return fmt.Errorf("backup manifest: %q has no valid sha256", f.Path)
		}
	}
	if !seen[IndexName] {
		return fmt.Errorf("backup manifest: no %s listed", IndexName)
	}
	return nil
}

// Sealed returns the clear manifest's entry for the ciphertext of the file at
// manifest path p.
func (m *Manifest) Sealed(p string) (File, bool) {
	sp := SealedPath(p)
	if p == IndexName {
		sp = IndexName
	}
	for _, f := range m.Files {
		if f.Path == sp {
			return f, true
		}
	}
	return File{}, false
}

// Seal encrypts what src holds into dst, as it streams, for the file at
// manifest path p. It returns the file's entry for the index (plain: path p,
// size and SHA-256 of the plaintext) and for the clear manifest (stored: path
// SealedPath(p), size and SHA-256 of what was written to dst). The caller
// writes dst at SealedPath(p) under the backup folder.
func Seal(dst io.Writer, src io.Reader, to age.Recipient, p string) (plain, stored File, err error) {
	ph, ch := NewHasher(), NewHasher()
	w, err := age.Encrypt(io.MultiWriter(dst, ch), to)
	if err != nil {
		return File{}, File{}, fmt.Errorf("encrypt %s: %w", p, err)
	}
	if _, err := io.Copy(io.MultiWriter(w, ph), src); err != nil {
		return File{}, File{}, fmt.Errorf("encrypt %s: %w", p, err)
	}
	if err := w.Close(); err != nil {
		return File{}, File{}, fmt.Errorf("encrypt %s: %w", p, err)
	}
	return ph.File(p), ch.File(SealedPath(p)), nil
}

// Unseal decrypts src, a sealed file, into dst as it streams, and returns the
// entries of what it read (stored: the ciphertext) and wrote (plain: the file
// at manifest path p), for the caller to compare with the manifest and the
// index. Bytes that fail age's authentication are ErrDamaged; dst may then
// hold part of the file, so the caller writes into a staging folder.
func Unseal(dst io.Writer, src io.Reader, id age.Identity, p string) (plain, stored File, err error) {
	ch, ph := NewHasher(), NewHasher()
	tee := io.TeeReader(src, ch)
	r, err := age.Decrypt(tee, id)
	if err != nil {
		return File{}, File{}, fmt.Errorf("%w: %s: %v", ErrDamaged, p, err)
	}
	if _, err := io.Copy(dstWriter{dst}, io.TeeReader(r, ph)); err != nil {
		var pe *writeError
		if errors.As(err, &pe) {
			return File{}, File{}, fmt.Errorf("restore %s: %w", p, pe.err)
		}
		return File{}, File{}, fmt.Errorf("%w: %s: %v", ErrDamaged, p, err)
	}
	// age has read to the end of its last chunk; count anything after it, so a
	// file with bytes appended does not match its stored size.
	if _, err := io.Copy(ch, src); err != nil {
		return File{}, File{}, fmt.Errorf("read %s: %w", p, err)
	}
	return ph.File(p), ch.File(SealedPath(p)), nil
}

// writeError marks a failure of the destination in Unseal (a full disk), so
// it is not reported as a damaged backup.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// dstWriter marks the errors of Unseal's destination as writeErrors (io.Copy
// returns a writer's error as it is).
type dstWriter struct{ w io.Writer }

func (d dstWriter) Write(p []byte) (int, error) {
	n, err := d.w.Write(p)
	if err != nil {
		err = &writeError{err}
	}
	return n, err
}

// Index is the encrypted list of an encrypted backup's files as restored.
type Index struct {
	Format string `json:"format"` // FormatEncrypted
	Name   string `json:"name"`   // the manifest's Name: binds index and manifest
	Files  []File `json:"files"`
}

// SealIndex encrypts the index (files in path order) into dst and returns the
// clear manifest's entry for it, path IndexName.
func SealIndex(dst io.Writer, ix *Index, to age.Recipient) (File, error) {
	sort.Slice(ix.Files, func(i, j int) bool { return ix.Files[i].Path < ix.Files[j].Path })
	b, err := json.MarshalIndent(ix, "", " ")
	if err != nil {
		return File{}, fmt.Errorf("write backup index: %w", err)
	}
	_, stored, err := Seal(dst, bytes.NewReader(append(b, '\n')), to, IndexName)
	if err != nil {
		return File{}, err
	}
	stored.Path = IndexName
	return stored, nil
}

// ReadIndex decrypts and checks the index of the encrypted backup m: the
// index's checksum against the manifest, every path safe, unique and with a
// checksum, data.db among them, the same backup name, and exactly one sealed
// file listed in the manifest for each file.
func ReadIndex(src io.Reader, id age.Identity, m *Manifest) (*Index, error) {
	want, ok := m.Sealed(IndexName)
	if !m.Encrypted() || !ok {
		return nil, errors.New("backup index: not an encrypted backup")
	}
	var buf bytes.Buffer
	_, stored, err := Unseal(&limitWriter{w: &buf, left: MaxManifestSize}, io.LimitReader(src, want.Size+1), id, IndexName)
	if err != nil {
		return nil, err
	}
	if stored.Size != want.Size || stored.SHA256 != want.SHA256 {
		return nil, fmt.Errorf("%w: %s does not match the manifest", ErrDamaged, IndexName)
	}
	return parseIndex(buf.Bytes(), m)
}

// parseIndex checks a decrypted index against its manifest.
func parseIndex(b []byte, m *Manifest) (*Index, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var ix Index
	if err := dec.Decode(&ix); err != nil {
		return nil, fmt.Errorf("parse backup index: %w", err)
	}
	if dec.More() {
		return nil, errors.New("backup index: trailing data")
	}
	if ix.Format != FormatEncrypted {
		return nil, fmt.Errorf("%w %q in index", ErrFormat, ix.Format)
	}
	if ix.Name != m.Name {
		return nil, fmt.Errorf("backup index: of backup %.40q, manifest is %.40q", ix.Name, m.Name)
	}
	if err := checkFiles(ix.Files); err != nil {
		return nil, fmt.Errorf("backup index: %w", err)
	}
	if len(ix.Files)+1 != len(m.Files) {
		return nil, fmt.Errorf("backup index: %d files, manifest lists %d sealed files", len(ix.Files), len(m.Files)-1)
	}
	for _, f := range ix.Files {
		if _, ok := m.Sealed(f.Path); !ok || f.Path == IndexName {
			return nil, fmt.Errorf("backup index: %q has no sealed file in the manifest", f.Path)
		}
	}
	return &ix, nil
}

// limitWriter refuses to hold more than left bytes (a forged index).
type limitWriter struct {
	w    io.Writer
	left int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, &writeError{errors.New("backup index: too large")}
	}
	l.left -= int64(len(p))
	return l.w.Write(p)
}
