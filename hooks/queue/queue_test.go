package queue

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

func TestIssueTicketNumbersAheadAndEstimate(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	kiosk := testkit.MakeDevice(t, app, domain.DeviceKiosk, "kiosk.1")
	display := testkit.MakeDevice(t, app, domain.DeviceDisplay, "tv.1")
	staff := testkit.MakeStaff(t, app, base.RoleReception, "q.reception")
	mux := testkit.NewMux(t, app)

	a1 := testkit.IssueTicket(t, mux, kiosk.Token, "A", false)
	a2 := testkit.IssueTicket(t, mux, staff.Token, testkit.GroupID(t, app, "A"), false)
	b1 := testkit.IssueTicket(t, mux, kiosk.Token, "B", false)
	ap := testkit.IssueTicket(t, mux, kiosk.Token, "A", true)
	a4 := testkit.IssueTicket(t, mux, kiosk.Token, "A", false)
	if a1.Code != "A001" || a2.Code != "A002" || b1.Code != "B001" || ap.Code != "A003" || a4.Code != "A004" {
		t.Errorf("codes %s %s %s %s %s, want A001 A002 B001 A003 A004", a1.Code, a2.Code, b1.Code, ap.Code, a4.Code)
	}
	if a1.Status != domain.TicketWaiting || a1.Day != domain.QueueDay(time.Now()) {
		t.Errorf("first ticket status %q day %q", a1.Status, a1.Day)
	}
	// A priority ticket has only earlier priority tickets ahead; an ordinary one everyone.
	if a1.Ahead != 0 || a2.Ahead != 1 || b1.Ahead != 0 || ap.Ahead != 0 || a4.Ahead != 3 {
		t.Errorf("ahead = %d %d %d %d %d, want 0 1 0 0 3", a1.Ahead, a2.Ahead, b1.Ahead, ap.Ahead, a4.Ahead)
	}
	// No history yet: 6 minutes a person, one counter.
	if a4.Estimate != 18 || a1.Estimate != 0 {
		t.Errorf("estimates %d and %d, want 18 and 0", a4.Estimate, a1.Estimate)
	}

	// A display may watch but not issue; a guest neither; bad groups are keyed.
	if res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/tickets", display.Token, `{"group":"A"}`); res.Code != http.StatusForbidden {
		t.Errorf("display issues: %d, want 403", res.Code)
	}
	if res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/tickets", "", `{"group":"A"}`); res.Code != http.StatusUnauthorized {
		t.Errorf("guest issues: %d, want 401", res.Code)
	}
	if res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/tickets", kiosk.Token, `{"group":"Z"}`); res.Code != http.StatusNotFound || testkit.ErrKey(res.Body.Bytes()) != "queue.group_not_found" {
		t.Errorf("unknown group: %d %s", res.Code, res.Body.String())
	}
	if res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/tickets", kiosk.Token, `{"group":"A","priority":true,"priority_reason":"vip"}`); res.Code != http.StatusBadRequest {
		t.Errorf("unknown priority reason: %d", res.Code)
	}
	if res := testkit.Do(mux, http.MethodGet, "/api/motcua/queue/board", display.Token, ""); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `"waiting":4`) {
		t.Errorf("board for the display: %d %s", res.Code, res.Body.String())
	}
	// Yesterday's numbers do not count: numbers restart each day.
	if _, err := app.DB().NewQuery("UPDATE tickets SET day = '2000-01-01'").Execute(); err != nil {
		t.Fatal(err)
	}
	if again := testkit.IssueTicket(t, mux, kiosk.Token, "A", false); again.Code != "A001" || again.Ahead != 0 {
		t.Errorf("next day's first ticket %s with %d ahead, want A001 and 0", again.Code, again.Ahead)
	}
}

