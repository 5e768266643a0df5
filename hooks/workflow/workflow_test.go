package workflow

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

var dossierSeq atomic.Int64

// newDossier saves a dossier as intake would leave it (status received, due date
// from the calendar), with fields overriding the defaults. The lead switches the
// browser test to the real intake once both branches are merged.
func newDossier(t testing.TB, app core.App, fields map[string]any) *domain.Dossier {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(base.ColDossiers)
	if err != nil {
		t.Fatal(err)
	}
	procs, err := app.FindRecordsByFilter(base.ColProcedures, "processing_hours = 40", "code", 1, 0)
	if err != nil || len(procs) == 0 {
		t.Fatalf("no 5-day procedure seeded: %v", err)
	}
	received := base.Now(app)
	if v, ok := fields["received_at"].(time.Time); ok {
		received = v
	}
	due, err := domain.DueAt(app, received, 40)
	if err != nil {
		t.Fatal(err)
	}
	n := dossierSeq.Add(1)
	r := core.NewRecord(col)
	r.Load(map[string]any{
		"code":           fmt.Sprintf("000.00.00.H00-%s-%04d", received.In(base.Zone).Format("060102"), n),
		"procedure":      procs[0].Id,
		"applicant_name": "Thạch Thị Sa Ry",
		"status":         domain.StatusReceived,
		"received_at":    base.DateTime(received),
		"due_at":         base.DateTime(due),
		"lookup_key":     fmt.Sprintf("key%09d", n),
		"channel":        "in_person",
	})
	for k, v := range fields {
		if tv, ok := v.(time.Time); ok {
			v = base.DateTime(tv)
		}
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatalf("save dossier: %v", err)
	}
	return &domain.Dossier{Record: r}
}

// setNow fixes the office clock of app for a test.
func setNow(app core.App, t time.Time) {
	app.Store().Set(base.NowStoreKey, func() time.Time { return t })
}

// wfFixture is an app with one account per workflow caller.
type wfFixture struct {
	app    core.App
	mux    http.Handler
	staff  map[string]testkit.Staff
	tokens map[string]string
}

// wfCallers: every role, a second processor and field member who were not given
// the dossier, a superuser and a guest.
var wfCallers = []string{"guest", "reception", "processor", "processor2", "leader", "field", "field2", "superuser"}

func newWFFixture(t *testing.T) *wfFixture {
	app := newTestApp(t)
	t.Cleanup(app.Cleanup)
	f := &wfFixture{app: app, staff: map[string]testkit.Staff{}, tokens: map[string]string{"guest": ""}}
	for _, c := range []string{"reception", "processor", "processor2", "leader", "field", "field2"} {
		role := c
		if c[len(c)-1] == '2' {
			role = c[:len(c)-1]
		}
		f.staff[c] = testkit.MakeStaff(t, app, role, "wf."+c)
		f.tokens[c] = f.staff[c].Token
	}
	f.tokens["superuser"] = testkit.SuperuserToken(t, app)
	f.mux = testkit.NewMux(t, app)
	return f
}

// dossierIn makes a dossier in the given status, assigned to "processor" and
// taken in by "field", as the table test needs it.
func (f *wfFixture) dossierIn(t *testing.T, status string) *domain.Dossier {
	fields := map[string]any{
		"status": status, "assignee": f.staff["processor"].Record.Id, "received_by": f.staff["field"].Record.Id,
	}
	if status == domain.StatusSupplementRequested {
		fields["paused_at"] = base.Now(f.app).Add(-time.Hour)
	}
	return newDossier(t, f.app, fields)
}

// validBody is a body every action accepts, so the table test sees only the
// role and status checks.
func (f *wfFixture) validBody(action string, d *domain.Dossier) string {
	b := map[string]any{"note": "ghi chú " + action}
	switch action {
	case domain.ActionAssign:
		b["assignee"] = f.staff["processor2"].Record.Id
	case domain.ActionRequestSupplement:
		b["missing_papers"] = []string{"Bản sao Giấy chứng sinh"}
	case domain.ActionRefuse, domain.ActionStop:
		b["reason"] = "Không đủ điều kiện"
	case domain.ActionReturn:
		b["collected_by"] = "Thạch Thị Sa Ry"
		b["collector_id_number"] = "094199001234"
	case domain.ActionExtend:
		b["new_due_at"] = workingDayAfter(f.app, d.DueAt(), 72*time.Hour).Format(time.RFC3339)
		b["reason"] = "Cần xác minh thêm"
	}
	s, _ := json.Marshal(b)
	return string(s)
}

