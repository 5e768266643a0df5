package reports

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/domain"
)

// The xlsx as it prints: the form's own heading above the table (the office,
// the form's number, the title and the period), the place and date line, the
// note on counter ratings and the two signature blocks under it, and a page
// set up the way the paper form is printed: A4 landscape, one page wide (as
// many pages down as the procedures need), the header rows repeated on every
// page, the STT and name columns frozen on screen.

// Column widths (in characters of the default font): the name column takes
// a procedure's name on two or three lines, the 23 number columns a number
// or a rate each, so the whole form fits one A4 landscape page wide.
const (
	xlsxNameWidth   = 40
	xlsxNumberWidth = 8
)

// xlsxFont is the type of Vietnamese official papers (Decree 30/2020 on
// administrative documents); Excel on Windows draws the Khmer with its own
// Khmer font beside it.
const xlsxFont = "Times New Roman"

// nameHeight is the row height (points) a name needs in a wrapped column of
// width characters: spreadsheets keep an explicit height, and Excel does not
// grow a row for wrapped text by itself. Each line is counted apart (the
// Khmer is on its own line) at 13 points a line of 10-point type.
func nameHeight(name string, width int) float64 {
	lines := 0
	for _, l := range strings.Split(name, "\n") {
		lines += max(1, int(math.Ceil(textWidth(l)/float64(width))))
	}
	return float64(13*lines + 3)
}

// textWidth is how many characters of the default font s takes, roughly: a
// Khmer letter is about a third wider than a Latin one, and its vowel signs
// and subscript consonants (after the coeng, U+17D2) take no room of their own.
func textWidth(s string) float64 {
	w, sub := 0.0, false
	for _, r := range s {
		switch {
		case sub:
			sub = false
		case r == '\u17d2':
			sub = true
		case unicode.In(r, unicode.Mn, unicode.Mc):
		case r >= 0x1780 && r <= 0x17ff:
			w += 1.3
		default:
			w++
		}
	}
	return w
}

// generatedAt is the day the report was made, for its place and date line.
func generatedAt(rep *Report) time.Time {
	if t, err := time.Parse(time.RFC3339, rep.GeneratedAt); err == nil {
		return t
	}
	return time.Now()
}

// dmy writes 2026-03-31 as 31/03/2026.
func dmy(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}

// xlsxHeading writes rows 1–3 over cols columns.
func xlsxHeading(f *excelize.File, rep *Report, cols int) error {
	cell := func(col, row int) string { c, _ := excelize.CoordinatesToCellName(col, row); return c }
	merge := func(a, b string) error { return f.MergeCell(xlsxSheet, a, b) }
	office, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: xlsxFont, Bold: true, Size: 10},
		Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}})
	formNo, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: xlsxFont, Italic: true, Size: 10},
		Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top", WrapText: true}})
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: xlsxFont, Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	period, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: xlsxFont, Size: 10},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})

	name := rep.Office.NameVI
	if rep.Office.NameKM != "" {
		name += "\n" + rep.Office.NameKM
	}
	// The office over the name columns and half the numbers, the form's number
	// at the right, as printed forms have them.
	split := 2 + (cols-2)/2
	_ = f.SetCellValue(xlsxSheet, "A1", name)
	if err := merge("A1", cell(split, 1)); err != nil {
		return fmt.Errorf("xlsx office: %w", err)
	}
	_ = f.SetCellStyle(xlsxSheet, "A1", cell(split, 1), office)
	_ = f.SetCellValue(xlsxSheet, cell(split+1, 1), bilingual("report.form_no"))
	if err := merge(cell(split+1, 1), cell(cols, 1)); err != nil {
		return fmt.Errorf("xlsx form number: %w", err)
	}
	_ = f.SetCellStyle(xlsxSheet, cell(split+1, 1), cell(cols, 1), formNo)
	_ = f.SetRowHeight(xlsxSheet, 1, 30)

	_ = f.SetCellValue(xlsxSheet, "A2", bilingual("report.title"))
	if err := merge("A2", cell(cols, 2)); err != nil {
		return fmt.Errorf("xlsx title: %w", err)
	}
	_ = f.SetCellStyle(xlsxSheet, "A2", cell(cols, 2), title)
	_ = f.SetRowHeight(xlsxSheet, 2, 44)

	from, to := dmy(rep.From), dmy(rep.To)
	_ = f.SetCellValue(xlsxSheet, "A3", i18n.T("vi", "report.range", "from", from, "to", to)+"\n"+i18n.T("km", "report.range", "from", from, "to", to))
	if err := merge("A3", cell(cols, 3)); err != nil {
		return fmt.Errorf("xlsx period: %w", err)
	}
	_ = f.SetCellStyle(xlsxSheet, "A3", cell(cols, 3), period)
	_ = f.SetRowHeight(xlsxSheet, 3, 30)
	return nil
}

