// Package idcard parses the text in the QR code of the Vietnamese citizen
// identity card (căn cước công dân, CCCD) so that reception can fill in who
// submitted a dossier without typing it.
//
// The QR holds UTF-8 text with fields separated by "|":
//
//	<12-digit ID>|<old 9-digit ID, may be empty>|<full name>|<birth date ddmmyyyy>|<Nam or Nữ>|<permanent address>|<issue date ddmmyyyy>
//
// Six or more fields are accepted (the issue date is missing on some cards,
// and newer cards may add fields after it, which are ignored). No field is
// ever guessed or repaired: a payload that does not fit, or that a USB
// scanner in keyboard mode has garbled (see Garbled), is refused with an
// *Error whose Key names a message in the catalogue, so the officer is asked
// to check instead of a wrong name being saved.
package idcard

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"motcua/hooks/textnorm"
)

// Message keys carried by *Error. They are catalogue keys, translated where
// the error is shown.
const (
	// KeyFormat means the text is not a CCCD QR at all: empty, or fewer than
	// six "|"-separated fields (e.g. a scanner layout that turned "|" into
	// another character).
	KeyFormat = "error.idcard_format"
	// KeyGarbled means the text looks damaged by the scanner or an input
	// method; see Garbled.
	KeyGarbled = "error.idcard_garbled"
	// KeyIDInvalid means the ID (Field "id") or the old ID (Field "old_id")
	// is not 9 or 12 ASCII digits.
	KeyIDInvalid = "error.idcard_id_invalid"
	// KeyNameMissing means the name field is empty.
	KeyNameMissing = "error.idcard_name_missing"
	// KeyBirthDateInvalid means the birth date is not a real ddmmyyyy date,
	// is before 1900 or is in the future.
	KeyBirthDateInvalid = "error.idcard_birth_date_invalid"
	// KeyGenderInvalid means the gender is neither "Nam" nor "Nữ".
	KeyGenderInvalid = "error.idcard_gender_invalid"
	// KeyAddressMissing means the permanent address field is empty.
	KeyAddressMissing = "error.idcard_address_missing"
	// KeyIssueDateInvalid means the issue date is present but not a real
	// ddmmyyyy date, is before the birth date or is in the future.
	KeyIssueDateInvalid = "error.idcard_issue_date_invalid"
)

// Field names used in Error.Field; they match the JSON names of Card.
const (
	// FieldID is Card.ID.
	FieldID = "id"
	// FieldOldID is Card.OldID.
	FieldOldID = "old_id"
	// FieldName is Card.Name.
	FieldName = "name"
	// FieldBirthDate is Card.BirthDate.
	FieldBirthDate = "birth_date"
	// FieldGender is Card.Gender.
	FieldGender = "gender"
	// FieldAddress is Card.Address.
	FieldAddress = "address"
	// FieldIssueDate is Card.IssueDate.
	FieldIssueDate = "issue_date"
)

// Values of Card.Gender.
const (
	// GenderMale is "Nam" on the card.
	GenderMale = "male"
	// GenderFemale is "Nữ" on the card.
	GenderFemale = "female"
)

// minFields is the number of fields up to the permanent address.
const minFields = 6

// earliestBirth bounds birth dates: an earlier year is a misread, not a citizen.
var earliestBirth = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// vietnam is Asia/Ho_Chi_Minh. Vietnam has kept UTC+7 without daylight
// saving since 1975, so a fixed zone gives "today" without needing tzdata.
var vietnam = time.FixedZone("ICT", 7*60*60)

// Error is the error returned by Parse. Key is a message key (one of the Key
// constants) and Field the Card field it concerns (one of the Field
// constants), or "" when it concerns the whole payload.
type Error struct {
	Key   string
	Field string
}

// Error returns the key and field, for logs; users see the translated key.
func (e *Error) Error() string {
	if e.Field == "" {
		return "idcard: " + e.Key
	}
	return "idcard: " + e.Key + " (" + e.Field + ")"
}

// Is lets errors.Is(err, &Error{Key: KeyGarbled}) match by key, and by field
// too when the target names one.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Key == e.Key && (t.Field == "" || t.Field == e.Field)
}

// Card is what the QR says about the citizen. Every string is NFC with tidy
// white space; dates are calendar dates at UTC midnight.
type Card struct {
	// ID is the 12-digit citizen ID (9 digits on an old card).
	ID string `json:"id"`
	// OldID is the previous 9-digit ID, or "".
	OldID string `json:"old_id"`
	// Name is the full name as printed, e.g. "Nguyễn Thị Sa Ly".
	Name string `json:"name"`
	// BirthDate is the date of birth at 00:00 UTC.
	BirthDate time.Time `json:"birth_date"`
	// Gender is GenderMale or GenderFemale.
	Gender string `json:"gender"`
	// Address is the permanent address as printed.
	Address string `json:"address"`
	// IssueDate is the date the card was issued at 00:00 UTC, or the zero
	// time when the QR has no issue date.
	IssueDate time.Time `json:"issue_date"`
}

// dateLayout is how Card dates appear in JSON.
const dateLayout = "2006-01-02"

// cardJSON is Card with dates as "2006-01-02" strings; null when zero.
type cardJSON struct {
	ID        string  `json:"id"`
	OldID     string  `json:"old_id"`
	Name      string  `json:"name"`
	BirthDate *string `json:"birth_date"`
	Gender    string  `json:"gender"`
	Address   string  `json:"address"`
	IssueDate *string `json:"issue_date"`
}

