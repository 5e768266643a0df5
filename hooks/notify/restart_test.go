//go:build !windows

package notify

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/intake"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/sms/fakemodem"
	"motcua/hooks/workflow"
)

// reopen starts a new app on the data folder dir, as a restarted program
// would, with its worker running, and returns it with a stop function.
func reopen(t *testing.T, dir string) (core.App, func()) {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env", DBConnect: sqlitex.DBConnect})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	testkit.RegisterBase(app)
	Register(app)
	intake.Register(app)
	workflow.Register(app)
	testkit.NewMux(t, app) // serves: the worker starts
	var once sync.Once
	return app, func() {
		once.Do(func() {
			_ = app.OnTerminate().Trigger(&core.TerminateEvent{App: app})
			// Let the worker see its context end before the database closes.
			time.Sleep(100 * time.Millisecond)
			_ = app.ResetBootstrapState()
		})
	}
}

// waitFor polls cond until it holds or a generous deadline passes (a
// deadline for a stuck test, not a timed assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("never: %s", what)
}

// TestRestartWithPendingOutbox: the program stops with notices queued (the
// modem was unplugged) and one in the middle of its send. A new app on the
// same data folder sends the queued ones once each, in order, and leaves the
// interrupted one as maybe_sent; a third start sends nothing more.
func TestRestartWithPendingOutbox(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{})
	rec := r.staff(base.RoleReception)
	r.fm.Unplug()
	d1 := r.intake(rec.Token, map[string]any{"sms_consent": true, "sms_language": "km"})
	d2 := r.intake(rec.Token, map[string]any{"sms_consent": true})
	r.drain() // tries once: unplugged
	// A third notice was being sent when the power went.
	if _, err := enqueue(r.app, domain.SMSNotice{Kind: domain.NoticeVisit, Phone: "0987654321", Values: map[string]string{"site": "x", "date": "y"}}); err != nil {
		t.Fatal(err)
	}
	rows := r.rows()
	rows[2].Set("status", statusSending)
	if err := r.app.Save(rows[2]); err != nil {
		t.Fatal(err)
	}
	// The power cut lasts past the first retry's time.
	rows[0].Set("next_try", base.DateTime(time.Now().Add(-time.Minute)))
	if err := r.app.Save(rows[0]); err != nil {
		t.Fatal(err)
	}
	// A fourth dossier's event committed, and the power went before its
	// notice was queued: the catch-up finds it.
	d3 := r.intake(rec.Token, map[string]any{"sms_consent": true})
	notifierOf(r.app).pending.Wait()
	if err := r.app.Delete(r.rows()[3]); err != nil {
		t.Fatal(err)
	}
	dir := r.app.DataDir()
	_ = r.app.OnTerminate().Trigger(&core.TerminateEvent{App: r.app}) // the data lock goes with the program
	if err := r.app.ResetBootstrapState(); err != nil {
		t.Fatal(err)
	}
	if err := r.fm.Replug(); err != nil {
		t.Fatal(err)
	}

	app2, stop2 := reopen(t, dir)
	defer stop2()
	waitFor(t, "three notices sent after the restart", func() bool {
		ms, _ := r.fm.Messages()
		return len(ms) >= 3
	})
	count := func(app core.App, status string) int {
		recs, err := app.FindRecordsByFilter(base.ColSMSOutbox, "status = {:s}", "", 0, 0, map[string]any{"s": status})
		if err != nil {
			t.Fatal(err)
		}
		return len(recs)
	}
	waitFor(t, "the outbox settles", func() bool { return count(app2, statusSent) == 3 })
	ms := r.messages()
	if len(ms) != 3 {
		t.Fatalf("%d messages after the restart, want 3", len(ms))
	}
	for i, code := range []string{d1.Code(), d2.Code(), d3.Code()} {
		if !strings.Contains(ms[i].Text, code) {
			t.Errorf("message %d: %q, want the code %s", i, ms[i].Text, code)
		}
	}
	if n := count(app2, statusMaybeSent); n != 1 {
		t.Errorf("%d maybe_sent, want the interrupted one", n)
	}
	stop2()

	app3, stop3 := reopen(t, dir)
	defer stop3()
	time.Sleep(time.Second) // give a wrong worker the chance to send again
	if n := len(r.messages()); n != 3 {
		t.Fatalf("a third start sent more: %d messages", n)
	}
	if n := count(app3, statusSent); n != 3 {
		t.Errorf("%d sent after the third start", n)
	}
}

