package fieldbundle

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"filippo.io/age"
)

// Version 2 of the envelope: field files that leave the centre or a laptop
// are encrypted, and the kit id stays readable in front of the ciphertext, so
// the centre can refuse an unknown or retired kit after a few dozen bytes.
//
//	MOTCUA-FIELD-BUNDLE 2\n
//	kit <kit id>\n
//	\n
//	<age file, encrypted to the centre's X25519 recipient: the bundle JSON>
//	hmac-sha256 <64 hex digits>\n
//
// A bundle is encrypted to the centre's public key (the kit carries it), so a
// laptop can write bundles but read none, not even its own once written, nor
// another laptop's. Its sender is authenticated as in version 1, by an
// HMAC-SHA256 with the kit's secret, here over every byte before the
// trailer line (encrypt-then-MAC): the centre checks it while it streams the
// file to disk, before age reads a byte, and age's own authentication then
// covers each 64 KiB chunk as it is decrypted. The trailer sits at the end so
// a laptop can write a bundle of any size as it goes.
//
//	MOTCUA-FIELD-KIT 2\n
//	kit <kit id>\n
//	\n
//	<age file, encrypted with scrypt to a one-time code: the kit JSON>
//
// A kit is sealed with a one-time code (kit_code.go): age's scrypt recipient
// authenticates it as well as hiding it, so no HMAC is added.
//
// Acknowledgements stay version 1, signed and not encrypted: they hold
// dossier ids, codes, outcomes and hashes, nothing about a person, and
// encrypting them to the laptop would need a private key on every laptop for
// no gain.
const Version2 = 2

// MaxHeaderBytes bounds the header of any version: a reader has decided to go
// on or refuse after at most this many bytes.
const MaxHeaderBytes = 256

// trailerSize is the length of a version-2 bundle's last line.
const trailerSize = len("hmac-sha256 ") + 2*sha256.Size + 1

// More error keys (see KeyDamaged …).
const (
	// KeyCode: the one-time code does not open the kit file (or is not 12
	// digits).
	KeyCode = "error.field_file_code"
	// KeyRecipient: an authentic bundle this centre cannot decrypt: it was
	// encrypted to another centre key (the kit is older than the centre's key).
	KeyRecipient = "error.field_file_recipient"
	// KeyTooLarge: the file, or one dossier in it, is over the size limit.
	KeyTooLarge = "error.field_file_too_large"
	// KeyUnsealed is a notice, not a refusal: a version-1 file (made before
	// field files were encrypted) was read.
	KeyUnsealed = "error.field_file_unsealed"
)

// Header is what a field file says of itself before anything is verified:
// enough to refuse it, or to know a code must be asked for.
type Header struct {
	Kind    string
	Version int
	KitID   string
	// Version 1 only: the payload's length and signature.
	length int64
	sig    []byte
}

// Encrypted reports a version-2 file.
func (h Header) Encrypted() bool { return h.Version == Version2 }

// bytes is the header as written (the reader accepts only this form, so it is
// also exactly what was read).
func (h Header) bytes() []byte {
	if h.Version == Version {
		return fmt.Appendf(nil, "%s %d\nkit %s\nlength %d\nhmac-sha256 %s\n\n", h.Kind, h.Version, h.KitID, h.length, hex.EncodeToString(h.sig))
	}
	return fmt.Appendf(nil, "%s %d\nkit %s\n\n", h.Kind, h.Version, h.KitID)
}

