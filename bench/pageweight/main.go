// Command pageweight measures what a page costs a phone on a weak link (issue
// 16): it opens the page in Debian's Chromium at a phone's size with the
// network throttled (Network.emulateNetworkConditions), on an empty cache, and
// reports the bytes on the wire for the whole first visit, first contentful
// paint, the load event and network idle, then the bytes of a second visit
// from the same cache. It can save what the first visit downloaded, so that
// the same bytes can be served by stock PocketBase (the peer subcommand) as
// the anchor of the comparison.
//
//	pageweight measure -base http://127.0.0.1:18390 -page 'status-vi=/tra-cuu/CODE?k=KEY' [-page …] [-json out.json] [-save dir]
//	pageweight peer -dir saved -http 127.0.0.1:18391
//	pageweight nojs -url http://…/tra-cuu/CODE?k=KEY -selector '#state'
//
// bench/pageweight.sh runs the whole comparison and writes bench/RESULTS.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: pageweight measure|peer|nojs [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "measure":
		err = measureCmd(os.Args[2:])
	case "peer":
		err = peerCmd(os.Args[2:])
	case "nojs":
		err = noJSCmd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pageweight:", err)
		os.Exit(1)
	}
}

// pageSpec is one page to measure: name=path[@WIDTHxHEIGHT][#auth-file].
type pageSpec struct {
	Name, Path    string
	Width, Height int
	AuthFile      string // JSON {"key": "...", "value": ...} put in localStorage before the visit
}

type pageFlags []pageSpec

func (p *pageFlags) String() string { return fmt.Sprint(*p) }

func (p *pageFlags) Set(v string) error {
	name, rest, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("page %q: want name=path[@WxH][#authfile]", v)
	}
	s := pageSpec{Name: name, Width: 360, Height: 740}
	if i := strings.LastIndex(rest, "#"); i >= 0 {
		rest, s.AuthFile = rest[:i], rest[i+1:]
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		if _, err := fmt.Sscanf(rest[i+1:], "%dx%d", &s.Width, &s.Height); err != nil {
			return fmt.Errorf("page %q: size: %w", v, err)
		}
		rest = rest[:i]
	}
	s.Path = rest
	*p = append(*p, s)
	return nil
}

// Request is one request of a visit.
type Request struct {
	URL       string  `json:"url"`
	Type      string  `json:"type"`
	Status    int64   `json:"status"`
	Encoding  string  `json:"encoding,omitempty"`
	Bytes     int64   `json:"bytes"` // on the wire, headers included
	FromCache bool    `json:"fromCache,omitempty"`
	StartMS   float64 `json:"startMs"`
	EndMS     float64 `json:"endMs"`
}

// Visit is one load of a page.
type Visit struct {
	Bytes       int64     `json:"bytes"`
	Requests    []Request `json:"requests"`
	FCPMS       float64   `json:"fcpMs"`
	LoadMS      float64   `json:"loadMs"`
	IdleMS      float64   `json:"idleMs"` // the last request's end, from the start of the navigation
	FontBytes   int64     `json:"fontBytes"`
	FontsLoaded []string  `json:"fontsLoaded"`
}

// Result is the measure of one page.
type Result struct {
	Name       string `json:"name"`
	Path       string `json:"path"`
	Viewport   string `json:"viewport"`
	Emulation  string `json:"emulation"`
	First      Visit  `json:"first"`
	Second     Visit  `json:"second"`
	PeerOfName string `json:"peerOf,omitempty"`
}

func measureCmd(args []string) error {
	fl := flag.NewFlagSet("measure", flag.ExitOnError)
	base := fl.String("base", "http://127.0.0.1:18390", "server to measure")
	out := fl.String("json", "", "write the results here as JSON")
	save := fl.String("save", "", "save what the first visit downloaded (decoded) into this folder, the page as <name>.html")
	down := fl.Int("down", 400, "download kbit/s")
	up := fl.Int("up", 400, "upload kbit/s")
	latency := fl.Int("latency", 400, "round-trip latency, ms")
	var pages pageFlags
	fl.Var(&pages, "page", "name=path[@WxH][#authfile], repeatable")
	_ = fl.Parse(args)
	if len(pages) == 0 {
		return errors.New("no -page given")
	}
	cond := conditions{downBps: float64(*down) * 1000 / 8, upBps: float64(*up) * 1000 / 8, latencyMS: float64(*latency)}
	var results []Result
	for _, p := range pages {
		r, err := measure(strings.TrimRight(*base, "/"), p, cond, *save)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		fmt.Fprintf(os.Stderr, "%-14s first %7.1f KB (fonts %6.1f KB) FCP %5.0f ms load %5.0f ms idle %5.0f ms | second %6.1f KB  [%s]\n",
			r.Name, kb(r.First.Bytes), kb(r.First.FontBytes), r.First.FCPMS, r.First.LoadMS, r.First.IdleMS, kb(r.Second.Bytes), r.Emulation)
		results = append(results, r)
	}
	if *out != "" {
		b, _ := json.MarshalIndent(results, "", "  ")
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", *out, err)
		}
	}
	return nil
}

