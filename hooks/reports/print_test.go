package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// mkTicketRating is a rating given at the counter for a queue ticket with no
// dossier (an enquiry): it has no procedure.
func mkTicketRating(t *testing.T, app core.App, score int, at string) {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId(base.ColRatings)
	r := core.NewRecord(col)
	r.Load(map[string]any{"ticket_id": "ticket" + at, "score": score, "scale": 5, "channel": "counter", "counter": "1"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	testkit.SetRaw(t, app, base.ColRatings, r.Id, "created", at)
}

// TestReportCounterRatings: ratings of queue tickets with no dossier make no
// nameless procedure row under "Khác": they count in the total's
// satisfaction, and the report says how many there are.
func TestReportCounterRatings(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	reportFixture(t, app)
	mkTicketRating(t, app, 5, "2026-03-05 03:00:00.000Z")
	mkTicketRating(t, app, 1, "2026-03-06 03:00:00.000Z")
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "cr.leader")
	mux := testkit.NewMux(t, app)
	res := testkit.Do(mux, http.MethodGet, "/api/motcua/reports/summary?period=2026-03", leader.Token, "")
	var rep Report
	if err := json.Unmarshal(res.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	fieldRatings := 0
	for _, f := range rep.Fields {
		for _, p := range f.Procedures {
			if p.ID == "" || p.NameVI == "" {
				t.Errorf("nameless procedure row under %q: %+v", f.FieldVI, p)
			}
		}
		fieldRatings += f.Ratings
	}
	if len(rep.Fields) != 2 {
		t.Errorf("%d fields, want the fixture's 2 (no \"Khác\")", len(rep.Fields))
	}
	// The fixture's four ratings of March (three satisfied of P1's… see reportFixture) and the two tickets.
	if rep.CounterRatings != 2 || rep.Total.Ratings != fieldRatings+2 || rep.Total.Satisfied != 2+1 {
		t.Errorf("counter ratings %d, total %d of which %d satisfied; fields %d", rep.CounterRatings, rep.Total.Ratings, rep.Total.Satisfied, fieldRatings)
	}
	if rep.Total.Satisfaction == nil || *rep.Total.Satisfaction != 50 {
		t.Errorf("total satisfaction %v, want 50 (3 of 6)", rep.Total.Satisfaction)
	}
	// The xlsx says where they are counted, in both languages.
	buf, err := ReportXLSX(&rep)
	if err != nil {
		t.Fatal(err)
	}
	if text := sheetText(t, buf.Bytes()); !strings.Contains(text, i18n.T("vi", "report.counter_ratings", "n", 2)) ||
		!strings.Contains(text, i18n.T("km", "report.counter_ratings", "n", 2)) {
		t.Error("the xlsx does not say where the counter ratings are counted")
	}
}

// sheetText is every cell of the report sheet, cells joined by tabs, rows by
// the record separator U+001E (cells hold newlines).
func sheetText(t *testing.T, xlsx []byte) string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(xlsxSheet)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "\t") + "\x1e")
	}
	return b.String()
}

