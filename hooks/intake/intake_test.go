package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
	"motcua/hooks/internal/testkit"
)

// TestIntakeRoles: reception and field take dossiers in; guests get a keyed
// 401, processors, leaders and the superuser a keyed 403, and nothing is saved.
func TestIntakeRoles(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	proc := testkit.ProcByCode(t, app, "1.001193")
	forbidden := testkit.Expect{Status: 403, Key: "error.role_forbidden"}
	testkit.Scenario{
		Method: http.MethodPost, URL: testkit.DossiersURL, Body: testkit.IntakeBody(proc.Id, nil),
		Want: map[string]testkit.Expect{
			"guest":            {Status: 401, Key: "error.sign_in_required"},
			base.RoleReception: {Status: 200}, base.RoleField: {Status: 200},
			base.RoleProcessor: forbidden, base.RoleLeader: forbidden, "superuser": forbidden,
		},
		After: func(t *testing.T, caller string, res *httptest.ResponseRecorder) {
			var got map[string]any
			_ = json.Unmarshal(res.Body.Bytes(), &got)
			if res.Code == 200 && got["mobile"] != (caller == base.RoleField) {
				t.Errorf("mobile = %v for %s", got["mobile"], caller)
			}
		},
	}.Run(t, mux, testkit.MakeCallers(t, app, "in"))
	// Exactly the two accepted intakes were saved.
	if n, _ := app.CountRecords(base.ColDossiers); n != 2 {
		t.Errorf("%d dossiers saved, want 2 (reception and field)", n)
	}
}

// TestIntakeValidation: each bad field answers 400 with its own message key
// beside the field, in Vietnamese and Khmer, and nothing is saved.
func TestIntakeValidation(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "val.reception")
	proc := testkit.ProcByCode(t, app, "1.001193")
	inactive := testkit.ProcByCode(t, app, "1.000656")
	inactive.Set("active", false)
	if err := app.Save(inactive); err != nil {
		t.Fatal(err)
	}
	tomorrow := time.Now().In(base.Zone).AddDate(0, 0, 2).Format("2006-01-02")
	cases := []struct {
		name  string
		over  map[string]any
		field string
		key   string
	}{
		{"name missing", map[string]any{"applicant_name": "  "}, "applicant_name", "error.name_required"},
		{"name garbled", map[string]any{"applicant_name": "Nguyá»…n VÄƒn A"}, "applicant_name", "error.text_garbled"},
		{"address garbled", map[string]any{"applicant_address": "Ấp Mỹ Hòa, Xa4 My4 Huong"}, "applicant_address", "error.text_garbled"},
		{"ID 10 digits", map[string]any{"applicant_id_number": "0792030012"}, "applicant_id_number", "error.id_number_invalid"},
		{"ID with letter", map[string]any{"applicant_id_number": "07920300123A"}, "applicant_id_number", "error.id_number_invalid"},
		{"old ID 12 digits", map[string]any{"applicant_old_id": "079203001234"}, "applicant_old_id", "error.old_id_invalid"},
		{"landline", map[string]any{"applicant_phone": "0299 3822 123"}, "applicant_phone", "error.phone_invalid"},
		{"gender", map[string]any{"applicant_gender": "x"}, "applicant_gender", "error.gender_invalid"},
		{"birth future", map[string]any{"applicant_birth_date": tomorrow}, "applicant_birth_date", "error.birth_date_future"},
		{"birth before 1900", map[string]any{"applicant_birth_date": "1899-12-31"}, "applicant_birth_date", "error.birth_date_invalid"},
		{"channel", map[string]any{"channel": "fax"}, "channel", "error.channel_invalid"},
		{"procedure missing", map[string]any{"procedure": nil}, "procedure", "error.procedure_required"},
		{"procedure unknown", map[string]any{"procedure": "nosuchprocedure"}, "procedure", "error.procedure_not_found"},
		{"procedure inactive", map[string]any{"procedure": inactive.Id}, "procedure", "error.procedure_inactive"},
		{"papers not a list", map[string]any{"papers": "tờ khai"}, "papers", "error.papers_invalid"},
		{"paper kind", map[string]any{"papers": []map[string]any{{"index": 0, "kind": "scan", "count": 1}}}, "papers", "error.papers_invalid"},
		{"paper count", map[string]any{"papers": []map[string]any{{"index": 0, "kind": "copy", "count": 0}}}, "papers", "error.papers_invalid"},
		{"paper unknown", map[string]any{"papers": []map[string]any{{"index": 9, "kind": "copy", "count": 1}}}, "papers", "error.papers_unknown"},
		{"paper twice", map[string]any{"papers": []map[string]any{{"index": 0, "kind": "copy", "count": 1}, {"index": 0, "kind": "copy", "count": 1}}}, "papers", "error.papers_unknown"},
		{"required paper missing", map[string]any{"papers": []map[string]any{{"index": 0, "kind": "original", "count": 1}}}, "papers", "error.papers_missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, testkit.IntakeBody(proc.Id, c.over))
			if res.Code != http.StatusBadRequest {
				t.Fatalf("status %d: %s", res.Code, res.Body.String())
			}
			e := testkit.DecodeErr(t, res)
			fe, ok := e.Data[c.field].(map[string]any)
			if !ok {
				t.Fatalf("no error for %s: %s", c.field, res.Body.String())
			}
			if fe["code"] != c.key || fe["message"] == "" || !strings.ContainsAny(fmt.Sprint(fe["message_km"]), "កខគឃងចឆជឈញដឋឌឍណតថទធនបផពភមយរលវសហឡអ") {
				t.Errorf("%s error = %v, want %s with vi and km text", c.field, fe, c.key)
			}
			if len(e.Data) != 1 {
				t.Errorf("other fields flagged too: %v", e.Data)
			}
		})
	}
	if n, _ := app.CountRecords(base.ColDossiers); n != 0 {
		t.Errorf("%d dossiers saved by invalid intakes", n)
	}
}