var allStatuses = []string{
	domain.StatusNew, domain.StatusReceived, domain.StatusRefused, domain.StatusProcessing, domain.StatusSupplementRequested,
	domain.StatusAwaitingFees, domain.StatusWithdrawn, domain.StatusStopped, domain.StatusDone, domain.StatusReturned,
}

// expectedAnswer is what the declared table says caller should get.
func expectedAnswer(tr domain.Transition, caller, status string) int {
	switch caller {
	case "guest":
		return http.StatusUnauthorized
	case "processor2", "field2": // not their dossier: they may not even see it
		return http.StatusNotFound
	}
	role := caller
	if caller == "superuser" {
		role = base.RoleLeader
	}
	if !tr.Allows(role) {
		return http.StatusForbidden
	}
	if !tr.AcceptsFrom(status) {
		return http.StatusConflict
	}
	return http.StatusOK
}

// TestTransitionTable walks every action × caller × status and checks the
// answer against the declared table, that an allowed action writes exactly one
// matching event and a refused one changes nothing.
func TestTransitionTable(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t)
	counts := map[int]int{}
	for _, tr := range domain.Transitions {
		for _, status := range allStatuses {
			d := f.dossierIn(t, status)
			for _, caller := range wfCallers {
				want := expectedAnswer(tr, caller, status)
				before, _ := domain.FindDossier(f.app, d.Id)
				evBefore, _ := domain.FindDossierEvents(f.app, d.Id)
				url := "/api/motcua/dossiers/" + d.Id + "/actions/" + tr.Action
				res := testkit.Do(f.mux, http.MethodPost, url, f.tokens[caller], f.validBody(tr.Action, d))
				counts[res.Code]++
				name := fmt.Sprintf("%s from %s by %s", tr.Action, status, caller)
				if res.Code != want {
					t.Errorf("%s: %d, want %d: %s", name, res.Code, want, res.Body.String())
					continue
				}
				after, _ := domain.FindDossier(f.app, d.Id)
				evAfter, _ := domain.FindDossierEvents(f.app, d.Id)
				if want != http.StatusOK {
					var body struct {
						Data struct{ Key string } `json:"data"`
					}
					_ = json.Unmarshal(res.Body.Bytes(), &body)
					if body.Data.Key == "" {
						t.Errorf("%s: refusal without a message key: %s", name, res.Body.String())
					}
					if len(evAfter) != len(evBefore) {
						t.Errorf("%s: refused but %d→%d events", name, len(evBefore), len(evAfter))
					}
					if after.GetString("updated") != before.GetString("updated") || after.Status() != before.Status() {
						t.Errorf("%s: refused but the dossier changed", name)
					}
					continue
				}
				if got := after.Status(); got != tr.Next(status) {
					t.Errorf("%s: status %q, want %q", name, got, tr.Next(status))
				}
				var resp map[string]any
				_ = json.Unmarshal(res.Body.Bytes(), &resp)
				if resp["id"] != d.Id || resp["status"] != tr.Next(status) {
					t.Errorf("%s: answer is not the updated dossier: %v", name, resp)
				}
				if len(evAfter) != len(evBefore)+1 {
					t.Errorf("%s: %d→%d events, want exactly one more", name, len(evBefore), len(evAfter))
				} else {
					ev := evAfter[len(evAfter)-1]
					if ev.GetString("action") != tr.Action || ev.GetString("from_status") != status || ev.GetString("to_status") != tr.Next(status) {
						t.Errorf("%s: event %s %s→%s", name, ev.GetString("action"), ev.GetString("from_status"), ev.GetString("to_status"))
					}
					wantActor := ""
					if s, ok := f.staff[caller]; ok {
						wantActor = s.Record.Id
					}
					if ev.GetString("actor") != wantActor {
						t.Errorf("%s: event actor %q, want %q", name, ev.GetString("actor"), wantActor)
					}
					if tr.Action == domain.ActionAssign && ev.GetString("assignee") != f.staff["processor2"].Record.Id {
						t.Errorf("%s: event assignee %q", name, ev.GetString("assignee"))
					}
				}
				d = f.dossierIn(t, status) // the next caller starts from the same status
			}
		}
	}
	// The table is not vacuous: every kind of answer occurred.
	for _, code := range []int{200, 401, 403, 404, 409} {
		if counts[code] == 0 {
			t.Errorf("no answer %d in the whole walk: %v", code, counts)
		}
	}
	t.Logf("answers: %v", counts)
}

