package reports

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// reportFixture builds March 2026 with every column known; see the comments by
// each dossier and the expected rows in TestReportFixture.
func reportFixture(t testing.TB, app core.App) (p1, p2 *core.Record) {
	p1 = testkit.ProcedureOfField(t, app, "Hộ tịch")
	p2 = testkit.ProcedureOfField(t, app, "Chứng thực")
	d := func(p *core.Record, status string, received, due, finished, closed time.Time, extra map[string]any) *core.Record {
		f := map[string]any{"procedure": p.Id, "status": status, "received_at": received}
		if !due.IsZero() {
			f["due_at"] = due
		}
		if !finished.IsZero() {
			f["finished_at"] = finished
		}
		if !closed.IsZero() {
			f["closed_at"] = closed
		}
		for k, v := range extra {
			f[k] = v
		}
		return testkit.MkDossier(t, app, f)
	}
	var z time.Time
	// P1 (Hộ tịch)
	d1 := d(p1, domain.StatusReturned, testkit.LocalTime(2026, 2, 20, 9, 0), testkit.LocalTime(2026, 3, 2, 17, 0), testkit.LocalTime(2026, 3, 2, 10, 0), z, nil) // carried, on time
	d(p1, domain.StatusProcessing, testkit.LocalTime(2026, 2, 10, 9, 0), testkit.LocalTime(2026, 2, 25, 17, 0), z, z, nil)                                       // carried, overdue
	d(p1, domain.StatusReturned, testkit.LocalTime(2026, 1, 5, 9, 0), testkit.LocalTime(2026, 1, 20, 17, 0), testkit.LocalTime(2026, 2, 1, 9, 0), z, nil)        // closed before: out
	d4 := d(p1, domain.StatusDone, testkit.LocalTime(2026, 3, 3, 8, 0), testkit.LocalTime(2026, 3, 10, 17, 0), testkit.LocalTime(2026, 3, 9, 9, 0), z, nil)      // new, early
	d5 := d(p1, domain.StatusReturned, testkit.LocalTime(2026, 3, 4, 8, 0), testkit.LocalTime(2026, 3, 6, 17, 0), testkit.LocalTime(2026, 3, 12, 9, 0), z,
		map[string]any{"mobile": true}) // new mobile, late
	d(p1, domain.StatusProcessing, testkit.LocalTime(2026, 3, 5, 8, 0), testkit.LocalTime(2026, 4, 10, 17, 0), z, z, map[string]any{"channel": "online"})          // new online, within
	d(p1, domain.StatusSupplementRequested, testkit.LocalTime(2026, 3, 6, 8, 0), testkit.LocalTime(2026, 3, 20, 17, 0), z, z, map[string]any{"channel": "postal"}) // new postal, supplement
	d(p1, domain.StatusRefused, testkit.LocalTime(2026, 3, 10, 8, 0), z, z, testkit.LocalTime(2026, 3, 10, 9, 0), nil)                                             // refused
	d(p1, domain.StatusReturned, testkit.LocalTime(2026, 3, 31, 16, 30), testkit.LocalTime(2026, 4, 3, 17, 0), testkit.LocalTime(2026, 4, 2, 9, 0), z, nil)        // last evening: within at end
	d(p1, domain.StatusProcessing, testkit.LocalTime(2026, 4, 1, 0, 30), testkit.LocalTime(2026, 4, 3, 17, 0), z, z, nil)                                          // April (31 March in UTC): out
	d(p1, domain.StatusWithdrawn, testkit.LocalTime(2026, 3, 11, 8, 0), z, z, testkit.LocalTime(2026, 3, 12, 9, 0), nil)                                           // withdrawn
	d(p1, domain.StatusAwaitingFees, testkit.LocalTime(2026, 3, 12, 8, 0), testkit.LocalTime(2026, 3, 13, 17, 0), z, z, nil)                                       // fees
	d(p1, domain.StatusStopped, testkit.LocalTime(2026, 2, 15, 8, 0), testkit.LocalTime(2026, 3, 1, 17, 0), z, testkit.LocalTime(2026, 3, 15, 9, 0), nil)          // carried, stopped
	d14 := d(p1, domain.StatusReturned, testkit.LocalTime(2026, 3, 13, 8, 0), testkit.LocalTime(2026, 3, 16, 8, 0), testkit.LocalTime(2026, 3, 16, 16, 0), z, nil) // on the due day, after its hour: on time
	d(p1, domain.StatusProcessing, testkit.LocalTime(2026, 3, 2, 8, 0), testkit.LocalTime(2026, 3, 5, 17, 0), z, z, nil)                                           // new, overdue
	d(p1, domain.StatusReturned, testkit.LocalTime(2026, 3, 18, 8, 0), testkit.LocalTime(2026, 3, 20, 6, 0), testkit.LocalTime(2026, 3, 19, 20, 0), z, nil)        // early by the local day (same UTC day)
	testkit.SetRaw(t, app, base.ColDossiers, d14.Id, "scans", `["scan_a.pdf"]`)
	// P2 (Chứng thực)
	d17 := d(p2, domain.StatusReturned, testkit.LocalTime(2026, 3, 20, 8, 0), testkit.LocalTime(2026, 3, 20, 17, 0), testkit.LocalTime(2026, 3, 20, 11, 0), z, nil) // on time
	testkit.SetRaw(t, app, base.ColDossiers, d17.Id, "scans", `["scan_b.pdf","scan_c.pdf"]`)
	d(p2, domain.StatusSupplementRequested, testkit.LocalTime(2025, 12, 1, 8, 0), testkit.LocalTime(2025, 12, 5, 17, 0), z, z, nil) // carried, supplement

	testkit.MkRating(t, app, d1, 5, testkit.LocalTime(2026, 3, 2, 10, 5))
	testkit.MkRating(t, app, d4, 4, testkit.LocalTime(2026, 3, 9, 10, 0))
	testkit.MkRating(t, app, d5, 2, testkit.LocalTime(2026, 3, 12, 10, 0))
	testkit.MkRating(t, app, d14, 1, testkit.LocalTime(2026, 2, 27, 10, 0)) // February: out
	testkit.MkRating(t, app, d17, 3, testkit.LocalTime(2026, 3, 20, 11, 5))
	return p1, p2
}

