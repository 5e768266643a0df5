package hooks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"motcua/hooks/backup"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/wavclip"
)

// rulesFixture is one app with an account per role and one record in every
// collection, so each role × collection × action can be tried against it.
type rulesFixture struct {
	app    *tests.TestApp
	mux    http.Handler
	tokens map[string]string // caller → token ("guest" has none)
	ids    map[string]string // collection → fixture record id
}

// callers of the matrix: every role, plus a second processor and field member who
// were not given the fixture dossier, and the two kinds of lobby device.
var callers = []string{"guest", "reception", "processor", "processor2", "leader", "field", "field2", "kiosk", "display"}

// staffCallers are the callers signed in as staff.
var staffCallers = []string{"reception", "processor", "processor2", "leader", "field", "field2"}

func newRulesFixture(t *testing.T) *rulesFixture {
	app := newTestApp(t)
	t.Cleanup(app.Cleanup)
	f := &rulesFixture{app: app, tokens: map[string]string{"guest": ""}, ids: map[string]string{}}
	staff := map[string]testkit.Staff{}
	for _, c := range staffCallers {
		role := strings.TrimSuffix(c, "2")
		staff[c] = testkit.MakeStaff(t, app, role, "rules."+c)
		f.tokens[c] = staff[c].Token
	}
	for _, kind := range []string{domain.DeviceKiosk, domain.DeviceDisplay} {
		f.tokens[kind] = testkit.MakeDevice(t, app, kind, "rules."+kind).Token
	}
	f.ids[base.ColDevices] = testkit.MakeDevice(t, app, domain.DeviceKiosk, "rules.other.kiosk").Record.Id
	f.ids[base.ColServiceGroups] = testkit.GroupID(t, app, "A")
	f.ids[base.ColCounters] = testkit.MakeCounter(t, app, 1, "A").Id
	tickets, _ := app.FindCollectionByNameOrId(base.ColTickets)
	tk := core.NewRecord(tickets)
	tk.Load(map[string]any{"group": f.ids[base.ColServiceGroups], "letter": "A", "number": 1, "code": "A001",
		"status": "waiting", "day": "2026-03-02", "issued_at": "2026-03-02 09:00:00.000Z"})
	if err := app.Save(tk); err != nil {
		t.Fatal(err)
	}
	f.ids[base.ColTickets] = tk.Id
	clips, _ := app.FindCollectionByNameOrId(base.ColVoiceClips)
	clip := core.NewRecord(clips)
	wav, _ := filesystem.NewFileFromBytes(wavclip.Encode(wavclip.Tone(440, 0.4, 500*time.Millisecond, 16000), 16000), "km.invite.wav")
	clip.Load(map[string]any{"key": "km.invite", "language": "km"})
	clip.Set("audio", wav)
	if err := app.Save(clip); err != nil {
		t.Fatal(err)
	}
	f.ids[base.ColVoiceClips] = clip.Id
	// The staff fixture is a colleague, not one of the callers: self-updates are
	// tested on their own.
	f.ids[base.ColStaff] = testkit.MakeStaff(t, app, base.RoleReception, "rules.colleague").Record.Id

	first := func(col string) string {
		recs, err := app.FindRecordsByFilter(col, "", "", 1, 0)
		if err != nil || len(recs) == 0 {
			t.Fatalf("seeded %s missing: %v", col, err)
		}
		return recs[0].Id
	}
	f.ids[base.ColOffice] = first(base.ColOffice)
	f.ids[base.ColProcedures] = first(base.ColProcedures)
	f.ids[base.ColHolidays] = first(base.ColHolidays)

	dossiers, _ := app.FindCollectionByNameOrId(base.ColDossiers)
	d := core.NewRecord(dossiers)
	d.Load(map[string]any{
		"code": "000.00.00.H00-260302-0001", "procedure": f.ids[base.ColProcedures], "applicant_name": "Thạch Thị Sa Ry",
		"status": "processing", "received_by": staff["field"].Record.Id, "assignee": staff["processor"].Record.Id,
		"lookup_key": "abcdefghijkl", "received_at": time.Now(),
	})
	if err := app.Save(d); err != nil {
		t.Fatal(err)
	}
	f.ids[base.ColDossiers] = d.Id
	events, _ := app.FindCollectionByNameOrId(base.ColDossierEvents)
	ev := core.NewRecord(events)
	ev.Load(map[string]any{"dossier": d.Id, "action": "receive", "to_status": "received", "at": time.Now()})
	if err := app.Save(ev); err != nil {
		t.Fatal(err)
	}
	f.ids[base.ColDossierEvents] = ev.Id
	seqs, _ := app.FindCollectionByNameOrId(base.ColDossierSequence)
	seq := core.NewRecord(seqs)
	seq.Load(map[string]any{"day": "260302", "last": 1})
	if err := app.Save(seq); err != nil {
		t.Fatal(err)
	}
	f.ids[base.ColDossierSequence] = seq.Id
	ratings, _ := app.FindCollectionByNameOrId(base.ColRatings)
	rt := core.NewRecord(ratings)
	rt.Load(map[string]any{"dossier": d.Id, "score": 5, "scale": 5, "channel": "counter", "procedure": f.ids[base.ColProcedures]})
	if err := app.Save(rt); err != nil {
		t.Fatal(err)
	}
	f.ids[base.ColRatings] = rt.Id
	kits, _ := app.FindCollectionByNameOrId(base.ColFieldKits)
	kit := core.NewRecord(kits)
	kit.Load(map[string]any{"name": "Tổ 1", "range_from": 5000, "range_to": 5999, "secret": strings.Repeat("ab", 32)})
	if err := app.Save(kit); err != nil {
		t.Fatal(err)
	}
	f.ids[base.ColFieldKits] = kit.Id
	runs, _ := app.FindCollectionByNameOrId(backup.ColBackupRuns)
	run := core.NewRecord(runs)
	run.Load(map[string]any{"started_at": time.Now(), "ok": false, "trigger": "schedule", "dir": `E:\backups`, "error_key": "backup.target_missing"})
	if err := app.Save(run); err != nil {
		t.Fatal(err)
	}
	f.ids[backup.ColBackupRuns] = run.Id
	users, _ := app.FindCollectionByNameOrId("users")
	u := core.NewRecord(users)
	u.SetEmail("someone@example.vn")
	u.SetPassword("correct horse 1")
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	f.ids["users"] = u.Id
	outbox, _ := app.FindCollectionByNameOrId(base.ColSMSOutbox)
	sms := core.NewRecord(outbox)
	sms.Load(map[string]any{"kind": "received", "dossier": d.Id, "phone": "0912345678", "language": "vi", "text": "Ho so da tiep nhan", "status": "sent"})
	if err := app.Save(sms); err != nil {
		t.Fatal(err)
	}
	f.ids[base.ColSMSOutbox] = sms.Id
	f.ids[base.ColSMSSettings] = first(base.ColSMSSettings)
	addOfficePCRecords(t, app, f)
	f.mux = testkit.NewMux(t, app)
	return f
}

