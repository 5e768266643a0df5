package fieldbundle

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"time"

	"filippo.io/age"
)

// Limits of a received bundle, the defaults of ReceiveOptions.
const (
	// DefaultMaxDossierBytes bounds one dossier's JSON: ten scans of 10 MiB
	// (the dossiers collection's limit) in base64, and room for the rest. A
	// dossier is decoded whole, so this is the most one dossier can cost in
	// memory (about twice it).
	DefaultMaxDossierBytes = 160 << 20
	// DefaultMaxDossiers bounds the dossiers of one bundle: more than a team
	// takes in during months.
	DefaultMaxDossiers = 100_000
)

// BundleWriter writes a version-2 bundle as it goes: each dossier is
// encrypted and signed as it is added, so a laptop with a gigabyte of scans
// never holds them all. Close finishes the file; without Close it is cut and
// the centre refuses it.
type BundleWriter struct {
	w      io.Writer
	mac    hash.Hash
	enc    io.WriteCloser
	n      int
	err    error
	closed bool
}

// NewBundleWriter starts a bundle for meta.KitID on w, encrypted to the
// centre's recipient and signed with the kit's secret. The bundle's other
// fields come from meta (Format, CentreID, CreatedAt); meta.Dossiers, if any,
// are written first.
func NewBundleWriter(w io.Writer, secret []byte, centre *age.X25519Recipient, meta Bundle) (*BundleWriter, error) {
	if !validKitID(meta.KitID) {
		return nil, fmt.Errorf("bundle: bad kit id %q", meta.KitID)
	}
	if len(secret) != SecretSize {
		return nil, fmt.Errorf("bundle: secret must be %d bytes", SecretSize)
	}
	if centre == nil {
		return nil, errors.New("bundle: no centre recipient (a version-1 kit: write version-1 bundles)")
	}
	bw := &BundleWriter{w: w, mac: hmac.New(sha256.New, secret)}
	signed := io.MultiWriter(w, bw.mac)
	if _, err := signed.Write(Header{Kind: KindBundle, Version: Version2, KitID: meta.KitID}.bytes()); err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	enc, err := age.Encrypt(signed, centre)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	bw.enc = enc
	head, err := json.Marshal(bundleMeta{Format: meta.Format, KitID: meta.KitID, CentreID: meta.CentreID, CreatedAt: meta.CreatedAt})
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	head = append(head[:len(head)-1], `,"dossiers":[`...)
	if _, err := enc.Write(head); err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	for _, d := range meta.Dossiers {
		if err := bw.Add(d); err != nil {
			return nil, err
		}
	}
	return bw, nil
}

// bundleMeta is a bundle without its dossiers, in the order Bundle marshals
// (the streaming reader needs kit_id before the dossiers).
type bundleMeta struct {
	Format    int       `json:"format"`
	KitID     string    `json:"kit_id"`
	CentreID  string    `json:"centre_id"`
	CreatedAt time.Time `json:"created_at"`
}

// Add encrypts and signs one more dossier.
func (bw *BundleWriter) Add(d Dossier) error {
	if bw.err != nil {
		return bw.err
	}
	if bw.closed {
		return errors.New("bundle: add after close")
	}
	if !validKitID(d.ID) || d.Fields == nil {
		return fmt.Errorf("bundle: bad dossier id %.40q or no fields", d.ID)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("bundle: dossier %s: %w", d.ID, err)
	}
	if bw.n > 0 {
		b = append([]byte{','}, b...)
	}
	if _, err := bw.enc.Write(b); err != nil {
		bw.err = fmt.Errorf("bundle: %w", err)
		return bw.err
	}
	bw.n++
	return nil
}

// Close ends the dossier list, the encryption and writes the signature line.
func (bw *BundleWriter) Close() error {
	if bw.err != nil {
		return bw.err
	}
	if bw.closed {
		return nil
	}
	bw.closed = true
	if _, err := bw.enc.Write([]byte("]}")); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	if err := bw.enc.Close(); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	if _, err := fmt.Fprintf(bw.w, "hmac-sha256 %s\n", hex.EncodeToString(bw.mac.Sum(nil))); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	return nil
}

