package field

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// The attacks of issue 15 on the return of dossiers, as someone holding a
// team's laptop (and so its kit secret and the centre's recipient) would make
// them: correctly signed, encrypted bundles with forged content, posted to
// the centre's sync route over real HTTP.

// attackBed is a centre with five dossiers of its own taken in today (its
// next code is …-0006), two kits (kit 2 has 6000–6999), and kit 2's laptop
// with two dossiers of its own.
type attackBed struct {
	centre    *tests.TestApp
	srv       string
	cmux      http.Handler
	leader    testkit.Staff
	reception testkit.Staff
	kit2      *fieldSite
	legit     []fieldbundle.Dossier // kit 2's two real dossiers, as exported
	agency    string
}

func newAttackBed(t *testing.T) *attackBed {
	t.Helper()
	centre, leader := newCentre(t)
	newFieldSite(t, centre, "Tổ 1", []string{"son.my"}, "Điểm trường A")
	kit2 := newFieldSite(t, centre, "Tổ 2", []string{"lam.soc"}, "Điểm trường B")
	if kit2.kit.RangeFrom != 6000 || kit2.kit.RangeTo != 6999 {
		t.Fatalf("kit 2 range %d–%d", kit2.kit.RangeFrom, kit2.kit.RangeTo)
	}
	cmux := testkit.NewMux(t, centre)
	b := &attackBed{centre: centre, cmux: cmux, srv: serveMux(t, cmux), leader: leader, kit2: kit2}
	b.reception = testkit.MakeStaff(t, centre, base.RoleReception, "attack.reception")
	office, _ := domain.FindOffice(centre)
	b.agency = office.AgencyCode()
	for i := 0; i < 5; i++ {
		b.intakeAtCentre(t)
	}
	ids := kit2.takeIn(t, 2)
	fsys, _ := kit2.app.NewFilesystem()
	defer fsys.Close()
	for _, id := range ids {
		r, _ := kit2.app.FindRecordById(base.ColDossiers, id)
		d, err := exportDossier(kit2.app, fsys, r)
		if err != nil {
			t.Fatal(err)
		}
		b.legit = append(b.legit, d)
	}
	return b
}

