package queue

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// postJSON posts body to a running server and fails the test unless it answers 200.
func postJSON(t testing.TB, url, token, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %d %s", url, res.StatusCode, b)
	}
	return b
}

// every polls on a timer: a tab in the background gets no animation frames,
// which chromedp.Poll uses by default.
var every = chromedp.WithPollingInterval(20 * time.Millisecond)

// deviceSignIn signs a lobby page in through its one-time device form.
func deviceSignIn(username string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.WaitVisible("#device-sign-in", chromedp.ByQuery),
		chromedp.SendKeys("#device-username", username, chromedp.ByQuery),
		chromedp.SendKeys("#device-password", "correct horse 1", chromedp.ByQuery),
		chromedp.Click("#device-sign-in-button", chromedp.ByQuery),
	}
}

// watchDisplay records, in the display page, when each ticket code first
// appears among the last calls and every change of the live state, so the test
// reads times taken inside the browser rather than polling delays.
const watchDisplay = `(() => {
	window.__seen = {}; window.__live = [document.body.getAttribute("data-live")];
	new MutationObserver(() => {
		document.querySelectorAll("#last-calls .code").forEach(e => { window.__seen[e.textContent] ??= Date.now(); });
	}).observe(document.getElementById("last-calls"), {childList: true, subtree: true, characterData: true});
	new MutationObserver(() => { window.__live.push(document.body.getAttribute("data-live")); })
		.observe(document.body, {attributes: true, attributeFilter: ["data-live"]});
	return true;
})()`

