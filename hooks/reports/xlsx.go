package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"motcua/hooks/i18n"
)

// reportColumn is one number column of the report as the paper form lays it
// out: a group (row 1 of the header), a sub-group (row 2) and its own heading
// (row 3). An empty sub-group merges the heading down over rows 2–3; an empty
// group merges it over all three.
type reportColumn struct {
	Group string                `json:"group"` // message keys
	Sub   string                `json:"sub"`
	Leaf  string                `json:"leaf"`
	Field string                `json:"field"` // the ReportRow JSON name, for the print view
	Value func(r ReportRow) any `json:"-"`
}

func count(f func(r ReportRow) int) func(ReportRow) any {
	return func(r ReportRow) any { return f(r) }
}

func pct(f func(r ReportRow) *float64) func(ReportRow) any {
	return func(r ReportRow) any {
		if v := f(r); v != nil {
			return *v
		}
		return ""
	}
}

// reportColumns are the number columns, in the order of the form.
var reportColumns = []reportColumn{
	{"report.grp_received", "", "report.col_total", "received", count(func(r ReportRow) int { return r.Received })},
	{"report.grp_received", "", "report.col_carried", "carried_over", count(func(r ReportRow) int { return r.CarriedOver })},
	{"report.grp_received", "report.grp_new", "report.col_total", "new", count(func(r ReportRow) int { return r.New })},
	{"report.grp_received", "report.grp_new", "report.col_in_person", "new_in_person", count(func(r ReportRow) int { return r.NewInPerson })},
	{"report.grp_received", "report.grp_new", "report.col_mobile", "new_mobile", count(func(r ReportRow) int { return r.NewMobile })},
	{"report.grp_received", "report.grp_new", "report.col_online", "new_online", count(func(r ReportRow) int { return r.NewOnline })},
	{"report.grp_received", "report.grp_new", "report.col_postal", "new_postal", count(func(r ReportRow) int { return r.NewPostal })},
	{"report.grp_finished", "", "report.col_total", "finished", count(func(r ReportRow) int { return r.Finished })},
	{"report.grp_finished", "", "report.col_early", "finished_early", count(func(r ReportRow) int { return r.Early })},
	{"report.grp_finished", "", "report.col_on_time", "finished_on_time", count(func(r ReportRow) int { return r.OnTime })},
	{"report.grp_finished", "", "report.col_late", "finished_late", count(func(r ReportRow) int { return r.Late })},
	{"report.grp_in_progress", "", "report.col_total", "in_progress", count(func(r ReportRow) int { return r.InProgress })},
	{"report.grp_in_progress", "", "report.col_within", "in_progress_within_time", count(func(r ReportRow) int { return r.WithinTime })},
	{"report.grp_in_progress", "", "report.col_overdue", "in_progress_overdue", count(func(r ReportRow) int { return r.Overdue })},
	{"report.grp_paused", "", "report.col_total", "paused", count(func(r ReportRow) int { return r.Paused })},
	{"report.grp_paused", "", "report.col_supplement", "paused_supplement", count(func(r ReportRow) int { return r.Supplement })},
	{"report.grp_paused", "", "report.col_fees", "paused_fees", count(func(r ReportRow) int { return r.Fees })},
	{"report.grp_paused", "", "report.col_stopped", "paused_stopped", count(func(r ReportRow) int { return r.Stopped })},
	{"report.grp_not_issued", "", "report.col_refused", "refused", count(func(r ReportRow) int { return r.Refused })},
	{"report.grp_not_issued", "", "report.col_withdrawn", "withdrawn", count(func(r ReportRow) int { return r.Withdrawn })},
	{"report.grp_index", "", "report.col_on_time_rate", "on_time_rate", pct(func(r ReportRow) *float64 { return r.OnTimeRate })},
	{"report.grp_index", "", "report.col_satisfaction", "satisfaction_rate", pct(func(r ReportRow) *float64 { return r.Satisfaction })},
	{"report.grp_index", "", "report.col_scan_rate", "scan_rate", pct(func(r ReportRow) *float64 { return r.ScanRate })},
}

// bilingual is a heading in Vietnamese with the Khmer beneath, as on printed forms.
func bilingual(key string) string { return i18n.T("vi", key) + "\n" + i18n.T("km", key) }

// reportLine is one printed line: a field (Roman number), a procedure or the
// total, named in Vietnamese and in Khmer.
type reportLine struct {
	No, Name, NameKM string
	Row              ReportRow
	Kind             string // "field", "procedure", "total"
}

