package hooks

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/devseed"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// The first run, as a newcomer meets it: the demo seed on an office already
// set up, the demo's accounts and devices at work in the queue, and the
// warnings about a public URL phones cannot open.

// officeFacts are the office fields the IT person sets up in /_/.
var officeFacts = []string{"name_vi", "name_km", "agency_code", "address", "phone", "public_url",
	"place_vi", "place_km", "sessions", "same_day_cutoff", "receipt_paper", "updated"}

func officeSnapshot(t *testing.T, app core.App) map[string]string {
	t.Helper()
	o, err := domain.FindOffice(app)
	if err != nil {
		t.Fatal(err)
	}
	snap := map[string]string{}
	for _, f := range officeFacts {
		b, _ := json.Marshal(o.Get(f))
		snap[f] = string(b)
	}
	return snap
}

// TestSeedDemoKeepsOffice: on an office already set up in /_/ the demo seed
// fills only what is still the first start's default, and a second run
// changes nothing at all (the record is not even saved again).
func TestSeedDemoKeepsOffice(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	o, err := domain.FindOffice(app)
	if err != nil {
		t.Fatal(err)
	}
	setUp := map[string]any{
		"name_vi":     "Trung tâm Phục vụ hành chính công xã Tân Thạnh",
		"agency_code": "000.00.21.H60",
		"public_url":  "http://192.168.5.20:8090",
		"sessions":    `{"mon":[["07:30","11:00"]],"tue":[["07:30","11:00"]],"wed":[],"thu":[],"fri":[],"sat":[],"sun":[]}`,
	}
	for k, v := range setUp {
		o.Set(k, v)
	}
	if err := app.Save(o.Record); err != nil {
		t.Fatal(err)
	}
	before := officeSnapshot(t, app)

	var out bytes.Buffer
	if err := devseed.SeedDemo(app, &out); err != nil {
		t.Fatal(err)
	}
	after := officeSnapshot(t, app)
	for _, f := range []string{"name_vi", "agency_code", "public_url", "sessions"} {
		if after[f] != before[f] {
			t.Errorf("demo seed changed %s set up in /_/: %s → %s", f, before[f], after[f])
		}
	}
	// What was still the default is the demo's now.
	if !strings.Contains(after["name_km"], "សាកល្បង") || !strings.Contains(after["address"], "Mỹ Hương") || after["place_vi"] != `"Mỹ Hương"` {
		t.Errorf("demo seed left defaults unfilled: name_km %s address %s place %s", after["name_km"], after["address"], after["place_vi"])
	}
	if !strings.Contains(out.String(), "kept as set up in /_/: name_vi, agency_code, public_url, sessions") {
		t.Errorf("demo seed does not say what it kept:\n%s", out.String())
	}

	out.Reset()
	if err := devseed.SeedDemo(app, &out); err != nil {
		t.Fatal(err)
	}
	again := officeSnapshot(t, app)
	for _, f := range officeFacts {
		if again[f] != after[f] {
			t.Errorf("second demo seed changed %s: %s → %s", f, after[f], again[f])
		}
	}
	for _, col := range []string{base.ColStaff, base.ColCounters, base.ColDevices} {
		if n, _ := app.CountRecords(col); n == 0 {
			t.Errorf("no %s after the demo seed", col)
		}
	}
	if strings.Contains(out.String(), "password:") || !strings.Contains(out.String(), "unchanged") {
		t.Errorf("second run:\n%s", out.String())
	}
}

