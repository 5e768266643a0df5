package hooks

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

// TestBrowserStartPageKhmer: a reception officer signs in, switches to Khmer, sees
// the start page in Khmer, and still has Khmer after a reload (remembered on the
// account).
func TestBrowserStartPageKhmer(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := testkit.MakeStaff(t, app, base.RoleReception, "browser.reception")
	url := testkit.StartServer(t, app)
	ctx := testkit.NewBrowser(t)

	var title, greeting, hours string
	err := chromedp.Run(ctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
		chromedp.SendKeys("#identity", "browser.reception", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
		chromedp.Click("#sign-in-button", chromedp.ByQuery),
		chromedp.WaitVisible("#start", chromedp.ByQuery),
		chromedp.Click(`button[data-set-lang="km"]`, chromedp.ByQuery),
		chromedp.Poll(`document.documentElement.lang === "km" && document.querySelector("h1").textContent.length > 0`, nil),
		chromedp.Text("h1", &title, chromedp.ByQuery),
		chromedp.Text("#greeting", &greeting, chromedp.ByQuery),
		chromedp.Text("#hours", &hours, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if want := i18n.T("km", "shell.staff_title"); title != want {
		t.Errorf("title in Khmer = %q, want %q", title, want)
	}
	if !strings.Contains(greeting, "សួស្តី") || !strings.Contains(greeting, i18n.T("km", "role.reception")) {
		t.Errorf("greeting not in Khmer: %q", greeting)
	}
	if !strings.Contains(hours, i18n.T("km", "weekday.1")) || !strings.Contains(hours, "07:00–11:30") {
		t.Errorf("reception hours not shown in Khmer: %q", hours)
	}
	// The start page offers the work of the reception role only.
	var links []string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("#capabilities li:not(.hidden) a")).map(a => a.getAttribute("href"))`, &links)); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(links, " ")
	for _, want := range []string{"/intake.html", "/counter.html", "/thu-tuc"} {
		if !strings.Contains(got, want) {
			t.Errorf("reception's start page lacks %s: %s", want, got)
		}
	}
	for _, never := range []string{"/dashboard.html", "/report.html"} {
		if strings.Contains(got, never) {
			t.Errorf("reception's start page offers %s (leaders only): %s", never, got)
		}
	}
	// Remembered on the staff account, so another PC shows Khmer too.
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, _ := app.FindRecordById(base.ColStaff, s.Record.Id)
		if r.GetString("language") == "km" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("staff language = %q, want km", r.GetString("language"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	err = chromedp.Run(ctx,
		chromedp.Reload(),
		chromedp.WaitVisible("#start", chromedp.ByQuery),
		chromedp.Poll(`document.documentElement.lang === "km"`, nil),
		chromedp.Text("h1", &title, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if title != i18n.T("km", "shell.staff_title") {
		t.Errorf("after reload, title = %q", title)
	}
}

// TestBrowserCatalogueKhmerFont: the public catalogue renders Khmer with the
// embedded Noto Sans Khmer (checked through document.fonts), and filters as the
// citizen types without accents.
func TestBrowserCatalogueKhmerFont(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	url := testkit.StartServer(t, app)
	ctx := testkit.NewBrowser(t)

	var loaded []string
	var heading string
	err := chromedp.Run(ctx,
		chromedp.Navigate(url+"/thu-tuc?lang=km"),
		chromedp.WaitVisible("#procedures", chromedp.ByQuery),
		chromedp.Evaluate(`document.fonts.ready.then(() => Array.from(document.fonts)
			.filter(f => f.status === "loaded").map(f => f.family.replace(/"/g, "") + " " + f.weight))`, &loaded, testkit.AwaitPromise),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(loaded, ","), "Noto Sans Khmer") {
		t.Errorf("Noto Sans Khmer not loaded; loaded faces: %v", loaded)
	}
	if !strings.Contains(heading, i18n.T("km", "catalogue.title")) {
		t.Errorf("heading %q lacks the Khmer title", heading)
	}
	// The glyphs drawn for Khmer text come from our font, not a system fallback:
	// on citizen pages its regular face alone ("Noto Sans Khmer Lite", issue 16).
	var usesKhmerFont bool
	err = chromedp.Run(ctx, chromedp.Evaluate(`(() => {
		const el = document.querySelector('.proc .name [lang="km"]');
		return !!el && getComputedStyle(el).fontFamily.startsWith('"Noto Sans Khmer Lite"') &&
			document.fonts.check('16px "Noto Sans Khmer Lite"', el.textContent);
	})()`, &usesKhmerFont))
	if err != nil {
		t.Fatal(err)
	}
	if !usesKhmerFont {
		t.Error("Khmer procedure names are not set in Noto Sans Khmer")
	}

	var total, shown int
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelectorAll("#procedures .proc").length`, &total),
		chromedp.SendKeys("#q", "khai sinh", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#procedures .proc:not(.hidden)").length`, &shown),
	)
	if err != nil {
		t.Fatal(err)
	}
	if total < 18 || shown == 0 || shown >= total {
		t.Errorf("typing 'khai sinh' shows %d of %d procedures", shown, total)
	}
	var names []string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("#procedures .proc:not(.hidden) .name .sub")).map(e => e.textContent)`, &names)); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !strings.Contains(strings.ToLower(n), "khai sinh") {
			t.Errorf("filtered list shows %q", n)
		}
	}
}
