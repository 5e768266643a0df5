package queue

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
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

// callAs posts call-next for counter with token and returns the status and the body.
func callAs(mux http.Handler, token, counter string) (int, map[string]any) {
	res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/call-next", token, `{"counter":"`+counter+`"}`)
	var out map[string]any
	_ = json.Unmarshal(res.Body.Bytes(), &out)
	return res.Code, out
}

func finishTicket(t *testing.T, mux http.Handler, token string, ticket map[string]any) {
	t.Helper()
	if res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/finish", token, `{"ticket":"`+ticket["id"].(string)+`"}`); res.Code != http.StatusOK {
		t.Fatalf("finish %v: %d %s", ticket["code"], res.Code, res.Body.String())
	}
}

// backdate makes a ticket look issued ago (its wait for a counter of its language is over).
func backdate(t *testing.T, app core.App, id string, ago time.Duration) {
	t.Helper()
	if _, err := app.DB().NewQuery("UPDATE tickets SET issued_at = {:at} WHERE id = {:id}").
		Bind(dbx.Params{"at": base.DBTime(time.Now().Add(-ago)), "id": id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

// TestCallNextRoutesByLanguage: a counter calls tickets in the languages its
// officer serves, priority first; a ticket in another language only once it has
// waited the office's wait (10 minutes unless set), and then in queue order with
// the rest; tickets with no language and officers with no declared language
// take part as before.
func TestCallNextRoutesByLanguage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	c1 := testkit.MakeCounter(t, app, 1, "A")
	c2 := testkit.MakeCounter(t, app, 2, "A")
	viOfficer := testkit.MakeStaff(t, app, base.RoleReception, "lang.vi")
	kmOfficer := testkit.MakeStaff(t, app, base.RoleReception, "lang.km")
	anyOfficer := testkit.MakeStaff(t, app, base.RoleReception, "lang.any")
	testkit.SetServesLanguages(t, app, viOfficer, "vi")
	testkit.SetServesLanguages(t, app, kmOfficer, "vi", "km")
	kiosk := testkit.MakeDevice(t, app, domain.DeviceKiosk, "lang.kiosk")
	mux := testkit.NewMux(t, app)

	a1 := testkit.IssueTicketIn(t, mux, kiosk.Token, "A", "vi", false)
	a2 := testkit.IssueTicketIn(t, mux, kiosk.Token, "A", "km", false)
	a3 := testkit.IssueTicketIn(t, mux, kiosk.Token, "A", "km", true)
	a4 := testkit.IssueTicketIn(t, mux, kiosk.Token, "A", "vi", false)
	if tk, _ := domain.FindTicket(app, a2.ID); tk.GetString("language") != "km" {
		t.Fatalf("ticket language saved as %q, want km", tk.GetString("language"))
	}

	// The Vietnamese-only counter passes over both Khmer tickets, even the priority one.
	var got []string
	for range 2 {
		code, tk := callAs(mux, viOfficer.Token, c1.Id)
		if code != http.StatusOK {
			t.Fatalf("vi counter call: %d %v", code, tk)
		}
		got = append(got, tk["code"].(string))
		if langs, _ := tk["called_languages"].([]any); len(langs) != 1 || langs[0] != "vi" {
			t.Errorf("%s called_languages %v, want [vi]", tk["code"], tk["called_languages"])
		}
		finishTicket(t, mux, viOfficer.Token, tk)
	}
	if want := []string{a1.Code, a4.Code}; !slices.Equal(got, want) {
		t.Errorf("vi counter called %v, want %v", got, want)
	}
	code, out := callAs(mux, viOfficer.Token, c1.Id)
	data, _ := out["data"].(map[string]any)
	if code != http.StatusNotFound || data["key"] != "queue.none_waiting_language" || data["waiting_other_language"] != float64(2) {
		t.Errorf("vi counter with only Khmer tickets left: %d %v", code, out)
	}
	if m, _ := data["minutes"].(float64); m < 9 || m > 10 || !strings.Contains(data["km"].(string), "ភាសាផ្សេង") {
		t.Errorf("the refusal says the Khmer tickets come in %v minutes: %v", data["minutes"], data)
	}

	// The Khmer-speaking counter: priority first.
	code, tk := callAs(mux, kmOfficer.Token, c2.Id)
	if code != http.StatusOK || tk["code"] != a3.Code {
		t.Fatalf("km counter first call: %d %v, want %s", code, tk, a3.Code)
	}
	finishTicket(t, mux, kmOfficer.Token, tk)

	// A2 has now waited 11 minutes: the Vietnamese-only counter takes it, in
	// queue order before a newer Vietnamese ticket.
	backdate(t, app, a2.ID, 11*time.Minute)
	a5 := testkit.IssueTicketIn(t, mux, kiosk.Token, "A", "vi", false)
	code, tk = callAs(mux, viOfficer.Token, c1.Id)
	if code != http.StatusOK || tk["code"] != a2.Code {
		t.Fatalf("overdue Khmer ticket: vi counter called %d %v, want %s", code, tk, a2.Code)
	}
	finishTicket(t, mux, viOfficer.Token, tk)
	code, tk = callAs(mux, viOfficer.Token, c1.Id)
	if code != http.StatusOK || tk["code"] != a5.Code {
		t.Fatalf("then %d %v, want %s", code, tk, a5.Code)
	}
	finishTicket(t, mux, viOfficer.Token, tk)

	// Priority first among overdue and own-language tickets alike.
	b1 := testkit.IssueTicketIn(t, mux, kiosk.Token, "A", "vi", false)
	b2 := testkit.IssueTicketIn(t, mux, kiosk.Token, "A", "km", true)
	backdate(t, app, b2.ID, 12*time.Minute)
	code, tk = callAs(mux, viOfficer.Token, c1.Id)
	if code != http.StatusOK || tk["code"] != b2.Code {
		t.Fatalf("overdue priority Khmer vs new Vietnamese: called %v, want %s", tk["code"], b2.Code)
	}
	finishTicket(t, mux, viOfficer.Token, tk)
	code, tk = callAs(mux, viOfficer.Token, c1.Id)
	if code != http.StatusOK || tk["code"] != b1.Code {
		t.Fatalf("called %v, want %s", tk["code"], b1.Code)
	}
	finishTicket(t, mux, viOfficer.Token, tk)

	// The office's wait: 30 minutes, so 11 minutes is not enough any more.
	office, err := domain.FindOffice(app)
	if err != nil {
		t.Fatal(err)
	}
	office.Set("queue_language_wait_minutes", 30)
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	c1km := testkit.IssueTicketIn(t, mux, kiosk.Token, "A", "km", false)
	backdate(t, app, c1km.ID, 11*time.Minute)
	if code, out := callAs(mux, viOfficer.Token, c1.Id); code != http.StatusNotFound {
		t.Errorf("with a 30-minute wait the vi counter called an 11-minute Khmer ticket: %d %v", code, out)
	}
	// An officer with no declared language calls every language, and a ticket
	// with no language goes to any counter.
	code, tk = callAs(mux, anyOfficer.Token, c1.Id)
	if code != http.StatusOK || tk["code"] != c1km.Code {
		t.Fatalf("undeclared officer: %d %v, want %s", code, tk, c1km.Code)
	}
	if langs, _ := tk["called_languages"].([]any); len(langs) != 0 {
		t.Errorf("undeclared officer's call keeps languages %v", langs)
	}
	finishTicket(t, mux, anyOfficer.Token, tk)
	none := testkit.IssueTicketIn(t, mux, kiosk.Token, "A", "", false)
	code, tk = callAs(mux, viOfficer.Token, c1.Id)
	if code != http.StatusOK || tk["code"] != none.Code || tk["language"] != "" {
		t.Fatalf("ticket with no language: %d %v", code, tk)
	}
}

// TestTicketLanguageChecksAndChange: the kiosk's language is checked, a counter
// officer can change it on a ticket still open (not on a closed one, and not a
// device or a processor), and a transfer keeps it.
func TestTicketLanguageChecksAndChange(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	c := testkit.MakeCounter(t, app, 1, "A")
	staff := testkit.MakeStaff(t, app, base.RoleReception, "lc.reception")
	processor := testkit.MakeStaff(t, app, base.RoleProcessor, "lc.processor")
	kiosk := testkit.MakeDevice(t, app, domain.DeviceKiosk, "lc.kiosk")
	mux := testkit.NewMux(t, app)

	for _, bad := range []string{`"fr"`, `"KM"`, `"vi "`, `1`} {
		res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/tickets", kiosk.Token, `{"group":"A","language":`+bad+`}`)
		if res.Code != http.StatusBadRequest || (bad != `1` && !strings.Contains(res.Body.String(), "queue.language_invalid")) {
			t.Errorf("language %s: %d %s", bad, res.Code, res.Body.String())
		}
	}
	if n, _ := app.CountRecords(base.ColTickets); n != 0 {
		t.Fatalf("%d tickets saved from bad input", n)
	}
	tk := testkit.IssueTicketIn(t, mux, kiosk.Token, "A", "vi", false)
	set := func(token, ticket, lang string) (int, string) {
		res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/language", token, fmt.Sprintf(`{"ticket":%q,"language":%q}`, ticket, lang))
		return res.Code, res.Body.String()
	}
	for _, who := range []testkit.Staff{processor, kiosk} {
		if code, body := set(who.Token, tk.ID, "km"); code != http.StatusForbidden {
			t.Errorf("%s changes a ticket's language: %d %s", who.Record.GetString("username"), code, body)
		}
	}
	if code, body := set(staff.Token, tk.ID, "xx"); code != http.StatusBadRequest || !strings.Contains(body, "queue.language_invalid") {
		t.Errorf("bad language: %d %s", code, body)
	}
	if code, body := set(staff.Token, "nosuchticket000", "km"); code != http.StatusNotFound {
		t.Errorf("unknown ticket: %d %s", code, body)
	}
	if code, body := set(staff.Token, tk.ID, "km"); code != http.StatusOK || !strings.Contains(body, `"language":"km"`) {
		t.Fatalf("change to km: %d %s", code, body)
	}
	code, called := callAs(mux, staff.Token, c.Id)
	if code != http.StatusOK || called["language"] != "km" {
		t.Fatalf("call: %d %v", code, called)
	}
	if code, body := set(staff.Token, tk.ID, "vi"); code != http.StatusOK {
		t.Errorf("change while called: %d %s", code, body)
	}
	res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/transfer", staff.Token, `{"ticket":"`+tk.ID+`","group":"B"}`)
	var moved map[string]any
	_ = json.Unmarshal(res.Body.Bytes(), &moved)
	if res.Code != http.StatusOK || moved["language"] != "vi" {
		t.Errorf("transfer: %d %v, want the copy in vi", res.Code, moved)
	}
	if code, _ := set(staff.Token, tk.ID, "km"); code != http.StatusConflict {
		t.Errorf("change on a transferred ticket: %d, want 409", code)
	}
	// The board splits each group's waiting tickets by language.
	testkit.IssueTicketIn(t, mux, kiosk.Token, "B", "km", false)
	board := testkit.Do(mux, http.MethodGet, "/api/motcua/queue/board", kiosk.Token, "")
	if !strings.Contains(board.Body.String(), `"waiting":2,"waiting_by_language":{"km":1,"vi":1}`) {
		t.Errorf("board does not split B's waiting tickets by language: %s", board.Body.String())
	}
}

// TestCallNextConcurrentMixedLanguages extends the race test to languages: four
// counters whose officers serve Vietnamese, both, Khmer only and nothing
// declared call at once over 64 tickets in two groups and two languages (some
// priority, some already past the language wait). Every ticket is called
// exactly once; each call was one the rules allow (the counter serves the
// ticket's group, and its language or the wait was over); and no call passed
// over a ticket the same counter could have called that ranked before it.
func TestCallNextConcurrentMixedLanguages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	type desk struct {
		counter *core.Record
		officer testkit.Staff
		langs   []string
	}
	desks := []desk{
		{testkit.MakeCounter(t, app, 1, "A", "B"), testkit.MakeStaff(t, app, base.RoleReception, "mix.vi"), []string{"vi"}},
		{testkit.MakeCounter(t, app, 2, "A", "B"), testkit.MakeStaff(t, app, base.RoleReception, "mix.both"), []string{"vi", "km"}},
		{testkit.MakeCounter(t, app, 3, "A"), testkit.MakeStaff(t, app, base.RoleReception, "mix.km"), []string{"km"}},
		{testkit.MakeCounter(t, app, 4, "B"), testkit.MakeStaff(t, app, base.RoleLeader, "mix.any"), nil},
	}
	for _, d := range desks {
		testkit.SetServesLanguages(t, app, d.officer, d.langs...)
	}
	kiosk := testkit.MakeDevice(t, app, domain.DeviceKiosk, "mix.kiosk")
	mux := testkit.NewMux(t, app)

	var wg sync.WaitGroup
	var mu sync.Mutex
	issued := map[string]testkit.Issued{}
	for k := range 2 {
		wg.Go(func() {
			for i := range 32 {
				n := k*32 + i
				group, lang := "A", "km"
				if n%3 == 1 {
					group = "B"
				}
				if n%9 < 4 { // 4 in 9 Vietnamese, about 56 % Khmer
					lang = "vi"
				}
				tk := testkit.IssueTicketIn(t, mux, kiosk.Token, group, lang, n%7 == 0)
				mu.Lock()
				issued[tk.ID] = tk
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(issued) != 64 {
		t.Fatalf("%d tickets issued, want 64", len(issued))
	}
	// A few Khmer tickets have waited long already: any counter may take them.
	n := 0
	for id, tk := range issued {
		if r, _ := domain.FindTicket(app, id); r.GetString("language") == "km" && n < 6 && tk.Number%4 == 0 {
			backdate(t, app, id, 15*time.Minute)
			n++
		}
	}

	calls := map[string]int{}
	for _, d := range desks {
		wg.Go(func() {
			for {
				code, tk := callAs(mux, d.officer.Token, d.counter.Id)
				if code == http.StatusNotFound {
					return
				}
				if code != http.StatusOK {
					t.Errorf("counter %d call-next: %d %v", d.counter.GetInt("number"), code, tk)
					return
				}
				mu.Lock()
				calls[tk["id"].(string)]++
				mu.Unlock()
				if res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/finish", d.officer.Token, `{"ticket":"`+tk["id"].(string)+`"}`); res.Code != http.StatusOK {
					t.Errorf("finish: %d %s", res.Code, res.Body.String())
					return
				}
			}
		})
	}
	wg.Wait()
	for id, tk := range issued {
		if calls[id] != 1 {
			t.Errorf("ticket %s called %d times", tk.Code, calls[id])
		}
	}

	recs, err := app.FindRecordsByFilter(base.ColTickets, "", "called_at", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	deskOf := map[string]desk{}
	for _, d := range desks {
		deskOf[d.counter.Id] = d
	}
	wait := domain.LanguageWait(app)
	eligible := func(d desk, r *core.Record, at time.Time) bool {
		if !slices.Contains(d.counter.GetStringSlice("groups"), r.GetString("group")) {
			return false
		}
		lang := r.GetString("language")
		return len(d.langs) == 0 || lang == "" || slices.Contains(d.langs, lang) || !r.GetDateTime("issued_at").Time().After(at.Add(-wait))
	}
	before := func(a, b *core.Record) bool { // a ranks before b in the queue
		if a.GetBool("priority") != b.GetBool("priority") {
			return a.GetBool("priority")
		}
		return a.GetDateTime("issued_at").Time().Before(b.GetDateTime("issued_at").Time())
	}
	perCounter := map[int]map[string]int{}
	for _, r := range recs {
		d, ok := deskOf[r.GetString("counter")]
		if !ok || r.GetString("status") != domain.TicketDone {
			t.Errorf("ticket %s ends %s at counter %q", r.GetString("code"), r.GetString("status"), r.GetString("counter"))
			continue
		}
		at := r.GetDateTime("called_at").Time()
		if !eligible(d, r, at) {
			t.Errorf("counter %d (%v) called %s in %s before its wait was over", d.counter.GetInt("number"), d.langs, r.GetString("code"), r.GetString("language"))
		}
		if got := r.GetStringSlice("called_languages"); !slices.Equal(got, d.langs) && len(got)+len(d.langs) > 0 {
			t.Errorf("%s called_languages %v, want %v", r.GetString("code"), got, d.langs)
		}
		num := d.counter.GetInt("number")
		if perCounter[num] == nil {
			perCounter[num] = map[string]int{}
		}
		perCounter[num][r.GetString("language")]++
		// Nothing this counter could call then ranked before the ticket it called.
		for _, o := range recs {
			oAt := o.GetDateTime("called_at").Time()
			if o.Id == r.Id || !oAt.After(at) || o.GetDateTime("issued_at").Time().After(at) {
				continue // called before (or in the same millisecond), or not issued yet
			}
			if eligible(d, o, at) && before(o, r) {
				t.Errorf("counter %d called %s while %s (%s, priority %v) was waiting ahead of it", num,
					r.GetString("code"), o.GetString("code"), o.GetString("language"), o.GetBool("priority"))
			}
		}
	}
	t.Logf("calls per counter and language: %v", perCounter)
	if perCounter[3]["vi"] > 0 {
		t.Errorf("the Khmer-only counter called %d Vietnamese tickets", perCounter[3]["vi"])
	}
}
