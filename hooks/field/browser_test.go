package field

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestBrowserFieldReceiptResolvesAtCentre: on a team laptop the banner shows
// the team (and asks for the school site until it is set on the field page); a
// receipt printed there carries a QR of the centre's status page; after a
// leader imports the team's bundle in the centre's field page (one result per
// dossier), that QR's URL opens the dossier's status at the centre, and a push
// from the laptop's page marks the dossier confirmed there.
func TestBrowserFieldReceiptResolvesAtCentre(t *testing.T) {
	t.Parallel()
	centre, _ := newCentre(t)
	testkit.MakeStaff(t, centre, base.RoleLeader, "br.leader")
	cmux := testkit.NewMux(t, centre)
	centreURL := serveMux(t, cmux)
	office, _ := domain.FindOffice(centre)
	office.Set("public_url", centreURL)
	if err := centre.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	fs := newFieldSite(t, centre, "Tổ 1 Mỹ Hương", []string{"son.my"}, "")
	fieldURL := serveMux(t, fs.mux)
	ctx := testkit.NewBrowser(t)

	var banner, bannerClass string
	err := chromedp.Run(ctx,
		chromedp.Navigate(fieldURL+"/"),
		chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
		chromedp.SendKeys("#identity", "son.my", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
		chromedp.Click("#sign-in-button", chromedp.ByQuery),
		chromedp.WaitVisible("#start", chromedp.ByQuery),
		chromedp.WaitVisible("#field-banner", chromedp.ByQuery),
		chromedp.Text("#field-banner", &banner, chromedp.ByQuery),
		chromedp.AttributeValue("#field-banner", "class", &bannerClass, nil, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(banner, "Tổ 1 Mỹ Hương") || !strings.Contains(banner, i18n.T("vi", "field.no_location")) || !strings.Contains(bannerClass, "warn") {
		t.Errorf("banner before the site is set: %q (%s)", banner, bannerClass)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`#capabilities a[href="/field.html"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#location-form", chromedp.ByQuery),
		chromedp.SendKeys("#location", "Điểm trường Tân Hòa", chromedp.ByQuery),
		chromedp.Click(`#location-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("field-banner").textContent.indexOf("Điểm trường Tân Hòa") >= 0`, nil),
		chromedp.Text("#field-banner", &banner, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if kit, _ := domain.FindLocalKit(fs.app); kit.Location() != "Điểm trường Tân Hòa" {
		t.Errorf("site stored as %q", kit.Location())
	}

	ids := fs.takeIn(t, 1)
	d, _ := domain.FindDossier(fs.app, ids[0])
	var qrSrc, receipt string
	var bannerPrinted bool
	err = chromedp.Run(ctx,
		chromedp.Navigate(fieldURL+"/receipt.html?id="+d.Id),
		chromedp.WaitVisible(`body[data-ready="true"] #receipt .receipt`, chromedp.ByQuery),
		chromedp.WaitVisible("#field-banner", chromedp.ByQuery),
		chromedp.Text("#receipt", &receipt, chromedp.ByQuery),
		chromedp.AttributeValue("#receipt .receipt-qr img", "src", &qrSrc, nil, chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("field-banner").classList.contains("no-print")`, &bannerPrinted),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(receipt, d.Code()) || !strings.Contains(receipt, d.LookupKey()) || !strings.HasSuffix(d.Code(), "-5000") {
		t.Errorf("field receipt lacks code %s or key", d.Code())
	}
	if !bannerPrinted {
		t.Errorf("the banner would be printed on the receipt")
	}
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(qrSrc, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	link := testkit.DecodeQR(t, png)
	if link != centreURL+"/tra-cuu/"+d.Code()+"?k="+d.LookupKey() {
		t.Fatalf("field QR says %q, want the centre's status page", link)
	}

	// The laptop's page lists the dossier as not sent.
	err = chromedp.Run(ctx,
		chromedp.Navigate(fieldURL+"/field.html"),
		chromedp.WaitVisible(`#dossiers tr[data-id="`+d.Id+`"][data-state="pending"]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}

	// At the centre a leader imports the USB bundle.
	rep, err := exportBundleFile(fs.app, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var summaryText, outcome string
	err = chromedp.Run(ctx,
		chromedp.Navigate(centreURL+"/"),
		chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
		chromedp.SendKeys("#identity", "br.leader", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
		chromedp.Click("#sign-in-button", chromedp.ByQuery),
		chromedp.WaitVisible("#start", chromedp.ByQuery),
		chromedp.Navigate(centreURL+"/field.html"),
		chromedp.WaitVisible("#centre", chromedp.ByQuery),
		chromedp.WaitVisible(`#kits tr[data-id="`+fs.kit.KitID+`"]`, chromedp.ByQuery),
		chromedp.SetUploadFiles("#bundle-file", []string{rep.File}, chromedp.ByQuery),
		chromedp.Click("#import", chromedp.ByQuery),
		chromedp.WaitVisible(`#import-results tr[data-outcome="new"]`, chromedp.ByQuery),
		chromedp.Text("#import-msg", &summaryText, chromedp.ByQuery),
		chromedp.Text("#import-results tbody", &outcome, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(summaryText, "Mới: 1") || !strings.Contains(outcome, d.Code()) {
		t.Errorf("import shows %q / %q", summaryText, outcome)
	}
	// Downloading the kit file again shows its one-time code, big, in both
	// languages; the code opens the file the page fetched.
	var codeVI, codeKM, textVI, textKM string
	var shotVI, shotKM []byte
	err = chromedp.Run(ctx,
		chromedp.Click(`#kits tr[data-id="`+fs.kit.KitID+`"] button.download`, chromedp.ByQuery),
		chromedp.WaitVisible("#kit-code", chromedp.ByQuery),
		chromedp.Text("#kit-code-value", &codeVI, chromedp.ByQuery),
		chromedp.Text("#kit-code", &textVI, chromedp.ByQuery),
		chromedp.Screenshot("#kit-code", &shotVI, chromedp.ByQuery),
		chromedp.Click(`[data-set-lang="km"]`, chromedp.ByQuery),
		chromedp.Poll(`window.motcua.lang === "km"`, nil),
		chromedp.Text("#kit-code-value", &codeKM, chromedp.ByQuery),
		chromedp.Text("#kit-code", &textKM, chromedp.ByQuery),
		chromedp.Screenshot("#kit-code", &shotKM, chromedp.ByQuery),
		chromedp.Click(`[data-set-lang="vi"]`, chromedp.ByQuery),
		chromedp.Poll(`window.motcua.lang === "vi"`, nil),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fieldbundle.ParseKitCode(codeVI); err != nil || codeKM != codeVI {
		t.Errorf("kit code on the page %q / %q: %v", codeVI, codeKM, err)
	}
	if !strings.Contains(textVI, i18n.T("vi", "field.kit_code")) || !strings.Contains(textKM, i18n.T("km", "field.kit_code")) {
		t.Errorf("kit code text: %q / %q", textVI, textKM)
	}
	if dir := os.Getenv("MOTCUA_SHOTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "field-kit-code-vi.png"), shotVI, 0o644)
		_ = os.WriteFile(filepath.Join(dir, "field-kit-code-km.png"), shotKM, 0o644)
	}

	var banners int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll("#field-banner").length`, &banners)); err != nil || banners != 0 {
		t.Errorf("the centre shows a field banner (%d, %v)", banners, err)
	}

	// The printed QR now opens the dossier's status at the centre.
	var status string
	err = chromedp.Run(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible("main", chromedp.ByQuery),
		chromedp.Text("main", &status, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status, d.Code()) || strings.Contains(status, i18n.T("vi", "lookup.not_found")) {
		t.Errorf("status page at the centre: %q", status)
	}

	// Back on the laptop, a push over the network confirms it.
	err = chromedp.Run(ctx,
		chromedp.Navigate(fieldURL+"/field.html"),
		chromedp.WaitVisible(`#dossiers tr[data-id="`+d.Id+`"][data-state="sent"]`, chromedp.ByQuery),
		chromedp.SendKeys("#centre-url", centreURL, chromedp.ByQuery),
		chromedp.Click("#push", chromedp.ByQuery),
		chromedp.WaitVisible(`#dossiers tr[data-id="`+d.Id+`"][data-state="confirmed"]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
}