// createBodies are valid records for each collection, so a refused create is
// refused by the rules and not by validation.
func (f *rulesFixture) createBody(col string) string {
	bodies := map[string]map[string]any{
		base.ColStaff: {"username": "new.one", "email": "new.one@test.motcua.vn", "password": "correct horse 1",
			"passwordConfirm": "correct horse 1", "name": "Mới", "role": "reception"},
		base.ColOffice: {"name_vi": "X", "agency_code": "000.00.01.H01", "public_url": "http://x.vn",
			"sessions": map[string]any{"mon": [][]string{{"07:00", "11:30"}}}, "same_day_cutoff": "15:00"},
		base.ColProcedures: {"code": "9.999999", "name_vi": "Thử", "name_km": "សាក", "field_vi": "Khác",
			"field_km": "ផ្សេងៗ", "processing_hours": 8, "active": true},
		base.ColHolidays: {"date": "2026-12-31", "name_vi": "Thử", "kind": "holiday", "enabled": true},
		base.ColDossiers: {"procedure": f.ids[base.ColProcedures], "applicant_name": "Lâm Văn Sóc", "applicant_id_number": "079203001234",
			"papers": f.requiredPapers()},
		base.ColDossierEvents:   {"dossier": f.ids[base.ColDossiers], "action": "forged", "at": "2026-03-02 09:00:00.000Z"},
		base.ColDossierSequence: {"day": "260303", "last": 5},
		base.ColRatings:         {"ticket_id": "t-forged", "score": 5, "channel": "counter"},
		base.ColDevices: {"username": "new.device", "password": "correct horse 1", "passwordConfirm": "correct horse 1",
			"name": "Máy mới", "kind": "kiosk"},
		base.ColServiceGroups: {"letter": "F", "name_vi": "Thử", "name_km": "សាក", "active": true},
		base.ColCounters:      {"number": 9, "groups": []string{f.ids[base.ColServiceGroups]}, "active": true},
		base.ColTickets: {"group": f.ids[base.ColServiceGroups], "letter": "A", "number": 99, "code": "A099",
			"status": "waiting", "day": "2026-03-02", "issued_at": "2026-03-02 09:00:00.000Z"},
		base.ColVoiceClips:   {"key": "km.digit_5", "language": "km"},
		base.ColFieldKits:    {"name": "Tổ 2", "range_from": 6000, "range_to": 6999, "secret": strings.Repeat("cd", 32)},
		backup.ColBackupRuns: {"started_at": "2026-03-02 09:00:00.000Z", "ok": true, "trigger": "command"},
		"users":              {"email": "signup@example.vn", "password": "correct horse 1", "passwordConfirm": "correct horse 1"},
		base.ColSMSOutbox:    {"kind": "visit", "phone": "0912345678", "language": "vi", "text": "Ngay mai", "status": "pending"},
		base.ColSMSSettings:  {"enabled": false, "send_from": "07:00", "send_until": "20:00"},
	}
	for c, b := range officePCCreateBodies(f) {
		bodies[c] = b
	}
	b, _ := json.Marshal(bodies[col])
	return string(b)
}

