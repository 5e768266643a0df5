package hooks

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// The memory test of issue 15 (finding 3): no request from anyone may make
// the server hold more than a small, fixed amount of memory. A 1 GB post from
// a guest to every route of the appliance that takes a body must leave the
// real binary's resident memory under 200 MB.
//
//	go test ./hooks -run TestMemoryOfHugeBodies -v
//
// The routes come from the router itself (every route PocketBase and motcua
// bind, walked as it is built), so a route added later is posted to without
// anyone remembering to list it. Each gets the body an attacker would choose
// for it: an endless JSON string (what a JSON decoder buffers whole), an
// endless multipart file part for routes that take files, and for the field
// routes a bundle header naming a kit the centre does not know, followed by
// endless bytes. The body is generated as it is sent and the test stops
// sending once the server has answered or closed, so neither side ever holds
// a gigabyte, and each route costs a second or so.

// rssLimit is the bound of the issue; abortRSS stops the test (and the server)
// long before a runaway route could push the machine into swap.
const (
	rssLimit = 200 << 20
	abortRSS = 700 << 20
	hugeBody = 1 << 30
)

// bodyRoute is one route that may take a body, as the router holds it.
type bodyRoute struct{ Method, Pattern string }

// bodyRoutes walks the appliance's router, built as "motcua serve" builds it,
// and returns every route whose method may carry a body.
func bodyRoutes(t *testing.T) []bodyRoute {
	t.Helper()
	app := newTestApp(t)
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: r, Server: &http.Server{}}
	if err := app.OnServe().Trigger(se, func(e *core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	var out []bodyRoute
	walkRoutes(t, reflect.ValueOf(r.RouterGroup), "", func(method, path string) {
		switch method {
		case "", http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			out = append(out, bodyRoute{method, path})
		}
	})
	if len(out) < 20 {
		t.Fatalf("found only %d body routes in the router: has PocketBase's router changed shape?", len(out))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pattern+out[i].Method < out[j].Pattern+out[j].Method })
	return out
}

// walkRoutes visits the routes of a router group and its subgroups. The
// group's children are not exported, so they are read by reflection (read
// only); if PocketBase renames them, this fails loudly rather than posting
// to no route.
func walkRoutes(t *testing.T, group reflect.Value, prefix string, visit func(method, path string)) {
	t.Helper()
	g := group.Elem()
	prefix += g.FieldByName("Prefix").String()
	children := g.FieldByName("children")
	if !children.IsValid() {
		t.Fatalf("router group has no children field: PocketBase's router changed")
	}
	for i := 0; i < children.Len(); i++ {
		c := children.Index(i).Elem() // *Route or *RouterGroup
		switch c.Type().String() {
		case reflect.TypeOf(&router.Route[*core.RequestEvent]{}).String():
			visit(c.Elem().FieldByName("Method").String(), prefix+c.Elem().FieldByName("Path").String())
		case reflect.TypeOf(&router.RouterGroup[*core.RequestEvent]{}).String():
			walkRoutes(t, c, prefix, visit)
		default:
			t.Fatalf("unknown router child %s", c.Type())
		}
	}
}

// wildcard matches a path parameter of a route pattern.
var wildcard = regexp.MustCompile(`\{[^}]+\}`)

// concretePaths fills a route pattern's parameters with values that reach the
// route's handler: the collections a guest would aim at, a made-up id.
func concretePaths(pattern string) []string {
	collections := []string{"dossiers"}
	if strings.Contains(pattern, "{collection}") {
		if strings.Contains(pattern, "auth") || strings.Contains(pattern, "request-") || strings.Contains(pattern, "confirm-") ||
			strings.Contains(pattern, "impersonate") {
			collections = []string{"staff", "_superusers"}
		} else if strings.Contains(pattern, "/records") {
			collections = []string{"dossiers", "staff", "ratings"}
		}
	}
	var out []string
	for _, col := range collections {
		p := wildcard.ReplaceAllStringFunc(pattern, func(w string) string {
			switch w {
			case "{collection}":
				return col
			case "{code}":
				return "000.00.00.H00-260101-0001"
			case "{action}":
				return "start"
			case "{path...}", "{path}":
				return "x"
			}
			return "aaaaaaaaaaaaaaa"
		})
		out = append(out, p)
		if !strings.Contains(pattern, "{collection}") {
			break
		}
	}
	return out
}