// TestSeedDemoQueueWorks: after the demo seed every queue page has what it
// needs, signed in with the passwords the seed printed: the kiosk issues a
// ticket, the reception account calls it at its counter, the TV's board
// shows it called.
func TestSeedDemoQueueWorks(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	var out bytes.Buffer
	if err := devseed.SeedDemo(app, &out); err != nil {
		t.Fatal(err)
	}
	// The demo's own sessions would make this test depend on the hour.
	testkit.OpenAllDay(t, app)
	passwords := map[string]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 4 && f[2] == "password:" {
			passwords[f[1]] = f[3]
		}
	}
	mux := testkit.NewMux(t, app)
	signIn := func(col, user string) string {
		t.Helper()
		b, _ := json.Marshal(map[string]string{"identity": user, "password": passwords[user]})
		res := testkit.Do(mux, http.MethodPost, "/api/collections/"+col+"/auth-with-password", "", string(b))
		if res.Code != http.StatusOK {
			t.Fatalf("%s signs in with the printed password: %d %s\n%s", user, res.Code, res.Body.String(), out.String())
		}
		var a struct{ Token string }
		_ = json.Unmarshal(res.Body.Bytes(), &a)
		return a.Token
	}
	kiosk, tv, clerk := signIn(base.ColDevices, "demo.kiosk"), signIn(base.ColDevices, "demo.tv"), signIn(base.ColStaff, "demo.reception")

	var board struct {
		Groups []struct {
			ID     string `json:"id"`
			Letter string `json:"letter"`
		} `json:"groups"`
		Counters []struct {
			ID      string         `json:"id"`
			Number  int            `json:"number"`
			Current map[string]any `json:"current"`
		} `json:"counters"`
	}
	readBoard := func(token string) {
		t.Helper()
		res := testkit.Do(mux, http.MethodGet, "/api/motcua/queue/board", token, "")
		if res.Code != http.StatusOK {
			t.Fatalf("board: %d %s", res.Code, res.Body.String())
		}
		board.Groups, board.Counters = nil, nil
		if err := json.Unmarshal(res.Body.Bytes(), &board); err != nil {
			t.Fatal(err)
		}
	}
	readBoard(kiosk)
	if len(board.Groups) == 0 || len(board.Counters) == 0 {
		t.Fatalf("the kiosk sees %d groups and %d counters after the demo seed", len(board.Groups), len(board.Counters))
	}
	// The kiosk issues a ticket in the last group; counter 1, the reception
	// account's, calls it.
	group := board.Groups[len(board.Groups)-1]
	ticket := testkit.IssueTicket(t, mux, kiosk, group.ID, false)
	var counter string
	for _, c := range board.Counters {
		if c.Number == 1 {
			counter = c.ID
		}
	}
	res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/call-next", clerk, `{"counter":"`+counter+`"}`)
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), ticket.ID) {
		t.Fatalf("counter 1 calls: %d %s, want ticket %s", res.Code, res.Body.String(), ticket.Code)
	}
	readBoard(tv)
	shown := false
	for _, c := range board.Counters {
		if c.ID == counter && c.Current != nil && c.Current["id"] == ticket.ID {
			shown = true
		}
	}
	if !shown {
		t.Errorf("the TV's board does not show ticket %s called at counter 1: %+v", ticket.Code, board.Counters)
	}
}

// TestPublicURLWarnings: while public_url is a loopback address the office
// record says so (the start page reads the flag) and serve's first lines
// warn, in Vietnamese and English; a LAN address silences both.
func TestPublicURLWarnings(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	se := &core.ServeEvent{App: app, Server: &http.Server{Addr: "0.0.0.0:8090"}}
	reachable := func() (bool, bool) {
		res := testkit.Do(mux, http.MethodGet, "/api/collections/office/records?perPage=1", "", "")
		var page struct {
			Items []map[string]any `json:"items"`
		}
		_ = json.Unmarshal(res.Body.Bytes(), &page)
		if len(page.Items) != 1 {
			t.Fatalf("office list: %d %s", res.Code, res.Body.String())
		}
		v, ok := page.Items[0]["public_url_reachable"].(bool)
		return v, ok
	}
	for _, c := range []struct {
		url  string
		warn bool
	}{
		{"http://localhost:8090", true}, {"http://127.0.0.1:8090/", true}, {"http://[::1]:8090", true},
		{"http://192.168.1.10:8090", false}, {"https://motcua.myhuong.gov.vn", false},
	} {
		o, _ := domain.FindOffice(app)
		o.Set("public_url", c.url)
		if err := app.Save(o.Record); err != nil {
			t.Fatal(err)
		}
		ok, present := reachable()
		if !present || ok == c.warn {
			t.Errorf("%s: office answers public_url_reachable %v (present %v), want %v", c.url, ok, present, !c.warn)
		}
		var banner bytes.Buffer
		printBanner(&banner, se)
		text := banner.String()
		warned := strings.Contains(text, "public_url")
		if warned != c.warn {
			t.Errorf("%s: serve's banner warns %v, want %v:\n%s", c.url, warned, c.warn, text)
		}
		if c.warn {
			lines := strings.Split(text, "\n")
			url := strings.TrimSuffix(c.url, "/")
			if !strings.Contains(lines[0], "CẢNH BÁO") || !strings.Contains(lines[0], url) || !strings.Contains(lines[1], "WARNING") ||
				!strings.Contains(lines[1], url) || strings.Contains(text, i18n.T("en", "banner.public_url_unset")) {
				t.Errorf("%s: serve's first two lines are not the warning in Vietnamese and English:\n%s", c.url, text)
			}
		}
	}
}