// requiredPapers ticks every required paper of the fixture procedure, so an
// intake is complete and only the rules decide.
func (f *rulesFixture) requiredPapers() []map[string]any {
	p, _ := f.app.FindRecordById(base.ColProcedures, f.ids[base.ColProcedures])
	var list []map[string]any
	_ = p.UnmarshalJSONField("papers", &list)
	out := []map[string]any{}
	for i, x := range list {
		if x["required"] == true {
			out = append(out, map[string]any{"index": i, "kind": x["kind"], "count": 1})
		}
	}
	return out
}

// updateBodies change one harmless field of the fixture record.
var updateBodies = map[string]string{
	base.ColStaff:           `{"name":"Đổi tên"}`,
	base.ColOffice:          `{"phone":"0299 000 000"}`,
	base.ColProcedures:      `{"fee":99000}`,
	base.ColHolidays:        `{"enabled":false}`,
	base.ColDossiers:        `{"status":"done"}`,
	base.ColDossierEvents:   `{"note":"sửa lịch sử"}`,
	base.ColDossierSequence: `{"last":0}`,
	base.ColRatings:         `{"score":1}`,
	base.ColDevices:         `{"name":"Đổi tên"}`,
	base.ColServiceGroups:   `{"name_vi":"Đổi tên"}`,
	base.ColCounters:        `{"name":"Đổi tên"}`,
	base.ColTickets:         `{"status":"done"}`,
	base.ColVoiceClips:      `{"duration_ms":1}`,
	base.ColFieldKits:       `{"range_from":1}`,
	backup.ColBackupRuns:    `{"ok":true}`,
	"users":                 `{"name":"x"}`,
	base.ColSMSOutbox:       `{"status":"pending"}`,
	base.ColSMSSettings:     `{"daily_cap":150}`,
}