func kb(n int64) float64 { return float64(n) / 1024 }

type conditions struct{ downBps, upBps, latencyMS float64 }

// browser starts a Chromium with a fresh profile (an empty cache).
func browser(width, height int) (context.Context, func(), error) {
	path := os.Getenv("CHROMIUM")
	if path == "" {
		for _, p := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if found, err := exec.LookPath(p); err == nil {
				path = found
				break
			}
		}
	}
	if path == "" {
		return nil, nil, errors.New("no Chromium (apt-get install chromium)")
	}
	profile, err := os.MkdirTemp("", "pageweight-chromium-")
	if err != nil {
		return nil, nil, fmt.Errorf("profile folder: %w", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(width, height),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	return ctx, func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	}, nil
}

// emulateNetwork throttles every request. Network.emulateNetworkConditions is
// deprecated in Chromium's protocol in favour of emulateNetworkConditionsByRule
// (cdproto has only the new one); the old command is tried first, as the issue
// names it, and the rule form with one rule for every URL is the same thing.
func emulateNetwork(ctx context.Context, c conditions) (string, error) {
	old := map[string]any{"offline": false, "latency": c.latencyMS, "downloadThroughput": c.downBps, "uploadThroughput": c.upBps}
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		return cdp.Execute(ctx, "Network.emulateNetworkConditions", old, nil)
	})); err == nil {
		return "Network.emulateNetworkConditions", nil
	}
	err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := network.EmulateNetworkConditionsByRule(false, []*network.Conditions{{
			URLPattern: "", Latency: c.latencyMS, DownloadThroughput: c.downBps, UploadThroughput: c.upBps,
		}}).Do(ctx)
		return err
	}))
	if err != nil {
		return "", fmt.Errorf("emulate network: %w", err)
	}
	return "Network.emulateNetworkConditionsByRule", nil
}

// recorder follows the network events of one visit.
type recorder struct {
	mu       sync.Mutex
	on       bool
	t0       float64 // monotonic seconds of the first request
	reqs     map[network.RequestID]*Request
	order    []network.RequestID
	inflight map[network.RequestID]bool
	lastEnd  time.Time
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on, r.t0 = true, 0
	r.reqs, r.order, r.inflight = map[network.RequestID]*Request{}, nil, map[network.RequestID]bool{}
	r.lastEnd = time.Now()
}

func (r *recorder) ms(ts *cdp.MonotonicTime) float64 {
	if ts == nil {
		return 0
	}
	s := float64(ts.Time().UnixNano()) / 1e9
	if r.t0 == 0 {
		r.t0 = s
	}
	return (s - r.t0) * 1000
}

func (r *recorder) listen(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.on {
		return
	}
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		q := r.reqs[e.RequestID]
		if q == nil {
			q = &Request{}
			r.reqs[e.RequestID] = q
			r.order = append(r.order, e.RequestID)
			q.StartMS = r.ms(e.Timestamp)
		} else if e.RedirectResponse != nil {
			q.Bytes += int64(e.RedirectResponse.EncodedDataLength)
		}
		q.URL, q.Type = e.Request.URL, string(e.Type)
		if e.Type != network.ResourceTypeEventSource && e.Type != network.ResourceTypeWebSocket {
			r.inflight[e.RequestID] = true
		}
	case *network.EventResponseReceived:
		if q := r.reqs[e.RequestID]; q != nil {
			q.Status = e.Response.Status
			q.FromCache = q.FromCache || e.Response.FromDiskCache || e.Response.FromPrefetchCache
			if v, ok := e.Response.Headers["content-encoding"]; ok {
				q.Encoding = fmt.Sprint(v)
			} else if v, ok := e.Response.Headers["Content-Encoding"]; ok {
				q.Encoding = fmt.Sprint(v)
			}
		}
	case *network.EventRequestServedFromCache:
		if q := r.reqs[e.RequestID]; q != nil {
			q.FromCache = true
		}
	case *network.EventDataReceived:
		if q := r.reqs[e.RequestID]; q != nil && (q.Type == string(network.ResourceTypeEventSource)) {
			q.Bytes += e.EncodedDataLength
		}
	case *network.EventLoadingFinished:
		if q := r.reqs[e.RequestID]; q != nil {
			q.Bytes += int64(e.EncodedDataLength)
			q.EndMS = r.ms(e.Timestamp)
		}
		delete(r.inflight, e.RequestID)
		r.lastEnd = time.Now()
	case *network.EventLoadingFailed:
		if q := r.reqs[e.RequestID]; q != nil {
			q.EndMS = r.ms(e.Timestamp)
			q.Status = -1
		}
		delete(r.inflight, e.RequestID)
		r.lastEnd = time.Now()
	}
}

