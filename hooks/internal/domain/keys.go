package domain

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/textnorm"
)

// Values of dossiers.station and dossiers.channel that intake sets.
const (
	stationCentre   = "centre"
	ChannelInPerson = "in_person"
	EventReceive    = "receive"
)

// DossierSearchKey is the accent-folded text staff search finds a dossier by.
func DossierSearchKey(r *core.Record) string {
	return textnorm.Fold(strings.Join([]string{
		r.GetString("code"), r.GetString("applicant_name"), r.GetString("applicant_id_number"),
		r.GetString("applicant_old_id"), r.GetString("applicant_phone"),
	}, " "))
}

// lookupAlphabet has no letters that are easily misread on paper (i, l, o)
// and no 0 or 1: the key is printed under the QR for citizens to type.
const lookupAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// lookupKeyLen gives 12 × log2(31) ≈ 59 random bits, well above the 40 asked.
const lookupKeyLen = 12

// NewLookupKey draws the secret that, with the code, opens the public status
// page. It comes from crypto/rand: the code is guessable, the key must not be.
func NewLookupKey() (string, error) {
	b := make([]byte, lookupKeyLen)
	max := big.NewInt(int64(len(lookupAlphabet)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("random: %w", err)
		}
		b[i] = lookupAlphabet[n.Int64()]
	}
	return string(b), nil
}

// ValidLookupKey reports whether s has the form NewLookupKey draws: twelve
// characters of lookupAlphabet. A team's laptop draws the key and prints it
// on the citizen's receipt, so the centre keeps it as it arrives, but only in
// this form.
func ValidLookupKey(s string) bool {
	if len(s) != lookupKeyLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(lookupAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// lookupKeyReaders may see a dossier's lookup key: the officers who print or
// reprint the receipt and hand back results, and leaders. A processor works on
// the papers and never needs the citizen's secret.
var lookupKeyReaders = map[string]bool{base.RoleReception: true, base.RoleField: true, base.RoleLeader: true}

// hideLookupKey drops lookup_key from every dossier a caller other than
// reception, field or leader staff (or a superuser) receives, in the record
// API and realtime alike.
func hideLookupKey(e *core.RecordEnrichEvent) error {
	if !MayReadLookupKey(e.RequestInfo.Auth) {
		e.Record.Hide("lookup_key")
	}
	return e.Next()
}

// MayReadLookupKey reports whether auth may see dossiers' lookup keys.
func MayReadLookupKey(auth *core.Record) bool {
	if auth == nil {
		return false
	}
	if auth.IsSuperuser() {
		return true
	}
	return auth.Collection().Name == base.ColStaff && lookupKeyReaders[auth.GetString("role")]
}

// SeedSearchKey is the accent-folded text staff search looks in, exactly as
// the intake's dossierSearchKey builds it (code, name, ID number, old ID,
// phone; generated dossiers have no old ID).
func SeedSearchKey(code, name, id, phone string) string {
	return textnorm.Fold(strings.Join([]string{code, name, id, "", phone}, " "))
}