// intakeAtCentre takes a dossier in at the centre's counter over HTTP and
// returns its code.
func (b *attackBed) intakeAtCentre(t *testing.T) string {
	t.Helper()
	proc := testkit.ProcByCode(t, b.centre, "1.001193")
	req, _ := http.NewRequest(http.MethodPost, b.srv+testkit.DossiersURL, strings.NewReader(testkit.IntakeBody(proc.Id, nil)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", b.reception.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("centre intake: %d %s", res.StatusCode, body)
	}
	var d struct{ Code string }
	_ = json.Unmarshal(body, &d)
	return d.Code
}

// forge copies one of kit 2's real dossiers under a fresh id, with the code
// number n of today, then lets change rewrite it.
func (b *attackBed) forge(t *testing.T, n int, change func(d *fieldbundle.Dossier)) fieldbundle.Dossier {
	t.Helper()
	raw, _ := json.Marshal(b.legit[0])
	var d fieldbundle.Dossier
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	d.ID = core.GenerateDefaultRandomId()
	d.Events[0]["id"] = core.GenerateDefaultRandomId()
	d.Events[0]["dossier"] = d.ID
	b.setCode(&d, domain.FormatCode(b.agency, domain.CodeDay(time.Now()), n))
	if change != nil {
		change(&d)
	}
	return d
}

func (b *attackBed) setCode(d *fieldbundle.Dossier, code string) {
	d.Fields["code"] = code
	if data, ok := d.Events[0]["data"].(map[string]any); ok {
		data["code"] = code
	}
}

// sync seals ds with kit 2's secret, encrypted to the centre as its laptop
// would, posts them to the centre over HTTP and reads the signed answer.
func (b *attackBed) sync(t *testing.T, ds []fieldbundle.Dossier) *fieldbundle.Ack {
	t.Helper()
	kit := mustLocalKit(t, b.kit2.app)
	body, err := sealBatch(kit, ds)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(body, []byte("MOTCUA-FIELD-BUNDLE 2\n")) {
		t.Fatalf("the laptop did not write an encrypted bundle: %.40q", body)
	}
	res, err := http.Post(b.srv+"/api/motcua/field/sync", bundleContentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("sync: %d %s", res.StatusCode, data)
	}
	secret, _ := kit.Secret()
	ack, err := fieldbundle.ReadAck(data, kit.Id, secret)
	if err != nil {
		t.Fatalf("ack: %v", err)
	}
	return ack
}

// TestFieldForgedBundle: each forged dossier of issue 15, all in one correctly
// signed and encrypted bundle with kit 2's two real dossiers, is refused with
// its keyed reason and written nowhere, and the real ones are taken. Then the
// centre's own intake goes on: its next code is …-0006, which the forged
// dossier had claimed.
func TestFieldForgedBundle(t *testing.T) {
	b := newAttackBed(t)
	leaderID := b.leader.Record.Id
	today := time.Now().In(base.Zone)
	tomorrow := today.AddDate(0, 0, 1)
	yesterday := today.AddDate(0, 0, -1)
	event := func(action, from, to, actor string) map[string]any {
		return map[string]any{"id": core.GenerateDefaultRandomId(), "action": action, "from_status": from, "to_status": to,
			"actor": actor, "actor_name": "Ai đó", "at": base.DBTime(time.Now())}
	}
	attacks := []struct {
		name  string
		n     int
		edit  func(d *fieldbundle.Dossier)
		key   string
		field string
	}{
		{"the centre's next code from kit 2's range", 6, nil, "error.field_dossier_range", "code"},
		{"a code of kit 1's range", 5003, nil, "error.field_dossier_range", "code"},
		{"tomorrow's code", 6100, func(d *fieldbundle.Dossier) {
			b.setCode(d, domain.FormatCode(b.agency, domain.CodeDay(tomorrow), 6100))
			d.Fields["received_at"] = base.DBTime(tomorrow)
			d.Events[0]["at"] = base.DBTime(tomorrow)
		}, "error.field_dossier_day", "code"},
		{"a day before the kit was issued", 6101, func(d *fieldbundle.Dossier) {
			b.setCode(d, domain.FormatCode(b.agency, domain.CodeDay(yesterday), 6101))
			d.Fields["received_at"] = base.DBTime(yesterday)
			d.Events[0]["at"] = base.DBTime(yesterday)
		}, "error.field_dossier_day", "code"},
		{"received at another day than its code", 6102, func(d *fieldbundle.Dossier) {
			d.Fields["received_at"] = base.DBTime(yesterday)
		}, "error.field_dossier_day", "received_at"},
		{"a foreign agency prefix", 6103, func(d *fieldbundle.Dossier) {
			b.setCode(d, domain.FormatCode("000.00.99.H99", domain.CodeDay(today), 6103))
		}, "error.field_dossier_agency", "code"},
		{"status returned", 6104, func(d *fieldbundle.Dossier) { d.Fields["status"] = domain.StatusReturned }, "error.field_dossier_status", "status"},
		{"received by a leader", 6105, func(d *fieldbundle.Dossier) {
			d.Fields["received_by"] = leaderID
			d.Events[0]["actor"] = leaderID
		}, "error.field_dossier_officer", "received_by"},
		{"a chosen lookup key", 6106, func(d *fieldbundle.Dossier) { d.Fields["lookup_key"] = "MOTCUA" }, "error.field_dossier_lookup_key", "lookup_key"},
		{"a lookup key with letters a laptop never draws", 6107, func(d *fieldbundle.Dossier) { d.Fields["lookup_key"] = "aaaaaaaaaaa1" }, "error.field_dossier_lookup_key", "lookup_key"},
		{"forged complete and return events under other officers", 6108, func(d *fieldbundle.Dossier) {
			d.Events = append(d.Events, event("complete", "processing", "done", leaderID), event("return", "done", "returned", b.reception.Record.Id))
		}, "error.field_dossier_events", "events"},
		{"no event", 6109, func(d *fieldbundle.Dossier) { d.Events = nil }, "error.field_dossier_events", "events"},
		{"a receive event by another officer", 6110, func(d *fieldbundle.Dossier) { d.Events[0]["actor"] = leaderID }, "error.field_dossier_events", "events"},
		{"a receive event with a note", 6111, func(d *fieldbundle.Dossier) { d.Events[0]["note"] = "đã duyệt" }, "error.field_dossier_events", "events"},
		{"an extension apology", 6112, func(d *fieldbundle.Dossier) {
			d.Fields["extended_at"] = base.DBTime(time.Now())
			d.Fields["extension_reason"] = "Xin lỗi"
		}, "error.field_dossier_server_field", "extended_at"},
		{"a collector", 6113, func(d *fieldbundle.Dossier) { d.Fields["collected_by"] = "Kẻ mạo danh" }, "error.field_dossier_server_field", "collected_by"},
		{"paused minutes", 6114, func(d *fieldbundle.Dossier) { d.Fields["paused_minutes"] = 600 }, "error.field_dossier_server_field", "paused_minutes"},
		{"an assignee", 6115, func(d *fieldbundle.Dossier) { d.Fields["assignee"] = leaderID }, "error.field_dossier_server_field", "assignee"},
		{"a search key of its own", 6116, func(d *fieldbundle.Dossier) { d.Fields["search"] = "x" }, "error.field_dossier_server_field", "search"},
		{"an ID number the counter refuses", 6117, func(d *fieldbundle.Dossier) { d.Fields["applicant_id_number"] = "07920300123X" }, "error.id_number_invalid", "applicant_id_number"},
		{"a garbled name", 6118, func(d *fieldbundle.Dossier) { d.Fields["applicant_name"] = "Nguyá»…n VÄƒn A" }, "error.text_garbled", "applicant_name"},
		{"a birth date in the future", 6119, func(d *fieldbundle.Dossier) {
			d.Fields["applicant_birth_date"] = base.DBTime(time.Now().AddDate(1, 0, 0))
		}, "error.birth_date_future", "applicant_birth_date"},
		{"papers off the checklist", 6120, func(d *fieldbundle.Dossier) {
			d.Fields["papers"] = []any{map[string]any{"index": 40, "kind": "original", "count": 1}}
		}, "error.papers_unknown", "papers"},
		{"a scan named with a path", 6121, func(d *fieldbundle.Dossier) {
			d.Files = []fieldbundle.File{{Name: "../../../pb_data/data.db", Data: []byte("%PDF-1.4\n%%EOF\n")}}
		}, "error.field_dossier_scan", "scans"},
		{"a scan that is not a paper", 6122, func(d *fieldbundle.Dossier) {
			d.Files = []fieldbundle.File{{Name: "giay_khai_sinh_a1b2c3d4e5.pdf", Data: []byte("#!/bin/sh\nrm -rf /\n")}}
		}, "error.scan_type", "scans"},
		{"a procedure the centre does not have", 6123, func(d *fieldbundle.Dossier) { d.Fields["procedure"] = "nosuchprocedur" }, "error.procedure_not_found", "procedure"},
		{"no school site", 6124, func(d *fieldbundle.Dossier) { d.Fields["location"] = "  " }, "error.field_location_required", "location"},
		{"too many sets", 6125, func(d *fieldbundle.Dossier) { d.Fields["sets"] = 1000 }, "error.value_invalid", "sets"},
		{"SMS consent without a phone", 6126, func(d *fieldbundle.Dossier) {
			d.Fields["sms_consent"] = true
			d.Fields["applicant_phone"] = ""
		}, "error.sms_phone_required", "applicant_phone"},
	}
	var ds []fieldbundle.Dossier
	ds = append(ds, b.legit[0])
	for _, a := range attacks {
		ds = append(ds, b.forge(t, a.n, a.edit))
	}
	ds = append(ds, b.legit[1])
	before := countOf(t, b.centre, base.ColDossiers)
	beforeEv := countOf(t, b.centre, base.ColDossierEvents)

	ack := b.sync(t, ds)
	if len(ack.Results) != len(ds) {
		t.Fatalf("%d results for %d dossiers", len(ack.Results), len(ds))
	}
	for i, a := range attacks {
		r := ack.Results[i+1]
		if r.ID != ds[i+1].ID || r.Outcome != fieldbundle.OutcomeFailed || r.Key != a.key || r.Field != a.field {
			t.Errorf("%s: %s %s (%s), want failed %s (%s)", a.name, r.Outcome, r.Key, r.Field, a.key, a.field)
		}
		if _, err := b.centre.FindRecordById(base.ColDossiers, ds[i+1].ID); err == nil {
			t.Errorf("%s: written", a.name)
		}
		if _, err := domain.FindDossierByCode(b.centre, ds[i+1].Fields["code"].(string)); err == nil {
			t.Errorf("%s: its code is at the centre", a.name)
		}
	}
	for _, i := range []int{0, len(ds) - 1} {
		if r := ack.Results[i]; r.Outcome != fieldbundle.OutcomeNew || r.Notice != "" {
			t.Errorf("real dossier %d: %+v", i, r)
		}
	}
	if got := countOf(t, b.centre, base.ColDossiers) - before; got != 2 {
		t.Errorf("%d dossiers written, want the 2 real ones", got)
	}
	if got := countOf(t, b.centre, base.ColDossierEvents) - beforeEv; got != 2 {
		t.Errorf("%d events written, want 2", got)
	}
	// The real dossiers came in as the laptop made them, with the key on the
	// citizen's receipt; the centre rebuilt their event.
	for _, d := range b.legit {
		cd, err := domain.FindDossier(b.centre, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cd.Code() != d.Fields["code"] || cd.LookupKey() != d.Fields["lookup_key"] || cd.Status() != domain.StatusReceived ||
			cd.GetString("received_by") != b.kit2.member.Id || cd.GetString("field_id") != d.ID || cd.GetString("field_kit") != b.kit2.kit.KitID {
			t.Errorf("centre copy of %s: %v", d.ID, cd.PublicExport())
		}
		evs, _ := domain.FindDossierEvents(b.centre, d.ID)
		if len(evs) != 1 || evs[0].GetString("action") != domain.EventReceive || evs[0].GetString("actor") != b.kit2.member.Id ||
			evs[0].GetString("actor_name") != b.kit2.member.GetString("name") {
			t.Errorf("events of %s: %d", d.ID, len(evs))
		}
	}
	// The centre's counter goes on, starting with the number the forged
	// dossier claimed.
	want := domain.FormatCode(b.agency, domain.CodeDay(time.Now()), 6)
	if code := b.intakeAtCentre(t); code != want {
		t.Errorf("centre's next code %s, want %s", code, want)
	}
	for i := 0; i < 19; i++ {
		b.intakeAtCentre(t)
	}
}

// TestFieldDueDateRecomputed: a laptop's due date that the centre's calendar
// does not give (the holidays changed since the kit left, or a forged one) is
// replaced by the centre's, with a notice in the result.
func TestFieldDueDateRecomputed(t *testing.T) {
	b := newAttackBed(t)
	d := b.forge(t, 6200, func(d *fieldbundle.Dossier) {
		d.Fields["due_at"] = base.DBTime(time.Now().AddDate(5, 0, 0))
	})
	ack := b.sync(t, []fieldbundle.Dossier{d})
	if r := ack.Results[0]; r.Outcome != fieldbundle.OutcomeNew || r.Notice != noticeDueRecomputed {
		t.Fatalf("forged due date: %+v", r)
	}
	cd, _ := domain.FindDossier(b.centre, d.ID)
	proc, _ := domain.CachedProcedure(b.centre, cd.GetString("procedure"))
	want, _ := domain.DueAt(b.centre, cd.ReceivedAt(), proc.GetInt("processing_hours"))
	if !cd.DueAt().Equal(want) {
		t.Errorf("due %v, want the centre's %v", cd.DueAt(), want)
	}
	// The real ones, from the same calendar, carry no notice.
	ack = b.sync(t, b.legit)
	for _, r := range ack.Results {
		if r.Outcome != fieldbundle.OutcomeNew || r.Notice != "" {
			t.Errorf("real dossier: %+v", r)
		}
	}
}

// TestFieldIDTakenAtCentre (issue 15, finding 8): a dossier of the centre
// holds the id a field dossier has on its laptop (an intake's client-chosen
// id made to collide). The field dossier still comes in, under a fresh id,
// with the code and key its citizen holds; the result says so; sent again it
// is "exists", and the centre's dossier is untouched.
func TestFieldIDTakenAtCentre(t *testing.T) {
	b := newAttackBed(t)
	target := b.legit[0]
	proc := testkit.ProcByCode(t, b.centre, "1.001193")
	squatter := testkit.MkDossier(t, b.centre, map[string]any{"id": target.ID, "applicant_name": "Người chiếm id",
		"procedure": proc.Id, "status": domain.StatusReceived, "code": domain.FormatCode(b.agency, domain.CodeDay(time.Now()), 4000)})
	if squatter.Id != target.ID {
		t.Fatalf("squatter id %s", squatter.Id)
	}
	ack := b.sync(t, b.legit)
	r := ack.Results[0]
	if r.ID != target.ID || r.Outcome != fieldbundle.OutcomeNew || r.Notice != noticeIDReassigned || r.NewID == "" || r.NewID == target.ID {
		t.Fatalf("field dossier under a taken id: %+v", r)
	}
	moved, err := domain.FindDossier(b.centre, r.NewID)
	if err != nil {
		t.Fatal(err)
	}
	if moved.Code() != target.Fields["code"] || moved.LookupKey() != target.Fields["lookup_key"] || moved.GetString("field_id") != target.ID {
		t.Errorf("moved dossier: %v", moved.PublicExport())
	}
	if evs, _ := domain.FindDossierEvents(b.centre, r.NewID); len(evs) != 1 {
		t.Errorf("moved dossier's events: %d", len(evs))
	}
	still, _ := domain.FindDossier(b.centre, target.ID)
	if still.GetString("applicant_name") != "Người chiếm id" || still.GetString("field_kit") != "" {
		t.Errorf("the centre's own dossier changed: %v", still.PublicExport())
	}
	if evs, _ := domain.FindDossierEvents(b.centre, target.ID); len(evs) != 0 {
		t.Errorf("events added to the centre's dossier: %d", len(evs))
	}
	// Sent again (the answer was lost): recognised by its laptop id.
	ack = b.sync(t, b.legit)
	if r := ack.Results[0]; r.Outcome != fieldbundle.OutcomeExists || r.NewID != moved.Id {
		t.Errorf("re-send: %+v", r)
	}
	// The laptop takes the answer and marks it confirmed, by its own id.
	asked := map[string]bool{target.ID: true, b.legit[1].ID: true}
	if err := applyAck(b.kit2.app, ack, asked); err != nil {
		t.Fatal(err)
	}
	if d, _ := domain.FindDossier(b.kit2.app, target.ID); d.GetString("sync_state") != domain.SyncConfirmed {
		t.Errorf("laptop state %q", d.GetString("sync_state"))
	}
}

// countingReader serves a bundle header and then an endless body, counting
// what was read of it.
type countingReader struct {
	head []byte
	n    int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k := 0
	for k < len(p) {
		if c.n < int64(len(c.head)) {
			p[k] = c.head[c.n]
		} else {
			p[k] = 'x'
		}
		k++
		c.n++
	}
	return k, nil
}

// TestFieldRetiredKitCutOff (issue 15, finding 2): the moment a leader
// retires a kit, the centre takes nothing more from its laptop, on every
// route: sync answers after reading no more than the bundle's header (an
// endless body), import refuses the file, the laptop's push reports the
// centre's refusal and keeps its dossiers "sent", and with no answer from the
// centre there is nothing for the laptop's confirm to take.
func TestFieldRetiredKitCutOff(t *testing.T) {
	b := newAttackBed(t)
	kit := mustLocalKit(t, b.kit2.app)
	body := sealRecords(t, b.kit2.app, kit, mustRecords(t, b.kit2.app))
	res := doBundle(b.cmux, "/api/motcua/field/sync", "", bundleContentType, body)
	if res.Code != http.StatusOK {
		t.Fatalf("before retirement: %d %s", res.Code, res.Body.String())
	}
	preAck := res.Body.Bytes()
	if r := testkit.Do(b.cmux, http.MethodPost, "/api/motcua/field/kits/"+kit.Id+"/retire", b.leader.Token, ""); r.Code != http.StatusOK {
		t.Fatalf("retire: %d %s", r.Code, r.Body.String())
	}
	more := b.kit2.takeIn(t, 2)
	before := countOf(t, b.centre, base.ColDossiers)

	// sync, on the app's handler: the bytes the server read are counted exactly.
	cmux := b.cmux
	head := []byte("MOTCUA-FIELD-BUNDLE 2\nkit " + kit.Id + "\n\n")
	cr := &countingReader{head: head}
	req := httptest.NewRequest(http.MethodPost, "/api/motcua/field/sync", io.LimitReader(cr, 1<<30))
	req.Header.Set("Content-Type", bundleContentType)
	rec := httptest.NewRecorder()
	cmux.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || testkit.ErrKey(rec.Body.Bytes()) != "error.field_kit_cut_off" {
		t.Errorf("sync of a retired kit: %d %s", rec.Code, rec.Body.String())
	}
	if cr.n > fieldbundle.MaxHeaderBytes {
		t.Errorf("the centre read %d bytes of a retired kit's body, want at most %d", cr.n, fieldbundle.MaxHeaderBytes)
	}
	// sync over real HTTP with a real bundle.
	r, err := http.Post(b.srv+"/api/motcua/field/sync", bundleContentType, bytes.NewReader(sealRecords(t, b.kit2.app, kit, mustRecords(t, b.kit2.app))))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusForbidden || testkit.ErrKey(data) != "error.field_kit_cut_off" {
		t.Errorf("sync over HTTP: %d %s", r.StatusCode, data)
	}
	// import by a leader, from the stick.
	bundle, _, err := exportBundleBytes(b.kit2.app, kit)
	if err != nil {
		t.Fatal(err)
	}
	imp := doBundle(cmux, "/api/motcua/field/import", b.leader.Token, bundleContentType, bundle)
	if imp.Code != http.StatusForbidden || testkit.ErrKey(imp.Body.Bytes()) != "error.field_kit_cut_off" || strings.Contains(imp.Body.String(), `"ack"`) {
		t.Errorf("import of a retired kit: %d %s", imp.Code, imp.Body.String())
	}
	// push from the laptop's page.
	lap := testkit.Do(b.kit2.mux, http.MethodPost, "/api/motcua/field/push", b.kit2.token, fmt.Sprintf(`{"to":%q}`, b.srv))
	if lap.Code != http.StatusForbidden || testkit.ErrKey(lap.Body.Bytes()) != "error.field_kit_cut_off" {
		t.Errorf("push of a retired kit: %d %s", lap.Code, lap.Body.String())
	}
	for _, id := range more {
		if d, _ := domain.FindDossier(b.kit2.app, id); d.GetString("sync_state") != domain.SyncSent {
			t.Errorf("laptop state after a refused push: %q", d.GetString("sync_state"))
		}
	}
	// confirm: the only acknowledgement the laptop holds is the one from
	// before the retirement; it confirms only what it named.
	conf := doBundle(b.kit2.mux, "/api/motcua/field/confirm", b.kit2.token, "application/octet-stream", preAck)
	if conf.Code != http.StatusOK {
		t.Fatalf("confirm: %d %s", conf.Code, conf.Body.String())
	}
	for _, id := range more {
		if d, _ := domain.FindDossier(b.kit2.app, id); d.GetString("sync_state") == domain.SyncConfirmed {
			t.Errorf("a dossier the centre never took was confirmed")
		}
	}
	if got := countOf(t, b.centre, base.ColDossiers); got != before {
		t.Errorf("the retired kit wrote %d dossiers", got-before)
	}
	// An unknown kit is answered as early.
	cr = &countingReader{head: []byte("MOTCUA-FIELD-BUNDLE 2\nkit nosuchkit000000\n\n")}
	req = httptest.NewRequest(http.MethodPost, "/api/motcua/field/sync", io.LimitReader(cr, 1<<30))
	req.Header.Set("Content-Type", bundleContentType)
	rec = httptest.NewRecorder()
	cmux.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || testkit.ErrKey(rec.Body.Bytes()) != "error.field_kit_unknown" || cr.n > fieldbundle.MaxHeaderBytes {
		t.Errorf("unknown kit: %d %s after %d bytes", rec.Code, rec.Body.String(), cr.n)
	}
}

func mustRecords(t *testing.T, app core.App) []*core.Record {
	t.Helper()
	recs, err := outgoingDossiers(app, nil)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestFieldBodyTypes: the sync route takes a bundle's media type only, so a
// web page cannot post to it as a plain form; import takes a form too.
func TestFieldBodyTypes(t *testing.T) {
	b := newAttackBed(t)
	cmux := b.cmux
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json", ""} {
		res := doBundle(cmux, "/api/motcua/field/sync", "", ct, []byte("MOTCUA-FIELD-BUNDLE 2\nkit x\n\n"))
		if res.Code != http.StatusUnsupportedMediaType || testkit.ErrKey(res.Body.Bytes()) != "error.field_content_type" {
			t.Errorf("sync as %q: %d %s", ct, res.Code, res.Body.String())
		}
	}
	res := doBundle(cmux, "/api/motcua/field/import", b.leader.Token, "text/plain", []byte("x"))
	if res.Code != http.StatusUnsupportedMediaType {
		t.Errorf("import as text: %d", res.Code)
	}
	// The leader's page uploads the file as a form: taken, streamed.
	kit := mustLocalKit(t, b.kit2.app)
	bundle, _, _ := exportBundleBytes(b.kit2.app, kit)
	var form bytes.Buffer
	form.WriteString("--B\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n")
	form.WriteString("--B\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"b.mcbundle\"\r\nContent-Type: application/octet-stream\r\n\r\n")
	form.Write(bundle)
	form.WriteString("\r\n--B--\r\n")
	res = doBundle(cmux, "/api/motcua/field/import", b.leader.Token, "multipart/form-data; boundary=B", form.Bytes())
	var rep syncReport
	if res.Code != http.StatusOK || json.Unmarshal(res.Body.Bytes(), &rep) != nil || rep.Counts["new"] != 2 || rep.Ack == "" || len(rep.Notices) != 0 {
		t.Errorf("import as a form: %d %s", res.Code, res.Body.String())
	}
}

// TestFieldOldFilesNotice: a laptop set up from a kit made before kits were
// sealed writes version-1 bundles; the centre still takes them and says the
// file was not encrypted.
func TestFieldOldFilesNotice(t *testing.T) {
	b := newAttackBed(t)
	kit := mustLocalKit(t, b.kit2.app)
	secret, _ := kit.Secret()
	old := fieldbundle.Bundle{Format: fieldbundle.Version, KitID: kit.Id, CentreID: kit.GetString("centre_id"), Dossiers: b.legit}
	data, err := fieldbundle.SealJSON(fieldbundle.KindBundle, kit.Id, secret, old)
	if err != nil {
		t.Fatal(err)
	}
	rep, _, err := importBytes(b.centre, data)
	if err != nil || rep.Counts["new"] != 2 || len(rep.Notices) != 1 || rep.Notices[0] != fieldbundle.KeyUnsealed {
		t.Fatalf("old bundle: %+v %v", rep, err)
	}
	// A laptop whose local kit has no recipient writes version 1 itself.
	kit.Set("centre_recipient", "")
	body, err := sealBatch(kit, b.legit)
	if err != nil || !bytes.HasPrefix(body, []byte("MOTCUA-FIELD-BUNDLE 1\n")) {
		t.Errorf("old kit's batch: %.30q %v", body, err)
	}
}

// TestFieldBundleSealedOnStick: a bundle as it sits on the USB stick shows
// nothing of a dossier (an ID number, a name, a lookup key), and a centre
// with another key cannot open it.
func TestFieldBundleSealedOnStick(t *testing.T) {
	b := newAttackBed(t)
	rep, err := exportBundleFile(b.kit2.app, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	onStick := readFile(t, rep.File)
	for _, s := range []string{"079203001234", "Thạch Thị", b.legit[0].Fields["lookup_key"].(string), b.legit[0].Fields["code"].(string)} {
		if bytes.Contains(onStick, []byte(s)) {
			t.Errorf("the bundle on the stick shows %q", s)
		}
	}
	// Another centre's key (a centre whose office was set up again) cannot
	// open it: refused before anything is written.
	office, _ := domain.FindOffice(b.centre)
	id, rcpt, _ := fieldbundle.NewCentreIdentity()
	office.Set("field_identity", id)
	office.Set("field_recipient", rcpt)
	if err := b.centre.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	before := countOf(t, b.centre, base.ColDossiers)
	if _, _, err := importBytes(b.centre, onStick); keyOf(err) != fieldbundle.KeyRecipient {
		t.Errorf("another key: %v", err)
	}
	if countOf(t, b.centre, base.ColDossiers) != before {
		t.Errorf("written")
	}
}

// TestCentreKeyHidden: the centre's private key is in no API answer, not even
// a superuser's, nor in a kit file.
func TestCentreKeyHidden(t *testing.T) {
	b := newAttackBed(t)
	office, _ := domain.FindOffice(b.centre)
	if !strings.HasPrefix(office.GetString("field_identity"), "AGE-SECRET-KEY-1") {
		t.Fatalf("no centre key stored")
	}
	su := testkit.SuperuserToken(t, b.centre)
	for _, token := range []string{su, b.leader.Token, ""} {
		for _, url := range []string{"/api/collections/office/records", "/api/collections/office/records/" + office.Id,
			"/api/collections/office/records?fields=*,field_identity"} {
			res, err := get(b.srv+url, token)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(res, "AGE-SECRET-KEY") || strings.Contains(res, "field_identity") {
				t.Errorf("%s shows the centre key", url)
			}
		}
	}
	if strings.Contains(fmt.Sprint(b.kit2.kit.Office), "AGE-SECRET") {
		t.Errorf("the kit carries the centre key")
	}
	lapOffice, _ := domain.FindOffice(b.kit2.app)
	if lapOffice.GetString("field_identity") != "" {
		t.Errorf("the laptop holds the centre key")
	}
}

func get(url, token string) (string, error) {
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return "", errors.Join(err)
	}
	return string(b), nil
}

// TestFieldBatchRolledBack: when one dossier of a batch cannot be written
// (here the database refuses it), the batch is rolled back and written again
// one dossier at a time: the others are taken whole (dossier, event, the
// notice of a fresh id), the bad one is reported and written nowhere.
func TestFieldBatchRolledBack(t *testing.T) {
	b := newAttackBed(t)
	proc := testkit.ProcByCode(t, b.centre, "1.001193")
	testkit.MkDossier(t, b.centre, map[string]any{"id": b.legit[0].ID, "procedure": proc.Id, "status": domain.StatusReceived})
	bad := b.forge(t, 6300, func(d *fieldbundle.Dossier) { d.Fields["applicant_name"] = "Không ghi được" })
	if _, err := b.centre.DB().NewQuery(`CREATE TRIGGER refuse_one BEFORE INSERT ON dossiers
		WHEN NEW.applicant_name = 'Không ghi được' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`).Execute(); err != nil {
		t.Fatal(err)
	}
	ack := b.sync(t, []fieldbundle.Dossier{b.legit[0], bad, b.legit[1]})
	r0, r1, r2 := ack.Results[0], ack.Results[1], ack.Results[2]
	if r0.Outcome != fieldbundle.OutcomeNew || r0.Notice != noticeIDReassigned || r0.NewID == "" {
		t.Errorf("first: %+v", r0)
	}
	if r1.Outcome != fieldbundle.OutcomeFailed || r1.Key != "error.field_dossier_invalid" {
		t.Errorf("bad: %+v", r1)
	}
	if r2.Outcome != fieldbundle.OutcomeNew || r2.NewID != "" {
		t.Errorf("third: %+v", r2)
	}
	for _, id := range []string{r0.NewID, b.legit[1].ID} {
		if evs, err := domain.FindDossierEvents(b.centre, id); err != nil || len(evs) != 1 {
			t.Errorf("dossier %s: %d events (%v)", id, len(evs), err)
		}
	}
	if _, err := domain.FindDossierByCode(b.centre, bad.Fields["code"].(string)); err == nil {
		t.Errorf("the refused dossier was written")
	}
}
