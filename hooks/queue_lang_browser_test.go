package hooks

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"motcua/hooks/devseed"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// shotDir is where TestBrowserQueueLanguagePages writes its screenshots:
// $MOTCUA_GALLERY when set (to keep and look at them), else a temp folder.
func shotDir(t *testing.T) string {
	if d := os.Getenv("MOTCUA_GALLERY"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// shot sizes the page to w×h, waits for the fonts, checks it does not scroll
// sideways and writes a screenshot of the viewport.
func shot(t *testing.T, ctx context.Context, dir, name string, w, h int64) {
	t.Helper()
	var png []byte
	var wide bool
	err := chromedp.Run(ctx,
		emulation.SetDeviceMetricsOverride(w, h, 1, false),
		chromedp.Evaluate(`document.fonts.ready.then(() => true)`, nil, testkit.AwaitPromise),
		chromedp.Sleep(150*time.Millisecond),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &wide),
		chromedp.CaptureScreenshot(&png),
	)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if wide {
		t.Errorf("%s at %dx%d scrolls sideways", name, w, h)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", p)
}

// TestBrowserQueueLanguagePages looks at the pages of issue 17 at the sizes
// they are used at, on a generated history: the kiosk's language question
// (1080×1920 portrait and 1280×800), the counter (1280×800) with its languages
// in Vietnamese and in Khmer, the TV (1920×1080) calling a Khmer ticket, the
// recording page in both languages, and the dashboard's and the printed
// report's waits by language, whose numbers must be the server's.
func TestBrowserQueueLanguagePages(t *testing.T) {
	app := newTestApp(t)
	now := time.Now()
	if err := devseed.SeedDossiers(app, devseed.BulkOptions{N: 1500, Now: now, Years: 1}, io.Discard); err != nil {
		t.Fatal(err)
	}
	testkit.OpenAllDay(t, app)
	testkit.MakeDevice(t, app, domain.DeviceKiosk, "gallery.kiosk")
	testkit.MakeDevice(t, app, domain.DeviceDisplay, "gallery.tv")
	officer := testkit.MakeStaff(t, app, base.RoleReception, "gallery.officer")
	testkit.SetServesLanguages(t, app, officer, "vi", "km")
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "gallery.leader")
	counters, err := app.FindRecordsByFilter(base.ColCounters, "active = true", "number", 1, 0)
	if err != nil || len(counters) == 0 {
		t.Fatalf("generated counters: %v", err)
	}
	officer.Record.Set("counter", counters[0].GetString("number"))
	if err := app.Save(officer.Record); err != nil {
		t.Fatal(err)
	}
	mux := testkit.NewMux(t, app)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	url := srv.URL
	dir := shotDir(t)
	ctx := testkit.NewBrowser(t)
	sign := func(ctx context.Context, user, path string) {
		t.Helper()
		err := chromedp.Run(ctx,
			chromedp.Navigate(url+"/"),
			chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
			chromedp.SendKeys("#identity", user, chromedp.ByQuery),
			chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
			chromedp.Click("#sign-in-button", chromedp.ByQuery),
			chromedp.WaitVisible("#start", chromedp.ByQuery),
			chromedp.Navigate(url+path),
		)
		if err != nil {
			t.Fatal(err)
		}
	}
	device := func(ctx context.Context, user, path string) {
		t.Helper()
		err := chromedp.Run(ctx,
			chromedp.Navigate(url+path),
			chromedp.WaitVisible("#device-sign-in", chromedp.ByQuery),
			chromedp.SendKeys("#device-username", user, chromedp.ByQuery),
			chromedp.SendKeys("#device-password", "correct horse 1", chromedp.ByQuery),
			chromedp.Click("#device-sign-in-button", chromedp.ByQuery),
		)
		if err != nil {
			t.Fatal(err)
		}
	}

	// Kiosk: the language question, then the groups in Khmer.
	device(ctx, "gallery.kiosk", "/kiosk")
	var buttons []map[string]float64
	if err := chromedp.Run(ctx, chromedp.WaitVisible(`[data-lang="km"]`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int64{{1080, 1920}, {1280, 800}} {
		shot(t, ctx, dir, "kiosk-language-"+sizeName(size), size[0], size[1])
		err := chromedp.Run(ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll(".kiosk-lang-button")).map(b => {
			const r = b.getBoundingClientRect(); return {w: r.width, h: r.height, bottom: r.bottom, vh: innerHeight};
		})`, &buttons))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range buttons {
			if b["h"] < 200 || b["w"] < 280 || b["bottom"] > b["vh"] {
				t.Errorf("kiosk %v: language button %v is small or off screen", size, b)
			}
		}
	}
	if err := chromedp.Run(ctx, chromedp.Click(`[data-lang="km"]`, chromedp.ByQuery), chromedp.WaitVisible("#groups .kiosk-group", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, dir, "kiosk-groups-km-1080x1920", 1080, 1920)
	shot(t, ctx, dir, "kiosk-groups-km-1280x800", 1280, 800)

	// Counter: its languages and a Khmer ticket, in Vietnamese and in Khmer.
	testkit.IssueTicketIn(t, mux, officer.Token, "A", "km", false)
	testkit.IssueTicketIn(t, mux, officer.Token, "A", "vi", false)
	counterTab := testkit.NewBrowser(t) // each page its own tab and 90 s
	sign(counterTab, "gallery.officer", "/counter.html")
	var served string
	err = chromedp.Run(counterTab,
		chromedp.WaitVisible("#counter-langs .lang-badge", chromedp.ByQuery),
		chromedp.Poll(`!document.getElementById("call-next").disabled`, nil),
		chromedp.Click("#call-next", chromedp.ByQuery),
		chromedp.WaitVisible("#ticket-lang .lang-badge", chromedp.ByQuery),
		chromedp.Text("#counter-langs", &served, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(served, "Tiếng Việt") || !strings.Contains(served, "Tiếng Khmer") {
		t.Errorf("the counter says it serves %q", served)
	}
	shot(t, counterTab, dir, "counter-vi-1280x800", 1280, 800)
	if err := chromedp.Run(counterTab, chromedp.Click(`[data-set-lang="km"]`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("counter-langs").textContent.includes("ភាសាខ្មែរ")`, nil)); err != nil {
		t.Fatal(err)
	}
	shot(t, counterTab, dir, "counter-km-1280x800", 1280, 800)
	if err := chromedp.Run(counterTab, chromedp.Click(`[data-set-lang="vi"]`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}

	// TV: a Khmer ticket called (no Khmer recorded: the text shows, Vietnamese from the starter set).
	tv := testkit.NewBrowser(t)
	device(tv, "gallery.tv", "/display")
	if err := chromedp.Run(tv, chromedp.WaitVisible("#board", chromedp.ByQuery), chromedp.Poll(`document.body.getAttribute("data-live") === "1"`, nil)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(counterTab, chromedp.Click("#finish", chromedp.ByQuery), chromedp.Poll(`!document.getElementById("call-next").disabled`, nil),
		chromedp.Click("#call-next", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(tv, chromedp.Poll(`!document.getElementById("announce").classList.contains("hidden")`, nil)); err != nil {
		t.Fatal(err)
	}
	shot(t, tv, dir, "tv-call-1920x1080", 1920, 1080)

	// Recording page, both languages.
	rec := testkit.NewBrowser(t)
	sign(rec, "gallery.leader", "/voice.html")
	if err := chromedp.Run(rec, chromedp.WaitVisible("#clip-km-invite", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	shot(t, rec, dir, "voice-vi-1280x800", 1280, 800)
	if err := chromedp.Run(rec, chromedp.ScrollIntoView("#section-km", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	shot(t, rec, dir, "voice-vi-words-1280x800", 1280, 800)
	if err := chromedp.Run(rec, chromedp.Click(`[data-set-lang="km"]`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelector("h1").textContent.includes("ថត")`, nil)); err != nil {
		t.Fatal(err)
	}
	shot(t, rec, dir, "voice-km-1280x800", 1280, 800)

	// Dashboard: the table shows the server's figures.
	if err := chromedp.Run(rec, chromedp.Click(`[data-set-lang="vi"]`, chromedp.ByQuery), chromedp.Navigate(url+"/dashboard.html"),
		chromedp.WaitVisible("#queue-lang-panel table", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	res := testkit.Do(mux, http.MethodGet, "/api/motcua/dashboard", leader.Token, "")
	var dash struct {
		Panels struct {
			QL struct {
				Months []domain.LanguageFigure `json:"months"`
			} `json:"queue_languages"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(res.Body.Bytes(), &dash); err != nil || len(dash.Panels.QL.Months) != 6 {
		t.Fatalf("dashboard: %v %s", err, res.Body.String()[:min(300, res.Body.Len())])
	}
	last := dash.Panels.QL.Months[4] // last month: a whole month of history
	var cells []string
	err = chromedp.Run(rec, chromedp.Evaluate(`Array.from(document.querySelectorAll('#queue-lang-panel tr[data-period="`+last.Period+`"] td')).map(td => td.textContent)`, &cells))
	if err != nil {
		t.Fatal(err)
	}
	wantKMWait := "–"
	if last.KM.WaitMean != nil {
		wantKMWait = strings.TrimSuffix(strings.TrimSuffix(formatMinutes(*last.KM.WaitMean), "0"), ".")
	}
	if len(cells) != 12 || cells[2] != itoa(last.KM.Tickets) || !strings.HasPrefix(cells[4], wantKMWait) {
		t.Errorf("dashboard row %s: %q; want %d Khmer tickets, Khmer wait %s min", last.Period, cells, last.KM.Tickets, wantKMWait)
	}
	shot(t, rec, dir, "dashboard-vi-1280x800", 1280, 1000)

	// The periodic report with its queue annex, in print media.
	period := last.Period
	if err := chromedp.Run(rec, chromedp.Navigate(url+"/report.html?period="+period), chromedp.WaitVisible("#queue-annex table", chromedp.ByQuery),
		emulation.SetEmulatedMedia().WithMedia("print")); err != nil {
		t.Fatal(err)
	}
	var head string
	if err := chromedp.Run(rec, chromedp.Text("#queue-annex h3", &head, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(head, "Phụ lục") || !strings.Contains(head, "ឧបសម្ព័ន្ធ") {
		t.Errorf("annex heading %q not in both languages", head)
	}
	if err := chromedp.Run(rec, chromedp.ScrollIntoView("#queue-annex", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	shot(t, rec, dir, "report-annex-print", 1123, 794)
}

func sizeName(s [2]int64) string { return itoa(int(s[0])) + "x" + itoa(int(s[1])) }

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// formatMinutes is the dashboard's minutes with one decimal.
func formatMinutes(seconds float64) string {
	m := float64(int(seconds/6+0.5)) / 10
	b, _ := json.Marshal(m)
	s := string(b)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
