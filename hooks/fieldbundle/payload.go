package fieldbundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"filippo.io/age"
)

// Kit is what a mobile team's laptop needs to work offline: the centre's
// office, catalogue and calendar, the team's accounts (password hashes only),
// its reserved range of each day's code sequence and its secret. Records are
// kept as field maps with their ids, so relations (a dossier's procedure, its
// officer) point at the same ids on both sides.
type Kit struct {
	Format     int              `json:"format"`
	KitID      string           `json:"kit_id"`
	Name       string           `json:"name"`
	CentreID   string           `json:"centre_id"`
	CentreCode string           `json:"centre_code"`
	CreatedAt  time.Time        `json:"created_at"`
	RangeFrom  int              `json:"range_from"`
	RangeTo    int              `json:"range_to"`
	Secret     string           `json:"secret"`
	Office     map[string]any   `json:"office"`
	Procedures []map[string]any `json:"procedures"`
	Holidays   []map[string]any `json:"holidays"`
	Staff      []map[string]any `json:"staff"`
	// CentreRecipient is the centre's age X25519 recipient ("age1…"): the
	// laptop encrypts its bundles to it (version 2). Kits made before bundles
	// were encrypted have none, and their laptops write version 1.
	CentreRecipient string `json:"centre_recipient,omitempty"`
}

// CentreKey is the recipient the laptop encrypts bundles to, or nil when the
// kit carries none (write version-1 bundles with SealJSON then).
func (k *Kit) CentreKey() (*age.X25519Recipient, error) {
	if k.CentreRecipient == "" {
		return nil, nil
	}
	return ParseCentreRecipient(k.CentreRecipient)
}

// Bundle is one batch of dossiers a laptop sends back, by network or on a
// USB stick.
type Bundle struct {
	Format    int       `json:"format"`
	KitID     string    `json:"kit_id"`
	CentreID  string    `json:"centre_id"`
	CreatedAt time.Time `json:"created_at"`
	Dossiers  []Dossier `json:"dossiers"`
}

// Dossier is one dossier as it travels: the id made on the laptop, its fields,
// its events (each with its own id, field time and officer) and its scans.
type Dossier struct {
	ID     string           `json:"id"`
	Fields map[string]any   `json:"fields"`
	Events []map[string]any `json:"events"`
	Files  []File           `json:"files,omitempty"`
}

// File is one scan, carried whole.
type File struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// Outcomes of one dossier at the centre.
const (
	OutcomeNew      = "new"      // written now
	OutcomeExists   = "exists"   // already there with the same content: nothing written
	OutcomeConflict = "conflict" // the id or the code is there with other content: nothing written
	OutcomeFailed   = "failed"   // could not be written (see Key); sending again may work
)

// Result is the centre's answer for one dossier: its id on the laptop, its
// code, the outcome and, for a refusal, the message key of the reason (and
// the dossier field it concerns, if one). A dossier taken in may carry a
// notice (a message key: the due date was recomputed, the dossier got another
// id at the centre, NewID).
type Result struct {
	ID      string `json:"id"`
	Code    string `json:"code"`
	Outcome string `json:"outcome"`
	Key     string `json:"key,omitempty"`
	Field   string `json:"field,omitempty"`
	Notice  string `json:"notice,omitempty"`
	NewID   string `json:"new_id,omitempty"`
	Hash    string `json:"hash,omitempty"`
}

// Ack is the centre's signed answer to a bundle: what it now holds. The laptop
// marks a dossier confirmed only from an authentic Ack.
type Ack struct {
	Format  int       `json:"format"`
	KitID   string    `json:"kit_id"`
	At      time.Time `json:"at"`
	Results []Result  `json:"results"`
}