// SealBundle writes a whole version-2 bundle in memory (a pushed batch).
func SealBundle(secret []byte, centre *age.X25519Recipient, b Bundle) ([]byte, error) {
	var buf bytes.Buffer
	bw, err := NewBundleWriter(&buf, secret, centre, b)
	if err != nil {
		return nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReceiveOptions say how a received bundle is checked.
type ReceiveOptions struct {
	// Secret returns the kit's secret, or refuses the kit (unknown, retired,
	// of another centre) with an error of the caller's that ReceiveBundle
	// returns as it is. It is called once, after at most MaxHeaderBytes of the
	// file were read.
	Secret func(kitID string) ([]byte, error)
	// Centre is the centre's identity, which opens version-2 bundles. Without
	// it they are refused with KeyRecipient.
	Centre age.Identity
	// TempDir receives the file while it is checked (os.TempDir() if empty).
	// For a version-2 bundle it only ever holds ciphertext.
	TempDir string
	// MaxBytes caps the file (MaxPayload if 0), MaxDossierBytes one dossier
	// (DefaultMaxDossierBytes), MaxDossiers their number (DefaultMaxDossiers).
	MaxBytes        int64
	MaxDossierBytes int64
	MaxDossiers     int
}

// BundleFile is a received bundle whose signature has been verified: its
// header fields, and its dossiers to read one at a time with Next. Close it.
type BundleFile struct {
	// Version is the envelope's: 1 for a bundle written before bundles were
	// encrypted (say so: KeyUnsealed), 2 for an encrypted one.
	Version   int
	KitID     string
	Format    int
	CentreID  string
	CreatedAt time.Time
	// Size is the number of bytes received.
	Size int64

	tmp      *os.File
	budget   *budgetReader
	dec      *json.Decoder
	maxDoss  int64
	maxCount int
	count    int
	seen     map[string]bool
	done     bool
	err      error
}

// ReceiveBundle reads a bundle of either version from r without holding it in
// memory: the header first (at most MaxHeaderBytes), then opt.Secret decides
// on the kit, then the rest streams into a temporary file under a byte cap
// while its HMAC is computed. Only when the signature matches is a byte of
// the payload decrypted or parsed. It returns once the bundle's own fields
// (kit, centre, time) are read and checked; the dossiers follow with Next.
func ReceiveBundle(r io.Reader, opt ReceiveOptions) (bf *BundleFile, err error) {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = MaxPayload
	}
	if opt.MaxDossierBytes <= 0 {
		opt.MaxDossierBytes = DefaultMaxDossierBytes
	}
	if opt.MaxDossiers <= 0 {
		opt.MaxDossiers = DefaultMaxDossiers
	}
	br, gate := gatedReader(newCapReader(r, opt.MaxBytes))
	h, err := readHeader(br)
	if err != nil {
		return nil, err
	}
	gate.left = -1
	if h.Kind != KindBundle {
		return nil, refuse(KeyKind, "got %s, want %s", h.Kind, KindBundle)
	}
	if h.Version == Version && h.length > opt.MaxBytes {
		return nil, refuse(KeyTooLarge, "header says %d bytes, limit %d", h.length, opt.MaxBytes)
	}
	if opt.Secret == nil {
		return nil, errors.New("receive bundle: no Secret function")
	}
	secret, err := opt.Secret(h.KitID)
	if err != nil {
		return nil, err
	}
	if len(secret) != SecretSize {
		return nil, refuse(KeySignature, "no usable secret for kit %s", h.KitID)
	}
	if h.Version == Version2 && opt.Centre == nil {
		return nil, refuse(KeyRecipient, "this centre has no key for encrypted bundles")
	}

	tmp, err := os.CreateTemp(opt.TempDir, "motcua-bundle-*.part")
	if err != nil {
		return nil, fmt.Errorf("receive bundle: %w", err)
	}
	file := &BundleFile{Version: h.Version, KitID: h.KitID, tmp: tmp,
		maxDoss: opt.MaxDossierBytes, maxCount: opt.MaxDossiers, seen: map[string]bool{}}
	defer func() {
		if err != nil {
			file.Close()
		}
	}()
	bf = file
	mac := hmac.New(sha256.New, secret)
	var payload int64
	if h.Version == Version {
		payload, err = receiveV1(br, tmp, mac, h)
	} else {
		payload, err = receiveV2(br, tmp, mac, h)
	}
	if errors.Is(err, errCap) {
		return nil, refuse(KeyTooLarge, "over %d bytes", opt.MaxBytes)
	}
	if err != nil {
		return nil, err
	}
	bf.Size = int64(len(h.bytes())) + payload
	if h.Version == Version2 {
		bf.Size += int64(trailerSize)
	}

	// Authentic from here on.
	var plain io.Reader = io.NewSectionReader(tmp, 0, payload)
	if h.Version == Version2 {
		plain, err = age.Decrypt(plain, opt.Centre)
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, refuse(KeyRecipient, "encrypted to another centre key")
		}
		if err != nil {
			return nil, refuse(KeyDamaged, "decrypt: %v", err)
		}
	}
	bf.budget = &budgetReader{r: bufio.NewReaderSize(plain, 64<<10)}
	bf.dec = json.NewDecoder(bf.budget)
	if err := bf.readMeta(); err != nil {
		return nil, err
	}
	if bf.KitID != h.KitID {
		return nil, refuse(KeyDamaged, "payload names another kit than its envelope")
	}
	if bf.Format > Version {
		return nil, refuse(KeyVersion, "bundle format %d", bf.Format)
	}
	return bf, nil
}

