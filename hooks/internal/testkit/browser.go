package testkit

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's Chromium. Outside CI a machine without it skips
// browser tests with a clear message; in CI (CI=true) a missing Chromium is a
// failure, since .ci/run installs it.
func chromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if found, err := exec.LookPath(p); err == nil {
			return found
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium is missing in CI: .ci/run must install Debian's chromium")
	}
	t.Skip("browser test skipped: no Chromium on this machine (apt-get install chromium)")
	return ""
}

// allocator starts a Chromium with the flags every test uses plus extra. The
// profile folder is removed after the browser is cancelled (Chromium may still
// be writing it as it exits), not by t.TempDir's strict cleanup.
func allocator(path string, extra ...chromedp.ExecAllocatorOption) (context.Context, func(), error) {
	profile, err := os.MkdirTemp("", "motcua-chromium-")
	if err != nil {
		return nil, nil, err
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
		chromedp.WindowSize(1280, 900),
	)
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	stop := func() {
		cancelBrowser()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	}
	if err := chromedp.Run(browserCtx); err != nil {
		stop()
		return nil, nil, err
	}
	return browserCtx, stop, nil
}

// shared is the one Chromium a test binary's plain browser tests share; each
// test gets a browser context of its own (cookies, storage and cache apart).
var shared struct {
	once sync.Once
	ctx  context.Context
	stop func()
	err  error
}

// stopSharedBrowser ends the shared Chromium (called by Main).
func stopSharedBrowser() {
	if shared.stop != nil {
		shared.stop()
	}
}

// NewBrowser gives one test a fresh tab of headless Chromium in a browser
// context of its own, closed when the test ends. Plain tests share one Chromium
// per test binary; a test that needs its own flags (a fake camera, for
// instance) passes them as extra and gets a Chromium of its own.
func NewBrowser(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	return NewBrowserFor(t, 90*time.Second, extra...)
}

// NewBrowserFor is NewBrowser with the test's own time limit (a walk over every
// page takes longer than one browser test is allowed).
func NewBrowserFor(t testing.TB, limit time.Duration, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := chromiumPath(t)
	var parent context.Context
	if len(extra) == 0 {
		shared.once.Do(func() { shared.ctx, shared.stop, shared.err = allocator(path) })
		if shared.err != nil {
			t.Fatalf("start chromium: %v", shared.err)
		}
		parent = shared.ctx
	} else {
		ctx, stop, err := allocator(path, extra...)
		if err != nil {
			t.Fatalf("start chromium: %v", err)
		}
		t.Cleanup(stop)
		parent = ctx
	}
	// A tab in a browser context of its own. Headless Chromium opens a tab in a
	// new browser context only as a new window (chromedp's WithNewBrowserContext
	// asks for a plain tab and gets "no browser is open").
	browser := cdp.WithExecutor(parent, chromedp.FromContext(parent).Browser)
	bctx, err := target.CreateBrowserContext().Do(browser)
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	tid, err := target.CreateTarget("about:blank").WithBrowserContextID(bctx).
		WithNewWindow(true).WithWidth(1280).WithHeight(900).Do(browser)
	if err != nil {
		t.Fatalf("new tab: %v", err)
	}
	ctx, cancelTab := chromedp.NewContext(parent, chromedp.WithTargetID(tid))
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		_ = target.CloseTarget(tid).Do(browser)
		_ = target.DisposeBrowserContext(bctx).Do(browser)
	})
	// Attach now, with the test's context: chromedp ties the tab's event loop to
	// the context of the first Run, so a first Run under a short step timeout
	// would leave a tab that answers nothing once that step ends.
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("attach tab: %v", err)
	}
	return ctx
}

// AwaitPromise lets chromedp.Evaluate wait for a promise's value.
func AwaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