// TestIntakeServerFields: the server sets the code, dates, status, officer,
// key, station and search key, overwriting what the client sent, normalises the
// applicant fields, keeps the ticked papers with their names, and writes the
// "receive" event in the same transaction.
func TestIntakeServerFields(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "srv.reception")
	other := testkit.MakeStaff(t, app, base.RoleProcessor, "srv.processor")
	proc := testkit.ProcByCode(t, app, "1.004873") // 3 working days
	var papers []map[string]any
	var checklist []map[string]any
	_ = proc.UnmarshalJSONField("papers", &checklist)
	for i, p := range checklist {
		if p["required"] == true {
			papers = append(papers, map[string]any{"index": i, "kind": "original", "count": 1})
		}
	}
	before := time.Now()
	res := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, testkit.IntakeBody(proc.Id, map[string]any{
		"papers": papers, "code": "FORGED-1", "status": "done", "lookup_key": "aaaaaaaaaaaa",
		"received_by": other.Record.Id, "assignee": other.Record.Id, "received_at": "2020-01-01 00:00:00Z",
		"due_at": "2020-01-02 00:00:00Z", "station": "elsewhere", "search": "x",
		"applicant_name": "Tha\u0323ch  Thi\u0323 Sa Ry", // NFD and a double space
	}))
	if res.Code != http.StatusOK {
		t.Fatalf("status %d: %s", res.Code, res.Body.String())
	}
	var out map[string]any
	_ = json.Unmarshal(res.Body.Bytes(), &out)
	d, err := domain.FindDossier(app, fmt.Sprint(out["id"]))
	if err != nil {
		t.Fatal(err)
	}
	office, _ := domain.FindOffice(app)
	wantPrefix := office.AgencyCode() + "-" + time.Now().In(base.Zone).Format("060102") + "-"
	if d.Code() != wantPrefix+"0001" {
		t.Errorf("code %q, want %s0001", d.Code(), wantPrefix)
	}
	if d.Status() != domain.StatusReceived || d.GetString("received_by") != rec.Record.Id || d.GetString("assignee") != "" ||
		d.GetString("station") != "centre" || d.GetString("channel") != "in_person" {
		t.Errorf("server fields: status %s by %s assignee %q station %s channel %s", d.Status(),
			d.GetString("received_by"), d.GetString("assignee"), d.GetString("station"), d.GetString("channel"))
	}
	if k := d.LookupKey(); len(k) != 12 || k == "aaaaaaaaaaaa" || strings.ContainsAny(k, "ilo01") {
		t.Errorf("lookup key %q", k)
	}
	if d.ReceivedAt().Before(before.Add(-time.Second)) || d.ReceivedAt().After(time.Now()) {
		t.Errorf("received_at %v", d.ReceivedAt())
	}
	wantDue, _ := domain.DueAt(app, d.ReceivedAt(), 24)
	if !d.DueAt().Equal(wantDue.Truncate(time.Millisecond)) && !d.DueAt().Equal(wantDue) {
		t.Errorf("due_at %v, want %v", d.DueAt(), wantDue)
	}
	if d.GetString("applicant_name") != "Thạch Thị Sa Ry" || d.GetString("applicant_phone") != "0912345678" {
		t.Errorf("not normalised: %q %q", d.GetString("applicant_name"), d.GetString("applicant_phone"))
	}
	if s := d.GetString("search"); !strings.Contains(s, "thach thi sa ry") || !strings.Contains(s, "079203001234") ||
		!strings.Contains(s, "0912345678") || !strings.Contains(s, strings.ToLower(d.Code())) {
		t.Errorf("search key %q", s)
	}
	var stored []storedPaper
	_ = d.UnmarshalJSONField("papers", &stored)
	if len(stored) != len(papers) || stored[0].NameVI == "" || stored[0].NameKM == "" {
		t.Errorf("papers stored as %+v", stored)
	}
	evs, err := domain.FindDossierEvents(app, d.Id)
	if err != nil || len(evs) != 1 {
		t.Fatalf("events %d, %v", len(evs), err)
	}
	ev := evs[0]
	if ev.GetString("action") != "receive" || ev.GetString("to_status") != "received" || ev.GetString("actor") != rec.Record.Id ||
		ev.GetString("actor_name") != "Cán bộ srv.reception" {
		t.Errorf("event %v", ev.PublicExport())
	}
}