func TestEstimateUsesRecentServiceTimes(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	testkit.MakeCounter(t, app, 1, "A")
	testkit.MakeCounter(t, app, 2, "A", "B")
	testkit.MakeCounter(t, app, 3, "B")
	staff := testkit.MakeStaff(t, app, base.RoleReception, "q.est")
	mux := testkit.NewMux(t, app)
	for range 4 {
		testkit.IssueTicket(t, mux, staff.Token, "A", false)
	}
	// Four finished A tickets of 10 minutes each.
	if _, err := app.DB().NewQuery("UPDATE tickets SET status = 'done', service_seconds = 600, finished_at = {:at}").
		Bind(dbx.Params{"at": time.Now().UTC().Format("2006-01-02 15:04:05.000Z")}).Execute(); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		testkit.IssueTicket(t, mux, staff.Token, "A", false)
	}
	// Four ahead × 10 minutes ÷ 2 counters serving A = 20 minutes.
	if got := testkit.IssueTicket(t, mux, staff.Token, "A", false); got.Ahead != 4 || got.Estimate != 20 {
		t.Errorf("ahead %d estimate %d, want 4 and 20", got.Ahead, got.Estimate)
	}
}

func TestIssueRefusedOutsideSessions(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	// Open only in a minute that is never now: one minute before now, for a minute.
	now := time.Now().In(base.Zone).Add(-2 * time.Minute)
	slot := fmt.Sprintf(`[["%s","%s"]]`, now.Format("15:04"), now.Add(time.Minute).Format("15:04"))
	if now.Hour() == 23 && now.Minute() >= 58 || now.Hour() == 0 && now.Minute() < 2 {
		t.Skip("too close to midnight to place a closed slot")
	}
	testkit.SetSessions(t, app, slot)
	kiosk := testkit.MakeDevice(t, app, domain.DeviceKiosk, "kiosk.closed")
	mux := testkit.NewMux(t, app)
	res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/tickets", kiosk.Token, `{"group":"A"}`)
	if res.Code != http.StatusConflict || testkit.ErrKey(res.Body.Bytes()) != "queue.closed" {
		t.Fatalf("outside sessions: %d %s", res.Code, res.Body.String())
	}
	hours := now.Format("15:04") + "–" + now.Add(time.Minute).Format("15:04")
	if !strings.Contains(res.Body.String(), hours) {
		t.Errorf("refusal lacks today's hours %s: %s", hours, res.Body.String())
	}
	if n, _ := app.CountRecords(base.ColTickets); n != 0 {
		t.Errorf("%d tickets saved while closed", n)
	}
	board := testkit.Do(mux, http.MethodGet, "/api/motcua/queue/board", kiosk.Token, "")
	if !strings.Contains(board.Body.String(), `"open":false`) || !strings.Contains(board.Body.String(), hours) {
		t.Errorf("board while closed: %s", board.Body.String())
	}
	// A holiday today closes the whole day.
	testkit.OpenAllDay(t, app)
	hol, _ := app.FindCollectionByNameOrId(base.ColHolidays)
	h := core.NewRecord(hol)
	h.Load(map[string]any{"date": time.Now().In(base.Zone).Format(time.DateOnly) + " 00:00:00.000Z", "name_vi": "Nghỉ", "kind": "holiday", "enabled": true})
	if err := app.Save(h); err != nil {
		t.Fatal(err)
	}
	res = testkit.Do(mux, http.MethodPost, "/api/motcua/queue/tickets", kiosk.Token, `{"group":"A"}`)
	if res.Code != http.StatusConflict || !strings.Contains(res.Body.String(), "—") {
		t.Errorf("holiday: %d %s", res.Code, res.Body.String())
	}
}