// ContentHash is the canonical hash of what a dossier says: its fields, its
// events and the bytes of its scans (not their stored names), independent of
// key order, event order and number formatting. Two copies with the same hash
// are the same dossier; the same id with another hash is a conflict.
func ContentHash(d Dossier) (string, error) {
	events := make([]any, 0, len(d.Events))
	for _, ev := range d.Events {
		events = append(events, ev)
	}
	sort.SliceStable(events, func(i, j int) bool {
		return fmt.Sprint(events[i].(map[string]any)["id"]) < fmt.Sprint(events[j].(map[string]any)["id"])
	})
	files := make([]string, 0, len(d.Files))
	for _, f := range d.Files {
		s := sha256.Sum256(f.Data)
		files = append(files, hex.EncodeToString(s[:]))
	}
	sort.Strings(files)
	canon, err := canonicalJSON(map[string]any{"id": d.ID, "fields": d.Fields, "events": events, "files": files})
	if err != nil {
		return "", fmt.Errorf("content hash of %s: %w", d.ID, err)
	}
	s := sha256.Sum256(canon)
	return hex.EncodeToString(s[:]), nil
}

// canonicalJSON re-encodes v through a generic decode so that maps come out
// with sorted keys and numbers as written (json.Number), whatever Go types
// built v.
func canonicalJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, err
	}
	return json.Marshal(generic)
}

// decodeStrict decodes one JSON value from payload, refusing trailing data.
func decodeStrict(payload []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(v); err != nil {
		return refuse(KeyDamaged, "payload: %v", err)
	}
	if dec.More() {
		return refuse(KeyDamaged, "payload: trailing data")
	}
	return nil
}

// ReadBundle reads a signed bundle: the envelope is verified with the secret
// secretFor gives for its kit before the payload is decoded, and the payload
// must name the same kit. On error nothing of data may be used.
func ReadBundle(data []byte, secretFor func(kitID string) ([]byte, error)) (*Bundle, error) {
	env, err := ReadSigned(data, KindBundle, secretFor)
	if err != nil {
		return nil, err
	}
	var b Bundle
	if err := decodeStrict(env.Payload, &b); err != nil {
		return nil, err
	}
	if b.Format > Version {
		return nil, refuse(KeyVersion, "bundle format %d", b.Format)
	}
	if b.KitID != env.KitID {
		return nil, refuse(KeyDamaged, "payload names kit %q, envelope %q", b.KitID, env.KitID)
	}
	seen := make(map[string]bool, len(b.Dossiers))
	for _, d := range b.Dossiers {
		if !validKitID(d.ID) || seen[d.ID] || d.Fields == nil {
			return nil, refuse(KeyDamaged, "bad or repeated dossier id %.40q", d.ID)
		}
		seen[d.ID] = true
	}
	return &b, nil
}

// ReadKit reads a kit file. A kit carries its own secret, so its signature
// proves the file is whole and unchanged since the centre wrote it (not who
// wrote it): the centre recognises its own kits by id and secret on return.
func ReadKit(data []byte) (*Kit, error) {
	env, err := Open(data)
	if err != nil {
		return nil, err
	}
	if env.Kind != KindKit {
		return nil, refuse(KeyKind, "got %s, want %s", env.Kind, KindKit)
	}
	var k Kit
	if err := decodeStrict(env.Payload, &k); err != nil {
		return nil, err
	}
	secret, err := DecodeSecret(k.Secret)
	if err != nil {
		return nil, refuse(KeyDamaged, "kit secret")
	}
	if err := env.Verify(secret); err != nil {
		return nil, err
	}
	if err := checkKit(&k, env.KitID); err != nil {
		return nil, err
	}
	return &k, nil
}

// ReadAck reads the centre's signed acknowledgement for a kit.
func ReadAck(data []byte, kitID string, secret []byte) (*Ack, error) {
	env, err := ReadSigned(data, KindAck, func(id string) ([]byte, error) {
		if id != kitID {
			return nil, refuse(KeySignature, "acknowledgement for kit %s, this is kit %s", id, kitID)
		}
		return secret, nil
	})
	if err != nil {
		return nil, err
	}
	var a Ack
	if err := decodeStrict(env.Payload, &a); err != nil {
		return nil, err
	}
	if a.KitID != kitID {
		return nil, refuse(KeyDamaged, "acknowledgement names kit %q", a.KitID)
	}
	return &a, nil
}

// SealJSON marshals v and seals it as an envelope of kind.
func SealJSON(kind, kitID string, secret []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("seal %s: %w", kind, err)
	}
	return Seal(kind, kitID, secret, b)
}