// TestIntakeRollsBackTogether: when the dossier cannot be saved, neither the
// sequence number nor an event is left behind.
func TestIntakeRollsBackTogether(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "rb.reception")
	proc := testkit.ProcByCode(t, app, "1.001193")
	// notes above the field's 2000 characters: the record validation fails
	// after the code was allocated.
	res := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, testkit.IntakeBody(proc.Id, map[string]any{"notes": strings.Repeat("a", 2100)}))
	if res.Code != http.StatusBadRequest {
		t.Fatalf("status %d: %s", res.Code, res.Body.String())
	}
	if n, _ := app.CountRecords(base.ColDossierSequence); n != 0 {
		t.Errorf("%d sequence rows left by a failed intake", n)
	}
	if n, _ := app.CountRecords(base.ColDossierEvents); n != 0 {
		t.Errorf("%d events left by a failed intake", n)
	}
	res = testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, testkit.IntakeBody(proc.Id, nil))
	var out map[string]any
	_ = json.Unmarshal(res.Body.Bytes(), &out)
	if !strings.HasSuffix(fmt.Sprint(out["code"]), "-0001") {
		t.Errorf("first saved dossier got %v, want number 0001", out["code"])
	}
}

// TestIntakeConcurrentCodes: 20 officers saving at once get 20 distinct,
// consecutive codes, each with its event.
func TestIntakeConcurrentCodes(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	srv := httptest.NewServer(testkit.NewMux(t, app))
	defer srv.Close()
	proc := testkit.ProcByCode(t, app, "1.001193")
	const n = 20
	tokens := make([]string, n)
	for i := range tokens {
		role := base.RoleReception
		if i%4 == 0 {
			role = base.RoleField
		}
		tokens[i] = testkit.MakeStaff(t, app, role, fmt.Sprintf("conc.%02d", i)).Token
	}
	codes := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest(http.MethodPost, srv.URL+testkit.DossiersURL, strings.NewReader(testkit.IntakeBody(proc.Id, nil)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", tokens[i])
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			var out map[string]any
			_ = json.NewDecoder(res.Body).Decode(&out)
			if res.StatusCode != 200 {
				t.Errorf("intake %d: status %d %v", i, res.StatusCode, out)
				return
			}
			codes[i] = fmt.Sprint(out["code"])
		}(i)
	}
	close(start)
	wg.Wait()
	sort.Strings(codes)
	office, _ := domain.FindOffice(app)
	prefix := office.AgencyCode() + "-" + domain.CodeDay(time.Now()) + "-"
	for i, c := range codes {
		if want := fmt.Sprintf("%s%04d", prefix, i+1); c != want {
			t.Errorf("code %d = %q, want %q (all: %v)", i, c, want, codes)
		}
	}
	if ev, _ := app.CountRecords(base.ColDossierEvents, dbx.HashExp{"action": "receive"}); ev != n {
		t.Errorf("%d receive events, want %d", ev, n)
	}
}