// TestActionBodyErrors: missing or invalid fields give 400 with one key per field
// and change nothing.
func TestActionBodyErrors(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t)
	leader := f.tokens["leader"]
	cases := []struct {
		action, status, body string
		fields               map[string]string
	}{
		{domain.ActionAssign, domain.StatusReceived, `{}`, map[string]string{"assignee": "error.field_required"}},
		{domain.ActionAssign, domain.StatusReceived, fmt.Sprintf(`{"assignee":%q}`, f.staff["reception"].Record.Id), map[string]string{"assignee": "error.assignee_invalid"}},
		{domain.ActionRequestSupplement, domain.StatusProcessing, `{"missing_papers":["  "]}`, map[string]string{"missing_papers": "error.field_required"}},
		{domain.ActionRefuse, domain.StatusProcessing, `{"note":"x"}`, map[string]string{"reason": "error.field_required"}},
		{domain.ActionStop, domain.StatusProcessing, `{}`, map[string]string{"reason": "error.field_required"}},
		{domain.ActionReturn, domain.StatusDone, `{"collected_by":"A","collector_id_number":"12345"}`, map[string]string{"collector_id_number": "error.idcard_id_invalid"}},
		{domain.ActionReturn, domain.StatusDone, `{}`, map[string]string{"collected_by": "error.field_required", "collector_id_number": "error.field_required"}},
		{domain.ActionExtend, domain.StatusProcessing, `{"new_due_at":"2020-01-01T09:00:00+07:00","reason":"x"}`, map[string]string{"new_due_at": "error.new_due_not_later"}},
		{domain.ActionExtend, domain.StatusProcessing, `{"new_due_at":"tomorrow","reason":"x"}`, map[string]string{"new_due_at": "error.time_invalid"}},
	}
	for _, c := range cases {
		d := f.dossierIn(t, c.status)
		res := testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/"+c.action, leader, c.body)
		if res.Code != http.StatusBadRequest {
			t.Errorf("%s %s: %d, want 400: %s", c.action, c.body, res.Code, res.Body.String())
			continue
		}
		var body struct {
			Data map[string]struct{ Code string } `json:"data"`
		}
		_ = json.Unmarshal(res.Body.Bytes(), &body)
		if len(body.Data) != len(c.fields) {
			t.Errorf("%s %s: fields %v, want %v", c.action, c.body, body.Data, c.fields)
		}
		for field, key := range c.fields {
			if body.Data[field].Code != key {
				t.Errorf("%s %s: %s = %q, want %q", c.action, c.body, field, body.Data[field].Code, key)
			}
		}
		if evs, _ := domain.FindDossierEvents(f.app, d.Id); len(evs) != 0 {
			t.Errorf("%s: a refused body wrote %d events", c.action, len(evs))
		}
	}
	// An unknown action and an unknown dossier are 404 with keys.
	d := f.dossierIn(t, domain.StatusReceived)
	if res := testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/approve", leader, `{}`); res.Code != http.StatusNotFound {
		t.Errorf("unknown action: %d", res.Code)
	}
	if res := testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/nosuchdossier12/actions/start", leader, `{}`); res.Code != http.StatusNotFound {
		t.Errorf("unknown dossier: %d", res.Code)
	}
}

// TestActionAnswerPrivacy: the answer follows the record API's privacy, so a
// processor never receives the citizen's lookup key, while reception does.
func TestActionAnswerPrivacy(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t)
	d := f.dossierIn(t, domain.StatusReceived)
	res := testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/start", f.tokens["processor"], `{}`)
	if res.Code != http.StatusOK {
		t.Fatalf("start: %d %s", res.Code, res.Body.String())
	}
	var got map[string]any
	_ = json.Unmarshal(res.Body.Bytes(), &got)
	if _, ok := got["lookup_key"]; ok {
		t.Errorf("processor's answer carries lookup_key: %v", got)
	}
	if got["status"] != domain.StatusProcessing {
		t.Errorf("status %v", got["status"])
	}
	res = testkit.Do(f.mux, http.MethodGet, "/api/collections/dossiers/records/"+d.Id, f.tokens["processor"], "")
	if res.Code != http.StatusOK || json.Unmarshal(res.Body.Bytes(), &got) != nil || got["lookup_key"] != nil {
		t.Errorf("record API shows the processor lookup_key: %d %s", res.Code, res.Body.String())
	}
	res = testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/withdraw", f.tokens["reception"], `{}`)
	_ = json.Unmarshal(res.Body.Bytes(), &got)
	if res.Code != http.StatusOK || got["lookup_key"] != d.LookupKey() {
		t.Errorf("reception's answer: %d lookup_key=%v", res.Code, got["lookup_key"])
	}
}