// TestBrowserDisplayFollowsCounter: the display (a TV device) and the counter
// page (a reception officer) open side by side; a call on the counter shows on
// the display within a second; after the server drops the display's realtime
// connection, it shows "reconnecting", comes back by itself, and the next call
// still appears.
func TestBrowserDisplayFollowsCounter(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	counter := testkit.MakeCounter(t, app, 3, "A", "B")
	testkit.MakeDevice(t, app, domain.DeviceDisplay, "tv.lobby")
	staff := testkit.MakeStaff(t, app, base.RoleReception, "counter.officer")
	url := testkit.StartServer(t, app)
	for range 3 {
		postJSON(t, url+"/api/motcua/queue/tickets", staff.Token, `{"group":"A"}`)
	}

	display := testkit.NewBrowser(t)
	var title string
	err := chromedp.Run(display,
		chromedp.Navigate(url+"/display"),
		deviceSignIn("tv.lobby"),
		chromedp.WaitVisible("#board", chromedp.ByQuery),
		chromedp.Poll(`document.body.getAttribute("data-live") === "1"`, nil, chromedp.WithPollingInterval(50*time.Millisecond)),
		chromedp.Text("h1", &title, chromedp.ByQuery),
		chromedp.Evaluate(watchDisplay, nil),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(title, i18n.T("vi", "display.title")) || !strings.Contains(title, i18n.T("km", "display.title")) {
		t.Errorf("display title not in both languages: %q", title)
	}

	counterTab, cancel := chromedp.NewContext(display)
	defer cancel()
	err = chromedp.Run(counterTab,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
		chromedp.SendKeys("#identity", "counter.officer", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
		chromedp.Click("#sign-in-button", chromedp.ByQuery),
		chromedp.WaitVisible("#start", chromedp.ByQuery),
		chromedp.Navigate(url+"/counter.html"),
		chromedp.WaitVisible("#work", chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("counter-select").value === "`+counter.Id+`" && !document.getElementById("call-next").disabled`, nil, every),
	)
	if err != nil {
		t.Fatal(err)
	}

	// callAndSee clicks "call next" on the counter (after finishing the current
	// ticket, if any) and waits until the display shows the code.
	callAndSee := func(code string) time.Duration {
		t.Helper()
		var clickAt float64
		var msg string
		err := chromedp.Run(counterTab,
			chromedp.Evaluate(`(() => { document.getElementById("call-next").click(); return Date.now(); })()`, &clickAt),
			chromedp.Poll(`document.getElementById("current-code").textContent === "`+code+`"`, nil, every),
			chromedp.Text("#msg", &msg, chromedp.ByQuery),
		)
		if err != nil {
			t.Fatalf("counter calls %s: %v", code, err)
		}
		if want := i18n.T("vi", "counter.called_ok", "code", code); msg != want {
			t.Errorf("counter says %q, want %q", msg, want)
		}
		var seenAt float64
		pollCtx, cancel := context.WithTimeout(display, 10*time.Second)
		defer cancel()
		if err := chromedp.Run(pollCtx, chromedp.Poll(`window.__seen["`+code+`"]`, &seenAt, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			t.Fatalf("display never showed %s: %v", code, err)
		}
		return time.Duration(seenAt-clickAt) * time.Millisecond
	}
	finishCurrent := func() {
		t.Helper()
		err := chromedp.Run(counterTab,
			chromedp.Poll(`!document.getElementById("finish").disabled`, nil, every),
			chromedp.Click("#finish", chromedp.ByQuery),
			chromedp.Poll(`!document.getElementById("call-next").disabled`, nil, every),
		)
		if err != nil {
			t.Fatal(err)
		}
	}

	first := callAndSee("A001")
	t.Logf("call → display: %v", first)
	if first > time.Second {
		t.Errorf("A001 reached the display after %v, want within 1 s", first)
	}
	var cell string
	if err := chromedp.Run(display, chromedp.Text("#counter-"+counter.Id+" .code", &cell, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if cell != "A001" {
		t.Errorf("counter 3 on the display shows %q, want A001", cell)
	}
	finishCurrent()

	// Cut: the server drops every realtime client, as on its 30-minute limit or
	// a restart. The display must notice, say so, reconnect and resubscribe.
	for id := range app.SubscriptionsBroker().Clients() {
		app.SubscriptionsBroker().Unregister(id)
	}
	var liveLog []string
	err = chromedp.Run(display,
		chromedp.Poll(`window.__live.includes("0") && document.body.getAttribute("data-live") === "1"`, nil, chromedp.WithPollingInterval(50*time.Millisecond)),
		chromedp.Evaluate(`window.__live`, &liveLog),
	)
	if err != nil {
		t.Fatalf("display did not come back: %v", err)
	}
	t.Logf("display live states: %v", liveLog)
	if app.SubscriptionsBroker().TotalClients() == 0 {
		t.Fatal("display reports live but no realtime client is registered")
	}
	second := callAndSee("A002")
	t.Logf("call → display after reconnect: %v", second)
	if second > time.Second {
		t.Errorf("A002 reached the display after %v, want within 1 s", second)
	}
	// A recall is announced again (the call text shows), in its turn: the
	// calls before it are said first, never over each other.
	var announce string
	var recalled int
	err = chromedp.Run(counterTab, chromedp.Click("#recall", chromedp.ByQuery))
	if err == nil {
		err = chromedp.Run(display,
			chromedp.Poll(`motcuaVoice.log.filter(e => e.call === "A002" && e.kind === "start").length === 2`, nil, every),
			chromedp.Evaluate(`motcuaVoice.log.filter(e => e.call === "A002" && e.kind === "start").length`, &recalled),
			chromedp.Text("#announce", &announce, chromedp.ByQuery))
	}
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(announce, i18n.T("vi", "display.call_text", "code", "A002", "n", 3)) ||
		!strings.Contains(announce, i18n.T("km", "display.call_text", "code", "A002", "n", 3)) {
		t.Errorf("announcement %q lacks the call in both languages", announce)
	}
}

// TestBrowserKioskIssuesAndPrints: the kiosk signs in once as a device, shows
// the groups in Vietnamese and Khmer, issues a priority ticket, calls the
// browser's print, and the slip lays out at 80 mm in print media (screenshot
// and PDF written to the temp folder).
func TestBrowserKioskIssuesAndPrints(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	testkit.MakeCounter(t, app, 1, "A", "B", "C", "D", "E")
	testkit.MakeDevice(t, app, domain.DeviceKiosk, "kiosk.lobby")
	url := testkit.StartServer(t, app)
	ctx := testkit.NewBrowser(t)

	var groups, langButtons []string
	var heading string
	err := chromedp.Run(ctx,
		chromedp.Navigate(url+"/kiosk"),
		deviceSignIn("kiosk.lobby"),
		// The language comes first: both buttons name both languages in both scripts.
		chromedp.WaitVisible(`[data-lang="km"]`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("[data-lang]")).map(b => b.textContent)`, &langButtons),
		chromedp.Click(`[data-lang="km"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#groups .kiosk-group", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#groups .kiosk-group")).map(b => b.textContent)`, &groups),
		chromedp.Evaluate(`window.print = () => { window.__printed = (window.__printed || 0) + 1; }; true`, nil),
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(langButtons) != 2 || !strings.Contains(langButtons[0], "Tiếng Việt") || !strings.Contains(langButtons[0], "ភាសាវៀតណាម") ||
		!strings.Contains(langButtons[1], "ភាសាខ្មែរ") || !strings.Contains(langButtons[1], "Tiếng Khmer") {
		t.Errorf("language buttons %q", langButtons)
	}
	if !strings.Contains(heading, "Lấy số thứ tự") || !strings.Contains(heading, i18n.T("km", "kiosk.title")) {
		t.Errorf("kiosk heading %q not in both languages", heading)
	}
	if len(groups) != 5 || !strings.Contains(groups[0], "Hộ tịch") || !strings.Contains(groups[0], "អត្រានុកូលដ្ឋាន") {
		t.Errorf("group buttons %q", groups)
	}

	var code, ahead, prio, slipLang string
	var askedAgain bool
	var printed int
	err = chromedp.Run(ctx,
		chromedp.Click("#priority-button", chromedp.ByQuery),
		chromedp.Click(`[data-reason="elderly"]`, chromedp.ByQuery),
		chromedp.Click(`#groups .kiosk-group`, chromedp.ByQuery),
		chromedp.WaitVisible("#result", chromedp.ByQuery),
		chromedp.Text("#result-code", &code, chromedp.ByQuery),
		chromedp.Text("#result-ahead", &ahead, chromedp.ByQuery),
		chromedp.Evaluate(`window.__printed || 0`, &printed),
		chromedp.TextContent("#t-prio", &prio, chromedp.ByQuery),
		chromedp.TextContent("#t-lang", &slipLang, chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("issue").classList.contains("choosing-language")`, &askedAgain),
	)
	if err != nil {
		t.Fatal(err)
	}
	if code != "A001" || printed != 1 {
		t.Errorf("kiosk shows %q, printed %d times; want A001 printed once", code, printed)
	}
	if !strings.Contains(ahead, i18n.T("vi", "kiosk.ahead", "n", 0)) || !strings.Contains(ahead, i18n.T("km", "kiosk.ahead", "n", 0)) {
		t.Errorf("people ahead %q", ahead)
	}
	if !strings.Contains(prio, "Người cao tuổi") || !strings.Contains(prio, "មនុស្សចាស់") {
		t.Errorf("priority line on the slip %q", prio)
	}
	tk, err := app.FindFirstRecordByFilter(base.ColTickets, "code = 'A001'")
	if !strings.Contains(slipLang, "Tiếng Khmer") || !strings.Contains(slipLang, "ភាសាខ្មែរ") || !askedAgain {
		t.Errorf("slip language %q; the next citizen is asked the language again: %v", slipLang, askedAgain)
	}
	if err != nil || !tk.GetBool("priority") || tk.GetString("priority_reason") != "elderly" || tk.GetString("language") != "km" {
		t.Errorf("saved ticket: %v priority=%v reason=%q", err, tk != nil && tk.GetBool("priority"), tk.GetString("priority_reason"))
	}

	// Print media: only the slip shows, at 80 mm (72 mm of content).
	var widths map[string]float64
	var png []byte
	err = chromedp.Run(ctx,
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`({
			body: document.body.getBoundingClientRect().width,
			slip: document.getElementById("print-area").getBoundingClientRect().width,
			main: document.querySelector("main").getBoundingClientRect().width,
			mm: (() => { const d = document.createElement("div"); d.style.width = "80mm"; document.getElementById("print-area").appendChild(d);
				const w = d.getBoundingClientRect().width; d.remove(); return w; })()
		})`, &widths),
		chromedp.Screenshot("#print-area", &png, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if d := widths["body"] - widths["mm"]; d > 1 || d < -1 || widths["slip"] <= 0 || widths["slip"] > widths["body"] || widths["main"] != 0 {
		t.Errorf("print layout widths %v: want body 80 mm (%.0f px), the slip inside it, the screen hidden", widths, widths["mm"])
	}
	dir, err := os.MkdirTemp("", "motcua-ticket-")
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "ticket-80mm.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	var pdf []byte
	err = chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		pdf, _, err = cdppage.PrintToPDF().WithPreferCSSPageSize(true).WithPrintBackground(true).Do(ctx)
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	pdfPath := filepath.Join(dir, "ticket-80mm.pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	// 80 mm is 226.77 pt: the page box the browser hands the printer driver.
	// 80 mm is 226.8 pt: the page box the browser hands the printer driver, and
	// the slip fits on one 80 × 120 mm page.
	if !regexp.MustCompile(`/MediaBox \[0 0 22[67]\.[0-9]+ 3[34][0-9]\.[0-9]+\]`).Match(pdf) {
		t.Errorf("PDF page is not 80 × 120 mm: %q", regexp.MustCompile(`/MediaBox \[[^\]]*\]`).Find(pdf))
	}
	if pages := regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1); len(pages) != 1 {
		t.Errorf("the slip prints on %d pages, want 1", len(pages))
	}
	t.Logf("80 mm ticket (print width %.0f px at 96 dpi): screenshot %s, PDF %s", widths["body"], shot, pdfPath)
}

// TestBrowserKioskClosedShowsHours: outside sessions the kiosk shows today's
// hours in both languages instead of the group buttons.
func TestBrowserKioskClosedShowsHours(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	now := time.Now().In(base.Zone)
	if now.Hour() == 0 && now.Minute() < 5 {
		t.Skip("too close to midnight")
	}
	from := now.Add(-4 * time.Minute).Format("15:04")
	to := now.Add(-3 * time.Minute).Format("15:04")
	testkit.SetSessions(t, app, `[["`+from+`","`+to+`"]]`)
	testkit.MakeDevice(t, app, domain.DeviceKiosk, "kiosk.closed")
	url := testkit.StartServer(t, app)
	ctx := testkit.NewBrowser(t)
	var hours string
	var issueHidden bool
	err := chromedp.Run(ctx,
		chromedp.Navigate(url+"/kiosk"),
		deviceSignIn("kiosk.closed"),
		chromedp.WaitVisible("#closed", chromedp.ByQuery),
		chromedp.Text("#closed-hours", &hours, chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("issue").classList.contains("hidden")`, &issueHidden),
	)
	if err != nil {
		t.Fatal(err)
	}
	want := from + "–" + to
	if !strings.Contains(hours, i18n.T("vi", "kiosk.hours_today", "hours", want)) || !strings.Contains(hours, i18n.T("km", "kiosk.hours_today", "hours", want)) || !issueHidden {
		t.Errorf("closed kiosk shows %q (issue hidden %v), want the hours %s in both languages", hours, issueHidden, want)
	}
}