// receiveV1 copies exactly the header's length into tmp, refuses any byte
// after it, and checks the signature of the header.
func receiveV1(br *bufio.Reader, tmp *os.File, mac hash.Hash, h Header) (int64, error) {
	mac.Write([]byte(h.Kind + "\n" + h.KitID + "\n"))
	n, err := io.CopyBuffer(io.MultiWriter(tmp, mac), io.LimitReader(br, h.length), make([]byte, 64<<10))
	if err != nil {
		return 0, readErr(err)
	}
	if n != h.length {
		return 0, refuse(KeyDamaged, "payload is %d bytes, header says %d", n, h.length)
	}
	var one [1]byte
	m, err := io.ReadFull(br, one[:])
	if m > 0 {
		return 0, refuse(KeyDamaged, "bytes after the payload")
	}
	if errors.Is(err, errCap) {
		return 0, err
	}
	if !hmac.Equal(mac.Sum(nil), h.sig) {
		return 0, refuse(KeySignature, "signature does not match")
	}
	return n, nil
}

// receiveV2 copies everything up to the trailer into tmp while signing the
// header and it, then checks the trailer.
func receiveV2(br *bufio.Reader, tmp *os.File, mac hash.Hash, h Header) (int64, error) {
	mac.Write(h.bytes())
	tw := &tailWriter{w: io.MultiWriter(tmp, mac)}
	// Hide br's WriteTo, which would copy through its 256-byte buffer: with a
	// 64 KiB buffer of io.CopyBuffer, bufio reads straight into it.
	if _, err := io.CopyBuffer(tw, struct{ io.Reader }{br}, make([]byte, 64<<10)); err != nil {
		return 0, readErr(err)
	}
	if tw.held != trailerSize {
		return 0, refuse(KeyDamaged, "cut short")
	}
	line := tw.tail[:trailerSize]
	hexSig, ok := bytesCutPrefix(line[:trailerSize-1], "hmac-sha256 ")
	sig, err := hex.DecodeString(string(hexSig))
	if !ok || line[trailerSize-1] != '\n' || err != nil || hex.EncodeToString(sig) != string(hexSig) {
		return 0, refuse(KeyDamaged, "no signature line at the end")
	}
	if !hmac.Equal(mac.Sum(nil), sig) {
		return 0, refuse(KeySignature, "signature does not match")
	}
	return tw.n, nil
}

