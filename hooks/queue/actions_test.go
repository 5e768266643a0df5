package queue

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestCounterActions walks one counter through every action and every refusal:
// wrong states answer 409 with a keyed message naming the ticket and its state.
func TestCounterActions(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	c := testkit.MakeCounter(t, app, 2, "A")
	staff := testkit.MakeStaff(t, app, base.RoleReception, "act.reception")
	processor := testkit.MakeStaff(t, app, base.RoleProcessor, "act.processor")
	kiosk := testkit.MakeDevice(t, app, domain.DeviceKiosk, "act.kiosk")
	mux := testkit.NewMux(t, app)
	post := func(token, path, body string) (int, map[string]any) {
		res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/"+path, token, body)
		var out map[string]any
		_ = json.Unmarshal(res.Body.Bytes(), &out)
		return res.Code, out
	}
	counterBody := `{"counter":"` + c.Id + `"}`

	if code, _ := post(staff.Token, "call-next", counterBody); code != http.StatusNotFound {
		t.Errorf("call-next with nobody waiting: %d, want 404", code)
	}
	a1 := testkit.IssueTicket(t, mux, kiosk.Token, "A", false)
	a2 := testkit.IssueTicket(t, mux, kiosk.Token, "A", false)
	testkit.IssueTicket(t, mux, kiosk.Token, "B", false)

	// Devices and processors may not call; nor may a guest.
	for who, token := range map[string]string{"kiosk": kiosk.Token, "processor": processor.Token, "guest": ""} {
		if code, _ := post(token, "call-next", counterBody); code != http.StatusForbidden && code != http.StatusUnauthorized {
			t.Errorf("%s calls: %d, want 401/403", who, code)
		}
	}
	if code, _ := post(staff.Token, "call-next", `{"counter":"nosuchcounter00"}`); code != http.StatusNotFound {
		t.Errorf("unknown counter: %d", code)
	}
	// Not yet called: recall, serve, finish, no-show, transfer are wrong states.
	for _, path := range []string{"recall", "serve", "finish", "no-show"} {
		code, out := post(staff.Token, path, `{"ticket":"`+a1.ID+`"}`)
		data, _ := out["data"].(map[string]any)
		if code != http.StatusConflict || data["key"] != "queue.wrong_state" || !strings.Contains(data["km"].(string), "កំពុងរង់ចាំ") {
			t.Errorf("%s on a waiting ticket: %d %v", path, code, out)
		}
	}

	code, called := post(staff.Token, "call-next", counterBody)
	if code != http.StatusOK || called["code"] != "A001" || called["status"] != domain.TicketCalled || called["counter"] != c.Id || called["called_by"] != staff.Record.Id {
		t.Fatalf("call-next: %d %v", code, called)
	}
	// The counter is busy until the ticket is closed.
	if code, out := post(staff.Token, "call-next", counterBody); code != http.StatusConflict || !strings.Contains(out["message"].(string), "A001") {
		t.Errorf("second call while busy: %d %v", code, out)
	}
	if code, out := post(staff.Token, "recall", `{"ticket":"`+a1.ID+`"}`); code != http.StatusOK || out["recalls"] != float64(1) {
		t.Errorf("recall: %d %v", code, out)
	}
	if code, out := post(staff.Token, "serve", `{"ticket":"`+a1.ID+`"}`); code != http.StatusOK || out["status"] != domain.TicketServing || out["served_at"] == "" {
		t.Errorf("serve: %d %v", code, out)
	}
	if code, _ := post(staff.Token, "recall", `{"ticket":"`+a1.ID+`"}`); code != http.StatusConflict {
		t.Errorf("recall while serving: %d, want 409", code)
	}
	if code, _ := post(staff.Token, "transfer", `{"ticket":"`+a1.ID+`","group":"A"}`); code != http.StatusBadRequest {
		t.Errorf("transfer to its own group: %d, want 400", code)
	}
	code, moved := post(staff.Token, "transfer", `{"ticket":"`+a1.ID+`","group":"B"}`)
	if code != http.StatusOK || moved["code"] != "A001" || moved["status"] != domain.TicketWaiting || moved["group"] != testkit.GroupID(t, app, "B") || moved["transferred_from"] != a1.ID {
		t.Fatalf("transfer: %d %v", code, moved)
	}
	old, _ := domain.FindTicket(app, a1.ID)
	if old.Status() != domain.TicketTransferred || old.GetDateTime("finished_at").IsZero() {
		t.Errorf("transferred original: %s", old.Status())
	}
	// The transfer copy does not take a number from B's daily sequence.
	if b2 := testkit.IssueTicket(t, mux, kiosk.Token, "B", false); b2.Code != "B002" {
		t.Errorf("next B ticket %s, want B002", b2.Code)
	}

	code, next := post(staff.Token, "call-next", counterBody)
	if code != http.StatusOK || next["id"] != a2.ID {
		t.Fatalf("call-next after transfer: %d %v", code, next)
	}
	if code, out := post(staff.Token, "no-show", `{"ticket":"`+a2.ID+`"}`); code != http.StatusOK || out["status"] != domain.TicketNoShow {
		t.Errorf("no-show: %d %v", code, out)
	}
	if code, _ := post(staff.Token, "finish", `{"ticket":"`+a2.ID+`"}`); code != http.StatusConflict {
		t.Errorf("finish after no-show: %d, want 409", code)
	}
	if code, _ := post(staff.Token, "finish", `{"ticket":"nosuchticket000"}`); code != http.StatusNotFound {
		t.Errorf("finish unknown ticket: %d", code)
	}
	// Counter 2 serves only A: the transferred copy in B waits for another counter.
	if code, _ := post(staff.Token, "call-next", counterBody); code != http.StatusNotFound {
		t.Errorf("call-next with only B waiting: %d, want 404", code)
	}
}

