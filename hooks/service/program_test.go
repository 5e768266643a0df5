package service

import (
	"bytes"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// newApp is a bootstrapped PocketBase app on a temp folder.
func newApp(t *testing.T) *core.BaseApp {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.ResetBootstrapState() })
	return app
}

// serveOn makes the app's server use ln (a port chosen by the OS).
func serveOn(app core.App, ln net.Listener) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Listener = ln
		return se.Next()
	})
}

// exits records the codes a program exits with.
type exits struct {
	mu    sync.Mutex
	codes []int
	ch    chan int
}

func newExits() *exits { return &exits{ch: make(chan int, 4)} }

func (e *exits) exit(code int) {
	e.mu.Lock()
	e.codes = append(e.codes, code)
	e.mu.Unlock()
	e.ch <- code
}

func (e *exits) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.codes)
}

// waitHealthy polls /api/health until it answers 200 (a bounded wait for the
// server to come up, not a timing check).
func waitHealthy(t *testing.T, base string) {
	t.Helper()
	for i := 0; i < 300; i++ {
		resp, err := http.Get(base + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s/api/health never answered 200", base)
}

// TestProgramServesAndStops: Start serves PocketBase over real HTTP; Stop (what
// the Windows Service Control Manager calls) shuts the server down, closes the
// databases and does not exit the process.
func TestProgramServesAndStops(t *testing.T) {
	app := newApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveOn(app, ln)
	ex := newExits()
	var logs bytes.Buffer
	p := newProgram(app, ln.Addr().String(), ex.exit, &logs)
	if err := p.Start(nil); err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	waitHealthy(t, base)
	if err := p.Stop(nil); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(base + "/api/health"); err == nil {
		resp.Body.Close()
		t.Errorf("server still answers after Stop: %d", resp.StatusCode)
	}
	if app.IsBootstrapped() {
		t.Error("databases still open after Stop")
	}
	if ex.count() != 0 || p.Err() != nil {
		t.Errorf("exit codes %v, err %v after a clean stop", ex.codes, p.Err())
	}
	if err := p.Stop(nil); err != nil {
		t.Errorf("a second Stop: %v", err)
	}
	if logs.Len() != 0 {
		t.Errorf("logged on a clean stop: %s", logs.String())
	}
}

// TestProgramExitsWhenServerFails: a server that cannot start (its port taken
// by another program) makes the process exit with status 1, which the service
// manager answers with a restart; the reason is logged in both languages.
func TestProgramExitsWhenServerFails(t *testing.T) {
	app := newApp(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	ex := newExits()
	var logs syncBuffer
	p := newProgram(app, busy.Addr().String(), ex.exit, &logs)
	if err := p.Start(nil); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-ex.ch:
		if code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the program did not exit after the server failed")
	}
	msg := logs.String()
	if !strings.Contains(msg, "không chạy được") || !strings.Contains(msg, "could not run") || !strings.Contains(msg, "in use") {
		t.Errorf("log %q", msg)
	}
	if app.IsBootstrapped() {
		t.Error("databases left open before exiting")
	}
}

// TestProgramAfterPocketBaseTerminates: on Linux SIGTERM reaches PocketBase's
// own handler, which terminates the app; the server stopping then is no
// failure, and the service manager's Stop afterwards returns at once.
func TestProgramAfterPocketBaseTerminates(t *testing.T) {
	app := newApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveOn(app, ln)
	ex := newExits()
	p := newProgram(app, ln.Addr().String(), ex.exit, &bytes.Buffer{})
	if err := p.Start(nil); err != nil {
		t.Fatal(err)
	}
	waitHealthy(t, "http://"+ln.Addr().String())
	// What pocketbase.Execute does after a signal.
	err = app.OnTerminate().Trigger(&core.TerminateEvent{App: app}, func(e *core.TerminateEvent) error {
		return e.App.ResetBootstrapState()
	})
	if err != nil {
		t.Fatal(err)
	}
	p.wait()
	if err := p.Stop(nil); err != nil {
		t.Fatal(err)
	}
	if ex.count() != 0 || p.Err() != nil {
		t.Errorf("exit codes %v, err %v", ex.codes, p.Err())
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
