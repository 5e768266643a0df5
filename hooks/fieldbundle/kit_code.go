package fieldbundle

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"filippo.io/age"

	"motcua/hooks/digitcode"
)

// A kit file holds the kit's HMAC secret and the members' password hashes, and
// travels to the laptop on a USB stick. It is sealed with a one-time code: 12
// random digits shown on the leader's screen when the kit file is made (each
// download gets its own code) and typed on the laptop at "field init". The
// code is never stored.
//
// Why 12 digits are enough here: 10^12 is about 2^40 codes. Each guess costs
// one scrypt with N = 2^18, r = 8 (age's default: 256 MiB of memory and about
// a second on a laptop), so a finder of the stick with a GPU doing a
// thousand guesses a second needs some 16 years on average, and a hundred
// GPUs two months. The file lives on the stick for a day; once the team is
// set up, a leader who hears the stick was lost retires the kit, which makes
// its secret worthless to the centre, and passwords behind bcrypt hashes
// still need guessing one by one. Longer codes would be typed wrong more
// often than they would ever be attacked. There is no check digit: a typo
// fails the decryption at once with KeyCode, and every check digit would cost
// a tenth of the guesses.

// KitCodeDigits is the length of a kit's one-time code.
const KitCodeDigits = 12

// MaxKitBytes bounds a kit's JSON (the office, catalogue, holidays and members
// fit in well under a megabyte); MaxKitFileBytes the kit file, header and
// encryption's 16 bytes per 64 KiB included: read no more than that from a
// stick.
const (
	MaxKitBytes     = 64 << 20
	MaxKitFileBytes = MaxKitBytes + 64<<10
)

// kitWorkFactor is the scrypt cost of a sealed kit, log2(N); the opener
// refuses any higher cost, so a forged file cannot make a laptop work for
// minutes. Tests lower it.
var kitWorkFactor = 18

// SetKitWorkFactor sets the scrypt cost (log2 N) of kits sealed and opened
// from now on and returns the one before. It exists for the tests of the
// packages that make and open kits, where each kit would otherwise cost a
// second and 256 MiB; the appliance never calls it.
func SetKitWorkFactor(logN int) int {
	old := kitWorkFactor
	kitWorkFactor = logN
	return old
}

// NewKitCode makes a one-time code, formatted for the screen: "1234 5678 9012".
func NewKitCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000_000_000))
	if err != nil {
		return "", fmt.Errorf("kit code: %w", err)
	}
	s := fmt.Sprintf("%012d", n)
	return s[:4] + " " + s[4:8] + " " + s[8:], nil
}

// ParseKitCode reads a typed kit code: any separators, ASCII or Khmer digits.
// It returns the 12 digits, or a KeyCode refusal.
func ParseKitCode(s string) (string, error) {
	runs, err := digitcode.Runs(s)
	if err != nil {
		return "", refuse(KeyCode, "%v", err)
	}
	code := strings.Join(runs, "")
	if len(code) != KitCodeDigits {
		return "", refuse(KeyCode, "%d digits, want %d", len(code), KitCodeDigits)
	}
	return code, nil
}

// SealKit writes a version-2 kit file: k encrypted with the one-time code.
func SealKit(k *Kit, code string) ([]byte, error) {
	digits, err := ParseKitCode(code)
	if err != nil {
		return nil, err
	}
	if err := checkKit(k, k.KitID); err != nil {
		return nil, fmt.Errorf("seal kit: %w", err)
	}
	payload, err := json.Marshal(k)
	if err != nil {
		return nil, fmt.Errorf("seal kit: %w", err)
	}
	if len(payload) > MaxKitBytes {
		return nil, fmt.Errorf("seal kit: %d bytes, limit %d", len(payload), MaxKitBytes)
	}
	rcpt, err := age.NewScryptRecipient(digits)
	if err != nil {
		return nil, fmt.Errorf("seal kit: %w", err)
	}
	rcpt.SetWorkFactor(kitWorkFactor)
	var buf bytes.Buffer
	buf.Write(Header{Kind: KindKit, Version: Version2, KitID: k.KitID}.bytes())
	w, err := age.Encrypt(&buf, rcpt)
	if err != nil {
		return nil, fmt.Errorf("seal kit: %w", err)
	}
	if _, err := w.Write(payload); err != nil {
		return nil, fmt.Errorf("seal kit: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("seal kit: %w", err)
	}
	return buf.Bytes(), nil
}

// OpenKit reads a kit file of either version. A version-2 file needs its
// one-time code (a wrong one is KeyCode; use PeekHeader to know whether to
// ask); a version-1 file, written before kits were sealed, is read as
// ReadKit reads it and code is ignored: the caller says so (KeyUnsealed). It
// returns the envelope version with the kit.
func OpenKit(data []byte, code string) (*Kit, int, error) {
	if len(data) > MaxKitFileBytes {
		return nil, 0, refuse(KeyTooLarge, "kit file of %d bytes", len(data))
	}
	h, err := PeekHeader(data)
	if err != nil {
		return nil, 0, err
	}
	if h.Kind != KindKit {
		return nil, 0, refuse(KeyKind, "got %s, want %s", h.Kind, KindKit)
	}
	if h.Version == Version {
		k, err := ReadKit(data)
		return k, Version, err
	}
	digits, err := ParseKitCode(code)
	if err != nil {
		return nil, 0, err
	}
	id, err := age.NewScryptIdentity(digits)
	if err != nil {
		return nil, 0, refuse(KeyCode, "%v", err)
	}
	id.SetMaxWorkFactor(kitWorkFactor)
	r, err := age.Decrypt(bytes.NewReader(data[len(h.bytes()):]), id)
	var nomatch *age.NoIdentityMatchError
	if errors.As(err, &nomatch) {
		return nil, 0, refuse(KeyCode, "the code does not open this kit")
	}
	if err != nil {
		return nil, 0, refuse(KeyDamaged, "kit: %v", err)
	}
	payload, err := io.ReadAll(io.LimitReader(r, MaxKitBytes+1))
	if err != nil {
		return nil, 0, refuse(KeyDamaged, "kit: %v", err)
	}
	if len(payload) > MaxKitBytes {
		return nil, 0, refuse(KeyTooLarge, "kit payload over %d bytes", MaxKitBytes)
	}
	var k Kit
	if err := decodeStrict(payload, &k); err != nil {
		return nil, 0, err
	}
	if err := checkKit(&k, h.KitID); err != nil {
		return nil, 0, err
	}
	return &k, Version2, nil
}

// checkKit is what a kit must satisfy, whoever wrote it: the envelope's kit
// id, a usable range and secret, a known format and, when it carries one, a
// well-formed centre recipient.
func checkKit(k *Kit, kitID string) error {
	if k.Format > Version {
		return refuse(KeyVersion, "kit format %d", k.Format)
	}
	if !validKitID(k.KitID) || k.KitID != kitID || k.RangeFrom < 1 || k.RangeTo > 9999 || k.RangeFrom > k.RangeTo {
		return refuse(KeyDamaged, "kit header and content disagree")
	}
	if _, err := DecodeSecret(k.Secret); err != nil {
		return refuse(KeyDamaged, "kit secret")
	}
	if k.CentreRecipient != "" {
		if _, err := ParseCentreRecipient(k.CentreRecipient); err != nil {
			return err
		}
	}
	return nil
}
