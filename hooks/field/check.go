package field

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/textnorm"
)

// A signed bundle proves which kit sent it, not that its content is what the
// kit's laptop would have written: whoever holds the laptop (or its secret)
// can sign anything. So every dossier is checked to be exactly what that
// kit's laptop could have made, before anything of it is written
// (issue 15, finding 1):
//
//   - its code is <the centre's agency code>-<yymmdd>-<NNNN> with NNNN in the
//     kit's range, and the day inside the kit's service: from the day the kit
//     was issued (in Vietnam) up to today at the centre (a retired kit sends
//     nothing at all: FindIssuedKit); received_at falls on that day, and not
//     later than a few minutes from now;
//   - status "received", never anything the centre's workflow decides;
//     received_by one of the kit's members;
//   - exactly one event, the "receive" that intake writes (the field role has
//     no workflow action, so a laptop writes nothing else), by that officer,
//     at the time of receipt; the centre rebuilds it from the checked
//     dossier, so a forged note or payload is never stored;
//   - the lookup key printed on the citizen's receipt kept, but only in the
//     form a laptop draws (domain.ValidLookupKey);
//   - the applicant fields (with the SMS consent) and the papers through the
//     counter's own checks (domain.NormalizeApplicant, domain.CheckPapers), the
//     procedure one the centre has, the school site of the day set;
//   - every other field (the workflow's and the centre's own: assignee,
//     extended_at, extension_reason, original_due_at, collected_by,
//     collector_id_number, result_note, paused_minutes, closed_at, …, and any
//     field added later) empty;
//   - the due date computed again from the centre's calendar; when the
//     laptop's differs (the holidays changed after the kit left), the
//     centre's is kept and the result carries a notice, so the officer can
//     tell the citizen;
//   - scans with a plain file name (no path), validated by the collection's
//     own rules like any upload.
//
// A dossier that fails is answered "failed" with the message key of its
// reason (and the field), and written nowhere; the others are still taken.

// laptopFields are the dossier fields a laptop's intake sets; every other
// field a bundle carries must be empty.
var laptopFields = map[string]bool{
	"code": true, "procedure": true, "applicant_name": true, "applicant_id_number": true,
	"applicant_old_id": true, "applicant_birth_date": true, "applicant_gender": true,
	"applicant_address": true, "applicant_phone": true, "papers": true, "sets": true,
	"notes": true, "channel": true, "mobile": true, "status": true, "received_at": true,
	"due_at": true, "received_by": true, "lookup_key": true, "station": true,
	"location": true, "ticket": true, "sms_consent": true, "sms_language": true,
}

// eventFields are the fields of a travelling event (recordData of a
// dossier_events row).
var eventFields = map[string]bool{
	"id": true, "dossier": true, "action": true, "from_status": true, "to_status": true,
	"actor": true, "actor_name": true, "assignee": true, "note": true, "data": true, "at": true,
}

// recordIDPattern is PocketBase's record id: what a laptop's intake makes.
var recordIDPattern = regexp.MustCompile(`^[a-z0-9]{15}$`)

