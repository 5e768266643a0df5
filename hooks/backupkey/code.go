// Package backupkey is the office's backup key and its recovery form.
//
// Backups are encrypted with age (filippo.io/age) to an X25519 recipient. The
// running server keeps only that public recipient, so a stolen PC's backup
// folder or a lost USB stick reveals nothing. The matching identity exists
// only on paper: the recovery sheet printed once when the office is set up,
// which carries
//
//   - the recovery code, typed form: 48 digits in 8 groups of 6, like a
//     BitLocker recovery key. Each group is a multiple of 11 below 720896 and
//     carries 16 bits, so the code holds 128 random bits, and a mistyped digit
//     or two swapped neighbours inside a group is caught and named ("group 3
//     is wrong") before anything is tried. Digits only: they survive Telex
//     and VNI keyboards, Khmer keyboards (Khmer digits are read too) and
//     people who do not read English words;
//   - the same code as a QR code (QR below), for a scanner;
//   - the key's fingerprint (8 digits, Fingerprint), also stored in the clear
//     in every backup's manifest and shown on the dashboard, so "this is the
//     wrong sheet" is told apart from "this backup is damaged".
//
// The identity is derived from the code: HKDF-SHA256 of the 16 code bytes
// gives the 32-byte X25519 scalar, which age parses from its standard text
// form. The derivation is fixed forever (a test pins it): a sheet printed
// today must open backups in ten years.
//
// # Re-keying
//
// age cannot re-wrap a file to a new key without the old one, and the server
// never holds the old one, so nothing here rewraps anything. Re-keying (the
// sheet was lost while the old PC still works, or it may have been seen) is:
// Rekey makes a new code; the caller stores its recipient as the key for
// future backups, prints the new sheet, has a leader confirm it is stored, and
// makes a fresh backup at once. Older backups stay readable only with the old
// sheet: if that sheet is lost they can never be opened, so the fresh backup
// is the one to keep, and the old ones can be deleted.
package backupkey

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"filippo.io/age"

	"motcua/hooks/digitcode"
)

// Groups is the number of groups of a recovery code, GroupDigits their length.
const (
	Groups      = 8
	GroupDigits = 6
	// groupLimit is 65536 × 11: a group is 11 × a 16-bit number.
	groupLimit = 65536 * 11
)

// QRPrefix starts the text of the recovery sheet's QR code, so a scanner that
// reads another QR code (a receipt's, a citizen ID card's) is refused clearly.
// It has no digits: VNI would turn a digit typed after a vowel into a tone.
const QRPrefix = "MOTCUA-KEY:"

// Code is a recovery code: 128 random bits. Its String is the fingerprint
// only, so a code printed into a log by mistake does not leak; Typed and QR
// give the secret forms, for the recovery sheet and nothing else.
type Code [16]byte

// NewCode makes a random recovery code.
func NewCode() (Code, error) {
	var c Code
	if _, err := rand.Read(c[:]); err != nil {
		return c, fmt.Errorf("new recovery code: %w", err)
	}
	return c, nil
}

// GroupsOf returns the 8 groups of 6 digits as printed on the sheet.
func (c Code) GroupsOf() [Groups]string {
	var g [Groups]string
	for i := range g {
		v := int(binary.BigEndian.Uint16(c[2*i:])) * 11
		g[i] = fmt.Sprintf("%06d", v)
	}
	return g
}

// Typed is the code as a person types it: the 8 groups joined with dashes.
func (c Code) Typed() string {
	g := c.GroupsOf()
	return strings.Join(g[:], "-")
}

// QR is the text of the recovery sheet's QR code: QRPrefix and the typed form.
// It is upper-case ASCII, digits and dashes, which QR's alphanumeric mode
// encodes compactly.
func (c Code) QR() string { return QRPrefix + c.Typed() }

// String names the code by its key's fingerprint, never by its digits.
func (c Code) String() string { return "recovery code of backup key " + c.Fingerprint() }

// GoString keeps %#v from printing the digits either.
func (c Code) GoString() string { return c.String() }