// bodyKinds are the bodies sent to a route: what an attacker would choose.
func bodyKinds(path string) []string {
	kinds := []string{"json"}
	if strings.Contains(path, "/records") || strings.Contains(path, "/backups") || strings.Contains(path, "/field/") ||
		strings.Contains(path, "/batch") {
		kinds = append(kinds, "multipart")
	}
	if strings.Contains(path, "/field/") {
		kinds = append(kinds, "bundle")
	}
	return kinds
}

// endless is a request body generated as it is read: a prefix, then filler,
// up to size bytes, stopping early (with an error) once stop is closed.
type endless struct {
	prefix []byte
	fill   byte
	size   int64
	sent   atomic.Int64
	stop   <-chan struct{}
}

func (e *endless) Read(p []byte) (int, error) {
	select {
	case <-e.stop:
		return 0, errors.New("stopped: the server has answered")
	default:
	}
	n := e.sent.Load()
	if n >= e.size {
		return 0, io.EOF
	}
	if int64(len(p)) > e.size-n {
		p = p[:e.size-n]
	}
	for i := range p {
		if off := n + int64(i); off < int64(len(e.prefix)) {
			p[i] = e.prefix[off]
		} else {
			p[i] = e.fill
		}
	}
	e.sent.Add(int64(len(p)))
	return len(p), nil
}

// hugeRequest builds the 1 GB request of a kind.
func hugeRequest(ctx context.Context, method, url, kind string, stop <-chan struct{}) (*http.Request, *endless) {
	body := &endless{fill: 'x', size: hugeBody, stop: stop}
	ct := "application/json"
	switch kind {
	case "json":
		body.prefix = []byte(`{"applicant_name":"`)
	case "multipart":
		ct = "multipart/form-data; boundary=MOTCUA"
		body.prefix = []byte("--MOTCUA\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"x.pdf\"\r\n" +
			"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n")
	case "bundle":
		ct = "application/vnd.motcua.field-bundle"
		body.prefix = []byte("MOTCUA-FIELD-BUNDLE 2\nkit nosuchkit0000000\n\n")
	}
	if method == "" {
		method = http.MethodPost
	}
	req, _ := http.NewRequestWithContext(ctx, method, url, body)
	// Chunked, with no length: a declared gigabyte is refused by its
	// Content-Length before a byte is read, so an attacker would not declare it.
	req.ContentLength = -1
	req.Header.Set("Content-Type", ct)
	return req, body
}

// vmRSS reads a process's resident set size in bytes from /proc.
func vmRSS(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// rssWatch samples a process's RSS every few milliseconds and keeps the peak.
type rssWatch struct {
	pid  int
	mu   sync.Mutex
	peak int64
	over chan struct{}
	once sync.Once
	done chan struct{}
}

func watchRSS(pid int) *rssWatch {
	w := &rssWatch{pid: pid, over: make(chan struct{}), done: make(chan struct{})}
	go func() {
		tick := time.NewTicker(3 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.done:
				return
			case <-tick.C:
			}
			rss, err := vmRSS(pid, "VmRSS")
			if err != nil {
				continue
			}
			w.mu.Lock()
			w.peak = max(w.peak, rss)
			w.mu.Unlock()
			if rss > abortRSS {
				w.once.Do(func() { close(w.over) })
			}
		}
	}()
	return w
}

// take returns the peak since the last take and starts a new window.
func (w *rssWatch) take() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.peak
	w.peak = 0
	return p
}