// readErr classifies a failure while receiving: over the cap, cut short (a
// sender that stopped half-way), or a local failure (the temp file's disk).
func readErr(err error) error {
	switch {
	case errors.Is(err, errCap):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return refuse(KeyDamaged, "cut short: %v", err)
	}
	return fmt.Errorf("receive bundle: %w", err)
}

func bytesCutPrefix(b []byte, prefix string) ([]byte, bool) {
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return nil, false
	}
	return b[len(prefix):], true
}

// tailWriter passes on everything written to it but the last trailerSize
// bytes, which it holds back (the signature line, unknown until the end).
type tailWriter struct {
	w    io.Writer
	tail [2 * trailerSize]byte
	held int
	n    int64 // bytes passed on
}

func (t *tailWriter) Write(p []byte) (int, error) {
	total := len(p)
	if len(p) >= trailerSize {
		// Everything held, and all of p but its last trailerSize bytes, goes on.
		if err := t.pass(t.tail[:t.held]); err != nil {
			return 0, err
		}
		if err := t.pass(p[:len(p)-trailerSize]); err != nil {
			return 0, err
		}
		t.held = copy(t.tail[:], p[len(p)-trailerSize:])
		return total, nil
	}
	t.held += copy(t.tail[t.held:], p)
	if extra := t.held - trailerSize; extra > 0 {
		if err := t.pass(t.tail[:extra]); err != nil {
			return 0, err
		}
		t.held = copy(t.tail[:], t.tail[extra:t.held])
	}
	return total, nil
}

func (t *tailWriter) pass(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	n, err := t.w.Write(b)
	t.n += int64(n)
	return err
}

// gatedReader buffers r for reading a header through a gate that lets only
// MaxHeaderBytes pass, so that not even bufio's read-ahead takes more before
// the kit is judged. Open the gate (left = -1) to read on.
func gatedReader(r io.Reader) (*bufio.Reader, *headerGate) {
	gate := &headerGate{r: r, left: MaxHeaderBytes}
	return bufio.NewReaderSize(gate, MaxHeaderBytes), gate
}

// headerGate passes at most left bytes (unlimited when left < 0).
type headerGate struct {
	r    io.Reader
	left int
}

var errHeaderTooLong = errors.New("header too long")

func (g *headerGate) Read(p []byte) (int, error) {
	if g.left == 0 {
		return 0, errHeaderTooLong
	}
	if g.left > 0 && len(p) > g.left {
		p = p[:g.left]
	}
	n, err := g.r.Read(p)
	if g.left > 0 {
		g.left -= n
	}
	return n, err
}

// budgetReader lets the JSON decoder read at most a budget of bytes for the
// value being decoded (allow sets it), so one forged dossier cannot make the
// decoder buffer without limit.
type budgetReader struct {
	r     io.Reader
	read  int64
	limit int64 // 0: none
}

var errBudget = errors.New("over the budget")

