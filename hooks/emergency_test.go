package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/xuri/excelize/v2"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// api calls the real server as one caller and decodes the JSON answer.
func api(t *testing.T, method, url, token, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil && res.StatusCode == http.StatusOK {
			t.Fatalf("%s %s: %v in %s", method, url, err, b)
		}
	}
	if res.StatusCode != http.StatusOK {
		t.Logf("%s %s: %d %s", method, url, res.StatusCode, b)
	}
	return res.StatusCode
}

// TestEmergencyPadOfTwenty is issue 19's "done when" for emergency receipts: a
// leader prints a pad of 20 (Chromium's PDF: 20 A4 pages, Vietnamese and
// Khmer, each half within its 143 mm, the printed QR decoding to the sheet's
// status link, which says "not entered yet"); the power comes back and
// reception keys the papers in, one on the intake page's emergency mode and
// the rest through the same route, each under its code and its real time of
// receipt, and voids a spoiled one; the report counts them under their real
// days with the "nhập bù" note (JSON and xlsx), the ledger marks them, and the
// printed QR opens each dossier's status page.
func TestEmergencyPadOfTwenty(t *testing.T) {
	app := newTestApp(t)
	url := testkit.StartServer(t, app)
	office, _ := domain.FindOffice(app)
	office.Set("public_url", url)
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	testkit.OpenAllDay(t, app)
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "pad.leader")
	rec := testkit.MakeStaff(t, app, base.RoleReception, "pad.reception")
	ctx := testkit.NewBrowser(t)
	signIn := func(user string) chromedp.Tasks {
		return chromedp.Tasks{
			chromedp.Navigate(url + "/"),
			chromedp.Evaluate(`localStorage.clear()`, nil),
			chromedp.Navigate(url + "/"),
			chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
			chromedp.SendKeys("#identity", user, chromedp.ByQuery),
			chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
			chromedp.Click("#sign-in-button", chromedp.ByQuery),
			chromedp.WaitVisible("#start", chromedp.ByQuery),
		}
	}

	// 1. The leader prints a pad of 20.
	var sheets int
	var overflow []string
	var text string
	err := chromedp.Run(ctx,
		signIn("pad.leader"),
		chromedp.Click(`#capabilities a[href="/emergency.html"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#pad-form", chromedp.ByQuery),
		chromedp.Evaluate(`window.motcuaNoPrint = true`, nil),
		chromedp.SetValue("#pad-sheets", "20", chromedp.ByQuery),
		chromedp.SetValue("#pad-note", "Quầy 1", chromedp.ByQuery),
		chromedp.Click("#pad-create", chromedp.ByQuery),
		chromedp.WaitReady(`body[data-pad-ready]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#pad-print .pad-sheet").length`, &sheets),
		chromedp.Text("#pad-print", &text, chromedp.ByQuery),
		emulation.SetEmulatedMedia().WithMedia("print"),
		// Each half must hold everything it prints: overflow is hidden.
		chromedp.Evaluate(`Array.from(document.querySelectorAll(".pad-half")).filter(h => h.scrollHeight > h.clientHeight + 1).map(h => h.closest(".pad-sheet").dataset.code + " " + h.scrollHeight + ">" + h.clientHeight)`, &overflow),
	)
	if err != nil {
		t.Fatal(err)
	}
	if sheets != 20 {
		t.Fatalf("%d sheets printed, want 20", sheets)
	}
	if len(overflow) > 0 {
		t.Errorf("halves cut off in print: %v", overflow)
	}
	for _, want := range []string{i18n.T("vi", "emergency.badge"), i18n.T("km", "emergency.badge"), i18n.T("vi", "receipt.title"),
		i18n.T("km", "receipt.title"), i18n.T("km", "emergency.cut_here"), i18n.T("vi", "receipt.copy_applicant"), i18n.T("km", "receipt.copy_file")} {
		if !strings.Contains(text, want) {
			t.Errorf("the printed pad lacks %q", want)
		}
	}
	var pdf, shot []byte
	err = chromedp.Run(ctx,
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			pdf, _, err = cdppage.PrintToPDF().WithPreferCSSPageSize(true).WithPrintBackground(true).Do(ctx)
			return err
		}),
		emulation.SetEmulatedMedia().WithMedia("screen"),
		chromedp.Screenshot(`#pad-print .pad-sheet`, &shot, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if d := os.Getenv("MOTCUA_GALLERY"); d != "" {
		dir = d
	}
	pdfPath := filepath.Join(dir, "emergency-pad-20.pdf")
	_ = os.WriteFile(pdfPath, pdf, 0o644)
	_ = os.WriteFile(filepath.Join(dir, "emergency-pad-sheet.png"), shot, 0o644)
	if pages := regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1); len(pages) != 20 {
		t.Errorf("the pad prints on %d pages, want 20 (one A4 per code)", len(pages))
	}
	if box := regexp.MustCompile(`/MediaBox \[0 0 (59[45]\.[0-9]+) (84[12]\.[0-9]+)\]`).Find(pdf); box == nil {
		t.Errorf("PDF pages are not A4 portrait: %q", regexp.MustCompile(`/MediaBox \[[^\]]*\]`).Find(pdf))
	}

	var pads struct {
		Pads []struct {
			ID       string `json:"id"`
			FirstCde string `json:"first_code"`
		} `json:"pads"`
	}
	api(t, http.MethodGet, url+"/api/motcua/emergency/pads", leader.Token, "", &pads)
	if len(pads.Pads) != 1 {
		t.Fatalf("pads: %+v", pads)
	}
	var pad struct {
		ID     string         `json:"id"`
		Counts map[string]int `json:"counts"`
		Sheets []struct {
			Code, State, Dossier string
		} `json:"sheets"`
	}
	api(t, http.MethodGet, url+"/api/motcua/emergency/pads/"+pads.Pads[0].ID, leader.Token, "", &pad)
	first, err := domain.FindEmergencySheet(app, pad.Sheets[0].Code)
	if err != nil {
		t.Fatal(err)
	}
	link := url + "/tra-cuu/" + first.Code() + "?k=" + first.LookupKey()
	// The QR as printed: page 1 of the PDF rasterised, as a phone camera sees paper.
	if _, err := exec.LookPath("pdftoppm"); err == nil {
		png := filepath.Join(dir, "pad-page1")
		if out, err := exec.Command("pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", "-singlefile", pdfPath, png).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
		img, _ := os.ReadFile(png + ".png")
		if got := testkit.DecodeQR(t, img); got != link {
			t.Errorf("the printed QR says %q, want %q", got, link)
		}
		txt, err := exec.Command("pdftotext", "-f", "1", "-l", "1", pdfPath, "-").Output()
		if err == nil && (!strings.Contains(string(txt), "BIÊN NHẬN KHẨN CẤP") || !strings.Contains(string(txt), first.Code())) {
			t.Errorf("page 1's text lacks the badge or the code:\n%s", txt)
		}
	} else if os.Getenv("CI") != "" {
		t.Fatal("pdftoppm is missing in CI: .ci/run must install poppler-utils")
	} else {
		t.Log("pdftoppm not installed (poppler-utils): the printed QR is not rasterised")
	}
	var pending string
	guest, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Run(guest, chromedp.Navigate(link), chromedp.WaitVisible("h1", chromedp.ByQuery), chromedp.Text("main", &pending, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pending, i18n.T("vi", "lookup.pad_pending_title")) || !strings.Contains(pending, i18n.T("km", "lookup.pad_pending")) {
		t.Errorf("the QR before key-in shows %q", pending)
	}

	// 2. Two days later the power is back: reception keys the papers in. The
	// first on the intake page in emergency mode.
	back := time.Now().Add(2 * 24 * time.Hour)
	testkit.SetClock(app, back)
	day1 := time.Now().Add(26 * time.Hour).In(base.Zone).Truncate(time.Minute)
	proc := testkit.ProcByCode(t, app, "1.001193")
	const scan = "079203001234|352123456|Thạch Thị Sa Ry|15081990|Nữ|Ấp Mỹ Hòa, Xã Mỹ Hương, Tỉnh Sóc Trăng|20042021"
	var receipt string
	var intakeShot []byte
	ctx = testkit.NewBrowser(t) // a fresh tab (each has its own time limit) for reception
	err = chromedp.Run(ctx,
		emulation.SetEmulatedMedia().WithMedia("screen"),
		signIn("pad.reception"),
		chromedp.Click(`#capabilities a[href="/intake.html"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#keyin-box", chromedp.ByQuery),
		chromedp.Click("#keyin-on", chromedp.ByQuery),
		chromedp.WaitVisible("#emergency_code", chromedp.ByQuery),
		chromedp.SetValue("#emergency_code", first.Code(), chromedp.ByQuery),
		chromedp.SetValue("#received_at", day1.Format("2006-01-02T15:04"), chromedp.ByQuery),
		chromedp.FullScreenshot(&intakeShot, 80),
		chromedp.SendKeys("#scan", scan+kb.Enter, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("applicant_name").value !== ""`, nil),
		chromedp.SendKeys("#proc-search", "dang ky khai sinh", chromedp.ByQuery),
		chromedp.Click(`button.proc-option[data-id="`+proc.Id+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#paper-0", chromedp.ByQuery),
		chromedp.Click("#paper-0", chromedp.ByQuery),
		chromedp.Click("#paper-1", chromedp.ByQuery),
		chromedp.Click("#paper-2", chromedp.ByQuery),
		chromedp.Click("#save", chromedp.ByQuery),
		chromedp.WaitVisible(`body[data-ready="true"] #receipt .receipt`, chromedp.ByQuery),
		chromedp.Text("#receipt", &receipt, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(receipt, first.Code()) || !strings.Contains(receipt, domain.TimeText(day1)) {
		t.Errorf("the receipt after the key-in lacks the printed code %s or the real time %s", first.Code(), domain.TimeText(day1))
	}
	_ = os.WriteFile(filepath.Join(dir, "intake-keyin.jpg"), intakeShot, 0o644)
	// The rest through the same route, spread over the two days; one voided.
	for i := 1; i < 20; i++ {
		code := pad.Sheets[i].Code
		if i == 7 {
			if st := api(t, http.MethodPost, url+"/api/motcua/emergency/sheets/"+code+"/void", rec.Token, `{"reason":"Viết nhầm, đã huỷ"}`, nil); st != http.StatusOK {
				t.Fatalf("void: %d", st)
			}
			continue
		}
		at := time.Now().Add(time.Duration(i) * 2 * time.Hour)
		body := testkit.IntakeBody(proc.Id, map[string]any{"emergency_code": code, "received_at": at.UTC().Format(time.RFC3339),
			"applicant_name": fmt.Sprintf("Người nộp %d", i)})
		if st := api(t, http.MethodPost, url+"/api/motcua/intake/emergency", rec.Token, body, nil); st != http.StatusOK {
			t.Fatalf("key-in %d: %d", i, st)
		}
	}
	api(t, http.MethodGet, url+"/api/motcua/emergency/pads/"+pad.ID, leader.Token, "", &pad)
	if pad.Counts["used"] != 19 || pad.Counts["voided"] != 1 || pad.Counts["unused"] != 0 {
		t.Errorf("pad counts %v, want 19 used, 1 voided", pad.Counts)
	}

	// 3. The report and the ledger.
	from := time.Now().In(base.Zone).Format(time.DateOnly)
	to := back.In(base.Zone).Format(time.DateOnly)
	var report struct {
		Total struct {
			New         int `json:"new"`
			EnteredLate int `json:"new_entered_late"`
		} `json:"total"`
	}
	if st := api(t, http.MethodGet, url+"/api/motcua/reports/summary?from="+from+"&to="+to, leader.Token, "", &report); st != http.StatusOK {
		t.Fatal(st)
	}
	if report.Total.New != 19 || report.Total.EnteredLate != 19 {
		t.Errorf("report: %d new, %d entered late, want 19 and 19", report.Total.New, report.Total.EnteredLate)
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/api/motcua/reports/summary.xlsx?from="+from+"&to="+to, nil)
	req.Header.Set("Authorization", leader.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	xb, _ := io.ReadAll(res.Body)
	res.Body.Close()
	x, err := excelize.OpenReader(bytes.NewReader(xb))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("BaoCao")
	note := i18n.T("vi", "report.entered_late", "n", 19)
	found := false
	for _, r := range rows {
		if len(r) > 0 && strings.HasPrefix(r[0], note) && strings.Contains(r[0], i18n.T("km", "report.entered_late", "n", 19)) {
			found = true
		}
	}
	if !found {
		t.Errorf("the xlsx has no note %q", note)
	}
	var ledger struct {
		Rows []struct {
			Code        string `json:"code"`
			ReceivedAt  string `json:"received_at"`
			EnteredLate bool   `json:"entered_late"`
		} `json:"rows"`
	}
	api(t, http.MethodGet, url+"/api/motcua/ledger?from="+from+"&to="+to, rec.Token, "", &ledger)
	late := 0
	for _, r := range ledger.Rows {
		if r.EnteredLate {
			late++
		}
	}
	if len(ledger.Rows) != 19 || late != 19 {
		t.Errorf("ledger: %d rows, %d entered late, want 19 and 19", len(ledger.Rows), late)
	}

	// 4. The printed QR now opens the dossier.
	var state string
	guest = testkit.NewBrowser(t)
	if err := chromedp.Run(guest, chromedp.Navigate(link), chromedp.WaitVisible("#state", chromedp.ByQuery), chromedp.Text("#state", &state, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(state, i18n.T("vi", "track_status.received")) || !strings.Contains(state, i18n.T("km", "track_status.received")) {
		t.Errorf("the QR after key-in shows %q", state)
	}

	// 5. The clock battery goes flat: the start page says so before anyone
	// tries to take a dossier in.
	testkit.SetClock(app, time.Date(2000, 1, 1, 7, 5, 0, 0, base.Zone))
	var banner string
	var startShot []byte
	ctx = testkit.NewBrowser(t)
	err = chromedp.Run(ctx,
		signIn("pad.reception"),
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible("#clock-banner.clock-banner", chromedp.ByQuery),
		chromedp.Text("#clock-banner", &banner, chromedp.ByQuery),
		chromedp.FullScreenshot(&startShot, 80),
	)
	if err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dir, "start-clock-banner.jpg"), startShot, 0o644)
	if !strings.Contains(banner, i18n.T("vi", "clock.banner_title")) || !strings.Contains(banner, "01/01/2000") {
		t.Errorf("start page banner with the clock in 2000: %q", banner)
	}
	t.Logf("pad PDF %s (%d bytes)", pdfPath, len(pdf))
}