// TestCallNextConcurrent is the contract's concurrency test: 50 tickets (some
// priority) in two groups, four counters calling and finishing in parallel
// through the real routes. Every ticket is called exactly once, priority
// tickets before ordinary ones, and each group's order is kept.
func TestCallNextConcurrent(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	counters := []*core.Record{
		testkit.MakeCounter(t, app, 1, "A", "B"), testkit.MakeCounter(t, app, 2, "A", "B"),
		testkit.MakeCounter(t, app, 3, "A"), testkit.MakeCounter(t, app, 4, "B"),
	}
	kiosk := testkit.MakeDevice(t, app, domain.DeviceKiosk, "kiosk.conc")
	mux := testkit.NewMux(t, app)

	// Two kiosks issue at once too: numbers must still be 1..n per group.
	var wg sync.WaitGroup
	var mu sync.Mutex
	tickets := map[string]testkit.Issued{}
	for k := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				n := k*25 + i
				group := "A"
				if n%5 == 1 || n%5 == 3 {
					group = "B"
				}
				tk := testkit.IssueTicket(t, mux, kiosk.Token, group, n%7 == 0)
				mu.Lock()
				tickets[tk.ID] = tk
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(tickets) != 50 {
		t.Fatalf("%d tickets issued, want 50", len(tickets))
	}
	numbers := map[string][]int{}
	for _, tk := range tickets {
		numbers[tk.Code[:1]] = append(numbers[tk.Code[:1]], tk.Number)
	}
	for g, ns := range numbers {
		sort.Ints(ns)
		for i, n := range ns {
			if n != i+1 {
				t.Fatalf("group %s numbers %v, want 1..%d", g, ns, len(ns))
			}
		}
	}

	staff := testkit.MakeStaff(t, app, base.RoleReception, "q.conc")
	calls := map[string]int{}
	perCounter := map[int]int{}
	for _, c := range counters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/call-next", staff.Token, `{"counter":"`+c.Id+`"}`)
				if res.Code == http.StatusNotFound && testkit.ErrKey(res.Body.Bytes()) == "queue.none_waiting" {
					return
				}
				if res.Code != http.StatusOK {
					t.Errorf("counter %d call-next: %d %s", c.GetInt("number"), res.Code, res.Body.String())
					return
				}
				var tk testkit.Issued
				_ = json.Unmarshal(res.Body.Bytes(), &tk)
				mu.Lock()
				calls[tk.ID]++
				perCounter[c.GetInt("number")]++
				mu.Unlock()
				if res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/finish", staff.Token, `{"ticket":"`+tk.ID+`"}`); res.Code != http.StatusOK {
					t.Errorf("finish %s: %d %s", tk.Code, res.Code, res.Body.String())
					return
				}
			}
		}()
	}
	wg.Wait()
	for id, tk := range tickets {
		if calls[id] != 1 {
			t.Errorf("ticket %s called %d times", tk.Code, calls[id])
		}
	}
	t.Logf("calls per counter: %v", perCounter)

	// The order of calls within each group: priority first, then by number.
	recs, err := app.FindRecordsByFilter(base.ColTickets, "", "called_at", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	byGroup := map[string][]*core.Record{}
	for _, r := range recs {
		if r.GetString("status") != domain.TicketDone || r.GetString("counter") == "" {
			t.Errorf("ticket %s ends %s at counter %q", r.GetString("code"), r.GetString("status"), r.GetString("counter"))
		}
		byGroup[r.GetString("letter")] = append(byGroup[r.GetString("letter")], r)
	}
	for g, rs := range byGroup {
		for i := 1; i < len(rs); i++ {
			prev, cur := rs[i-1], rs[i]
			if prev.GetDateTime("called_at").Time().Equal(cur.GetDateTime("called_at").Time()) {
				continue // same millisecond: order not observable
			}
			if !prev.GetBool("priority") && cur.GetBool("priority") {
				t.Errorf("group %s: ordinary %s called before priority %s", g, prev.GetString("code"), cur.GetString("code"))
			}
			if prev.GetBool("priority") == cur.GetBool("priority") && prev.GetInt("number") > cur.GetInt("number") {
				t.Errorf("group %s: %s called before %s", g, prev.GetString("code"), cur.GetString("code"))
			}
		}
	}
	// Counter 3 serves only A and counter 4 only B.
	for _, r := range recs {
		c := r.GetString("counter")
		if c == counters[2].Id && r.GetString("letter") != "A" || c == counters[3].Id && r.GetString("letter") != "B" {
			t.Errorf("ticket %s called at a counter that does not serve its group", r.GetString("code"))
		}
	}
}
