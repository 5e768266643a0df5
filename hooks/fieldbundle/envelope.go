// Package fieldbundle holds the file formats a mobile team's laptop and the
// centre exchange: the field kit (what the laptop needs to work offline), the
// bundle (the dossiers it brings back) and the acknowledgement (what the centre
// confirmed). All three travel in one signed envelope:
//
//	MOTCUA-FIELD-BUNDLE 1\n
//	kit <kit id>\n
//	length <payload bytes>\n
//	hmac-sha256 <64 hex digits>\n
//	\n
//	<payload: JSON>
//
// The HMAC-SHA256 is taken with the kit's 256-bit secret over the kind, the kit
// id and the payload, so a changed byte anywhere, a cut file, a file of another
// kind or one signed with another kit's secret is refused before any of it is
// used. The package is pure: no database, no network, so it can be fuzzed alone.
//
// That is version 1, signed but readable by anyone who finds the USB stick.
// Version 2 (header.go) encrypts what leaves the office: bundles to the
// centre's public key (BundleWriter, ReceiveBundle, which streams and never
// holds a bundle in memory), kits with a one-time code (SealKit, OpenKit).
// Version-1 files stay readable, and the readers say which version they read.
package fieldbundle

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// Kinds of envelope. The kind is part of what is signed, so an acknowledgement
// can never be passed off as a bundle, nor a bundle as a kit.
const (
	KindKit    = "MOTCUA-FIELD-KIT"
	KindBundle = "MOTCUA-FIELD-BUNDLE"
	KindAck    = "MOTCUA-FIELD-ACK"
)

// Version is the envelope and payload format version written on the first line.
const Version = 1

// MaxPayload bounds what a reader accepts (1 GiB: a day of scans at most), so a
// forged length cannot make the reader allocate without limit.
const MaxPayload = 1 << 30

// SecretSize is the length of a kit secret in bytes (256 bits).
const SecretSize = 32

// Error keys: a refused file is always refused with one of these message keys,
// translated where it is shown.
const (
	KeyDamaged   = "error.field_file_damaged"   // not an envelope, cut short or with trailing bytes
	KeyKind      = "error.field_file_kind"      // an envelope of another kind (a kit given as a bundle …)
	KeySignature = "error.field_file_signature" // the HMAC does not match: changed or forged
	KeyVersion   = "error.field_file_version"   // written by a newer motcua
)

// Error is a refusal with a message key, so callers can show it in any language.
type Error struct {
	Key    string
	Detail string
}

func (e *Error) Error() string { return "field file: " + e.Key + ": " + e.Detail }

func refuse(key, format string, args ...any) error {
	return &Error{Key: key, Detail: fmt.Sprintf(format, args...)}
}

// KeyOf returns the message key of a refusal, or "" for any other error.
func KeyOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

// Envelope is a parsed, not yet verified, signed file.
type Envelope struct {
	Kind    string
	KitID   string
	Sig     []byte
	Payload []byte
}

// mac is the HMAC of what an envelope signs.
func mac(secret []byte, kind, kitID string, payload []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(kind))
	h.Write([]byte{'\n'})
	h.Write([]byte(kitID))
	h.Write([]byte{'\n'})
	h.Write(payload)
	return h.Sum(nil)
}

// validKitID accepts what a PocketBase record id looks like (and a little more):
// 1–40 ASCII letters, digits, '_' or '-'.
func validKitID(s string) bool {
	if len(s) == 0 || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Seal signs payload as an envelope of kind for kitID with secret.
func Seal(kind, kitID string, secret, payload []byte) ([]byte, error) {
	if !validKitID(kitID) {
		return nil, fmt.Errorf("seal: bad kit id %q", kitID)
	}
	if len(secret) != SecretSize {
		return nil, fmt.Errorf("seal: secret must be %d bytes", SecretSize)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %d\nkit %s\nlength %d\nhmac-sha256 %s\n\n", kind, Version, kitID, len(payload),
		hex.EncodeToString(mac(secret, kind, kitID, payload)))
	b.Write(payload)
	return b.Bytes(), nil
}

// Open parses a version-1 envelope strictly: the four header lines in order,
// a blank line, then exactly length bytes and nothing after. It does not
// verify the signature (the secret depends on the kit id read here): call
// Verify. Version-2 files are read by ReceiveBundle and OpenKit; here they are
// KeyVersion.
func Open(data []byte) (*Envelope, error) {
	h, err := readHeader(bufio.NewReaderSize(bytes.NewReader(data), 16))
	if err != nil {
		return nil, err
	}
	if h.Version != Version {
		return nil, refuse(KeyVersion, "version %d envelope", h.Version)
	}
	if h.length > MaxPayload {
		return nil, refuse(KeyDamaged, "bad length line")
	}
	rest := data[len(h.bytes()):]
	if int64(len(rest)) != h.length {
		return nil, refuse(KeyDamaged, "payload is %d bytes, header says %d", len(rest), h.length)
	}
	return &Envelope{Kind: h.Kind, KitID: h.KitID, Sig: h.sig, Payload: rest}, nil
}

// Verify checks the envelope's HMAC with the kit secret, in constant time.
func (e *Envelope) Verify(secret []byte) error {
	if len(secret) != SecretSize {
		return refuse(KeySignature, "no usable secret for kit %s", e.KitID)
	}
	if !hmac.Equal(e.Sig, mac(secret, e.Kind, e.KitID, e.Payload)) {
		return refuse(KeySignature, "signature does not match")
	}
	return nil
}

// ReadSigned opens data as an envelope of the wanted kind, finds the kit's
// secret with secretFor (which may refuse an unknown kit with its own error)
// and verifies the signature over the whole payload. Nothing of the payload may
// be used before ReadSigned returns without error.
func ReadSigned(data []byte, kind string, secretFor func(kitID string) ([]byte, error)) (*Envelope, error) {
	env, err := Open(data)
	if err != nil {
		return nil, err
	}
	if env.Kind != kind {
		return nil, refuse(KeyKind, "got %s, want %s", env.Kind, kind)
	}
	secret, err := secretFor(env.KitID)
	if err != nil {
		return nil, err
	}
	if err := env.Verify(secret); err != nil {
		return nil, err
	}
	return env, nil
}

// DecodeSecret reads a kit secret stored as hex.
func DecodeSecret(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != SecretSize {
		return nil, errors.New("kit secret: not 64 hex digits")
	}
	return b, nil
}