// postHuge sends one 1 GB request and returns the status (0 when the server
// closed without an answer), how much was sent, and the time taken.
func postHuge(client *http.Client, w *rssWatch, method, url, kind string) (int, int64, time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stop := make(chan struct{})
	req, body := hugeRequest(ctx, method, url, kind, stop)
	start := time.Now()
	type answer struct {
		res *http.Response
		err error
	}
	got := make(chan answer, 1)
	go func() {
		res, err := client.Do(req)
		got <- answer{res, err}
	}()
	select {
	case a := <-got:
		close(stop)
		if a.err != nil {
			return 0, body.sent.Load(), time.Since(start), nil // the server closed on us: it stopped reading
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(a.res.Body, 1<<20))
		a.res.Body.Close()
		return a.res.StatusCode, body.sent.Load(), time.Since(start), nil
	case <-w.over:
		cancel()
		return 0, body.sent.Load(), time.Since(start), fmt.Errorf("server over %d MB: stopped", abortRSS>>20)
	}
}

// TestMemoryOfHugeBodies posts 1 GB as a guest to every route that may take a
// body and checks the server's resident memory stays under 200 MB.
func TestMemoryOfHugeBodies(t *testing.T) {
	if testing.Short() {
		t.Skip("posts a gigabyte to every route")
	}
	routes := bodyRoutes(t)
	dir := t.TempDir()
	s := startProcess(t, dir)
	pid := s.cmd.Process.Pid
	idle, _ := vmRSS(pid, "VmRSS")
	w := watchRSS(pid)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	hwm := int64(0)
	restarts := 0

	type row struct {
		route        string
		kind         string
		status       int
		sent         int64
		peak         int64
		took         time.Duration
		overTheLimit bool
	}
	var rows []row
	for _, r := range routes {
		for _, path := range concretePaths(r.Pattern) {
			for _, kind := range bodyKinds(path) {
				w.take()
				status, sent, took, err := postHuge(client, w, r.Method, s.url+path, kind)
				time.Sleep(20 * time.Millisecond) // let the sampler see the aftermath
				peak := w.take()
				name := strings.TrimSpace(r.Method + " " + path)
				rows = append(rows, row{name, kind, status, sent, peak, took, peak >= rssLimit})
				if err != nil {
					t.Errorf("%s (%s): %v", name, kind, err)
				}
				// Go keeps freed memory for a while: a route that made the
				// server grow would be blamed on the next ones. Start a fresh
				// server then, so each figure is the route's own.
				if now, _ := vmRSS(pid, "VmRSS"); now > idle+24<<20 || err != nil {
					h, _ := vmRSS(pid, "VmHWM")
					hwm = max(hwm, h)
					close(w.done)
					s.kill()
					s = startProcess(t, dir)
					pid = s.cmd.Process.Pid
					w = watchRSS(pid)
					restarts++
				}
			}
		}
	}
	defer close(w.done)
	h, _ := vmRSS(pid, "VmHWM")
	hwm = max(hwm, h)
	t.Logf("server idle %d MB; peak over the whole run (VmHWM) %d MB; %d routes; %d restarts", idle>>20, hwm>>20, len(routes), restarts)
	t.Logf("%-64s %-9s %6s %10s %8s %8s", "route", "body", "status", "sent MB", "RSS MB", "seconds")
	for _, r := range rows {
		t.Logf("%-64s %-9s %6d %10.1f %8d %8.2f", r.route, r.kind, r.status, float64(r.sent)/(1<<20), r.peak>>20, r.took.Seconds())
	}
	for _, r := range rows {
		if r.overTheLimit {
			t.Errorf("%s (%s body): the server's resident memory reached %d MB, the bound is %d MB", r.route, r.kind, r.peak>>20, rssLimit>>20)
		}
		if r.status >= 500 {
			t.Errorf("%s (%s body): %d, want a 4xx for bad input", r.route, r.kind, r.status)
		}
	}
	if hwm >= rssLimit {
		t.Errorf("the server's peak resident memory over the run was %d MB, the bound is %d MB", hwm>>20, rssLimit>>20)
	}
}
