//go:build !windows

package notify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/hooks/i18n"
	"motcua/hooks/intake"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/reports"
	"motcua/hooks/sms/fakemodem"
	"motcua/hooks/workflow"
)

// shot saves a screenshot when MOTCUA_SHOTS names a folder (for people to
// look at), and checks it was taken.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 90)); err != nil || len(png) == 0 {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if dir := os.Getenv("MOTCUA_SHOTS"); dir != "" {
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
}

// TestBrowserConsentToDashboard: the officer ticks "wants SMS", chooses
// Khmer and saves; the receipt says SMS will come; the notice goes out in
// Khmer. With the SIM out of credit the leader's dashboard says so in
// Vietnamese and in Khmer and lists the notice, and "send again" queues it.
func TestBrowserConsentToDashboard(t *testing.T) {
	app := testkit.NewApp(t, Register, intake.Register, workflow.Register, reports.Register)
	app.Store().Set(manualStoreKey, true)
	fm, err := fakemodem.New(fakemodem.Options{Link: filepath.Join(t.TempDir(), "ttyUSB0")})
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { releasePort(fm.Path()); fm.Close() })
	r := &rig{t: t, app: app, fm: fm}
	r.settings(map[string]any{"enabled": true, "modem_port": fm.Path(), "send_from": "00:00", "send_until": "24:00"})
	testkit.MakeStaff(t, app, base.RoleReception, "br.reception")
	testkit.MakeStaff(t, app, base.RoleLeader, "br.leader")
	url := testkit.StartServer(t, app)
	proc := testkit.ProcByCode(t, app, "1.001193")
	ctx := testkit.NewBrowser(t)

	signIn := func(user string) chromedp.Tasks {
		return chromedp.Tasks{
			chromedp.Navigate(url + "/"),
			// Once the page has settled (a signed-in page refreshes its token
			// and would save it again), forget the account.
			chromedp.Poll(`!document.getElementById("start").classList.contains("hidden") || !document.getElementById("sign-in").classList.contains("hidden")`, nil),
			chromedp.Evaluate(`localStorage.clear()`, nil),
			chromedp.Navigate(url + "/"),
			chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
			chromedp.SendKeys("#identity", user, chromedp.ByQuery),
			chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
			chromedp.Click("#sign-in-button", chromedp.ByQuery),
			chromedp.WaitVisible("#start", chromedp.ByQuery),
		}
	}
	var langDisabled bool
	var receipt string
	err = chromedp.Run(ctx, signIn("br.reception"),
		chromedp.Navigate(url+"/intake.html"),
		chromedp.WaitVisible("#intake", chromedp.ByQuery),
		chromedp.SendKeys("#applicant_name", "Thạch Thị Sa Ry", chromedp.ByQuery),
		chromedp.SendKeys("#applicant_phone", "0912 345 678", chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("sms_language").disabled`, &langDisabled),
		chromedp.Click("#sms_consent", chromedp.ByQuery),
		chromedp.SetValue("#sms_language", "km", chromedp.ByQuery),
		chromedp.SendKeys("#proc-search", "dang ky khai sinh", chromedp.ByQuery),
		chromedp.WaitVisible(`button.proc-option[data-id="`+proc.Id+`"]`, chromedp.ByQuery),
		chromedp.Click(`button.proc-option[data-id="`+proc.Id+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#paper-0", chromedp.ByQuery),
		chromedp.Click("#paper-0", chromedp.ByQuery),
		chromedp.Click("#paper-1", chromedp.ByQuery),
		chromedp.Click("#paper-2", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !langDisabled {
		t.Error("the language is asked before consent")
	}
	shot(t, ctx, "sms-intake-vi")
	err = chromedp.Run(ctx,
		chromedp.Click("#save", chromedp.ByQuery),
		chromedp.WaitVisible(`body[data-ready="true"] #receipt .receipt`, chromedp.ByQuery),
		chromedp.Text("#receipt", &receipt, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"vi", "km"} {
		if !strings.Contains(receipt, i18n.T(lang, "sms.receipt_line")) {
			t.Errorf("the receipt lacks the %s SMS line", lang)
		}
	}
	recs, _ := app.FindAllRecords(base.ColDossiers)
	if len(recs) != 1 || !recs[0].GetBool("sms_consent") || recs[0].GetString("sms_language") != "km" {
		t.Fatalf("dossier saved without the consent: %d", len(recs))
	}
	d := &domain.Dossier{Record: recs[0]}
	r.drain()
	if ms := r.messages(); len(ms) != 1 || !strings.Contains(ms[0].Text, d.Code()) || !strings.Contains(ms[0].Text, "ត្រូវបានទទួលហើយ") {
		t.Fatalf("the Khmer notice: %+v", ms)
	}

	fm.FailSends(21)
	if _, err := enqueue(app, domain.SMSNotice{Kind: domain.NoticeVisit, Phone: "0987654321", Language: "vi",
		Values: map[string]string{"date": "19/08/2026", "site": "Điểm trường Tà Liêm", "hours": "07:30-11:00"}}); err != nil {
		t.Fatal(err)
	}
	r.drain()
	var panelVI, panelKM string
	var rows int
	for i, task := range signIn("br.leader") {
		tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := chromedp.Run(tctx, task)
		cancel()
		if err != nil {
			var html string
			_ = chromedp.Run(ctx, chromedp.OuterHTML("body", &html, chromedp.ByQuery))
			t.Fatalf("sign-in step %d: %v\n%.2000s", i, err, html)
		}
	}
	err = chromedp.Run(ctx,
		chromedp.Navigate(url+"/dashboard.html"),
		chromedp.WaitVisible("#sms-panel", chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll("#sms-outbox tr").length >= 3`, nil),
		chromedp.Text("#sms-panel", &panelVI, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#sms-outbox tr").length`, &rows),
	)
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "sms-dashboard-vi")
	err = chromedp.Run(ctx,
		chromedp.Click(`button[data-set-lang="km"]`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("sms-panel").textContent.indexOf("`+i18n.T("km", "sms.panel_title")+`") >= 0`, nil),
		chromedp.Text("#sms-panel", &panelKM, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "sms-dashboard-km")
	for lang, text := range map[string]string{"vi": panelVI, "km": panelKM} {
		for _, want := range []string{
			i18n.T(lang, "sms.not_ready", "reason", i18n.T(lang, "sms.reason_no_credit")),
			i18n.T(lang, "sms.status_failed"), i18n.T(lang, "sms.status_sent"), d.Code(), "098***4321",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s dashboard lacks %q", lang, want)
			}
		}
	}
	if rows != 3 {
		t.Errorf("%d outbox rows, want a header and two notices", rows)
	}
	fm.FailSends(0)
	err = chromedp.Run(ctx,
		chromedp.Click(`#sms-outbox button`, chromedp.ByQuery), // the newest first: the failed visit
		chromedp.Poll(`document.getElementById("sms-msg").textContent.length > 0`, nil),
	)
	if err != nil {
		t.Fatal(err)
	}
	r.drain()
	if ms := r.messages(); len(ms) != 2 || !strings.Contains(ms[1].Text, "Diem truong Ta Liem") {
		t.Fatalf("after send again: %d messages", len(ms))
	}
}