// expected rows of the fixture (rates are filled by finish()).
var (
	wantP1 = ReportRow{CarriedOver: 3, New: 11, NewInPerson: 8, NewMobile: 1, NewOnline: 1, NewPostal: 1,
		Early: 2, OnTime: 2, Late: 1, WithinTime: 2, Overdue: 2, Supplement: 1, Fees: 1, Stopped: 1,
		Refused: 1, Withdrawn: 1, WithScans: 1, Ratings: 3, Satisfied: 2}
	wantP2 = ReportRow{CarriedOver: 1, New: 1, NewInPerson: 1, OnTime: 1, Supplement: 1, WithScans: 1, Ratings: 1}
)

func finished(r ReportRow) ReportRow { r.finish(); return r }

func sameRow(t *testing.T, name string, got, want ReportRow) {
	t.Helper()
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if !bytes.Equal(gb, wb) {
		t.Errorf("%s:\n got %s\nwant %s", name, gb, wb)
	}
}

// TestReportFixture checks every cell of March 2026 against the hand-built fixture.
func TestReportFixture(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	p1, p2 := reportFixture(t, app)
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "report.leader")
	mux := testkit.NewMux(t, app)

	res := testkit.Do(mux, http.MethodGet, "/api/motcua/reports/summary?period=2026-03", leader.Token, "")
	if res.Code != http.StatusOK {
		t.Fatalf("summary: %d %s", res.Code, res.Body.String())
	}
	var rep Report
	if err := json.Unmarshal(res.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.From != "2026-03-01" || rep.To != "2026-03-31" || rep.Period != "2026-03" {
		t.Errorf("range %s..%s period %s", rep.From, rep.To, rep.Period)
	}
	if len(rep.Fields) != 2 {
		t.Fatalf("fields: %+v", rep.Fields)
	}
	// Vietnamese order: Chứng thực before Hộ tịch.
	if rep.Fields[0].FieldVI != "Chứng thực" || rep.Fields[1].FieldVI != "Hộ tịch" {
		t.Errorf("field order %s, %s", rep.Fields[0].FieldVI, rep.Fields[1].FieldVI)
	}
	w1, w2 := finished(wantP1), finished(wantP2)
	if len(rep.Fields[1].Procedures) != 1 || rep.Fields[1].Procedures[0].ID != p1.Id {
		t.Fatalf("Hộ tịch procedures: %+v", rep.Fields[1].Procedures)
	}
	if rep.Fields[0].Procedures[0].ID != p2.Id {
		t.Fatalf("Chứng thực procedures: %+v", rep.Fields[0].Procedures)
	}
	sameRow(t, "P1", rep.Fields[1].Procedures[0].ReportRow, w1)
	sameRow(t, "field Hộ tịch", rep.Fields[1].ReportRow, w1)
	sameRow(t, "P2", rep.Fields[0].Procedures[0].ReportRow, w2)
	var total ReportRow
	total.add(wantP1)
	total.add(wantP2)
	total = finished(total)
	sameRow(t, "total", rep.Total, total)
	// Spelled out, so a wrong rate formula cannot hide behind finish().
	if *w1.OnTimeRate != 80 || *w1.Satisfaction != 66.7 || *w1.ScanRate != 9.1 || w1.Received != 14 || w1.Finished != 5 || w1.InProgress != 4 || w1.Paused != 3 {
		t.Errorf("P1 derived: %+v", w1)
	}
	if *total.OnTimeRate != 83.3 || *total.Satisfaction != 50 || *total.ScanRate != 16.7 || total.Received != 16 {
		t.Errorf("total derived: on time %v satisfaction %v scans %v received %d", *total.OnTimeRate, *total.Satisfaction, *total.ScanRate, total.Received)
	}
	// The columns add up.
	tt := rep.Total
	if tt.Received != tt.Finished+tt.Refused+tt.Withdrawn+tt.Paused+tt.InProgress {
		t.Errorf("columns do not add up: %+v", tt)
	}

	// The same range given as dates, and Q1 (which includes Feb's closings).
	res = testkit.Do(mux, http.MethodGet, "/api/motcua/reports/summary?from=2026-03-01&to=2026-03-31", leader.Token, "")
	var rep2 Report
	_ = json.Unmarshal(res.Body.Bytes(), &rep2)
	sameRow(t, "by dates", rep2.Total, total)

	// xlsx: the same numbers, and the header merged like the paper form.
	res = testkit.Do(mux, http.MethodGet, "/api/motcua/reports/summary.xlsx?period=2026-03", leader.Token, "")
	if res.Code != http.StatusOK || !strings.Contains(res.Header().Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx: %d %s", res.Code, res.Header().Get("Content-Type"))
	}
	x, err := excelize.OpenReader(bytes.NewReader(res.Body.Bytes()))
	if err != nil {
		t.Fatalf("xlsx does not open: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows(xlsxSheet)
	if err != nil {
		t.Fatal(err)
	}
	findRow := func(name string) []string {
		for _, r := range rows {
			if len(r) > 1 && strings.HasPrefix(r[1], name) {
				return r
			}
		}
		t.Fatalf("xlsx has no row %q", name)
		return nil
	}
	check := func(name string, cells []string, want ReportRow) {
		t.Helper()
		for i, c := range reportColumns {
			v := c.Value(want)
			w := ""
			switch v := v.(type) {
			case int:
				w = itoa(v)
			case float64:
				w = strconv.FormatFloat(v, 'f', 1, 64) // the sheet's 0.0"%" format
			}
			got := ""
			if i+2 < len(cells) {
				got = strings.TrimSuffix(cells[i+2], "%")
			}
			if got != w {
				t.Errorf("xlsx %s column %s: %q, want %q", name, c.Leaf, got, w)
			}
		}
	}
	check("P1", findRow(p1.GetString("name_vi")), w1)
	check("P2", findRow(p2.GetString("name_vi")), w2)
	check("total", findRow("Tổng cộng"), total)
	merged, err := x.GetMergeCells(xlsxSheet)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, m := range merged {
		have[m.GetStartAxis()+":"+m.GetEndAxis()] = m.GetCellValue()
	}
	for span, key := range map[string]string{
		"A4:A6": "report.col_no", "B4:B6": "report.col_name", "C4:I4": "report.grp_received",
		"C5:C6": "report.col_total", "D5:D6": "report.col_carried", "E5:I5": "report.grp_new",
		"J4:M4": "report.grp_finished", "N4:P4": "report.grp_in_progress", "Q4:T4": "report.grp_paused",
	} {
		if v, ok := have[span]; !ok || v != bilingual(key) {
			t.Errorf("merged header %s = %q (present %v), want %q", span, v, ok, bilingual(key))
		}
	}

	// csv: BOM, one header line, the same totals.
	res = testkit.Do(mux, http.MethodGet, "/api/motcua/reports/summary.csv?period=2026-03", leader.Token, "")
	body := res.Body.String()
	if !strings.HasPrefix(body, "\ufeff") || !strings.Contains(body, "Tổng cộng / សរុប,16,4,12,9,1,1,1,6,2,3,1,4,2,2,4,2,1,1,1,1,83.3,50,16.7") {
		t.Errorf("csv:\n%s", body)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestReportRoles: only leaders (and the superuser) get the report, in every format.
func TestReportRoles(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	callers := testkit.MakeCallers(t, app, "roles")
	leadersOnly := map[string]testkit.Expect{
		"guest":            {Status: 401, Key: "error.sign_in_required"},
		base.RoleReception: {Status: 403}, base.RoleProcessor: {Status: 403}, base.RoleField: {Status: 403},
		base.RoleLeader: {Status: 200}, "superuser": {Status: 200},
	}
	for _, path := range []string{"/api/motcua/reports/summary", "/api/motcua/reports/summary.xlsx", "/api/motcua/reports/summary.csv", "/api/motcua/dashboard", "/api/motcua/dashboard/chart/on-time-monthly.svg"} {
		testkit.Scenario{Method: http.MethodGet, URL: path + "?period=2026-Q1", Want: leadersOnly}.Run(t, mux, callers)
	}
	tokens := callers
	res := testkit.Do(mux, http.MethodGet, "/api/motcua/reports/summary?period=2026-Q5", tokens[base.RoleLeader], "")
	if res.Code != 400 || !strings.Contains(res.Body.String(), "error.period_invalid") {
		t.Errorf("bad period: %d %s", res.Code, res.Body.String())
	}
	res = testkit.Do(mux, http.MethodGet, "/api/motcua/reports/summary?from=2026-03-31&to=2026-03-01", tokens[base.RoleLeader], "")
	if res.Code != 400 || !strings.Contains(res.Body.String(), "error.range_invalid") {
		t.Errorf("reversed range: %d %s", res.Code, res.Body.String())
	}
}

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]string{
		"2026-06": "2026-06-01..2026-06-30", "2026-02": "2026-02-01..2026-02-28", "2026-Q1": "2026-01-01..2026-03-31",
		"2026-Q4": "2026-10-01..2026-12-31", "2026-H1": "2026-01-01..2026-06-30", "2026-H2": "2026-07-01..2026-12-31",
		"2026-9M": "2026-01-01..2026-09-30", "2026": "2026-01-01..2026-12-31", "2028-02": "2028-02-01..2028-02-29",
	} {
		f, to, ok := ParsePeriod(p)
		if got := f.String() + ".." + to.String(); !ok || got != want {
			t.Errorf("%s: %s (ok %v), want %s", p, got, ok, want)
		}
	}
	for _, bad := range []string{"2026-13", "2026-Q0", "2026-H3", "26-01", "2026-6M", ""} {
		if _, _, ok := ParsePeriod(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