// quiet waits until nothing has been in flight for the given time (lobby pages
// keep a realtime connection open: it is not counted as in flight).
func (r *recorder) quiet(ctx context.Context, for_ time.Duration, max time.Duration) error {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		n, since := len(r.inflight), time.Since(r.lastEnd)
		r.mu.Unlock()
		if n == 0 && since >= for_ {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("network not idle after %s", max)
}

func (r *recorder) visit() Visit {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	var v Visit
	for _, id := range r.order {
		q := *r.reqs[id]
		v.Requests = append(v.Requests, q)
		v.Bytes += q.Bytes
		if q.EndMS > v.IdleMS {
			v.IdleMS = q.EndMS
		}
		if q.Type == string(network.ResourceTypeFont) {
			v.FontBytes += q.Bytes
			if q.Bytes > 0 {
				v.FontsLoaded = append(v.FontsLoaded, path.Base(strings.SplitN(q.URL, "?", 2)[0]))
			}
		}
	}
	sort.Strings(v.FontsLoaded)
	return v
}

// timings reads first contentful paint and the load event from the page.
func timings(ctx context.Context, v *Visit) error {
	var t struct {
		FCP  float64 `json:"fcp"`
		Load float64 `json:"load"`
	}
	js := `(() => { const p = performance.getEntriesByName("first-contentful-paint")[0];
	  const n = performance.getEntriesByType("navigation")[0];
	  return {fcp: p ? p.startTime : -1, load: n ? n.loadEventEnd : -1}; })()`
	if err := chromedp.Run(ctx, chromedp.Evaluate(js, &t)); err != nil {
		return fmt.Errorf("read timings: %w", err)
	}
	v.FCPMS, v.LoadMS = t.FCP, t.Load
	return nil
}

func measure(base string, p pageSpec, c conditions, saveDir string) (Result, error) {
	res := Result{Name: p.Name, Path: p.Path, Viewport: fmt.Sprintf("%dx%d", p.Width, p.Height)}
	ctx, done, err := browser(p.Width, p.Height)
	if err != nil {
		return res, err
	}
	defer done()
	rec := &recorder{}
	chromedp.ListenTarget(ctx, rec.listen)
	mobile := p.Width < 800
	scale := 1.0
	if mobile {
		scale = 2
	}
	if err := chromedp.Run(ctx, network.Enable(), page.Enable(),
		emulation.SetDeviceMetricsOverride(int64(p.Width), int64(p.Height), scale, mobile)); err != nil {
		return res, fmt.Errorf("start: %w", err)
	}
	if p.AuthFile != "" {
		var auth struct {
			Key   string          `json:"key"`
			Value json.RawMessage `json:"value"`
		}
		b, err := os.ReadFile(p.AuthFile)
		if err != nil {
			return res, fmt.Errorf("auth file: %w", err)
		}
		if err := json.Unmarshal(b, &auth); err != nil {
			return res, fmt.Errorf("auth file %s: %w", p.AuthFile, err)
		}
		val, _ := json.Marshal(string(auth.Value))
		key, _ := json.Marshal(auth.Key)
		if err := chromedp.Run(ctx, chromedp.Navigate(base+"/api/health"),
			chromedp.Evaluate(fmt.Sprintf("localStorage.setItem(%s, %s)", key, val), nil),
			network.ClearBrowserCache()); err != nil {
			return res, fmt.Errorf("sign in: %w", err)
		}
	}
	if res.Emulation, err = emulateNetwork(ctx, c); err != nil {
		return res, err
	}
	for i, v := range []*Visit{&res.First, &res.Second} {
		rec.reset()
		if err := chromedp.Run(ctx, chromedp.Navigate(base+p.Path)); err != nil {
			return res, fmt.Errorf("visit %d: %w", i+1, err)
		}
		if err := rec.quiet(ctx, 1500*time.Millisecond, 90*time.Second); err != nil {
			return res, fmt.Errorf("visit %d: %w", i+1, err)
		}
		*v = rec.visit()
		if err := timings(ctx, v); err != nil {
			return res, err
		}
		if i == 0 && saveDir != "" {
			if err := saveBodies(ctx, base, p.Name, rec, saveDir); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// saveBodies writes every same-origin answer of the first visit, decoded, at
// its path under dir; the page itself as <name>.html.
func saveBodies(ctx context.Context, base, name string, rec *recorder, dir string) error {
	rec.mu.Lock()
	ids := append([]network.RequestID(nil), rec.order...)
	reqs := rec.reqs
	rec.mu.Unlock()
	for i, id := range ids {
		q := reqs[id]
		if !strings.HasPrefix(q.URL, base) || q.Status != 200 {
			continue
		}
		switch network.ResourceType(q.Type) {
		case network.ResourceTypeDocument, network.ResourceTypeStylesheet, network.ResourceTypeScript,
			network.ResourceTypeFont, network.ResourceTypeImage:
		default:
			continue // API answers and the realtime stream are not files to serve
		}
		var body []byte
		err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
			b, err := network.GetResponseBody(id).Do(ctx)
			body = b
			return err
		}))
		if err != nil {
			return fmt.Errorf("body of %s: %w", q.URL, err)
		}
		u, err := url.Parse(q.URL)
		if err != nil {
			return fmt.Errorf("url %s: %w", q.URL, err)
		}
		rel := strings.TrimPrefix(u.Path, "/")
		if i == 0 {
			rel = name + ".html"
		}
		if rel == "" || strings.Contains(rel, "..") {
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("save: %w", err)
		}
		if err := os.WriteFile(dst, body, 0o644); err != nil {
			return fmt.Errorf("save: %w", err)
		}
	}
	return nil
}

// peerCmd serves a folder with stock PocketBase: a bare app and apis.Static,
// the way PocketBase's own example serves pb_public.
func peerCmd(args []string) error {
	fl := flag.NewFlagSet("peer", flag.ExitOnError)
	dir := fl.String("dir", "", "folder to serve")
	addr := fl.String("http", "127.0.0.1:18391", "listen address")
	data := fl.String("data", "", "PocketBase data folder (default: a temp folder)")
	_ = fl.Parse(args)
	if *dir == "" {
		return errors.New("no -dir")
	}
	if *data == "" {
		tmp, err := os.MkdirTemp("", "pageweight-peer-")
		if err != nil {
			return fmt.Errorf("data folder: %w", err)
		}
		defer os.RemoveAll(tmp)
		*data = tmp
	}
	// PocketBase reads its command line from os.Args (and skips bootstrapping
	// for a command it does not know): give it the one a stock app would have.
	os.Args = []string{os.Args[0], "serve", "--http=" + *addr, "--dir=" + *data}
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDataDir: *data, HideStartBanner: true})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/{path...}", apis.Static(os.DirFS(*dir), false))
		return se.Next()
	})
	if err := app.Start(); err != nil {
		return fmt.Errorf("peer: %w", err)
	}
	return nil
}

// noJSCmd opens a page with JavaScript switched off and prints the text of an
// element: the status page must say where a dossier stands without script.
func noJSCmd(args []string) error {
	fl := flag.NewFlagSet("nojs", flag.ExitOnError)
	u := fl.String("url", "", "page")
	sel := fl.String("selector", "#state", "element whose text to print")
	_ = fl.Parse(args)
	ctx, done, err := browser(360, 740)
	if err != nil {
		return err
	}
	defer done()
	var text string
	var scripts int
	err = chromedp.Run(ctx,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(*u),
		chromedp.Text(*sel, &text, chromedp.ByQuery, chromedp.AtLeast(0)),
		chromedp.Evaluate(`document.scripts.length`, &scripts),
	)
	if err != nil {
		return fmt.Errorf("no-script visit: %w", err)
	}
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return fmt.Errorf("%s shows nothing in %s without JavaScript", *u, *sel)
	}
	fmt.Printf("%s (script elements on the page: %d)\n", text, scripts)
	return nil
}
