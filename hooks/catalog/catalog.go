package catalog

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

var (
	//go:embed procedures.json
	proceduresJSON []byte
	//go:embed holidays.json
	holidaysJSON []byte
	//go:embed office.json
	officeJSON []byte
	//go:embed demo_office.json
	demoOfficeJSON []byte
	//go:embed service_groups.json
	serviceGroupsJSON []byte
)

// Paper kinds: whether the citizen hands in (or shows) the original or a copy.
const (
	PaperOriginal = "original"
	PaperCopy     = "copy"
)

// Holiday kinds: a day off, or an official compensatory working day (làm bù),
// usually a Saturday, that counts as a working day.
const (
	KindHoliday    = "holiday"
	KindWorkingDay = "working_day"
)

// Holiday categories: days off for everyone by law, and Khmer festivals an
// office may be granted locally and switches on itself.
const (
	CategoryNational = "national"
	CategoryKhmer    = "khmer"
)

// Items a Procedure may list in Unconfirmed.
const (
	UnconfirmedCode   = "code"   // the national procedure code
	UnconfirmedName   = "name"   // the exact official wording of the name
	UnconfirmedFee    = "fee"    // the amount (often set by the city council)
	UnconfirmedHours  = "hours"  // the processing time
	UnconfirmedPapers = "papers" // the list of papers
)

// Paper is one paper of a procedure's dossier, as the receipt lists it.
type Paper struct {
	NameVI   string `json:"name_vi"`
	NameKM   string `json:"name_km"`
	Kind     string `json:"kind"` // PaperOriginal or PaperCopy
	Count    int    `json:"count"`
	Required bool   `json:"required"`
}

// Procedure is one administrative procedure the commune centre takes in.
type Procedure struct {
	// Code is the national procedure code, e.g. "1.001193".
	Code    string `json:"code"`
	NameVI  string `json:"name_vi"`
	NameKM  string `json:"name_km"`
	FieldVI string `json:"field_vi"`
	FieldKM string `json:"field_km"`
	// ProcessingHours is the legal processing time in working hours (working
	// days × 8); 0 means the result is due the same working day.
	ProcessingHours int `json:"processing_hours"`
	// Fee is the fee in VND, 0 when free; FeeNoteVI and FeeNoteKM say per what
	// (per page, per case) and who is exempt.
	Fee       int64   `json:"fee"`
	FeeNoteVI string  `json:"fee_note_vi,omitempty"`
	FeeNoteKM string  `json:"fee_note_km,omitempty"`
	Papers    []Paper `json:"papers"`
	Active    bool    `json:"active"`
	// NoteVI and NoteKM are a short remark for the citizen (who must be present,
	// when the time is extended).
	NoteVI string `json:"note_vi,omitempty"`
	NoteKM string `json:"note_km,omitempty"`
	// Unconfirmed lists what an office should check against the national
	// database before relying on it (Unconfirmed… constants).
	Unconfirmed []string `json:"unconfirmed,omitempty"`
}

// Holiday is one row of the editable holiday table.
type Holiday struct {
	Date     string `json:"date"` // YYYY-MM-DD, Vietnam time
	NameVI   string `json:"name_vi"`
	NameKM   string `json:"name_km"`
	Kind     string `json:"kind"` // KindHoliday or KindWorkingDay
	Enabled  bool   `json:"enabled"`
	Category string `json:"category"` // CategoryNational or CategoryKhmer
	// Note says why a date is as it is, and starts with "unconfirmed" when
	// the date is computed or guessed rather than announced.
	Note string `json:"note,omitempty"`
}

// Office is the office record: names, agency code, contact and working time.
type Office struct {
	NameVI     string `json:"name_vi"`
	NameKM     string `json:"name_km"`
	AgencyCode string `json:"agency_code"`
	Address    string `json:"address"`
	Phone      string `json:"phone"`
	PublicURL  string `json:"public_url"`
	// Sessions is the weekly timetable, e.g.
	// {"mon": [["07:00", "11:30"], ["13:00", "17:00"]], ..., "sat": [], "sun": []}.
	Sessions json.RawMessage `json:"sessions"`
	// SameDayCutoff (HH:MM) is when a same-day dossier starts being due the
	// next working day.
	SameDayCutoff string `json:"same_day_cutoff"`
	// PlaceVI and PlaceKM are the place name on the papers' place and date
	// line ("Mỹ Hương, ngày …"); a new installation has none (the office
	// fields come with a later migration than the seed, so they stay out of
	// office.json).
	PlaceVI string `json:"place_vi,omitempty"`
	PlaceKM string `json:"place_km,omitempty"`
}

// ServiceGroup is a queue ticket group: the letter on the ticket and the
// procedure fields whose counters call it.
type ServiceGroup struct {
	Letter   string   `json:"letter"`
	NameVI   string   `json:"name_vi"`
	NameKM   string   `json:"name_km"`
	FieldsVI []string `json:"fields_vi"`
}

// proceduresFile is the layout of procedures.json: a note on sources and the list.
type proceduresFile struct {
	Note       string      `json:"note"`
	Procedures []Procedure `json:"procedures"`
}

// Procedures returns the seed procedure catalogue, in file order.
func Procedures() ([]Procedure, error) {
	var f proceduresFile
	if err := decodeStrict(proceduresJSON, &f); err != nil {
		return nil, fmt.Errorf("catalog: procedures.json: %w", err)
	}
	return f.Procedures, nil
}

// Holidays returns the seed holidays and optional Khmer festival days of the
// current and next year, in date order.
func Holidays() ([]Holiday, error) {
	var hs []Holiday
	if err := decodeStrict(holidaysJSON, &hs); err != nil {
		return nil, fmt.Errorf("catalog: holidays.json: %w", err)
	}
	return hs, nil
}

// DefaultOffice returns the office record a new installation starts with, to
// be completed by the IT person on first start.
func DefaultOffice() (Office, error) {
	var o Office
	if err := decodeStrict(officeJSON, &o); err != nil {
		return Office{}, fmt.Errorf("catalog: office.json: %w", err)
	}
	return o, nil
}

// DemoOffice returns a fictional office for trials and training, with the
// Mỹ Hương centre's longer sessions.
func DemoOffice() (Office, error) {
	var o Office
	if err := decodeStrict(demoOfficeJSON, &o); err != nil {
		return Office{}, fmt.Errorf("catalog: demo_office.json: %w", err)
	}
	return o, nil
}

// ServiceGroups returns the queue service groups in letter order.
func ServiceGroups() ([]ServiceGroup, error) {
	var gs []ServiceGroup
	if err := decodeStrict(serviceGroupsJSON, &gs); err != nil {
		return nil, fmt.Errorf("catalog: service_groups.json: %w", err)
	}
	return gs, nil
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown fields
// and trailing data, so a misspelt key in a data file fails loudly instead of
// seeding an empty column.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}