// TestAllocateCodeRanges: ranges are independent per day and per issuer, and a
// used-up range answers a keyed error instead of spilling over.
func TestAllocateCodeRanges(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day := time.Date(2026, 8, 17, 20, 0, 0, 0, time.UTC) // 18 August in Vietnam
	prep, err := domain.PrepareCodeUpsert(app)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	next := func(from, to int) (string, error) {
		var code string
		calls++
		// Every other call through a PocketBase transaction, as in a batch
		// request; the others prepared, in a group commit: both must agree.
		if calls%2 == 0 {
			err := app.RunInTransaction(func(tx core.App) error {
				var err error
				code, err = domain.AllocateCodeTx(tx, "000.00.07.H60", day, from, to)
				return err
			})
			return code, err
		}
		err := sqlitex.InGroupCommit(context.Background(), app, func(w sqlitex.Writer) error {
			var err error
			code, err = domain.AllocateCode(w, prep, "000.00.07.H60", day, from, to)
			return err
		})
		return code, err
	}
	for _, want := range []string{"000.00.07.H60-260818-0001", "000.00.07.H60-260818-0002"} {
		if c, err := next(1, 4999); err != nil || c != want {
			t.Errorf("centre: %q %v, want %s", c, err, want)
		}
	}
	if c, _ := next(5000, 5001); c != "000.00.07.H60-260818-5000" {
		t.Errorf("mobile range first code %q", c)
	}
	if c, _ := next(5000, 5001); c != "000.00.07.H60-260818-5001" {
		t.Errorf("mobile range second code %q", c)
	}
	_, err = next(5000, 5001)
	if err == nil || !strings.Contains(fmt.Sprint(err), "hết số") {
		t.Errorf("exhausted range: %v", err)
	}
	var ae *router.ApiError
	if !errors.As(err, &ae) || ae.Data["key"] != "error.code_range_exhausted" || ae.Status != http.StatusConflict {
		t.Errorf("exhausted range error %#v", err)
	}
	if c, _ := next(1, 4999); c != "000.00.07.H60-260818-0003" {
		t.Errorf("centre after mobile: %q", c)
	}
	if _, err := next(0, 10); err == nil {
		t.Error("range starting at 0 accepted")
	}
}

// TestLookupKeyPrivacy: the lookup key reaches reception, field and leader
// staff, never a processor (even the assignee) nor a guest.
func TestLookupKeyPrivacy(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "priv.reception")
	proc := testkit.ProcByCode(t, app, "1.001193")
	res := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, testkit.IntakeBody(proc.Id, nil))
	var out map[string]any
	_ = json.Unmarshal(res.Body.Bytes(), &out)
	key, _ := out["lookup_key"].(string)
	if len(key) != 12 {
		t.Fatalf("reception's intake answer lacks the key: %s", res.Body.String())
	}
	d, _ := domain.FindDossier(app, fmt.Sprint(out["id"]))
	processor := testkit.MakeStaff(t, app, base.RoleProcessor, "priv.processor")
	d.Set("assignee", processor.Record.Id)
	if err := app.Save(d.Record); err != nil {
		t.Fatal(err)
	}
	field := testkit.MakeStaff(t, app, base.RoleField, "priv.field")
	tokens := map[string]string{
		"guest": "", "processor": processor.Token, "reception": rec.Token,
		"leader": testkit.MakeStaff(t, app, base.RoleLeader, "priv.leader").Token,
	}
	for caller, sees := range map[string]bool{"guest": false, "processor": false, "reception": true, "leader": true} {
		for _, url := range []string{testkit.DossiersURL + "/" + d.Id, testkit.DossiersURL + "?perPage=50"} {
			res := testkit.Do(mux, http.MethodGet, url, tokens[caller], "")
			body := res.Body.String()
			if strings.Contains(body, key) != sees || strings.Contains(body, `"lookup_key"`) != sees {
				t.Errorf("%s GET %s (status %d): key visible=%v, want %v", caller, url, res.Code, !sees, sees)
			}
			if caller == "processor" && !strings.Contains(body, d.Code()) {
				t.Errorf("processor should still see the dossier itself: %s", body)
			}
		}
	}
	// A field member sees the key of the dossiers they took in.
	res = testkit.Do(mux, http.MethodPost, testkit.DossiersURL, field.Token, testkit.IntakeBody(proc.Id, nil))
	if !strings.Contains(res.Body.String(), `"lookup_key":"`) {
		t.Errorf("field intake answer lacks the key: %s", res.Body.String())
	}
}