// MarshalJSON writes dates as "2006-01-02" (null when zero), so that a time
// zone never shifts a birthday by a day.
func (c Card) MarshalJSON() ([]byte, error) {
	return json.Marshal(cardJSON{
		ID:        c.ID,
		OldID:     c.OldID,
		Name:      c.Name,
		BirthDate: formatDate(c.BirthDate),
		Gender:    c.Gender,
		Address:   c.Address,
		IssueDate: formatDate(c.IssueDate),
	})
}

// UnmarshalJSON reads what MarshalJSON writes; null or "" gives a zero date.
func (c *Card) UnmarshalJSON(b []byte) error {
	var j cardJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	birth, err := parseJSONDate(j.BirthDate)
	if err != nil {
		return fmt.Errorf("card birth_date: %w", err)
	}
	issue, err := parseJSONDate(j.IssueDate)
	if err != nil {
		return fmt.Errorf("card issue_date: %w", err)
	}
	*c = Card{
		ID:        j.ID,
		OldID:     j.OldID,
		Name:      j.Name,
		BirthDate: birth,
		Gender:    j.Gender,
		Address:   j.Address,
		IssueDate: issue,
	}
	return nil
}

func formatDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(dateLayout)
	return &s
}

func parseJSONDate(s *string) (time.Time, error) {
	if s == nil || *s == "" {
		return time.Time{}, nil
	}
	return time.Parse(dateLayout, *s)
}

// Parse parses the text of a CCCD QR code, judging dates against the current
// time. See ParseAt.
func Parse(s string) (Card, error) {
	return ParseAt(s, time.Now())
}

// ParseAt parses the text of a CCCD QR code. now decides which dates are in
// the future (its calendar day in Vietnam is "today").
//
// Surrounding white space, the CR/LF a scanner sends after the code and a
// byte-order mark are removed; every field is NFC-normalised with tidy white
// space. The checks, in order: a payload damaged in transit (KeyGarbled), at
// least six fields (KeyFormat), the ID and old ID (KeyIDInvalid), a garbled
// name, address or gender (KeyGarbled), then each field in turn.
// On error the Card is zero: nothing half-parsed can be saved.
func ParseAt(s string, now time.Time) (Card, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "\uFEFF"))
	if s == "" {
		return Card{}, &Error{Key: KeyFormat}
	}
	if damaged(s) {
		return Card{}, &Error{Key: KeyGarbled}
	}
	raw := strings.Split(s, "|")
	if len(raw) < minFields {
		return Card{}, &Error{Key: KeyFormat}
	}
	f := make([]string, len(raw))
	for i, v := range raw {
		f[i] = textnorm.NFC(v)
	}
	var (
		id, oldID, name, birth = f[0], f[1], f[2], f[3]
		gender, address        = f[4], f[5]
		issue                  string
	)
	if len(f) > minFields {
		issue = f[6]
	}

	// The ID fields first: they show whether this is a CCCD QR at all and
	// whether the fields sit where they should (a shifted field fails here).
	if !textnorm.ValidIDNumber(id) {
		return Card{}, &Error{Key: KeyIDInvalid, Field: FieldID}
	}
	if oldID != "" && !textnorm.ValidIDNumber(oldID) {
		return Card{}, &Error{Key: KeyIDInvalid, Field: FieldOldID}
	}
	// Then garbling: when the scanner mangles text the officer must fix the
	// scanner, whatever else looks wrong.
	switch {
	case garbledName(name):
		return Card{}, &Error{Key: KeyGarbled, Field: FieldName}
	case Garbled(address):
		return Card{}, &Error{Key: KeyGarbled, Field: FieldAddress}
	case gender != "Nam" && gender != "Nữ" && Garbled(gender):
		return Card{}, &Error{Key: KeyGarbled, Field: FieldGender}
	}

	c := Card{ID: id, OldID: oldID, Name: name, Address: address}
	if name == "" {
		return Card{}, &Error{Key: KeyNameMissing, Field: FieldName}
	}

	y, m, d := now.In(vietnam).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	var ok bool
	c.BirthDate, ok = parseDate(birth)
	if !ok || c.BirthDate.Before(earliestBirth) || c.BirthDate.After(today) {
		return Card{}, &Error{Key: KeyBirthDateInvalid, Field: FieldBirthDate}
	}

	switch gender {
	case "Nam":
		c.Gender = GenderMale
	case "Nữ":
		c.Gender = GenderFemale
	default:
		return Card{}, &Error{Key: KeyGenderInvalid, Field: FieldGender}
	}

	if address == "" {
		return Card{}, &Error{Key: KeyAddressMissing, Field: FieldAddress}
	}

	if issue != "" {
		c.IssueDate, ok = parseDate(issue)
		if !ok || c.IssueDate.Before(c.BirthDate) || c.IssueDate.After(today) {
			return Card{}, &Error{Key: KeyIssueDateInvalid, Field: FieldIssueDate}
		}
	}
	return c, nil
}

// parseDate reads exactly eight ASCII digits ddmmyyyy as a real calendar
// date; 31022000 is refused rather than rolled over into March.
func parseDate(s string) (time.Time, bool) {
	if len(s) != 8 {
		return time.Time{}, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, false
		}
		n = n*10 + int(s[i]-'0')
	}
	day, month, year := n/1000000, n/10000%100, n%10000
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month || t.Year() != year {
		return time.Time{}, false
	}
	return t, true
}