// ParseCode reads a recovery code as typed or as scanned from the sheet's QR
// code: any separators (spaces, dashes, dots, the zero-width space of Khmer
// keyboards), ASCII, Khmer or full-width digits. It says which group is wrong
// (KeyCodeGroup) when a group fails its check or has the wrong length, how
// many digits it got when there are not 48 (KeyCodeLength), and refuses
// anything else (KeyCodeInvalid).
func ParseCode(s string) (Code, error) {
	var c Code
	s = strings.TrimSpace(s)
	if len(s) >= len(QRPrefix) && strings.EqualFold(s[:len(QRPrefix)], QRPrefix) {
		s = s[len(QRPrefix):]
	}
	runs, err := digitcode.Runs(s)
	if err != nil {
		return c, refuse(KeyCodeInvalid, err.Error())
	}
	var groups []string
	if len(runs) == Groups {
		// Typed in groups: judge each group as typed, so a digit left out of
		// group 3 is reported as group 3, not as every group after it.
		groups = runs
	} else {
		all := strings.Join(runs, "")
		if len(all) != Groups*GroupDigits {
			return c, refuse(KeyCodeLength, fmt.Sprintf("%d digits", len(all)), "count", len(all))
		}
		for i := 0; i < Groups; i++ {
			groups = append(groups, all[i*GroupDigits:(i+1)*GroupDigits])
		}
	}
	for i, g := range groups {
		v, err := strconv.Atoi(g)
		if len(g) != GroupDigits || err != nil || v%11 != 0 || v >= groupLimit {
			return c, refuse(KeyCodeGroup, fmt.Sprintf("group %d", i+1), "group", i+1)
		}
		binary.BigEndian.PutUint16(c[2*i:], uint16(v/11))
	}
	return c, nil
}

// Derivation constants. Never change them: every printed sheet depends on them.
const (
	hkdfSalt = "motcua backup key v1"
	hkdfInfo = "age X25519 identity"
)

// Identity derives the age identity that opens backups made for this code.
func (c Code) Identity() (*age.X25519Identity, error) {
	scalar, err := hkdf.Key(sha256.New, c[:], []byte(hkdfSalt), hkdfInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("derive backup identity: %w", err)
	}
	id, err := age.ParseX25519Identity(bech32Encode("age-secret-key-", scalar))
	if err != nil {
		return nil, fmt.Errorf("derive backup identity: %w", err)
	}
	return id, nil
}

// Recipient is the public key backups are encrypted to: the one thing the
// server stores.
func (c Code) Recipient() (*age.X25519Recipient, error) {
	id, err := c.Identity()
	if err != nil {
		return nil, err
	}
	return id.Recipient(), nil
}

// Fingerprint is the code's key fingerprint (see Fingerprint). A code whose
// identity cannot be derived (which does not happen) gives "????-????".
func (c Code) Fingerprint() string {
	r, err := c.Recipient()
	if err != nil {
		return "????-????"
	}
	return Fingerprint(r)
}

// Fingerprint names a backup key in 8 digits, "1234-5678": short enough to
// print on the sheet and the dashboard and to compare by eye. It tells keys
// apart; it protects nothing (the recipient is public anyway).
func Fingerprint(r *age.X25519Recipient) string {
	sum := sha256.Sum256([]byte("motcua backup key fingerprint\n" + r.String()))
	n := binary.BigEndian.Uint64(sum[:8]) % 100_000_000
	return fmt.Sprintf("%04d-%04d", n/10000, n%10000)
}

// ParseRecipient reads a stored recipient ("age1…").
func ParseRecipient(s string) (*age.X25519Recipient, error) {
	r, err := age.ParseX25519Recipient(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("backup recipient: %w", err)
	}
	return r, nil
}

// Rekey makes the code of the office's next backup key, one whose fingerprint
// differs from the current recipient's (current may be "" when there is none).
// It changes nothing by itself; see the package comment for what the caller
// does next.
func Rekey(current string) (Code, error) {
	var old string
	if current != "" {
		r, err := ParseRecipient(current)
		if err != nil {
			return Code{}, err
		}
		old = Fingerprint(r)
	}
	for {
		c, err := NewCode()
		if err != nil {
			return c, err
		}
		if c.Fingerprint() != old {
			return c, nil
		}
	}
}

// Sheet is what the recovery sheet prints.
type Sheet struct {
	Groups      [Groups]string // the typed form, group by group
	QR          string         // the QR code's text
	Fingerprint string
	Recipient   string // the public key, for the IT person's records
}

// Sheet returns the printed form of the code.
func (c Code) Sheet() (Sheet, error) {
	r, err := c.Recipient()
	if err != nil {
		return Sheet{}, err
	}
	return Sheet{Groups: c.GroupsOf(), QR: c.QR(), Fingerprint: Fingerprint(r), Recipient: r.String()}, nil
}
