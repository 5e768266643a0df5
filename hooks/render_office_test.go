package hooks

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// What TestGallery checks of the office's own facts on paper and screen: its
// place name on the place and date lines, its receipt paper, the refusal a
// citizen reads, the times written day first, the charts' labels, the report's
// note on counter ratings, and the xlsx as LibreOffice prints it.

// The fixture's place name.
const (
	galleryPlaceVI = "Mỹ Hương"
	galleryPlaceKM = "មីហឿង"
)

// setUpOfficePrint gives the fixture's office its place name and one rating
// at the counter for a queue ticket with no dossier.
func setUpOfficePrint(t *testing.T, app core.App) {
	t.Helper()
	o, err := domain.FindOffice(app)
	if err != nil {
		t.Fatal(err)
	}
	o.Set("place_vi", galleryPlaceVI)
	o.Set("place_km", galleryPlaceKM)
	if err := app.Save(o.Record); err != nil {
		t.Fatal(err)
	}
	col, _ := app.FindCollectionByNameOrId(base.ColRatings)
	r := core.NewRecord(col)
	r.Load(map[string]any{"ticket_id": "enquiry-1", "score": 5, "scale": 5, "channel": "counter", "counter": "1"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

// setOffice sets one office field (tests change it and put it back).
func (f *renderFixture) setOffice(t *testing.T, field string, v any) {
	t.Helper()
	o, err := domain.FindOffice(f.app)
	if err != nil {
		t.Fatal(err)
	}
	o.Set(field, v)
	if err := f.app.Save(o.Record); err != nil {
		t.Fatal(err)
	}
}

var (
	dayFirst  = regexp.MustCompile(`\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b`)
	timeFirst = regexp.MustCompile(`\b\d{2}:\d{2},? \d{2}/\d{2}/\d{4}\b|\d{2} giờ \d{2}`)
)

// checkDayFirst: a printed paper writes its times date first, then the hour
// ("04/02/2027 16:30"), as the screens do; never "16:30 04/02/2027".
func checkDayFirst(t *testing.T, name, text string) {
	t.Helper()
	if !dayFirst.MatchString(text) {
		t.Errorf("%s prints no time day first (dd/mm/yyyy hh:mm)", name)
	}
	if m := timeFirst.FindString(text); m != "" {
		t.Errorf("%s prints a time hour first: %q", name, m)
	}
}

// checkPlaceDate: a printed paper's date line carries the office's place
// name in Vietnamese and in Khmer.
func checkPlaceDate(t *testing.T, name, text string) {
	t.Helper()
	for _, want := range []string{galleryPlaceVI + ", ngày", galleryPlaceKM + " ថ្ងៃទី"} {
		if !strings.Contains(text, want) {
			t.Errorf("%s: the place and date line lacks %q", name, want)
		}
	}
}

// walkOfficePaper: an office that chose A5 gets its receipt as two A5 pages
// without asking, and a mobile team's dossier still goes to the roll.
func walkOfficePaper(t *testing.T, w *walker) {
	f := w.f
	ready := `document.body.getAttribute("data-ready") === "true"`
	f.setOffice(t, "receipt_paper", "a5")
	defer f.setOffice(t, "receipt_paper", "")
	w.as(t, base.RoleReception)
	w.open(t, "/receipt.html?id="+f.ids["receipt"], ready)
	checkPaper(t, "receipt-office-a5", w.printPDF(t, "receipt-office-a5"), 2, paperA5)
	text := w.printedText(t)
	checkPlaceDate(t, "receipt (office A5)", text)
	checkDayFirst(t, "receipt (office A5)", text)
	w.open(t, "/receipt.html?id="+f.ids["mobile"], ready)
	checkPaper(t, "receipt-mobile-office-a5", w.printPDF(t, "receipt-mobile-office-a5"), 2, pdfPage{W: mmToPt(80)})
}

// checkRefusedStatus: a dossier refused during processing tells the citizen
// it was refused and why, in both languages, never "not received".
func checkRefusedStatus(t *testing.T, w *walker, lang string) {
	var r struct {
		State  string `json:"state"`
		Next   string `json:"next"`
		Reason string `json:"reason"`
	}
	w.eval(t, `(() => { const el = id => (document.getElementById(id) || { innerText: "" }).innerText;
		return { state: el("state"), next: el("next"), reason: el("reason") }; })()`, &r)
	for _, want := range []string{i18n.T("vi", "track_status.refused"), i18n.T("km", "track_status.refused")} {
		if !strings.Contains(r.State, want) {
			t.Errorf("refused status page (%s, %s): state %q lacks %q", lang, w.screen.Name, r.State, want)
		}
	}
	if !strings.Contains(r.Reason, "Không thuộc thẩm quyền giải quyết của xã") || !strings.Contains(r.Reason, i18n.T("km", "lookup.closing_reason")) ||
		!strings.Contains(r.Reason, i18n.T("vi", "lookup.closing_reason")) {
		t.Errorf("refused status page (%s, %s) gives no reason in both languages: %q", lang, w.screen.Name, r.Reason)
	}
	if strings.Contains(r.State+r.Next, "Không tiếp nhận") || strings.Contains(r.State+r.Next, "not received") {
		t.Errorf("refused status page (%s) says not received: %q", lang, r.State)
	}
}

// checkChartLabels: the charts' labels are at least 13 units in the drawing
// itself (readable wherever it is shown at its own width) and the labels
// under the bars never touch one another.
func checkChartLabels(t *testing.T, w *walker, lang string) {
	var r struct {
		Smallest float64  `json:"smallest"`
		Overlaps []string `json:"overlaps"`
	}
	w.eval(t, `(() => {
		const svgs = Array.from(document.querySelectorAll(".chart svg"));
		const smallest = Math.min(...svgs.flatMap(svg => Array.from(svg.querySelectorAll("text")).map(e => parseFloat(getComputedStyle(e).fontSize))));
		const overlaps = [];
		svgs.forEach(svg => {
			const rows = {};
			Array.from(svg.querySelectorAll("text[text-anchor=middle]")).forEach(e => { const y = e.getAttribute("y"); (rows[y] = rows[y] || []).push(e); });
			Object.values(rows).forEach(row => { row.sort((a, b) => a.getBBox().x - b.getBBox().x);
				for (let i = 1; i < row.length; i++) { const a = row[i - 1].getBBox(), b = row[i].getBBox();
					if (a.x + a.width + 2 > b.x) overlaps.push(row[i - 1].textContent + "|" + row[i].textContent); } });
		});
		return { smallest, overlaps };
	})()`, &r)
	if r.Smallest < 13 {
		t.Errorf("dashboard (%s): chart labels are %.1f units in the drawing, want ≥ 13", lang, r.Smallest)
	}
	if len(r.Overlaps) > 0 {
		t.Errorf("dashboard (%s, %s): chart labels touch: %v", lang, w.screen.Name, r.Overlaps)
	}
}

// checkReportPrint: the printed report has the form's number, the place, and
// says where the counter ratings are counted.
func checkReportPrint(t *testing.T, text string) {
	t.Helper()
	checkPlaceDate(t, "report", text)
	for _, want := range []string{i18n.T("vi", "report.form_no"), i18n.T("vi", "report.counter_ratings", "n", 1), i18n.T("km", "report.counter_ratings", "n", 1)} {
		if !strings.Contains(text, want) {
			t.Errorf("the printed report lacks %q", want)
		}
	}
}

// walkStartReachable: with a public URL phones can open, the start page
// shows no warning.
func walkStartReachable(t *testing.T, w *walker) {
	f := w.f
	f.setOffice(t, "public_url", "http://192.168.1.10:8090")
	defer f.setOffice(t, "public_url", "http://localhost:8090")
	w.as(t, base.RoleReception)
	w.open(t, "/", `!document.getElementById("start").classList.contains("hidden") && document.querySelectorAll("#hours tr").length === 7`)
	var shown bool
	w.eval(t, `document.getElementById("public-url-warning").getClientRects().length > 0`, &shown)
	if shown {
		t.Error("the start page warns about a public URL phones can open")
	}
}

// printXLSX converts the report's xlsx with LibreOffice, as an office prints
// it, and checks its pages are A4 landscape; only with -gallery, and only
// where LibreOffice is installed (it is big; CI has none).
func printXLSX(t *testing.T, f *renderFixture) {
	t.Helper()
	soffice, err := exec.LookPath("libreoffice")
	if err != nil {
		t.Log("no libreoffice: the xlsx is not printed")
		return
	}
	res := testkit.Do(f.mux, http.MethodGet, "/api/motcua/reports/summary.xlsx", f.tok[base.RoleLeader], "")
	if res.Code != http.StatusOK {
		t.Fatalf("xlsx: %d", res.Code)
	}
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "report-xlsx.xlsx")
	if err := os.WriteFile(xlsx, res.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "lo"), "--convert-to", "pdf", "--outdir", dir, xlsx)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "report-xlsx.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*galleryDir, "report-xlsx.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", filepath.Join(dir, "report-xlsx.pdf")).Output()
	if err != nil {
		t.Logf("no pdfinfo: %v", err)
		return
	}
	var pages, size string
	for _, l := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(l, "Pages:"); ok {
			pages = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(l, "Page size:"); ok {
			size = strings.TrimSpace(v)
		}
	}
	if pages != "1" || !strings.HasPrefix(size, "841.") || !strings.Contains(size, "x 595.") {
		t.Errorf("the xlsx prints on %s pages of %s, want 1 page of A4 landscape (841.89 x 595.3 pts)", pages, size)
	}
	t.Logf("xlsx as LibreOffice prints it: %s pages, %s", pages, size)
}
