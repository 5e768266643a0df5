package workflow

import (
	"net/http"
	"testing"
	"time"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestSupplementClock: received Monday, supplement requested Tuesday, papers
// back on a later Monday: due_at moves by exactly the working time waited, with
// weekends and (second case) public holidays not counted.
func TestSupplementClock(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, base.Zone)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name                         string
		received, requested, resumed string
		due, newDue                  string
		waited                       int
	}{
		{
			name:     "plain week",
			received: "2026-03-02 09:00", requested: "2026-03-03 10:00", resumed: "2026-03-09 10:00",
			// Tue 10:00–11:30 and 13:00–17:00 (330) + Wed, Thu, Fri (3×510) + Mon 07:00–10:00 (180).
			waited: 2040,
			due:    "2026-03-09 09:00", newDue: "2026-03-13 09:00",
		},
		{
			name:     "holidays inside the wait",
			received: "2026-04-20 09:00", requested: "2026-04-21 10:00", resumed: "2026-05-04 10:00",
			// 330 + Wed–Fri 22–24/4 (3×510) + Tue 28, Wed 29/4 (2×510) + Mon 4/5 180; Mon 27/4
			// (Giỗ Tổ, moved), Thu 30/4 and Fri 1/5 are holidays.
			waited: 3060,
			// Five working days from Mon 20/4 skip Mon 27/4: due Tue 28/4 09:00. Six
			// working days later, skipping 30/4 and 1/5: Fri 8/5 09:00.
			due: "2026-04-28 09:00", newDue: "2026-05-08 09:00",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newWFFixture(t)
			setNow(f.app, at(c.received))
			d := newDossier(t, f.app, map[string]any{"received_at": at(c.received), "received_by": f.staff["reception"].Record.Id})
			if !d.DueAt().Equal(at(c.due)) {
				t.Fatalf("due at receipt = %s, want %s", d.DueAt().In(base.Zone), c.due)
			}
			act := func(when, caller, action, body string) {
				t.Helper()
				setNow(f.app, at(when))
				res := testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/"+action, f.tokens[caller], body)
				if res.Code != http.StatusOK {
					t.Fatalf("%s: %d %s", action, res.Code, res.Body.String())
				}
			}
			act(c.received, "reception", domain.ActionAssign, `{"assignee":"`+f.staff["processor"].Record.Id+`"}`)
			act(c.received, "processor", domain.ActionStart, `{}`)
			act(c.requested, "processor", domain.ActionRequestSupplement, `{"missing_papers":["Bản sao sổ hộ khẩu"]}`)
			paused, _ := domain.FindDossier(f.app, d.Id)
			if got := paused.GetDateTime("paused_at").Time(); !got.Equal(at(c.requested)) {
				t.Errorf("paused_at = %s, want %s", got.In(base.Zone), c.requested)
			}
			if !paused.DueAt().Equal(at(c.due)) {
				t.Errorf("due moved while paused: %s", paused.DueAt().In(base.Zone))
			}
			act(c.resumed, "reception", domain.ActionSupplementReceived, `{}`)
			after, _ := domain.FindDossier(f.app, d.Id)
			if !after.DueAt().Equal(at(c.newDue)) {
				t.Errorf("due after the supplement = %s, want %s", after.DueAt().In(base.Zone).Format("Mon 2006-01-02 15:04"), c.newDue)
			}
			if got := after.GetInt("paused_minutes"); got != c.waited {
				t.Errorf("paused_minutes = %d, want %d", got, c.waited)
			}
			if !after.GetDateTime("paused_at").IsZero() || after.Status() != domain.StatusProcessing {
				t.Errorf("after resume: paused_at=%v status=%s", after.GetDateTime("paused_at"), after.Status())
			}
			// The move equals the working time waited, measured on the calendar itself.
			cal, _ := domain.LoadCalendar(f.app)
			if moved := cal.WorkingMinutesBetween(at(c.due), after.DueAt()); moved != c.waited {
				t.Errorf("due moved by %d working minutes, waited %d", moved, c.waited)
			}
			evs, _ := domain.FindDossierEvents(f.app, d.Id)
			last := evs[len(evs)-1]
			var data map[string]any
			_ = last.UnmarshalJSONField("data", &data)
			if last.GetString("action") != domain.ActionSupplementReceived || data["waited_minutes"] != float64(c.waited) {
				t.Errorf("last event %s data %v", last.GetString("action"), data)
			}
		})
	}
}

// TestExtendAndFinishTimes: extend keeps the original due date and records the
// reason; complete and return set their times and who collected the result.
func TestExtendAndFinishTimes(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, base.Zone)
	setNow(f.app, start)
	d := f.dossierIn(t, domain.StatusProcessing)
	orig := d.DueAt()
	newDue := orig.Add(48 * time.Hour)
	res := testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/extend", f.tokens["leader"],
		`{"new_due_at":"`+newDue.Format(time.RFC3339)+`","reason":"Chờ xác minh của ấp"}`)
	if res.Code != http.StatusOK {
		t.Fatalf("extend: %d %s", res.Code, res.Body.String())
	}
	got, _ := domain.FindDossier(f.app, d.Id)
	if !got.DueAt().Equal(newDue) || !got.GetDateTime("original_due_at").Time().Equal(orig) ||
		got.GetString("extension_reason") != "Chờ xác minh của ấp" || !got.GetDateTime("extended_at").Time().Equal(start) {
		t.Errorf("after extend: due=%v original=%v reason=%q extended_at=%v", got.DueAt(), got.GetDateTime("original_due_at"),
			got.GetString("extension_reason"), got.GetDateTime("extended_at"))
	}
	// Not earlier than the current due date.
	res = testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/extend", f.tokens["leader"],
		`{"new_due_at":"`+orig.Format(time.RFC3339)+`","reason":"x"}`)
	if res.Code != http.StatusBadRequest {
		t.Errorf("extend to an earlier date: %d", res.Code)
	}
	finish := start.Add(26 * time.Hour)
	setNow(f.app, finish)
	if res := testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/complete", f.tokens["processor"], `{"note":"Đã ký"}`); res.Code != http.StatusOK {
		t.Fatalf("complete: %d", res.Code)
	}
	setNow(f.app, finish.Add(time.Hour))
	if res := testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/return", f.tokens["reception"],
		`{"collected_by":" Lâm Văn Sóc ","collector_id_number":"094 199 001 234"}`); res.Code != http.StatusOK {
		t.Fatalf("return: %d %s", res.Code, res.Body.String())
	}
	got, _ = domain.FindDossier(f.app, d.Id)
	if !got.GetDateTime("finished_at").Time().Equal(finish) || !got.GetDateTime("returned_at").Time().Equal(finish.Add(time.Hour)) ||
		got.GetString("collected_by") != "Lâm Văn Sóc" || got.GetString("collector_id_number") != "094199001234" ||
		got.GetString("result_note") != "Đã ký" || got.Status() != domain.StatusReturned {
		t.Errorf("after return: %v", got.PublicExport())
	}
}