func (b *budgetReader) allow(n int64) { b.limit = b.read + n }

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.limit > 0 {
		if b.read >= b.limit {
			return 0, errBudget
		}
		if int64(len(p)) > b.limit-b.read {
			p = p[:b.limit-b.read]
		}
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

// decodeErr names what went wrong decoding the payload.
func (bf *BundleFile) decodeErr(what string, err error) error {
	if errors.Is(err, errBudget) {
		return refuse(KeyTooLarge, "%s over %d bytes", what, bf.maxDoss)
	}
	return refuse(KeyDamaged, "%s: %v", what, err)
}

// readMeta walks the payload's object up to the start of its dossiers,
// reading the bundle's own fields; a field it does not know is skipped
// (within the budget). kit_id must come before the dossiers, as every writer
// puts it.
func (bf *BundleFile) readMeta() error {
	bf.budget.allow(bf.maxDoss)
	if tok, err := bf.dec.Token(); err != nil || tok != json.Delim('{') {
		return bf.decodeErr("payload", fmt.Errorf("not an object (%v)", err))
	}
	sawKit := false
	for bf.dec.More() {
		tok, err := bf.dec.Token()
		if err != nil {
			return bf.decodeErr("payload", err)
		}
		key, _ := tok.(string)
		var v any
		switch key {
		case "format":
			v = &bf.Format
		case "kit_id":
			v, sawKit = &bf.KitID, true
			bf.KitID = ""
		case "centre_id":
			v = &bf.CentreID
		case "created_at":
			v = &bf.CreatedAt
		case "dossiers":
			if !sawKit {
				return refuse(KeyDamaged, "payload: dossiers before kit_id")
			}
			tok, err := bf.dec.Token()
			if err != nil {
				return bf.decodeErr("payload", err)
			}
			if tok == nil { // "dossiers": null, an empty bundle from json.Marshal
				continue
			}
			if tok != json.Delim('[') {
				return refuse(KeyDamaged, "payload: dossiers is not a list")
			}
			return nil
		default:
			v = new(json.RawMessage)
		}
		if err := bf.dec.Decode(v); err != nil {
			return bf.decodeErr("payload field "+key, err)
		}
	}
	if !sawKit {
		return refuse(KeyDamaged, "payload: no kit_id")
	}
	bf.done = true // no dossiers list, or a null one
	return bf.end(false)
}

// end reads the payload's closing (the list's ']' when inList) and its end.
func (bf *BundleFile) end(inList bool) error {
	bf.budget.allow(bf.maxDoss)
	if inList {
		if tok, err := bf.dec.Token(); err != nil || tok != json.Delim(']') {
			return bf.decodeErr("payload end", fmt.Errorf("no end of list (%v)", err))
		}
		if bf.dec.More() {
			return refuse(KeyDamaged, "payload: fields after the dossiers")
		}
	}
	if tok, err := bf.dec.Token(); err != nil || tok != json.Delim('}') {
		return bf.decodeErr("payload end", fmt.Errorf("no end of object (%v)", err))
	}
	if _, err := bf.dec.Token(); err != io.EOF {
		return bf.decodeErr("payload end", fmt.Errorf("trailing data (%v)", err))
	}
	return nil
}

// Next returns the next dossier, or io.EOF after the last. Each is checked as
// ReadBundle checks them (an id, unique in the bundle, and fields) and no
// bigger than MaxDossierBytes. After an error, Next keeps returning it: the
// rest of the bundle is not to be used.
func (bf *BundleFile) Next() (*Dossier, error) {
	if bf.err != nil {
		return nil, bf.err
	}
	if bf.done {
		return nil, io.EOF
	}
	if !bf.dec.More() {
		if err := bf.end(true); err != nil {
			bf.err = err
			return nil, err
		}
		bf.done = true
		return nil, io.EOF
	}
	if bf.count >= bf.maxCount {
		bf.err = refuse(KeyTooLarge, "more than %d dossiers", bf.maxCount)
		return nil, bf.err
	}
	bf.budget.allow(bf.maxDoss)
	var d Dossier
	if err := bf.dec.Decode(&d); err != nil {
		bf.err = bf.decodeErr(fmt.Sprintf("dossier %d", bf.count+1), err)
		return nil, bf.err
	}
	if !validKitID(d.ID) || bf.seen[d.ID] || d.Fields == nil {
		bf.err = refuse(KeyDamaged, "bad or repeated dossier id %.40q", d.ID)
		return nil, bf.err
	}
	bf.seen[d.ID] = true
	bf.count++
	return &d, nil
}

// Close removes the temporary file. It is safe to call more than once.
func (bf *BundleFile) Close() error {
	if bf == nil || bf.tmp == nil {
		return nil
	}
	name := bf.tmp.Name()
	err := bf.tmp.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	bf.tmp = nil
	if bf.err == nil {
		bf.err = errors.New("bundle closed")
	}
	return err
}

// DataSize is the bytes of a dossier's scans: what batching on the caller's
// side should count, so that a batch of dossiers stays small in memory.
func (d *Dossier) DataSize() int64 {
	var n int64
	for _, f := range d.Files {
		n += int64(len(f.Data))
	}
	return n
}
