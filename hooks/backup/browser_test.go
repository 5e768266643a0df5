package backup

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"motcua/hooks/backupkey"
	"motcua/hooks/drives"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/reports"
)

// signIn signs a staff account in on the start page.
func signIn(t *testing.T, ctx context.Context, url, username string) {
	t.Helper()
	err := chromedp.Run(ctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
		chromedp.SendKeys("#identity", username, chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
		chromedp.Click("#sign-in-button", chromedp.ByQuery),
		chromedp.WaitVisible("#start", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
}

// galleryDir is where a browser test leaves its screenshots and PDFs for a
// person to look at.
func galleryDir(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "motcua-"+name+"-")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// onPhone reports how far the page scrolls sideways on a 360 px phone and
// takes its screenshot there, then puts the PC size back.
func onPhone(t *testing.T, ctx context.Context) (side float64, shot []byte) {
	t.Helper()
	err := chromedp.Run(ctx,
		emulation.SetDeviceMetricsOverride(360, 740, 1, true),
		chromedp.Evaluate(`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, nil, testkit.AwaitPromise),
		chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &side),
		chromedp.FullScreenshot(&shot, 80),
		emulation.ClearDeviceMetricsOverride(),
	)
	if err != nil {
		t.Fatal(err)
	}
	return side, shot
}

// TestBrowserRecoverySheet: a leader makes the recovery sheet on the staff
// page; it prints on one A4 page with the 8 groups large, the fingerprint,
// Vietnamese and Khmer (in the Khmer font), and a QR code that decodes to the
// code; scanning the printed QR code into the page confirms the key.
func TestBrowserRecoverySheet(t *testing.T) {
	app := newTestApp(t)
	testkit.MakeStaff(t, app, base.RoleLeader, "sheet.leader")
	url := testkit.StartServer(t, app)
	ctx := testkit.NewBrowser(t)
	signIn(t, ctx, url, "sheet.leader")

	var state string
	var sheet struct {
		Groups     []string `json:"groups"`
		GroupPx    float64  `json:"groupPx"`
		Fp         string   `json:"fp"`
		QR         string   `json:"qr"`
		QRWidthMM  float64  `json:"qrWidthMM"`
		KhmerFont  string   `json:"khmerFont"`
		KhmerReady bool     `json:"khmerReady"`
		KhmerText  string   `json:"khmerText"`
	}
	err := chromedp.Run(ctx,
		chromedp.Navigate(url+"/backup-key.html"),
		chromedp.WaitVisible("#make", chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("key-state").textContent.length > 0`, nil),
		chromedp.Text("#key-state", &state, chromedp.ByQuery),
		chromedp.Click("#make", chromedp.ByQuery),
		chromedp.WaitVisible("#recovery-sheet", chromedp.ByQuery),
		chromedp.Poll(`document.querySelector("#recovery-sheet img").complete`, nil),
		chromedp.Evaluate(`document.fonts.ready.then(() => ({
			groups: [...document.querySelectorAll(".rs-g")].map(e => e.textContent),
			groupPx: parseFloat(getComputedStyle(document.querySelector(".rs-g")).fontSize),
			fp: document.querySelector(".rs-fp-value").textContent,
			qr: document.querySelector("#recovery-sheet img").src,
			qrWidthMM: document.querySelector("#recovery-sheet img").getBoundingClientRect().width / (96 / 25.4),
			khmerFont: getComputedStyle(document.querySelector(".rs-how [lang=km]")).fontFamily,
			khmerReady: document.fonts.check('16px "Noto Sans Khmer"', "ក"),
			khmerText: document.querySelector(".rs-how [lang=km]").textContent,
		}))`, &sheet, testkit.AwaitPromise),
	)
	if err != nil {
		t.Fatal(err)
	}
	if state != i18n.T("vi", "backup.warn_plain") {
		t.Errorf("state before the key: %q", state)
	}
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sheet.QR, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	scanned := decodeSheetQR(t, png)
	code, err := backupkey.ParseCode(scanned)
	if err != nil {
		t.Fatalf("the printed QR code %q: %v", scanned, err)
	}
	g := code.GroupsOf()
	if strings.Join(sheet.Groups, "-") != strings.Join(g[:], "-") || sheet.Fp != code.Fingerprint() {
		t.Errorf("sheet groups %v / fingerprint %s, QR says %s / %s", sheet.Groups, sheet.Fp, code.Typed(), code.Fingerprint())
	}
	if sheet.GroupPx < 26 { // 20 pt
		t.Errorf("the groups are printed at %.1f px; want 20 pt or more", sheet.GroupPx)
	}
	if sheet.QRWidthMM < 45 {
		t.Errorf("the QR code is %.0f mm wide", sheet.QRWidthMM)
	}
	if !strings.Contains(sheet.KhmerFont, "Noto Sans Khmer") || !sheet.KhmerReady || !strings.Contains(sheet.KhmerText, i18n.T("km", "backup.sheet_keep")) {
		t.Errorf("Khmer: font %q loaded=%v text %.80q", sheet.KhmerFont, sheet.KhmerReady, sheet.KhmerText)
	}

	// Printed: the screen's parts are hidden, the sheet is one A4 page.
	dir := galleryDir(t, "recovery-sheet")
	var shot, pdf []byte
	var hidden bool
	err = chromedp.Run(ctx,
		chromedp.Screenshot("#recovery-sheet", &shot, chromedp.ByQuery),
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`["header.top", "#state-card", "#confirm-card", "#sheet-card .card"].every(s => getComputedStyle(document.querySelector(s)).display === "none")`, &hidden),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			pdf, _, err = cdppage.PrintToPDF().WithPreferCSSPageSize(true).Do(ctx)
			return err
		}),
		emulation.SetEmulatedMedia().WithMedia("screen"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !hidden {
		t.Error("the page's controls print with the sheet")
	}
	side, phone := onPhone(t, ctx)
	if side > 1 {
		t.Errorf("the sheet page scrolls sideways by %.0f px on a phone", side)
	}
	os.WriteFile(filepath.Join(dir, "backup-key-phone.jpg"), phone, 0o644)
	if pages := regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1); len(pages) != 1 {
		t.Errorf("the sheet prints on %d pages, want 1", len(pages))
	}
	if !regexp.MustCompile(`/MediaBox \[0 0 59[45]\.[0-9]+ 84[12]\.[0-9]+\]`).Match(pdf) {
		t.Errorf("the sheet's page is not A4: %q", regexp.MustCompile(`/MediaBox \[[^\]]*\]`).Find(pdf))
	}
	os.WriteFile(filepath.Join(dir, "recovery-sheet.png"), shot, 0o644)
	os.WriteFile(filepath.Join(dir, "recovery-sheet.pdf"), pdf, 0o644)
	t.Logf("recovery sheet: %s", dir)

	// The USB scanner types the printed QR code's text and Enter.
	var msg string
	var page []byte
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#code", scanned+"\n", chromedp.ByQuery),
		chromedp.WaitVisible("#confirm-msg.ok", chromedp.ByQuery),
		chromedp.Text("#confirm-msg", &msg, chromedp.ByQuery),
		chromedp.FullScreenshot(&page, 90),
	)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "backup-key-page-confirmed.jpg"), page, 0o644)
	if msg != i18n.T("vi", "backup.key_confirmed", "fingerprint", code.Fingerprint()) {
		t.Errorf("after the scan: %q", msg)
	}
	if k, _ := loadKeyState(app); k.Fingerprint != code.Fingerprint() {
		t.Errorf("key after the scan: %+v", k)
	}
	var inDOM bool
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`document.body.innerHTML.indexOf(`+"`"+g[0]+"`"+`) >= 0 || document.getElementById("code").value !== ""`, &inDOM),
		chromedp.Click(`button[data-set-lang="km"]`, chromedp.ByQuery),
		chromedp.Poll(`document.documentElement.lang === "km"`, nil),
		chromedp.Text("#key-state", &state, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if inDOM {
		t.Error("the code stays on the screen after it is confirmed")
	}
	if !strings.Contains(state, code.Fingerprint()) || !strings.Contains(state, "កូនសោ") {
		t.Errorf("key state in Khmer: %q", state)
	}
	waitForRun(t, app, "key") // the fresh backup the confirmation started
}

