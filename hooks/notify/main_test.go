//go:build !windows

package notify

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/intake"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/sms/fakemodem"
	"motcua/hooks/sms/modem"
	"motcua/hooks/workflow"
)

// The tests drive the real modem driver against the fake modem on a real
// pseudo-terminal (not on Windows), so they are built on Unix only.

func TestMain(m *testing.M) {
	// A fake modem answers at once: shorter waits keep the fault tests
	// (a modem that never answers) short.
	modemConfig = func(port, pin string, log *slog.Logger) modem.Config {
		return modem.Config{Port: port, PIN: pin, CountryCode: "84", MaxParts: maxParts, Logger: log,
			CommandTimeout: 2 * time.Second, SendTimeout: 2 * time.Second, SIMReadyTimeout: 2 * time.Second,
			Settle: 20 * time.Millisecond}
	}
	testkit.Main(m)
}

// newTestApp is a real app with notify registered, and intake and workflow,
// whose events its tests cause over HTTP. Its worker does not start by
// itself: tests call drain.
func newTestApp(t testing.TB) *tests.TestApp {
	app := testkit.NewApp(t, Register, intake.Register, workflow.Register)
	app.Store().Set(manualStoreKey, true)
	return app
}

// rig is a test app with a fake modem set up as its sender.
type rig struct {
	t     *testing.T
	app   *tests.TestApp
	fm    *fakemodem.Modem
	mux   http.Handler
	clock *time.Time // the office clock; nil: real time
}

// newRig makes an app whose SMS go to a fake modem, on and always within
// the sending hours, no cap.
func newRig(t *testing.T, fmOpts fakemodem.Options) *rig {
	t.Helper()
	app := newTestApp(t)
	if fmOpts.Link == "" {
		fmOpts.Link = filepath.Join(t.TempDir(), "ttyUSB0")
	}
	fm, err := fakemodem.New(fmOpts)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() {
		releasePort(fm.Path())
		fm.Close()
	})
	r := &rig{t: t, app: app, fm: fm}
	r.settings(map[string]any{"enabled": true, "sender": senderModem, "modem_port": fm.Path(),
		"send_from": "00:00", "send_until": "24:00", "daily_cap": 0})
	r.mux = testkit.NewMux(t, app)
	return r
}

// settings saves fields on the settings record (as the superuser would).
func (r *rig) settings(fields map[string]any) {
	r.t.Helper()
	rec, err := findSettingsRecord(r.app)
	if err != nil {
		r.t.Fatal(err)
	}
	for k, v := range fields {
		rec.Set(k, v)
	}
	if err := r.app.Save(rec); err != nil {
		r.t.Fatalf("save sms settings %v: %v", fields, err)
	}
}

// setClock sets the office clock (base.Now) of the app.
func (r *rig) setClock(t time.Time) {
	r.clock = &t
	r.app.Store().Set(base.NowStoreKey, func() time.Time { return *r.clock })
}

// drain waits for queued events, then runs worker steps until the worker
// would wait, and returns that wait.
func (r *rig) drain() time.Duration {
	r.t.Helper()
	n := notifierOf(r.app)
	n.pending.Wait()
	for i := 0; i < 50; i++ {
		wait, err := n.step(context.Background())
		if err != nil {
			r.t.Fatalf("worker step: %v", err)
		}
		if wait > 0 {
			return wait
		}
	}
	r.t.Fatal("worker never settled")
	return 0
}

// rows are the outbox rows, oldest first.
func (r *rig) rows() []*core.Record {
	r.t.Helper()
	notifierOf(r.app).pending.Wait()
	var recs []*core.Record
	err := r.app.RecordQuery(base.ColSMSOutbox).OrderBy("rowid ASC").All(&recs)
	if err != nil {
		r.t.Fatal(err)
	}
	return recs
}

// messages are the whole messages the fake modem received, decoded.
func (r *rig) messages() []fakemodem.Message {
	r.t.Helper()
	ms, err := r.fm.Messages()
	if err != nil {
		r.t.Fatalf("decode what the modem got: %v", err)
	}
	return ms
}

// staff makes an account of role.
func (r *rig) staff(role string) testkit.Staff {
	return testkit.MakeStaff(r.t, r.app, role, "sms-"+role)
}