// scanNamePattern is a stored file name as PocketBase makes it: no path, no
// leading dot.
var scanNamePattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,149}$`)

// clockSkew is how far ahead of the centre's clock a laptop's receipt time
// may be (a laptop clock a little fast).
const clockSkew = 10 * time.Minute

// Notices on a dossier taken in.
const (
	noticeDueRecomputed = "field.notice_due_recomputed"
	noticeIDReassigned  = "field.notice_id_reassigned"
)

// checker checks the dossiers of one bundle from one kit.
type checker struct {
	app     core.App
	kit     *domain.FieldKit
	agency  string
	members map[string]*core.Record // kit member id → the centre's account (nil if deleted since)
	now     time.Time
	first   string // the kit's first day of service, yymmdd
	col     *core.Collection
	evCol   *core.Collection
}

func newChecker(app core.App, kit *domain.FieldKit, office *domain.Office) (*checker, error) {
	col, err := app.FindCachedCollectionByNameOrId(base.ColDossiers)
	if err != nil {
		return nil, fmt.Errorf("field import: %w", err)
	}
	evCol, err := app.FindCachedCollectionByNameOrId(base.ColDossierEvents)
	if err != nil {
		return nil, fmt.Errorf("field import: %w", err)
	}
	c := &checker{app: app, kit: kit, agency: office.AgencyCode(), members: map[string]*core.Record{},
		now: base.Now(app), first: domain.CodeDay(kit.GetDateTime("created").Time()), col: col, evCol: evCol}
	for _, id := range kit.Members() {
		s, err := app.FindRecordById(base.ColStaff, id)
		if err != nil {
			s = nil // deleted since the kit was made: its dossiers still come in
		}
		c.members[id] = s
	}
	return c, nil
}

// fieldDossier is a travelling dossier checked and ready to be written: the
// record and its receive event, not saved yet.
type fieldDossier struct {
	src     *fieldbundle.Dossier
	rec     *core.Record
	event   *core.Record
	eventID string // the laptop's event id, if usable
	res     fieldbundle.Result
}

// refusal is why a dossier is not taken: a message key and the field.
type refusal struct{ key, field string }

func (r *refusal) Error() string { return r.key + " (" + r.field + ")" }

func refuseField(key, field string) *refusal { return &refusal{key: key, field: field} }

// check builds the record a travelling dossier may become, or says why it
// may not. It reads (procedure, accounts, calendar) but writes nothing.
func (c *checker) check(d *fieldbundle.Dossier, hash string) (*fieldDossier, *refusal) {
	f := d.Fields
	if !recordIDPattern.MatchString(d.ID) {
		return nil, refuseField("error.field_dossier_invalid", "id")
	}
	for _, k := range sortedKeys(f) {
		if !laptopFields[k] && !emptyValue(f[k]) {
			return nil, refuseField("error.field_dossier_server_field", k)
		}
	}
	if s, _ := f["status"].(string); s != domain.StatusReceived {
		return nil, refuseField("error.field_dossier_status", "status")
	}
	code, _ := f["code"].(string)
	day, n, ok := c.splitCode(code)
	if !ok {
		return nil, refuseField("error.field_dossier_agency", "code")
	}
	if rng := c.kit.Range(); n < rng.From || n > rng.To {
		return nil, refuseField("error.field_dossier_range", "code")
	}
	if day < c.first || day > domain.CodeDay(c.now) {
		return nil, refuseField("error.field_dossier_day", "code")
	}
	receivedAt, err := types.ParseDateTime(f["received_at"])
	if err != nil || receivedAt.IsZero() || domain.CodeDay(receivedAt.Time()) != day || receivedAt.Time().After(c.now.Add(clockSkew)) {
		return nil, refuseField("error.field_dossier_day", "received_at")
	}
	officer, _ := f["received_by"].(string)
	account, member := c.members[officer]
	if !member {
		return nil, refuseField("error.field_dossier_officer", "received_by")
	}
	key, _ := f["lookup_key"].(string)
	if !domain.ValidLookupKey(key) {
		return nil, refuseField("error.field_dossier_lookup_key", "lookup_key")
	}
	loc, _ := f["location"].(string)
	loc = strings.Join(strings.Fields(textnorm.NFC(loc)), " ")
	if loc == "" || len([]rune(loc)) > 200 {
		return nil, refuseField("error.field_location_required", "location")
	}
	procID, _ := f["procedure"].(string)
	proc, err := domain.CachedProcedure(c.app, procID)
	if procID == "" || err != nil {
		return nil, refuseField("error.procedure_not_found", "procedure")
	}

	r := core.NewRecord(c.col)
	r.Id = d.ID
	if bad := domain.NormalizeApplicant(r, f, receivedAt.Time()); len(bad) > 0 {
		k := sortedKeys(bad)[0]
		return nil, refuseField(bad[k], k)
	}
	r.Set("papers", f["papers"])
	if k := domain.CheckPapers(r, proc); k != "" {
		return nil, refuseField(k, "papers")
	}
	sets, ok := wholeNumber(f["sets"])
	if !ok || sets > 99 {
		return nil, refuseField("error.value_invalid", "sets")
	}
	r.Set("sets", max(sets, 1))
	if r.GetString("channel") == "" {
		r.Set("channel", domain.ChannelInPerson)
	}
	due, err := domain.DueAt(c.app, receivedAt.Time(), proc.GetInt("processing_hours"))
	if err != nil {
		return nil, refuseField("error.calendar_no_working_time", "due_at")
	}
	res := fieldbundle.Result{ID: d.ID, Code: code, Hash: hash}
	if sent, err := types.ParseDateTime(f["due_at"]); err != nil || sent.IsZero() || absDuration(sent.Time().Sub(due)) >= time.Second {
		res.Notice = noticeDueRecomputed
	}
	r.Set("code", code)
	r.Set("procedure", proc.Id)
	r.Set("status", domain.StatusReceived)
	r.Set("received_at", receivedAt)
	r.Set("due_at", due)
	r.Set("received_by", officer)
	r.Set("lookup_key", key)
	r.Set("station", c.kit.Team())
	r.Set("location", loc)
	r.Set("mobile", true)
	r.Set("field_kit", c.kit.Id)
	r.Set("field_id", d.ID)
	r.Set("field_hash", hash)
	r.Set("sync_state", "")
	r.Set("search", domain.DossierSearchKey(r))
	if account == nil {
		r.Set("received_by", "") // the account was deleted since; its name stays on the event
	}

	ev, rf := c.checkEvent(d, r, officer, receivedAt, account)
	if rf != nil {
		return nil, rf
	}
	if rf := c.attachScans(d, r); rf != nil {
		return nil, rf
	}
	if err := c.app.Validate(r); err != nil {
		return nil, validationRefusal(err)
	}
	return &fieldDossier{src: d, rec: r, event: ev, eventID: ev.Id, res: res}, nil
}

// splitCode reads <agency>-<yymmdd>-<NNNN> with this centre's agency code.
func (c *checker) splitCode(code string) (day string, n int, ok bool) {
	rest, found := strings.CutPrefix(code, c.agency+"-")
	if !found || len(rest) != 11 || rest[6] != '-' {
		return "", 0, false
	}
	day, num := rest[:6], rest[7:]
	if _, err := time.ParseInLocation("060102", day, base.Zone); err != nil {
		return "", 0, false
	}
	for _, ch := range num {
		if ch < '0' || ch > '9' {
			return "", 0, false
		}
	}
	n, _ = strconv.Atoi(num)
	return day, n, n >= 1
}

// checkEvent checks the dossier's events (exactly the one "receive" intake
// writes) and rebuilds it at the centre from the checked dossier.
func (c *checker) checkEvent(d *fieldbundle.Dossier, r *core.Record, officer string, receivedAt types.DateTime, account *core.Record) (*core.Record, *refusal) {
	if len(d.Events) != 1 {
		return nil, refuseField("error.field_dossier_events", "events")
	}
	ev := d.Events[0]
	for _, k := range sortedKeys(ev) {
		if !eventFields[k] {
			return nil, refuseField("error.field_dossier_events", "events")
		}
	}
	str := func(k string) string { s, _ := ev[k].(string); return s }
	at, err := types.ParseDateTime(ev["at"])
	if str("action") != domain.EventReceive || str("from_status") != "" || str("to_status") != domain.StatusReceived ||
		str("actor") != officer || str("assignee") != "" || str("note") != "" ||
		(str("dossier") != "" && str("dossier") != d.ID) ||
		err != nil || absDuration(at.Time().Sub(receivedAt.Time())) > time.Second {
		return nil, refuseField("error.field_dossier_events", "events")
	}
	if data, ok := ev["data"].(map[string]any); ok {
		if code, _ := data["code"].(string); code != r.GetString("code") {
			return nil, refuseField("error.field_dossier_events", "events")
		}
	} else if !emptyValue(ev["data"]) {
		return nil, refuseField("error.field_dossier_events", "events")
	}
	name := strings.Join(strings.Fields(textnorm.NFC(str("actor_name"))), " ")
	if account != nil {
		name = account.GetString("name")
	}
	if len([]rune(name)) > 100 {
		return nil, refuseField("error.field_dossier_events", "events")
	}
	e := core.NewRecord(c.evCol)
	if id := str("id"); recordIDPattern.MatchString(id) {
		e.Id = id
	}
	e.Set("action", domain.EventReceive)
	e.Set("from_status", "")
	e.Set("to_status", domain.StatusReceived)
	if account != nil {
		e.Set("actor", account.Id)
	}
	e.Set("actor_name", name)
	e.Set("data", map[string]any{"code": r.GetString("code"), "channel": r.GetString("channel"),
		"due_at": r.GetDateTime("due_at").Time().UTC().Format(time.RFC3339)})
	e.Set("at", at)
	return e, nil
}

// attachScans puts the dossier's scans on the record under their stored
// names, which must be plain names (no path: a name is joined to the
// record's storage folder).
func (c *checker) attachScans(d *fieldbundle.Dossier, r *core.Record) *refusal {
	if len(d.Files) == 0 {
		return nil
	}
	files := make([]any, 0, len(d.Files))
	seen := map[string]bool{}
	for _, f := range d.Files {
		if !scanNamePattern.MatchString(f.Name) || strings.Contains(f.Name, "..") || seen[f.Name] {
			return refuseField("error.field_dossier_scan", "scans")
		}
		seen[f.Name] = true
		ff, err := filesystem.NewFileFromBytes(f.Data, f.Name)
		if err != nil {
			return refuseField("error.field_dossier_scan", "scans")
		}
		ff.Name = f.Name // keep the laptop's stored name
		files = append(files, ff)
	}
	r.Set("scans", files)
	return nil
}

// validationRefusal turns PocketBase's field validation (a value over its
// length, a scan of another type or too big, a relation to nothing) into a
// refusal naming the first bad field.
func validationRefusal(err error) *refusal {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		var ae *router.ApiError
		if errors.As(err, &ae) {
			if raw, ok := ae.RawData().(error); ok {
				errors.As(raw, &verrs)
			}
		}
	}
	if len(verrs) == 0 {
		return refuseField("error.field_dossier_invalid", "")
	}
	name := sortedKeys(verrs)[0]
	var ae *router.ApiError
	if errors.As(base.KeyedValidation(verrs), &ae) {
		if fe, ok := ae.Data[name].(base.FieldError); ok {
			return refuseField(fe.Code, name)
		}
	}
	return refuseField("error.value_invalid", name)
}

// emptyValue reports whether a travelling JSON value is what an unset field
// exports as: null, "", 0, false, an empty list or object.
func emptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case float64:
		return x == 0
	case bool:
		return !x
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// wholeNumber reads a travelling number that must be a whole one (absent: 0).
func wholeNumber(v any) (int, bool) {
	switch x := v.(type) {
	case nil:
		return 0, true
	case float64:
		if x != math.Trunc(x) || x < 0 || x > 1e6 {
			return 0, false
		}
		return int(x), true
	}
	return 0, false
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
