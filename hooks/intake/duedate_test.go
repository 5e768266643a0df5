package intake

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

// addProcedure adds an active procedure with the given processing time.
func addProcedure(t testing.TB, app core.App, code string, hours int) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(base.ColProcedures)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{
		"code": code, "name_vi": "Thủ tục thử " + code, "name_km": "នីតិវិធីសាកល្បង " + code,
		"field_vi": "Hộ tịch", "field_km": "អត្រានុកូលដ្ឋាន", "processing_hours": hours, "active": true,
		"papers": []map[string]any{{"name_vi": "Tờ khai", "name_km": "លិខិតប្រកាស", "kind": "original", "count": 1, "required": true}},
	})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDueDateEndpoint checks GET /api/motcua/due-date against due dates worked out
// by hand on the seeded calendar (Mon–Fri 07:00–11:30, 13:00–17:00; cut-off 15:00;
// 30/4 and 1/5/2026 holidays; Tết 2026 from Sat 14/2 to Sun 22/2).
func TestDueDateEndpoint(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	reception := testkit.MakeStaff(t, app, base.RoleReception, "due.reception")
	ids := strings.NewReplacer(
		"{3}", addProcedure(t, app, "9.000024", 24).Id,
		"{0}", addProcedure(t, app, "9.000000", 0).Id,
		"{10}", addProcedure(t, app, "9.000080", 80).Id,
	)
	mux := testkit.NewMux(t, app)
	cases := []struct {
		name, query string
		auth        bool
		status      int
		contains    []string
	}{
		{"3 working days across the 30/4–1/5 bridge", "?procedure={3}&at=2026-04-29T09:00:00%2B07:00", true, 200,
			[]string{`"due_at":"2026-05-06T09:00:00+07:00"`, `"working_hours":24`}},
		{"same day, before the cut-off", "?procedure={0}&at=2026-04-28T10:00:00%2B07:00", true, 200,
			[]string{`"due_at":"2026-04-28T17:00:00+07:00"`, `"working_hours":0`}},
		{"same day, after the cut-off, before the bridge", "?procedure={0}&at=2026-04-29T16:00:00%2B07:00", true, 200,
			[]string{`"due_at":"2026-05-04T17:00:00+07:00"`}},
		{"10 working days from before Tết", "?procedure={10}&at=2026-02-10T08:00:00%2B07:00", true, 200,
			[]string{`"due_at":"2026-03-03T08:00:00+07:00"`}},
		{"a UTC time is answered in Vietnam time", "?procedure={3}&at=2026-04-29T02:00:00Z", true, 200,
			[]string{`"due_at":"2026-05-06T09:00:00+07:00"`}},
		{"received on a Sunday: Mon, Tue, Wed are the 3 days", "?procedure={3}&at=2026-03-01T10:00:00%2B07:00", true, 200,
			[]string{`"due_at":"2026-03-04T17:00:00+07:00"`}},
		{"guest", "?procedure={3}", false, 401, []string{`"key":"error.sign_in_required"`, "ចូលប្រព័ន្ធ", "Cần đăng nhập"}},
		{"unknown procedure", "?procedure=nosuchprocedure1", true, 404, []string{`"key":"error.procedure_not_found"`, "នីតិវិធី"}},
		{"missing procedure", "", true, 400, []string{`"key":"error.procedure_required"`}},
		{"malformed time", "?procedure={3}&at=29/04/2026", true, 400, []string{`"key":"error.time_invalid"`}},
	}
	for _, c := range cases {
		t.Run("GET /api/motcua/due-date ("+c.name+")", func(t *testing.T) {
			token := ""
			if c.auth {
				token = reception.Token
			}
			res := testkit.Do(mux, http.MethodGet, "/api/motcua/due-date"+ids.Replace(c.query), token, "")
			if res.Code != c.status {
				t.Errorf("status %d, want %d: %s", res.Code, c.status, res.Body.String())
			}
			for _, s := range c.contains {
				if !strings.Contains(res.Body.String(), s) {
					t.Errorf("body lacks %s: %s", s, res.Body.String())
				}
			}
			if c.status != 200 && strings.Contains(res.Body.String(), "due_at") {
				t.Errorf("error answer carries a due date: %s", res.Body.String())
			}
		})
	}
}