// TestGateway: the same outbox through an HTTP gateway (httptest): the body
// template gets the number and the text, the headers go along, a 503 is
// retried, and the status never shows the URL's path, the headers or the
// body.
func TestGateway(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []string
	var auth []string
	fail := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		mu.Lock()
		f := fail
		bodies = append(bodies, string(b))
		auth = append(auth, req.Header.Get("Authorization"))
		mu.Unlock()
		if f {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, `{"code":"00","message":"ok"}`)
	}))
	t.Cleanup(srv.Close)
	app := newTestApp(t)
	rec, err := findSettingsRecord(app)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("enabled", true)
	rec.Set("sender", senderGateway)
	rec.Set("gateway_url", srv.URL+"/send")
	rec.Set("gateway_method", "POST")
	rec.Set("gateway_headers", map[string]string{"Authorization": "Bearer secret-key"})
	rec.Set("gateway_body", `{"phone":"{{.PhoneIntl}}","text":"{{.Text}}","ref":"{{.ID}}"}`)
	rec.Set("gateway_success", `"code":"00"`)
	rec.Set("send_from", "00:00")
	rec.Set("send_until", "24:00")
	if err := app.Save(rec); err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, app: app}
	now := time.Date(2026, 8, 18, 9, 0, 0, 0, base.Zone)
	r.setClock(now)
	queue := func(site string) {
		if _, err := enqueue(app, domain.SMSNotice{Kind: domain.NoticeVisit, Phone: "0912345678", Language: "vi",
			Values: map[string]string{"site": site, "date": "19/08/2026", "hours": "07:30-11:00"}}); err != nil {
			t.Fatal(err)
		}
	}
	queue("Điểm trường Tà Liêm")
	r.drain()
	rows := r.rows()
	if rows[0].GetString("status") != statusSent || rows[0].GetString("message_id") == "" {
		t.Fatalf("gateway: %s %s", rows[0].GetString("status"), rows[0].GetString("error"))
	}
	mu.Lock()
	if len(bodies) != 1 || !strings.Contains(bodies[0], `"phone":"84912345678"`) || !strings.Contains(bodies[0], "Diem truong Ta Liem") ||
		!strings.Contains(bodies[0], rows[0].GetString("message_id")) || auth[0] != "Bearer secret-key" {
		t.Fatalf("the gateway got %q (%q)", bodies, auth)
	}
	fail = true
	mu.Unlock()

	queue("Ấp Mỹ Hòa")
	r.drain()
	if row := r.rows()[1]; row.GetString("status") != statusFailed || row.GetString("reason") != "rejected" {
		t.Fatalf("503: %s %s", row.GetString("status"), row.GetString("reason"))
	}
	mu.Lock()
	fail = false
	mu.Unlock()
	r.setClock(now.Add(time.Hour))
	r.drain()
	if row := r.rows()[1]; row.GetString("status") != statusSent {
		t.Fatalf("after the 503: %s", row.GetString("status"))
	}
	v, err := buildStatus(app, base.Now(app))
	if err != nil {
		t.Fatal(err)
	}
	if v.Sender != senderGateway || !strings.HasPrefix(v.Device, "127.0.0.1") || !v.Ready {
		t.Errorf("status: %+v", v)
	}
	for _, secret := range []string{"secret-key", "/send", "{{.Text}}"} {
		if strings.Contains(v.Device+v.Detail, secret) {
			t.Errorf("the status shows %q", secret)
		}
	}
}