// TestRulesMatrix tries every caller × collection × action against the API and
// checks the answer against one declared table. "see" means list shows the
// fixture and view returns it; c/u/d mean the write went through.
func TestRulesMatrix(t *testing.T) {
	t.Parallel()
	f := newRulesFixture(t)
	all := callers
	staffAll := staffCallers
	// Lobby devices read the queue and nothing private: no staff, no dossiers.
	queueReaders := append(append([]string{}, staffCallers...), "kiosk", "display")
	type allowed struct{ see, create, update, delete []string }
	table := map[string]allowed{
		base.ColStaff:           {see: staffAll},
		base.ColOffice:          {see: all},
		base.ColProcedures:      {see: all},
		base.ColHolidays:        {see: all},
		base.ColDossiers:        {see: []string{"reception", "processor", "leader", "field"}, create: []string{"reception", "field", "field2"}},
		base.ColDossierEvents:   {see: []string{"reception", "processor", "leader", "field"}},
		base.ColDossierSequence: {},
		// Ratings are written only through /api/motcua/ratings and the status page.
		base.ColRatings:       {see: []string{"reception", "leader"}},
		base.ColDevices:       {},
		base.ColServiceGroups: {see: queueReaders},
		base.ColCounters:      {see: queueReaders},
		base.ColTickets:       {see: queueReaders},
		// Clips are recorded only through /api/motcua/queue/voice/clips (checked by content).
		base.ColVoiceClips:   {see: queueReaders},
		base.ColFieldKits:    {see: []string{"leader"}},
		backup.ColBackupRuns: {},
		"users":              {}, // PocketBase's unused default, closed by a migration
		// The outbox is read by leaders through /api/motcua/sms/…; the
		// settings' secrets are hidden fields (TestSettingsRecord in notify).
		base.ColSMSOutbox:   {},
		base.ColSMSSettings: {see: []string{"leader"}, update: []string{"leader"}},
		// The clock marks and the emergency pads are read and written only
		// through their routes (hooks/clock, hooks/emergency).
		base.ColClockMarks:      {},
		base.ColEmergencyPads:   {},
		base.ColEmergencySheets: {},
	}
	// Every collection of ours is in the table: a new collection without a
	// row here fails, so its rules are never left untested.
	cols, err := f.app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		if c.System || strings.HasPrefix(c.Name, "_") {
			continue
		}
		if _, ok := table[c.Name]; !ok {
			t.Errorf("collection %s is missing from the rules matrix", c.Name)
		}
	}
	in := func(list []string, c string) bool {
		for _, x := range list {
			if x == c {
				return true
			}
		}
		return false
	}
	for col, want := range table {
		for _, caller := range callers {
			token := f.tokens[caller]
			recordsURL := "/api/collections/" + col + "/records"
			id := f.ids[col]
			t.Run(fmt.Sprintf("%s/%s", col, caller), func(t *testing.T) {
				// list
				res := testkit.Do(f.mux, http.MethodGet, recordsURL+"?perPage=500", token, "")
				sees := res.Code == http.StatusOK && strings.Contains(res.Body.String(), `"`+id+`"`)
				if sees != in(want.see, caller) {
					t.Errorf("list: sees=%v want %v (status %d)", sees, in(want.see, caller), res.Code)
				}
				// view
				res = testkit.Do(f.mux, http.MethodGet, recordsURL+"/"+id, token, "")
				if (res.Code == http.StatusOK) != in(want.see, caller) {
					t.Errorf("view: status %d, want visible=%v", res.Code, in(want.see, caller))
				}
				if col != base.ColDossierSequence && col != backup.ColBackupRuns && col != "users" && col != base.ColSMSOutbox && !officePCSuperuserOnly[col] && !in(want.see, caller) && res.Code == http.StatusForbidden && caller != "guest" {
					t.Errorf("view: a record the caller may not see must answer 404, got 403")
				}
				// create
				before, _ := f.app.CountRecords(col)
				res = testkit.Do(f.mux, http.MethodPost, recordsURL, token, f.createBody(col))
				after, _ := f.app.CountRecords(col)
				created := res.Code == http.StatusOK && after == before+1
				if created != in(want.create, caller) {
					t.Errorf("create: status %d (%d→%d records), want allowed=%v: %s", res.Code, before, after, in(want.create, caller), res.Body.String())
				}
				if created {
					var rec struct{ ID string }
					_ = json.Unmarshal(res.Body.Bytes(), &rec)
					if r, err := f.app.FindRecordById(col, rec.ID); err == nil {
						_ = f.app.Delete(r)
					}
				} else if after != before {
					t.Errorf("create: refused but %d→%d records", before, after)
				}
				// update
				orig, _ := f.app.FindRecordById(col, id)
				res = testkit.Do(f.mux, http.MethodPatch, recordsURL+"/"+id, token, updateBodies[col])
				now, _ := f.app.FindRecordById(col, id)
				changed := res.Code == http.StatusOK && now.GetString("updated") != orig.GetString("updated")
				if changed != in(want.update, caller) {
					t.Errorf("update: status %d, want allowed=%v", res.Code, in(want.update, caller))
				}
				// delete
				res = testkit.Do(f.mux, http.MethodDelete, recordsURL+"/"+id, token, "")
				_, err := f.app.FindRecordById(col, id)
				if (err != nil) != in(want.delete, caller) {
					t.Errorf("delete: status %d, record gone=%v, want allowed=%v", res.Code, err != nil, in(want.delete, caller))
				}
			})
		}
	}
}

