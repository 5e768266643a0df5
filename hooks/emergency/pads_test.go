package emergency

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// client talks to a real server as one caller.
type client struct {
	t     *testing.T
	url   string
	token string
	ip    string
}

func (c client) do(method, path, body string) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", c.token)
	}
	if c.ip != "" {
		req.Header.Set("X-Forwarded-For", c.ip)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func keyOf(b []byte) string { return testkit.ErrKey(b) }

// fieldKeys reads the keyed field errors of a 400.
func fieldKeys(b []byte) map[string]string {
	var e struct {
		Data map[string]struct {
			Code string `json:"code"`
		} `json:"data"`
	}
	_ = json.Unmarshal(b, &e)
	out := map[string]string{}
	for f, v := range e.Data {
		out[f] = v.Code
	}
	return out
}

// TestPadRoles: every pad route against every caller. Leaders make and print
// pads; reception lists them, sees their sheets and voids a spoiled one;
// processors and field staff are refused; guests must sign in.
func TestPadRoles(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	url := testkit.StartServer(t, app)
	tokens := map[string]string{
		"guest":     "",
		"reception": testkit.MakeStaff(t, app, base.RoleReception, "r.reception").Token,
		"processor": testkit.MakeStaff(t, app, base.RoleProcessor, "r.processor").Token,
		"leader":    testkit.MakeStaff(t, app, base.RoleLeader, "r.leader").Token,
		"field":     testkit.MakeStaff(t, app, base.RoleField, "r.field").Token,
	}
	leader := client{t, url, tokens["leader"], ""}
	code, b := leader.do(http.MethodPost, "/api/motcua/emergency/pads", `{"sheets":3}`)
	if code != http.StatusOK {
		t.Fatalf("leader makes a pad: %d %s", code, b)
	}
	var pad padView
	_ = json.Unmarshal(b, &pad)
	routes := []struct {
		method, path, body string
		ok                 map[string]bool
	}{
		{"GET", "/api/motcua/emergency/pads", "", map[string]bool{"reception": true, "leader": true}},
		{"POST", "/api/motcua/emergency/pads", `{"sheets":1}`, map[string]bool{"leader": true}},
		{"GET", "/api/motcua/emergency/pads/" + pad.ID, "", map[string]bool{"reception": true, "leader": true}},
		{"GET", "/api/motcua/emergency/pads/" + pad.ID + "/print", "", map[string]bool{"leader": true}},
		{"GET", "/api/motcua/emergency/sheets", "", map[string]bool{"reception": true, "leader": true}},
	}
	for _, r := range routes {
		for caller, token := range tokens {
			code, b := client{t, url, token, ""}.do(r.method, r.path, r.body)
			want := http.StatusOK
			switch {
			case caller == "guest":
				want = http.StatusUnauthorized
			case !r.ok[caller]:
				want = http.StatusForbidden
			}
			if code != want {
				t.Errorf("%s %s (%s): %d, want %d %s", r.method, r.path, caller, code, want, b)
			}
		}
	}
	// Void: reception and leaders, one sheet each; the others are refused.
	for i, caller := range []string{"guest", "processor", "field", "reception", "leader"} {
		code, _ := client{t, url, tokens[caller], ""}.do(http.MethodPost, "/api/motcua/emergency/sheets/"+pad.Sheets[i%3].Code+"/void", `{"reason":"rách"}`)
		want := map[string]int{"guest": 401, "processor": 403, "field": 403, "reception": 200, "leader": 200}[caller]
		if code != want {
			t.Errorf("void (%s): %d, want %d", caller, code, want)
		}
	}
	// Key-in: reception only (a leader or the superuser does not receive).
	proc := testkit.ProcByCode(t, app, "1.001193")
	body := keyInBody(proc.Id, pad.Sheets[2].Code, time.Now().Add(-time.Minute))
	for caller, want := range map[string]int{"guest": 401, "processor": 403, "field": 403, "leader": 403} {
		if code, b := (client{t, url, tokens[caller], ""}).do(http.MethodPost, "/api/motcua/intake/emergency", body); code != want {
			t.Errorf("key-in (%s): %d, want %d %s", caller, code, want, b)
		}
	}
	if code, b := (client{t, url, testkit.SuperuserToken(t, app), ""}).do(http.MethodPost, "/api/motcua/intake/emergency", body); code != http.StatusForbidden {
		t.Errorf("key-in (superuser): %d %s", code, b)
	}
	if n, _ := app.CountRecords(base.ColDossiers); n != 0 {
		t.Errorf("%d dossiers after refused key-ins", n)
	}
}

// keyInBody is the intake page's body in emergency-receipt mode: a birth
// registration received at at, on the sheet with code.
func keyInBody(procID, code string, at time.Time) string {
	return testkit.IntakeBody(procID, map[string]any{
		"emergency_code": code, "received_at": at.In(base.Zone).Format("2006-01-02T15:04"),
	})
}

// TestKeyIn: a paper keyed in under its printed code takes the sheet's lookup
// key, the real time of receipt, a due date from that time and entered_late;
// its receive event is dated at that time too, and the sheet is used. Keying
// the same paper again, a voided or unknown code, a time in the future or
// before the pad was printed, each gets its keyed field error and writes
// nothing; a wrong clock refuses first. The status page answers a pad's QR
// "not entered yet" (and a voided one "voided") without counting a failure,
// and the dossier's page once it is keyed in.
func TestKeyIn(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	url := testkit.StartServer(t, app)
	office, _ := domain.FindOffice(app)
	office.Set("public_url", url)
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	leader := client{t, url, testkit.MakeStaff(t, app, base.RoleLeader, "k.leader").Token, ""}
	rec := client{t, url, testkit.MakeStaff(t, app, base.RoleReception, "k.reception").Token, ""}
	proc := testkit.ProcByCode(t, app, "1.001193")
	code, b := leader.do(http.MethodPost, "/api/motcua/emergency/pads", `{"sheets":4,"note":"quầy 1"}`)
	if code != http.StatusOK {
		t.Fatalf("pad: %d %s", code, b)
	}
	var pad padView
	_ = json.Unmarshal(b, &pad)
	sheet := func(i int) *domain.EmergencySheet {
		s, err := domain.FindEmergencySheet(app, pad.Sheets[i].Code)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	// Before key-in: the QR says "not entered yet", in both languages, and
	// more scans than the limiter allows failures are all answered.
	guest := client{t, url, "", "203.0.113.9"}
	qr := "/tra-cuu/" + pad.Sheets[0].Code + "?k=" + sheet(0).LookupKey()
	for i := 0; i < 30; i++ {
		code, b := guest.do(http.MethodGet, qr, "")
		if code != http.StatusOK || !strings.Contains(string(b), i18n.T("vi", "lookup.pad_pending_title")) || !strings.Contains(string(b), i18n.T("km", "lookup.pad_pending_title")) {
			t.Fatalf("pending QR, scan %d: %d %s", i+1, code, b)
		}
	}
	if code, _ := guest.do(http.MethodGet, "/tra-cuu/"+pad.Sheets[0].Code+"?k=wrongwrongwr", ""); code != http.StatusNotFound {
		t.Errorf("a pad code with a wrong key: %d, want the ordinary 404", code)
	}

	// Refusals, each with its field's key, nothing written.
	realAt := time.Now().Add(-2 * time.Minute)
	padPrinted := time.Now().Add(-time.Hour)
	testkit.SetRaw(t, app, base.ColEmergencyPads, pad.ID, "printed_at", base.DBTime(padPrinted))
	leader.do(http.MethodPost, "/api/motcua/emergency/sheets/"+pad.Sheets[3].Code+"/void", `{"reason":"viết sai"}`)
	bad := []struct {
		name, code string
		at         time.Time
		field, key string
	}{
		{"no code", "", realAt, "emergency_code", "error.emergency_code_required"},
		{"unknown code", "000.00.00.H00-010101-0001", realAt, "emergency_code", "error.emergency_code_unknown"},
		{"voided", pad.Sheets[3].Code, realAt, "emergency_code", "error.emergency_code_voided"},
		{"in the future", pad.Sheets[0].Code, time.Now().Add(2 * time.Hour), "received_at", "error.emergency_time_future"},
		{"before the pad", pad.Sheets[0].Code, padPrinted.Add(-24 * time.Hour), "received_at", "error.emergency_time_before_pad"},
	}
	for _, c := range bad {
		code, b := rec.do(http.MethodPost, "/api/motcua/intake/emergency", keyInBody(proc.Id, c.code, c.at))
		if code != http.StatusBadRequest || fieldKeys(b)[c.field] != c.key {
			t.Errorf("%s: %d %s, want 400 with %s: %s", c.name, code, b, c.field, c.key)
		}
	}
	if code, b := rec.do(http.MethodPost, "/api/motcua/intake/emergency", strings.Replace(keyInBody(proc.Id, pad.Sheets[0].Code, realAt), `"received_at"`, `"received_at":"","x_received_at"`, 1)); code != http.StatusBadRequest {
		t.Errorf("an unknown field: %d %s", code, b)
	}
	testkit.SetClock(app, time.Date(2000, 1, 1, 8, 0, 0, 0, base.Zone))
	if code, b := rec.do(http.MethodPost, "/api/motcua/intake/emergency", keyInBody(proc.Id, pad.Sheets[0].Code, realAt)); code != http.StatusConflict || keyOf(b) != "error.clock_behind" {
		t.Errorf("a key-in with the clock back in 2000: %d %s", code, b)
	}
	testkit.ResetClock(app)
	if n, _ := app.CountRecords(base.ColDossiers); n != 0 {
		t.Fatalf("%d dossiers after the refusals", n)
	}

	// The key-in.
	code, b = rec.do(http.MethodPost, "/api/motcua/intake/emergency", keyInBody(proc.Id, pad.Sheets[0].Code, realAt))
	if code != http.StatusOK {
		t.Fatalf("key-in: %d %s", code, b)
	}
	var out struct{ ID string }
	_ = json.Unmarshal(b, &out)
	d, err := domain.FindDossier(app, out.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantDue, _ := domain.DueAt(app, realAt.Truncate(time.Minute), proc.GetInt("processing_hours"))
	if d.Code() != pad.Sheets[0].Code || d.LookupKey() != sheet(0).LookupKey() || !d.GetBool("entered_late") ||
		!d.ReceivedAt().Equal(realAt.Truncate(time.Minute)) || !d.DueAt().Equal(wantDue) || d.Status() != domain.StatusReceived {
		t.Errorf("keyed dossier: code %s key %s late %v received %v due %v (want %v) status %s",
			d.Code(), d.LookupKey(), d.GetBool("entered_late"), d.ReceivedAt(), d.DueAt(), wantDue, d.Status())
	}
	evs, _ := domain.FindDossierEvents(app, d.Id)
	if len(evs) != 1 || evs[0].GetString("action") != domain.EventReceive || !evs[0].GetDateTime("at").Time().Equal(d.ReceivedAt()) {
		t.Errorf("events %v", evs)
	}
	if s := sheet(0); s.State() != domain.SheetUsed || s.GetString("dossier") != d.Id {
		t.Errorf("sheet after key-in: %s %s", s.State(), s.GetString("dossier"))
	}
	// The same paper again: used.
	if code, b := rec.do(http.MethodPost, "/api/motcua/intake/emergency", keyInBody(proc.Id, pad.Sheets[0].Code, realAt)); code != http.StatusBadRequest || fieldKeys(b)["emergency_code"] != "error.emergency_code_used" {
		t.Errorf("the same paper again: %d %s", code, b)
	}
	if n, _ := app.CountRecords(base.ColDossiers); n != 1 {
		t.Errorf("%d dossiers, want 1", n)
	}
	// The printed QR now opens the dossier's status page; the voided one says so.
	if code, b := guest.do(http.MethodGet, qr, ""); code != http.StatusOK || !strings.Contains(string(b), i18n.T("km", "track_status.received")) {
		t.Errorf("QR after key-in: %d", code)
	}
	voided := "/tra-cuu/" + pad.Sheets[3].Code + "?k=" + sheet(3).LookupKey()
	if code, b := guest.do(http.MethodGet, voided, ""); code != http.StatusOK || !strings.Contains(string(b), i18n.T("vi", "lookup.pad_voided_title")) {
		t.Errorf("voided QR: %d %s", code, b)
	}
	code, b = leader.do(http.MethodGet, "/api/motcua/emergency/pads/"+pad.ID, "")
	var after padView
	_ = json.Unmarshal(b, &after)
	if code != http.StatusOK || fmt.Sprint(after.Counts) != fmt.Sprint(map[string]int{"unused": 2, "used": 1, "voided": 1}) ||
		after.Sheets[3].VoidReason != "viết sai" || after.Sheets[0].Dossier != d.Id {
		t.Errorf("pad after: %d %+v", code, after)
	}
}