// readHeader reads and checks a header of either version from br, reading
// at most MaxHeaderBytes.
func readHeader(br *bufio.Reader) (Header, error) {
	var h Header
	used := 0
	line := func() (string, bool) {
		var b []byte
		for {
			c, err := br.ReadByte()
			if err != nil {
				return "", false
			}
			used++
			if used > MaxHeaderBytes {
				return "", false
			}
			if c == '\n' {
				return string(b), true
			}
			b = append(b, c)
		}
	}
	first, ok := line()
	if !ok {
		return h, refuse(KeyDamaged, "no header")
	}
	kind, ver, ok := strings.Cut(first, " ")
	if !ok || (kind != KindKit && kind != KindBundle && kind != KindAck) {
		return h, refuse(KeyDamaged, "unknown header %.40q", first)
	}
	h.Kind = kind
	switch ver {
	case "1":
		h.Version = Version
	case "2":
		h.Version = Version2
	default:
		if n, err := strconv.Atoi(ver); err == nil && n > Version2 && strconv.Itoa(n) == ver {
			return h, refuse(KeyVersion, "version %d", n)
		}
		return h, refuse(KeyDamaged, "bad version %.10q", ver)
	}
	if h.Version == Version2 && kind == KindAck {
		return h, refuse(KeyDamaged, "acknowledgements are version 1")
	}
	kitLine, ok := line()
	kitID, found := strings.CutPrefix(kitLine, "kit ")
	if !ok || !found || !validKitID(kitID) {
		return h, refuse(KeyDamaged, "bad kit line")
	}
	h.KitID = kitID
	if h.Version == Version {
		lenLine, ok := line()
		lenText, found := strings.CutPrefix(lenLine, "length ")
		n, err := strconv.ParseInt(lenText, 10, 64)
		if !ok || !found || err != nil || n < 0 || strconv.FormatInt(n, 10) != lenText {
			return h, refuse(KeyDamaged, "bad length line")
		}
		h.length = n
		sigLine, ok := line()
		sigText, found := strings.CutPrefix(sigLine, "hmac-sha256 ")
		sig, err := hex.DecodeString(sigText)
		if !ok || !found || err != nil || len(sig) != sha256.Size || hex.EncodeToString(sig) != sigText {
			return h, refuse(KeyDamaged, "bad signature line")
		}
		h.sig = sig
	}
	if blank, ok := line(); !ok || blank != "" {
		return h, refuse(KeyDamaged, "no blank line after the header")
	}
	return h, nil
}

// PeekHeader reads the header at the start of data (a file's first bytes are
// enough), so "field init" knows whether to ask for the kit's code and the
// centre can name the kit before reading on.
func PeekHeader(data []byte) (Header, error) {
	if len(data) > MaxHeaderBytes {
		data = data[:MaxHeaderBytes]
	}
	return readHeader(bufio.NewReaderSize(bytes.NewReader(data), 16))
}

// NewCentreIdentity makes the centre's key pair for bundles: the identity,
// stored on the centre's server only, and its recipient, written into every
// kit. Both as age's standard text forms.
func NewCentreIdentity() (identity, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", fmt.Errorf("centre key: %w", err)
	}
	return id.String(), id.Recipient().String(), nil
}

// ParseCentreIdentity reads the centre's stored identity ("AGE-SECRET-KEY-1…").
func ParseCentreIdentity(s string) (*age.X25519Identity, error) {
	id, err := age.ParseX25519Identity(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("centre key: not an age X25519 identity")
	}
	return id, nil
}

// ParseCentreRecipient reads the centre's recipient as a kit carries it
// ("age1…"); a kit with another value is damaged.
func ParseCentreRecipient(s string) (*age.X25519Recipient, error) {
	r, err := age.ParseX25519Recipient(s)
	if err != nil || r.String() != s {
		return nil, refuse(KeyDamaged, "centre recipient %.80q", s)
	}
	return r, nil
}

// capReader refuses to read more than a cap of outside bytes: it lets one
// byte past the cap through (so a file of exactly the cap still ends in
// io.EOF), then fails with errCap. Make it with newCapReader.
type capReader struct {
	r    io.Reader
	left int64
}

func newCapReader(r io.Reader, max int64) *capReader { return &capReader{r: r, left: max + 1} }

var errCap = errors.New("over the size limit")

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errCap
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