// xlsxClosing writes, from row on, the note on counter ratings, the place and
// date line and the two signature blocks, and returns the last row used.
func xlsxClosing(f *excelize.File, rep *Report, row, cols int, today time.Time) (int, error) {
	cell := func(col, row int) string { c, _ := excelize.CoordinatesToCellName(col, row); return c }
	merge := func(a, b string) error { return f.MergeCell(xlsxSheet, a, b) }
	note, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: xlsxFont, Italic: true, Size: 9},
		Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}})
	center := func(bold, italic bool) int {
		s, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: xlsxFont, Bold: bold, Italic: italic, Size: 10},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}})
		return s
	}
	row++ // a blank row after the table
	if rep.CounterRatings > 0 {
		text := i18n.T("vi", "report.counter_ratings", "n", rep.CounterRatings) + "\n" + i18n.T("km", "report.counter_ratings", "n", rep.CounterRatings)
		_ = f.SetCellValue(xlsxSheet, cell(1, row), text)
		if err := merge(cell(1, row), cell(cols, row)); err != nil {
			return row, fmt.Errorf("xlsx note: %w", err)
		}
		_ = f.SetCellStyle(xlsxSheet, cell(1, row), cell(cols, row), note)
		_ = f.SetRowHeight(xlsxSheet, row, 28)
		row++
	}
	// The left block (who prepared it) under the name columns, the right one
	// (the head of the unit, with the place and date above) under the right
	// half of the numbers.
	left := [2]int{1, 2}
	right := [2]int{2 + (cols-2)/2 + 1, cols}
	put := func(span [2]int, r int, text string, style int) error {
		_ = f.SetCellValue(xlsxSheet, cell(span[0], r), text)
		if span[0] != span[1] {
			if err := merge(cell(span[0], r), cell(span[1], r)); err != nil {
				return fmt.Errorf("xlsx signatures: %w", err)
			}
		}
		_ = f.SetCellStyle(xlsxSheet, cell(span[0], r), cell(span[1], r), style)
		return nil
	}
	both := func(key string, args ...any) string {
		return i18n.T("vi", key, args...) + "\n" + i18n.T("km", key, args...)
	}
	placeDate := i18n.T("vi", "print.place_date", domain.PlaceDate(rep.Office.PlaceVI, today)...) + "\n" +
		i18n.T("km", "print.place_date", domain.PlaceDate(rep.Office.PlaceKM, today)...)
	bold, hint := center(true, false), center(false, true)
	for _, c := range []struct {
		span  [2]int
		r     int
		text  string
		style int
	}{
		{right, row, placeDate, hint},
		{left, row + 1, both("print.prepared_by"), bold},
		{right, row + 1, both("print.head_of_unit"), bold},
		{left, row + 2, both("form.sign_hint"), hint},
		{right, row + 2, both("print.sign_stamp_hint"), hint},
	} {
		if err := put(c.span, c.r, c.text, c.style); err != nil {
			return row, err
		}
	}
	for r := row; r <= row+2; r++ {
		_ = f.SetRowHeight(xlsxSheet, r, 30)
	}
	_ = f.SetRowHeight(xlsxSheet, row+3, 60) // room to sign
	return row + 3, nil
}

// xlsxPageSetup prints the sheet on A4 landscape, fitted to one page wide,
// with the header rows (4–7) repeated on every page and the report's rows as
// the print area.
func xlsxPageSetup(f *excelize.File, cols, lastRow int) error {
	orientation, size, wide, tall := "landscape", 9, 1, 0 // 9 = A4; 0 pages tall = as many as needed
	if err := f.SetPageLayout(xlsxSheet, &excelize.PageLayoutOptions{Orientation: &orientation, Size: &size,
		FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return fmt.Errorf("xlsx page layout: %w", err)
	}
	fit := true
	if err := f.SetSheetProps(xlsxSheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("xlsx fit to page: %w", err)
	}
	m, h, centre := 0.4, 0.2, true
	if err := f.SetPageMargins(xlsxSheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m,
		Header: &h, Footer: &h, Horizontally: &centre}); err != nil {
		return fmt.Errorf("xlsx margins: %w", err)
	}
	lastCol, _ := excelize.ColumnNumberToName(cols)
	for name, ref := range map[string]string{
		"_xlnm.Print_Titles": fmt.Sprintf("'%s'!$%d:$%d", xlsxSheet, xlsxHeaderTop, xlsxFirstData-1),
		"_xlnm.Print_Area":   fmt.Sprintf("'%s'!$A$1:$%s$%d", xlsxSheet, lastCol, lastRow),
	} {
		if err := f.SetDefinedName(&excelize.DefinedName{Name: name, RefersTo: ref, Scope: xlsxSheet}); err != nil {
			return fmt.Errorf("xlsx %s: %w", name, err)
		}
	}
	// The page number in the footer, for a report that runs to several pages.
	if err := f.SetHeaderFooter(xlsxSheet, &excelize.HeaderFooterOptions{OddFooter: "&C&P / &N"}); err != nil {
		return fmt.Errorf("xlsx footer: %w", err)
	}
	return nil
}