func (rep *Report) lines() []reportLine {
	roman := []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"}
	var out []reportLine
	n := 0
	for i, f := range rep.Fields {
		no := strconv.Itoa(i + 1)
		if i < len(roman) {
			no = roman[i]
		}
		out = append(out, reportLine{No: no, Name: f.FieldVI, NameKM: f.FieldKM, Row: f.ReportRow, Kind: "field"})
		for _, p := range f.Procedures {
			n++
			out = append(out, reportLine{No: strconv.Itoa(n), Name: p.NameVI, NameKM: p.NameKM, Row: p.ReportRow, Kind: "procedure"})
		}
	}
	out = append(out, reportLine{Name: i18n.T("vi", "report.total"), NameKM: i18n.T("km", "report.total"), Row: rep.Total, Kind: "total"})
	return out
}

// joined is the line's name in both languages, joined by sep; the Khmer is
// left out where it is missing or the same.
func (ln reportLine) joined(sep string) string {
	if ln.NameKM == "" || ln.NameKM == ln.Name {
		return ln.Name
	}
	return ln.Name + sep + ln.NameKM
}

// Layout of the sheet: title rows, three header rows, the row of column numbers,
// then the lines.
const (
	xlsxSheet     = "BaoCao"
	xlsxHeaderTop = 4
	xlsxFirstData = xlsxHeaderTop + 4
)

// ReportXLSX lays the report out like the paper form: a title, the office and
// the period, a three-row header with merged group cells in Vietnamese with the
// Khmer beneath, the column numbers, each field (bold) with its procedures under
// it, and the totals row.
func ReportXLSX(rep *Report) (*bytes.Buffer, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", xlsxSheet); err != nil {
		return nil, fmt.Errorf("xlsx sheet: %w", err)
	}
	if err := f.SetDefaultFont(xlsxFont); err != nil {
		return nil, fmt.Errorf("xlsx font: %w", err)
	}
	cols := len(reportColumns) + 2
	cell := func(col, row int) string { c, _ := excelize.CoordinatesToCellName(col, row); return c }
	set := func(c string, v any) { _ = f.SetCellValue(xlsxSheet, c, v) }
	merge := func(a, b string) error {
		if a == b {
			return nil
		}
		return f.MergeCell(xlsxSheet, a, b)
	}

	border := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"}, {Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: xlsxFont, Bold: true, Size: 9}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	wrap := &excelize.Alignment{Vertical: "center", WrapText: true}
	body, _ := f.NewStyle(&excelize.Style{Border: border, Font: &excelize.Font{Family: xlsxFont, Size: 10}, Alignment: wrap})
	bold, _ := f.NewStyle(&excelize.Style{Border: border, Font: &excelize.Font{Family: xlsxFont, Bold: true, Size: 10}, Alignment: wrap})
	pctStyle, _ := f.NewStyle(&excelize.Style{Border: border, Font: &excelize.Font{Family: xlsxFont, Size: 10}, CustomNumFmt: strPtr(`0.0"%"`), Alignment: wrap})
	pctBold, _ := f.NewStyle(&excelize.Style{Border: border, Font: &excelize.Font{Family: xlsxFont, Bold: true, Size: 10}, CustomNumFmt: strPtr(`0.0"%"`), Alignment: wrap})

	if err := xlsxHeading(f, rep, cols); err != nil {
		return nil, err
	}

	// Header: STT and name span all three rows; groups merge across their columns.
	top := xlsxHeaderTop
	set(cell(1, top), bilingual("report.col_no"))
	set(cell(2, top), bilingual("report.col_name"))
	for c := 1; c <= 2; c++ {
		if err := merge(cell(c, top), cell(c, top+2)); err != nil {
			return nil, fmt.Errorf("xlsx header: %w", err)
		}
	}
	for i := 0; i < len(reportColumns); {
		g := reportColumns[i].Group
		j := i
		for j < len(reportColumns) && reportColumns[j].Group == g {
			j++
		}
		set(cell(i+3, top), bilingual(g))
		if err := merge(cell(i+3, top), cell(j+2, top)); err != nil {
			return nil, fmt.Errorf("xlsx header: %w", err)
		}
		for k := i; k < j; {
			sub := reportColumns[k].Sub
			if sub == "" {
				set(cell(k+3, top+1), bilingual(reportColumns[k].Leaf))
				if err := merge(cell(k+3, top+1), cell(k+3, top+2)); err != nil {
					return nil, fmt.Errorf("xlsx header: %w", err)
				}
				k++
				continue
			}
			l := k
			for l < j && reportColumns[l].Sub == sub {
				set(cell(l+3, top+2), bilingual(reportColumns[l].Leaf))
				l++
			}
			set(cell(k+3, top+1), bilingual(sub))
			if err := merge(cell(k+3, top+1), cell(l+2, top+1)); err != nil {
				return nil, fmt.Errorf("xlsx header: %w", err)
			}
			k = l
		}
		i = j
	}
	for c := 1; c <= cols; c++ {
		set(cell(c, top+3), fmt.Sprintf("(%d)", c))
	}
	_ = f.SetCellStyle(xlsxSheet, cell(1, top), cell(cols, top+3), head)
	for r := top; r < top+3; r++ {
		_ = f.SetRowHeight(xlsxSheet, r, 48)
	}
	_ = f.SetColWidth(xlsxSheet, "A", "A", 5)
	_ = f.SetColWidth(xlsxSheet, "B", "B", xlsxNameWidth)
	lastCol, _ := excelize.ColumnNumberToName(cols)
	_ = f.SetColWidth(xlsxSheet, "C", lastCol, xlsxNumberWidth)

	row := xlsxFirstData
	for _, ln := range rep.lines() {
		vals := []any{ln.No, ln.joined("\n")}
		for _, c := range reportColumns {
			vals = append(vals, c.Value(ln.Row))
		}
		if err := f.SetSheetRow(xlsxSheet, cell(1, row), &vals); err != nil {
			return nil, fmt.Errorf("xlsx row: %w", err)
		}
		st, ps := body, pctStyle
		if ln.Kind != "procedure" {
			st, ps = bold, pctBold
		}
		_ = f.SetCellStyle(xlsxSheet, cell(1, row), cell(cols, row), st)
		_ = f.SetCellStyle(xlsxSheet, cell(cols-2, row), cell(cols, row), ps)
		_ = f.SetRowHeight(xlsxSheet, row, nameHeight(ln.joined("\n"), xlsxNameWidth))
		row++
	}
	if n := rep.Total.EnteredLate; n > 0 {
		// A note, not a column: the form has none, and these dossiers are
		// already counted above under their real time of receipt.
		set(cell(1, row+1), i18n.T("vi", "report.entered_late", "n", n)+" / "+i18n.T("km", "report.entered_late", "n", n))
		_ = merge(cell(1, row+1), cell(cols, row+1))
		row++ // the closing (xlsxClosing) goes under the note
	}
	_ = f.SetPanes(xlsxSheet, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: xlsxFirstData - 1,
		TopLeftCell: cell(3, xlsxFirstData), ActivePane: "bottomRight"})
	end, err := xlsxClosing(f, rep, row, cols, generatedAt(rep))
	if err != nil {
		return nil, err
	}
	if err := xlsxPageSetup(f, cols, end); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx write: %w", err)
	}
	return buf, nil
}

