package intake

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestBrowserIntakeReceiptStatus is the counter's whole flow: a reception
// officer signs in, scans a CCCD QR with Vietnamese diacritics, finds the
// procedure typed without accents, ticks the papers, sees the due date, saves,
// and gets the receipt with Vietnamese and Khmer text and the QR; the QR,
// opened by a guest in a fresh browser context, shows the status, and a wrong
// key shows the 404 page.
func TestBrowserIntakeReceiptStatus(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.MakeStaff(t, app, base.RoleReception, "br.reception")
	url := testkit.StartServer(t, app)
	office, _ := domain.FindOffice(app)
	office.Set("public_url", url)
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	proc := testkit.ProcByCode(t, app, "1.001193")
	ctx := testkit.NewBrowser(t)

	const scan = "079203001234|352123456|Thạch Thị Sa Ry|15081990|Nữ|Ấp Mỹ Hòa, Xã Mỹ Hương, Tỉnh Sóc Trăng|20042021"
	var name, id, birth, gender, address, due, scanErr string
	err := chromedp.Run(ctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
		chromedp.SendKeys("#identity", "br.reception", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
		chromedp.Click("#sign-in-button", chromedp.ByQuery),
		chromedp.WaitVisible("#start", chromedp.ByQuery),
		chromedp.Click(`#capabilities a[href="/intake.html"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#intake", chromedp.ByQuery),
		// A scanner in the wrong keyboard mode: flagged, nothing filled.
		chromedp.SendKeys("#scan", "079203001234||Nguyá»…n Thá»‹ A|15081990|Nữ|Ấp 3|20042021"+kb.Enter, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("scan-error").textContent !== ""`, nil),
		chromedp.Text("#scan-error", &scanErr, chromedp.ByQuery),
		chromedp.Value("#applicant_name", &name, chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("scan").value = ""`, nil),
		chromedp.SendKeys("#scan", scan+kb.Enter, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("applicant_name").value !== ""`, nil),
		chromedp.Value("#applicant_name", &name, chromedp.ByQuery),
		chromedp.Value("#applicant_id_number", &id, chromedp.ByQuery),
		chromedp.Value("#applicant_birth_date", &birth, chromedp.ByQuery),
		chromedp.Value("#applicant_gender", &gender, chromedp.ByQuery),
		chromedp.Value("#applicant_address", &address, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if scanErr != i18n.T("vi", "error.idcard_garbled") {
		t.Errorf("garbled scan flagged as %q", scanErr)
	}
	if name != "Thạch Thị Sa Ry" || id != "079203001234" || birth != "1990-08-15" || gender != "female" ||
		address != "Ấp Mỹ Hòa, Xã Mỹ Hương, Tỉnh Sóc Trăng" {
		t.Fatalf("scan filled %q %q %q %q %q", name, id, birth, gender, address)
	}
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#proc-search", "dang ky khai sinh", chromedp.ByQuery),
		chromedp.WaitVisible(`button.proc-option[data-id="`+proc.Id+`"]`, chromedp.ByQuery),
		chromedp.Click(`button.proc-option[data-id="`+proc.Id+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#paper-0", chromedp.ByQuery),
		chromedp.Click("#paper-0", chromedp.ByQuery),
		chromedp.Click("#paper-1", chromedp.ByQuery),
		chromedp.Click("#paper-2", chromedp.ByQuery),
		chromedp.SendKeys("#applicant_phone", "0912 345 678", chromedp.ByQuery),
		chromedp.Poll(`/\d\d\/\d\d\/\d{4}/.test(document.getElementById("due").textContent)`, nil),
		chromedp.Text("#due", &due, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(due, "Hẹn trả kết quả") {
		t.Errorf("due date shown as %q", due)
	}

	var receipt, qrSrc string
	var qrWidth int
	err = chromedp.Run(ctx,
		chromedp.Click("#save", chromedp.ByQuery),
		chromedp.WaitVisible(`body[data-ready="true"] #receipt .receipt`, chromedp.ByQuery),
		chromedp.Text("#receipt", &receipt, chromedp.ByQuery),
		chromedp.AttributeValue("#receipt .receipt-qr img", "src", &qrSrc, nil, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#receipt .receipt-qr img").naturalWidth`, &qrWidth),
	)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := app.FindAllRecords(base.ColDossiers)
	if len(recs) != 1 {
		t.Fatalf("dossiers saved: %d", len(recs))
	}
	d := &domain.Dossier{Record: recs[0]}
	for _, want := range []string{
		i18n.T("vi", "receipt.title"), i18n.T("km", "receipt.title"), d.Code(), d.LookupKey(),
		"Thạch Thị Sa Ry", "0912345678", "ការចុះបញ្ជីកំណើត",
	} {
		if !strings.Contains(receipt, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	if qrWidth == 0 || !strings.HasPrefix(qrSrc, "data:image/png;base64,") {
		t.Fatalf("QR image not shown (width %d)", qrWidth)
	}
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(qrSrc, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	statusLink := testkit.DecodeQR(t, png)
	if statusLink != url+"/tra-cuu/"+d.Code()+"?k="+d.LookupKey() {
		t.Fatalf("QR says %q", statusLink)
	}

	// A guest: a new tab with the officer's token and cookies cleared. (A new
	// browser context would be closer to incognito, but headless Chromium here
	// refuses to open a tab in one: "no browser is open".)
	guest, cancel := chromedp.NewContext(ctx)
	defer cancel()
	var state, applicant, stored string
	err = chromedp.Run(guest,
		chromedp.Navigate(url+"/tra-cuu"),
		chromedp.Evaluate(`localStorage.clear()`, nil),
		network.ClearBrowserCookies(),
		chromedp.Navigate(statusLink),
		chromedp.WaitVisible("#state", chromedp.ByQuery),
		chromedp.Text("#state", &state, chromedp.ByQuery),
		chromedp.Text("#applicant", &applicant, chromedp.ByQuery),
		chromedp.Evaluate(`localStorage.getItem("motcua_auth") || ""`, &stored),
	)
	if err != nil {
		t.Fatal(err)
	}
	if stored != "" {
		t.Error("the guest context shares the officer's token")
	}
	if !strings.Contains(state, i18n.T("vi", "track_status.received")) || !strings.Contains(state, i18n.T("km", "track_status.received")) {
		t.Errorf("status shown as %q", state)
	}
	if applicant == "Thạch Thị Sa Ry" || !strings.HasPrefix(applicant, "T") {
		t.Errorf("applicant shown as %q", applicant)
	}
	var notFound string
	err = chromedp.Run(guest,
		chromedp.Navigate(url+"/tra-cuu/"+d.Code()+"?k=wrongwrongwr"),
		chromedp.WaitVisible("h1", chromedp.ByQuery),
		chromedp.Text("main", &notFound, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notFound, i18n.T("vi", "lookup.not_found_title")) || strings.Contains(notFound, "Sa Ry") {
		t.Errorf("wrong key shows %q", notFound)
	}
}