// TestBrowserDashboardBackupPanel: the leaders' dashboard says plainly that
// backups are not encrypted until the sheet is confirmed, and copies the
// latest backup to a USB stick, saying in Vietnamese and Khmer when it may be
// pulled out.
func TestBrowserDashboardBackupPanel(t *testing.T) {
	stick := t.TempDir()
	t.Setenv(drives.OverrideEnv, stick)
	app := testkit.NewApp(t, Register, reports.Register)
	office, _ := domain.FindOffice(app)
	office.Set("backup_dir", t.TempDir())
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	addDossiers(t, app, "260302", 3)
	if _, err := runAutomaticBackup(app, "schedule", nil); err != nil {
		t.Fatal(err)
	}
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "dash.leader")
	url := testkit.StartServer(t, app)

	// The dashboard's own figures carry the backup panel: the key and what to
	// act on, the plain backups first.
	req, _ := http.NewRequest(http.MethodGet, url+"/api/motcua/dashboard", nil)
	req.Header.Set("Authorization", leader.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var board struct {
		Panels struct {
			Backup struct {
				Key      keyStatus `json:"key"`
				Warnings []warning `json:"warnings"`
			} `json:"backup"`
		} `json:"panels"`
	}
	err = json.NewDecoder(res.Body).Decode(&board)
	res.Body.Close()
	if err != nil || board.Panels.Backup.Key.Active || len(board.Panels.Backup.Warnings) == 0 || board.Panels.Backup.Warnings[0].Key != "backup.warn_plain" {
		t.Errorf("dashboard backup panel: %+v %v", board.Panels.Backup, err)
	}

	ctx := testkit.NewBrowser(t)
	signIn(t, ctx, url, "dash.leader")

	var warn, href, opt, done string
	var shot []byte
	err = chromedp.Run(ctx,
		chromedp.Navigate(url+"/dashboard.html"),
		chromedp.WaitVisible(`#backup-extra [data-warning="backup.warn_plain"]`, chromedp.ByQuery),
		chromedp.Text(`#backup-extra [data-warning="backup.warn_plain"]`, &warn, chromedp.ByQuery),
		chromedp.AttributeValue("#bk-key-link", "href", &href, nil, chromedp.ByQuery),
		chromedp.Click("#bk-usb-find", chromedp.ByQuery),
		chromedp.WaitVisible("#bk-usb-pick", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#bk-usb-drive option").textContent`, &opt),
		chromedp.Click("#bk-usb-copy", chromedp.ByQuery),
		chromedp.WaitVisible(`#bk-usb-msg[data-state="ok"]`, chromedp.ByQuery),
		chromedp.Text("#bk-usb-msg", &done, chromedp.ByQuery),
		chromedp.Screenshot("#backup-panel", &shot, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if warn != i18n.T("vi", "backup.warn_plain") || !strings.HasSuffix(href, "/backup-key.html") {
		t.Errorf("warning %q, link %q", warn, href)
	}
	if !strings.Contains(opt, stick) {
		t.Errorf("drive option %q", opt)
	}
	st := usbStateOf(app)
	if st == nil || st.State != "ok" {
		t.Fatalf("copy state %+v", st)
	}
	for _, lang := range []string{"vi", "km"} {
		if want := i18n.T(lang, "drives.copy_ok", "name", st.Name, "drive", stick); !strings.Contains(done, want) {
			t.Errorf("message %q lacks the %s text %q", done, lang, want)
		}
	}
	dir := galleryDir(t, "dashboard-backup")
	os.WriteFile(filepath.Join(dir, "backup-panel.png"), shot, 0o644)
	side, phone := onPhone(t, ctx)
	if side > 1 {
		t.Errorf("the dashboard scrolls sideways by %.0f px on a phone with the backup card", side)
	}
	os.WriteFile(filepath.Join(dir, "dashboard-phone.jpg"), phone, 0o644)
	t.Logf("dashboard backup panel: %s", dir)

	err = chromedp.Run(ctx,
		chromedp.Click(`button[data-set-lang="km"]`, chromedp.ByQuery),
		chromedp.Poll(`document.documentElement.lang === "km" && /[\u1780-\u17ff]/.test(document.querySelector('#backup-extra [data-warning="backup.warn_plain"]').textContent)`, nil),
		chromedp.Text(`#backup-extra [data-warning="backup.warn_plain"]`, &warn, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if warn != i18n.T("km", "backup.warn_plain") {
		t.Errorf("Khmer warning %q", warn)
	}
}