// TestQueueFigures: waiting and service times are kept on the tickets and
// summed per day, group and counter.
func TestQueueFigures(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	c1 := testkit.MakeCounter(t, app, 1, "A")
	c2 := testkit.MakeCounter(t, app, 2, "A", "B")
	staff := testkit.MakeStaff(t, app, base.RoleReception, "fig.reception")
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "fig.leader")
	mux := testkit.NewMux(t, app)
	for _, g := range []string{"A", "A", "A", "B"} {
		testkit.IssueTicket(t, mux, staff.Token, g, false)
	}
	call := func(c string) string {
		res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/call-next", staff.Token, `{"counter":"`+c+`"}`)
		var tk testkit.Issued
		_ = json.Unmarshal(res.Body.Bytes(), &tk)
		return tk.ID
	}
	finish := func(id string) {
		if res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/finish", staff.Token, `{"ticket":"`+id+`"}`); res.Code != http.StatusOK {
			t.Fatalf("finish: %s", res.Body.String())
		}
	}
	finish(call(c1.Id)) // A001 at counter 1
	finish(call(c2.Id)) // A002 at counter 2
	noShow := call(c2.Id)
	testkit.Do(mux, http.MethodPost, "/api/motcua/queue/no-show", staff.Token, `{"ticket":"`+noShow+`"}`)

	// Make the times known: issued 10:00, called 10:00 + wait, finished + service.
	set := func(code, issued, called, finished string, wait, service int) {
		_, err := app.DB().NewQuery("UPDATE tickets SET issued_at = {:i}, called_at = {:c}, finished_at = {:f}, wait_seconds = {:w}, service_seconds = {:s} WHERE code = {:code}").
			Bind(dbx.Params{"i": issued, "c": called, "f": finished, "w": wait, "s": service, "code": code}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	day := time.Now().In(base.Zone).Format(time.DateOnly)
	set("A001", day+" 03:00:00.000Z", day+" 03:05:00.000Z", day+" 03:15:00.000Z", 300, 600)
	set("A002", day+" 03:01:00.000Z", day+" 03:11:00.000Z", day+" 03:31:00.000Z", 600, 1200)
	set("A003", day+" 03:02:00.000Z", day+" 03:32:00.000Z", day+" 03:33:00.000Z", 1800, 0)

	from, _ := time.ParseInLocation(time.DateOnly, day, base.Zone)
	rows, err := QueueFigures(app, from, from.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]QueueFigure{}
	for _, r := range rows {
		got[r.Group+"/"+string(rune('0'+r.Counter))] = r
	}
	if r := got["A/1"]; r.Issued != 1 || r.Called != 1 || r.Done != 1 || r.AvgWaitSeconds != 300 || r.AvgServiceSecs != 600 {
		t.Errorf("A at counter 1: %+v", r)
	}
	// Counter 2: A002 done (wait 600, service 1200) and A003 no-show (wait 1800).
	if r := got["A/2"]; r.Issued != 2 || r.Called != 2 || r.Done != 1 || r.NoShow != 1 || r.AvgWaitSeconds != 1200 || r.AvgServiceSecs != 1200 {
		t.Errorf("A at counter 2: %+v", r)
	}
	if r := got["B/0"]; r.Issued != 1 || r.Called != 0 || r.Day != day {
		t.Errorf("B not yet called: %+v", r)
	}
	if len(rows) != 3 {
		t.Errorf("%d rows, want 3: %+v", len(rows), rows)
	}
	// Yesterday has none.
	if rows, _ := QueueFigures(app, from.AddDate(0, 0, -1), from); len(rows) != 0 {
		t.Errorf("yesterday: %+v", rows)
	}
	res := testkit.Do(mux, http.MethodGet, "/api/motcua/queue/figures?from="+day+"&to="+day, leader.Token, "")
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"avg_wait_seconds":1200`) {
		t.Errorf("figures route: %d %s", res.Code, res.Body.String())
	}
	if res := testkit.Do(mux, http.MethodGet, "/api/motcua/queue/figures?from=x", leader.Token, ""); res.Code != http.StatusBadRequest {
		t.Errorf("bad period: %d", res.Code)
	}
}