// TestStaffSelfUpdate: a staff member may change their own language and name but
// never their role, counter, disabled flag or the languages they serve citizens in.
func TestStaffSelfUpdate(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := testkit.MakeStaff(t, app, base.RoleReception, "self.update")
	mux := testkit.NewMux(t, app)
	url := "/api/collections/staff/records/" + s.Record.Id
	if res := testkit.Do(mux, http.MethodPatch, url, s.Token, `{"language":"km"}`); res.Code != http.StatusOK {
		t.Fatalf("own language: %d %s", res.Code, res.Body.String())
	}
	for _, body := range []string{`{"role":"leader"}`, `{"counter":"9"}`, `{"disabled":true}`, `{"username":"boss"}`, `{"serves_languages":["km"]}`} {
		if res := testkit.Do(mux, http.MethodPatch, url, s.Token, body); res.Code == http.StatusOK {
			t.Errorf("%s: allowed, want refused", body)
		}
	}
	r, _ := app.FindRecordById(base.ColStaff, s.Record.Id)
	if r.GetString("role") != base.RoleReception || r.GetString("language") != "km" || r.GetBool("disabled") {
		t.Errorf("after updates: role=%q language=%q disabled=%v", r.GetString("role"), r.GetString("language"), r.GetBool("disabled"))
	}
}

// TestInactiveProcedureHiddenFromGuests: guests see only active procedures.
func TestInactiveProcedureHiddenFromGuests(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	recs, err := app.FindRecordsByFilter(base.ColProcedures, "", "", 1, 0)
	if err != nil || len(recs) == 0 {
		t.Fatal("no procedures seeded")
	}
	recs[0].Set("active", false)
	if err := app.Save(recs[0]); err != nil {
		t.Fatal(err)
	}
	s := testkit.MakeStaff(t, app, base.RoleReception, "sees.inactive")
	mux := testkit.NewMux(t, app)
	url := "/api/collections/procedures/records/" + recs[0].Id
	if res := testkit.Do(mux, http.MethodGet, url, "", ""); res.Code != http.StatusNotFound {
		t.Errorf("guest view of inactive procedure: %d, want 404", res.Code)
	}
	if res := testkit.Do(mux, http.MethodGet, url, s.Token, ""); res.Code != http.StatusOK {
		t.Errorf("staff view of inactive procedure: %d, want 200", res.Code)
	}
}
