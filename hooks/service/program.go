package service

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	kservice "github.com/kardianos/service"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// stopTimeout bounds how long Stop waits for the server; Windows gives a
// service about 20 s at shutdown before it kills it.
const stopTimeout = 18 * time.Second

// program runs the PocketBase server for the service manager. Start serves in
// a goroutine (the manager wants Start to return at once); Stop shuts the app
// down the way PocketBase does on Ctrl+C: it triggers OnTerminate, whose
// handlers close the HTTP server gracefully (apis.Serve binds that), release
// the data-folder lock and close the databases.
type program struct {
	app  core.App
	http string
	// serve runs the server until it stops; apis.Serve by default.
	serve func() error
	// exit ends the process when the server fails (os.Exit): on Windows
	// there is no other way out of the service dispatcher, and a non-zero
	// exit is what makes the service manager restart the service.
	exit func(code int)
	// log receives failures: stderr, and the Windows event log when the
	// service runs under the Service Control Manager.
	log func(msg string)

	mu       sync.Mutex
	stopping bool
	done     chan struct{}
	err      error
}

func newProgram(app core.App, http string, exit func(int), errOut io.Writer) *program {
	p := &program{app: app, http: http, exit: exit, done: make(chan struct{})}
	p.serve = func() error {
		return apis.Serve(p.app, apis.ServeConfig{HttpAddr: p.http, ShowStartBanner: false})
	}
	p.log = func(msg string) { fmt.Fprintln(errOut, msg) }
	// Whoever terminates the app (Stop, or PocketBase on SIGTERM/Ctrl+C), the
	// server stopping afterwards is no failure. Runs before PocketBase's own
	// graceful-shutdown handler (priority -9999).
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id:       "motcua.service.stopping",
		Priority: -10000,
		Func: func(e *core.TerminateEvent) error {
			p.mu.Lock()
			p.stopping = true
			p.mu.Unlock()
			return e.Next()
		},
	})
	return p
}

// Start starts serving and returns at once.
func (p *program) Start(kservice.Service) error {
	go p.run()
	return nil
}

func (p *program) run() {
	err := p.serve()
	p.mu.Lock()
	p.err = err
	stopping := p.stopping
	p.mu.Unlock()
	if !stopping && err != nil {
		// Exit before done is closed: otherwise Run returns, main exits with
		// its own status first, and the failure could be reported as 0.
		// (apis.Serve returns nil once shut down on request.)
		p.log(fmt.Sprintf("motcua: máy chủ không chạy được / the server could not run: %v", err))
		p.terminate()
		p.exit(1)
	}
	close(p.done)
}

// wait blocks until the server has stopped; kardianos calls it (RunWait) on
// Unix instead of installing its own signal handler, so SIGTERM is handled by
// PocketBase alone, exactly as for "serve".
func (p *program) wait() { <-p.done }

// Stop shuts the server down and waits for it, bounded by stopTimeout.
func (p *program) Stop(kservice.Service) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	p.mu.Lock()
	already := p.stopping
	p.mu.Unlock()
	if !already {
		p.terminate()
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(stopTimeout):
		return fmt.Errorf("the server did not stop within %s", stopTimeout)
	}
}

// terminate triggers the app's OnTerminate hooks and closes its databases, as
// pocketbase.Execute does after a signal.
func (p *program) terminate() {
	ev := &core.TerminateEvent{App: p.app}
	err := p.app.OnTerminate().Trigger(ev, func(e *core.TerminateEvent) error {
		return e.App.ResetBootstrapState()
	})
	if err != nil {
		p.log(fmt.Sprintf("motcua: shutdown: %v", err))
	}
}

// Err is the server's error once it has stopped (nil for a clean stop).
func (p *program) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// errNoManager says no service manager was found (a Linux without systemd
// and without a supported init system).
var errNoManager = errors.New("no service manager found (systemd or Windows)")