// TestReportXLSXPage: the xlsx is set up to print like the paper form: A4
// landscape, one page wide, the header rows repeated, the name columns frozen,
// the form's number and the title above, the place and date line and the two
// signature blocks (Vietnamese with Khmer) under the table.
func TestReportXLSXPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	reportFixture(t, app)
	o, _ := domain.FindOffice(app)
	o.Set("place_vi", "Mỹ Hương")
	o.Set("place_km", "មីហឿង")
	if err := app.Save(o.Record); err != nil {
		t.Fatal(err)
	}
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "xp.leader")
	mux := testkit.NewMux(t, app)
	res := testkit.Do(mux, http.MethodGet, "/api/motcua/reports/summary.xlsx?period=2026-03", leader.Token, "")
	if res.Code != http.StatusOK {
		t.Fatalf("xlsx: %d %s", res.Code, res.Body.String())
	}
	x, err := excelize.OpenReader(bytes.NewReader(res.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	pl, err := x.GetPageLayout(xlsxSheet)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.Size == nil || *pl.Size != 9 ||
		pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
		t.Errorf("page layout: orientation %v size %v fit %v × %v; want A4 (9) landscape, 1 page wide", deref(pl.Orientation), deref(pl.Size), deref(pl.FitToWidth), deref(pl.FitToHeight))
	}
	props, err := x.GetSheetProps(xlsxSheet)
	if err != nil || props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("fit to page is off (%v)", err)
	}
	titles := ""
	for _, n := range x.GetDefinedName() {
		if n.Name == "_xlnm.Print_Titles" && n.Scope == xlsxSheet {
			titles = n.RefersTo
		}
	}
	if titles != "'BaoCao'!$4:$7" {
		t.Errorf("rows repeated on every page: %q, want the header rows 4–7", titles)
	}
	panes, err := x.GetPanes(xlsxSheet)
	if err != nil || !panes.Freeze || panes.XSplit != 2 || panes.YSplit != xlsxFirstData-1 {
		t.Errorf("panes %+v (%v): want STT and name frozen with the header", panes, err)
	}
	text := sheetText(t, res.Body.Bytes())
	lines := strings.Split(text, "\x1e")
	if !strings.Contains(lines[0], i18n.T("vi", "report.form_no")) || !strings.Contains(lines[1], i18n.T("vi", "report.title")) ||
		!strings.Contains(lines[1], i18n.T("km", "report.title")) || !strings.Contains(lines[2], "01/03/2026") {
		t.Errorf("heading rows:\n%s", strings.Join(lines[:3], "\n---\n"))
	}
	total := strings.Index(text, i18n.T("vi", "report.total"))
	after := text[total:]
	for _, want := range []string{"Mỹ Hương, ngày", "មីហឿង ថ្ងៃទី",
		i18n.T("vi", "print.prepared_by"), i18n.T("km", "print.prepared_by"),
		i18n.T("vi", "print.head_of_unit"), i18n.T("km", "print.head_of_unit"), i18n.T("vi", "print.sign_stamp_hint")} {
		if total < 0 || !strings.Contains(after, want) {
			t.Errorf("under the table the xlsx lacks %q", want)
		}
	}
	area := ""
	for _, n := range x.GetDefinedName() {
		if n.Name == "_xlnm.Print_Area" {
			area = n.RefersTo
		}
	}
	if want := "'BaoCao'!$A$1:$Y$"; !strings.HasPrefix(area, want) || len(lines)-1 > mustAtoi(t, area[len(want):]) {
		t.Errorf("print area %q does not hold the %d rows", area, len(lines)-1)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// TestReportCSVBilingual: the CSV's headers read "STT / ល.រ" (no "vi:"
// labels) and every field and procedure row is named in both languages.
func TestReportCSVBilingual(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	p1, p2 := reportFixture(t, app)
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "csv.leader")
	mux := testkit.NewMux(t, app)
	res := testkit.Do(mux, http.MethodGet, "/api/motcua/reports/summary.csv?period=2026-03", leader.Token, "")
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "STT / ល.រ" || recs[0][1] != i18n.T("vi", "report.col_name")+" / "+i18n.T("km", "report.col_name") {
		t.Errorf("headers %q, %q", recs[0][0], recs[0][1])
	}
	for _, h := range recs[0] {
		if strings.Contains(h, "vi:") || strings.Contains(h, "km:") || !strings.Contains(h, " / ") {
			t.Errorf("header %q is not \"Vietnamese / Khmer\"", h)
		}
	}
	names := map[string]bool{}
	for _, r := range recs[1:] {
		names[r[1]] = true
	}
	for _, p := range []*core.Record{p1, p2} {
		for _, want := range []string{p.GetString("name_vi") + " / " + p.GetString("name_km"), p.GetString("field_vi") + " / " + p.GetString("field_km")} {
			if !names[want] {
				t.Errorf("csv has no row %q", want)
			}
		}
	}
}