func strPtr(s string) *string { return &s }

func handleReportXLSX(e *core.RequestEvent) error {
	rep, err := reportFor(e)
	if err != nil {
		return err
	}
	buf, err := ReportXLSX(rep)
	if err != nil {
		return err
	}
	e.Response.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="bao-cao-%s_%s.xlsx"`, rep.From, rep.To))
	return e.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// ReportCSV writes the report as UTF-8 CSV with a byte-order mark, so Excel on
// a Vietnamese Windows opens the accents right. One header line: each column's
// group, sub-group and heading in Vietnamese, then in Khmer ("STT / ល.រ"); each
// field and procedure named in both, "Hộ tịch / អត្រានុកូលដ្ឋាន".
func ReportCSV(rep *Report) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	name := func(lang string, c reportColumn) string {
		s := i18n.T(lang, c.Group)
		if c.Sub != "" {
			s += " - " + i18n.T(lang, c.Sub)
		}
		return s + " - " + i18n.T(lang, c.Leaf)
	}
	header := []string{i18n.T("vi", "report.col_no") + " / " + i18n.T("km", "report.col_no"),
		i18n.T("vi", "report.col_name") + " / " + i18n.T("km", "report.col_name")}
	for _, c := range reportColumns {
		header = append(header, name("vi", c)+" / "+name("km", c))
	}
	if err := w.Write(header); err != nil {
		return nil, fmt.Errorf("csv header: %w", err)
	}
	for _, ln := range rep.lines() {
		rec := []string{ln.No, ln.joined(" / ")}
		for _, c := range reportColumns {
			rec = append(rec, fmt.Sprint(c.Value(ln.Row)))
		}
		if err := w.Write(rec); err != nil {
			return nil, fmt.Errorf("csv row: %w", err)
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func handleReportCSV(e *core.RequestEvent) error {
	rep, err := reportFor(e)
	if err != nil {
		return err
	}
	b, err := ReportCSV(rep)
	if err != nil {
		return err
	}
	e.Response.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="bao-cao-%s_%s.csv"`, rep.From, rep.To))
	return e.Blob(http.StatusOK, "text/csv; charset=utf-8", b)
}
