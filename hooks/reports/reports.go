package reports

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/textnorm"
)

// The periodic report on dossier handling (báo cáo tình hình giải quyết hồ sơ),
// per procedure and per field, in the columns of the national form, plus the
// service-index figures that apply to a commune counter (Decision 766/QĐ-TTg:
// timeliness, satisfaction, digitisation).
//
// How each column is counted (all in Asia/Ho_Chi_Minh days, `to` inclusive):
//   - received = carried over + new. Carried over: received before `from` and not
//     closed before `from`. New: received in the period, split by channel (in
//     person at the counter, in person by a mobile team, online, postal).
//   - finished: results issued in the period (status done or returned, closed in
//     the period), split by the day the result was ready against the due day:
//     early (before the due day), on time (on it), late (after it).
//   - refused and withdrawn in the period are listed apart: no result was issued.
//   - paused: supplement requested and awaiting fees (as they stand now, still
//     open), and stopped (notice of stopping issued in the period).
//   - in progress at the end of the period: the rest, overdue when its due time
//     has passed by the end of the period (or now, for a period not yet over).
//
// The columns add up: carried over + new = finished + refused + withdrawn +
// paused + in progress.

// bindReportRoutes serves the periodic report as JSON, .xlsx and .csv (leaders).
func bindReportRoutes(se *core.ServeEvent) error {
	g := se.Router.Group("/api/motcua/reports")
	g.BindFunc(base.RequireStaff(base.RoleLeader))
	g.GET("/summary", handleReportJSON)
	g.GET("/summary.xlsx", handleReportXLSX)
	g.GET("/summary.csv", handleReportCSV)
	return nil
}

// ReportRow is one line of the report: a procedure, a field or the total.
type ReportRow struct {
	CarriedOver  int      `json:"carried_over"`
	New          int      `json:"new"`
	NewInPerson  int      `json:"new_in_person"`
	NewMobile    int      `json:"new_mobile"`
	NewOnline    int      `json:"new_online"`
	NewPostal    int      `json:"new_postal"`
	Received     int      `json:"received"`
	Finished     int      `json:"finished"`
	Early        int      `json:"finished_early"`
	OnTime       int      `json:"finished_on_time"`
	Late         int      `json:"finished_late"`
	InProgress   int      `json:"in_progress"`
	WithinTime   int      `json:"in_progress_within_time"`
	Overdue      int      `json:"in_progress_overdue"`
	Paused       int      `json:"paused"`
	Supplement   int      `json:"paused_supplement"`
	Fees         int      `json:"paused_fees"`
	Stopped      int      `json:"paused_stopped"`
	Refused      int      `json:"refused"`
	Withdrawn    int      `json:"withdrawn"`
	WithScans    int      `json:"new_with_scans"`
	Ratings      int      `json:"ratings"`
	Satisfied    int      `json:"ratings_satisfied"`
	OnTimeRate   *float64 `json:"on_time_rate"`
	Satisfaction *float64 `json:"satisfaction_rate"`
	ScanRate     *float64 `json:"scan_rate"`

	// EnteredLate counts the new dossiers keyed in late from emergency
	// receipts ("nhập bù"): already in the columns above under their real
	// time of receipt; the print view and the xlsx add a note.
	EnteredLate int `json:"new_entered_late"`
}

func (r *ReportRow) add(o ReportRow) {
	r.CarriedOver += o.CarriedOver
	r.New += o.New
	r.NewInPerson += o.NewInPerson
	r.NewMobile += o.NewMobile
	r.NewOnline += o.NewOnline
	r.NewPostal += o.NewPostal
	r.Early += o.Early
	r.OnTime += o.OnTime
	r.Late += o.Late
	r.WithinTime += o.WithinTime
	r.Overdue += o.Overdue
	r.Supplement += o.Supplement
	r.Fees += o.Fees
	r.Stopped += o.Stopped
	r.Refused += o.Refused
	r.Withdrawn += o.Withdrawn
	r.WithScans += o.WithScans
	r.EnteredLate += o.EnteredLate
	r.Ratings += o.Ratings
	r.Satisfied += o.Satisfied
}

// finish fills the totals and the service-index rates from the counts.
// On-time rate: results issued early or on time over all results issued.
// Satisfaction: ratings of 4 or 5 (satisfied, very satisfied; the happy face of
// the three-face screen is 5) over all ratings, as Decision 766 counts the share
// of satisfied citizens. Scans: new dossiers with at least one scan over new.
func (r *ReportRow) finish() {
	r.Received = r.CarriedOver + r.New
	r.Finished = r.Early + r.OnTime + r.Late
	r.InProgress = r.WithinTime + r.Overdue
	r.Paused = r.Supplement + r.Fees + r.Stopped
	r.OnTimeRate = rate(r.Early+r.OnTime, r.Finished)
	r.Satisfaction = rate(r.Satisfied, r.Ratings)
	r.ScanRate = rate(r.WithScans, r.New)
}

// rate is part/whole rounded to 0.1 %, or nil when there is nothing to divide.
func rate(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	v := float64(int(float64(part)*1000/float64(whole)+0.5)) / 10
	return &v
}

// ReportProcedure is a procedure's line.
type ReportProcedure struct {
	ID     string `json:"id"`
	Code   string `json:"code"`
	NameVI string `json:"name_vi"`
	NameKM string `json:"name_km"`
	ReportRow
}

// ReportField is a field (lĩnh vực) with its procedures under it.
type ReportField struct {
	FieldVI    string            `json:"field_vi"`
	FieldKM    string            `json:"field_km"`
	Procedures []ReportProcedure `json:"procedures"`
	ReportRow
}

// Report is the answer of GET /api/motcua/reports/summary.
type Report struct {
	Period      string            `json:"period,omitempty"`
	From        string            `json:"from"`
	To          string            `json:"to"`
	GeneratedAt string            `json:"generated_at"`
	Office      domain.OfficeView `json:"office"`
	Fields      []ReportField     `json:"fields"`
	Total       ReportRow         `json:"total"`
	// Columns is the form's column layout (header groups as message keys and
	// the row field each shows), so the print view draws the same form as the xlsx.
	Columns []reportColumn `json:"columns"`
	// CounterRatings is how many of the total's ratings rate the counter
	// service of a queue ticket with no dossier: they belong to no procedure
	// and count in the total row only.
	CounterRatings int `json:"counter_ratings"`
	// Annexes are the other capabilities' parts of the report (the queue's
	// waits by language), by name: see domain.AddReportAnnex.
	Annexes map[string]any `json:"annexes"`
}

var (
	reMonth   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	reQuarter = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
	reHalf    = regexp.MustCompile(`^(\d{4})-H([12])$`)
	reNine    = regexp.MustCompile(`^(\d{4})-9M$`)
	reYear    = regexp.MustCompile(`^(\d{4})$`)
)

// ParsePeriod turns a standard period name into its first and last day:
// "2026-06" (month), "2026-Q1" (quarter), "2026-H1" and "2026-H2" (6 months),
// "2026-9M" (the first 9 months) and "2026" (year).
func ParsePeriod(p string) (from, to calendar.Date, ok bool) {
	months := func(y, m1, n int) (calendar.Date, calendar.Date, bool) {
		first := calendar.Date{Year: y, Month: time.Month(m1), Day: 1}
		next := time.Date(y, time.Month(m1+n), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		return first, calendar.Date{Year: next.Year(), Month: next.Month(), Day: next.Day()}, true
	}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	switch {
	case reMonth.MatchString(p):
		m := reMonth.FindStringSubmatch(p)
		if mo := atoi(m[2]); mo >= 1 && mo <= 12 {
			return months(atoi(m[1]), mo, 1)
		}
	case reQuarter.MatchString(p):
		m := reQuarter.FindStringSubmatch(p)
		return months(atoi(m[1]), (atoi(m[2])-1)*3+1, 3)
	case reHalf.MatchString(p):
		m := reHalf.FindStringSubmatch(p)
		return months(atoi(m[1]), (atoi(m[2])-1)*6+1, 6)
	case reNine.MatchString(p):
		return months(atoi(reNine.FindStringSubmatch(p)[1]), 1, 9)
	case reYear.MatchString(p):
		return months(atoi(p), 1, 12)
	}
	return calendar.Date{}, calendar.Date{}, false
}

// reportRange reads ?period= or ?from=&to= (dates, to inclusive); with neither it
// is the current month.
func reportRange(e *core.RequestEvent) (period string, from, to calendar.Date, err error) {
	q := e.Request.URL.Query()
	if period = q.Get("period"); period != "" {
		f, t, ok := ParsePeriod(period)
		if !ok {
			return "", from, to, base.FieldErrors(map[string]string{"period": "error.period_invalid"})
		}
		return period, f, t, nil
	}
	if q.Get("from") == "" && q.Get("to") == "" {
		now := calendar.DateOf(time.Now(), base.Zone)
		period = fmt.Sprintf("%04d-%02d", now.Year, int(now.Month))
		f, t, _ := ParsePeriod(period)
		return period, f, t, nil
	}
	bad := map[string]string{}
	if from, err = calendar.ParseDate(q.Get("from")); err != nil {
		bad["from"] = "error.date_invalid"
	}
	if to, err = calendar.ParseDate(q.Get("to")); err != nil {
		bad["to"] = "error.date_invalid"
	}
	if len(bad) == 0 && to.String() < from.String() {
		bad["to"] = "error.range_invalid"
	}
	if len(bad) > 0 {
		return "", from, to, base.FieldErrors(bad)
	}
	return "", from, to, nil
}

// reportSQL counts each procedure's columns in one pass over the dossiers that
// matter to the period: received before its end and not closed before its start.
// "+received_at" keeps SQLite from walking the received_at index over five years
// of history; it takes closed_at = ” (open now) and closed_at >= from (closed
// since the start) from idx_dossiers_closed_at instead.
// The office is in UTC+7 all year (no daylight saving), so "+7 hours" gives the
// civil day of a stored UTC time.
const reportSQL = `
SELECT procedure AS proc,
  SUM(received_at < {:from}) AS carried,
  SUM(received_at >= {:from}) AS new,
  SUM(received_at >= {:from} AND channel = 'online') AS online,
  SUM(received_at >= {:from} AND channel = 'postal') AS postal,
  SUM(received_at >= {:from} AND channel NOT IN ('online', 'postal') AND mobile) AS mobile,
  SUM(received_at >= {:from} AND channel NOT IN ('online', 'postal') AND NOT mobile) AS in_person,
  SUM(received_at >= {:from} AND scans NOT IN ('', '[]')) AS scans,
  SUM(received_at >= {:from} AND entered_late) AS entered_late,
  SUM(closed AND status IN ('done', 'returned') AND due_day != '' AND fin_day < due_day) AS early,
  SUM(closed AND status IN ('done', 'returned') AND (due_day = '' OR fin_day = due_day)) AS on_time,
  SUM(closed AND status IN ('done', 'returned') AND due_day != '' AND fin_day > due_day) AS late,
  SUM(closed AND status = 'refused') AS refused,
  SUM(closed AND status = 'withdrawn') AS withdrawn,
  SUM(closed AND status = 'stopped') AS stopped,
  SUM(closed_at = '' AND status = 'supplement_requested') AS supplement,
  SUM(closed_at = '' AND status = 'awaiting_fees') AS fees,
  SUM(NOT closed AND NOT (closed_at = '' AND status IN ('supplement_requested', 'awaiting_fees'))
      AND (due_at = '' OR due_at >= {:asof})) AS within,
  SUM(NOT closed AND NOT (closed_at = '' AND status IN ('supplement_requested', 'awaiting_fees'))
      AND due_at != '' AND due_at < {:asof}) AS overdue
FROM (
  SELECT procedure, received_at, channel, mobile, scans, entered_late, status, due_at, closed_at,
    (closed_at != '' AND closed_at < {:to}) AS closed,
    CASE WHEN due_at = '' THEN '' ELSE date(due_at, '+7 hours') END AS due_day,
    date(CASE WHEN finished_at != '' THEN finished_at ELSE closed_at END, '+7 hours') AS fin_day
  FROM dossiers
  WHERE +received_at < {:to} AND received_at != '' AND (closed_at = '' OR closed_at >= {:from})
)
GROUP BY procedure`

type reportCounts struct {
	Proc                                 string `db:"proc"`
	Carried, New, Online, Postal, Mobile int
	InPerson                             int `db:"in_person"`
	Scans, Early                         int
	OnTime                               int `db:"on_time"`
	Late, Refused, Withdrawn, Stopped    int
	Supplement, Fees, Within, Overdue    int

	EnteredLate int `db:"entered_late"`
}

// BuildReport computes the report for the civil days from..to (inclusive).
func BuildReport(app core.App, from, to calendar.Date) (*Report, error) {
	start, end := base.DayStart(from), base.DayStart(to.AddDays(1))
	asof := end
	if now := time.Now(); now.Before(asof) {
		asof = now
	}
	params := dbx.Params{"from": base.DBTime(start), "to": base.DBTime(end), "asof": base.DBTime(asof)}
	var counts []reportCounts
	if err := app.DB().NewQuery(reportSQL).Bind(params).All(&counts); err != nil {
		return nil, fmt.Errorf("report counts: %w", err)
	}
	var ratings []struct {
		Proc      string `db:"proc"`
		N         int    `db:"n"`
		Satisfied int    `db:"satisfied"`
	}
	err := app.DB().NewQuery(`SELECT procedure AS proc, COUNT(*) AS n, SUM(score >= 4) AS satisfied
		FROM ratings WHERE created >= {:from} AND created < {:to} GROUP BY procedure`).Bind(params).All(&ratings)
	if err != nil {
		return nil, fmt.Errorf("report ratings: %w", err)
	}
	rows := map[string]*ReportRow{}
	row := func(id string) *ReportRow {
		if rows[id] == nil {
			rows[id] = &ReportRow{}
		}
		return rows[id]
	}
	for _, c := range counts {
		row(c.Proc).add(ReportRow{
			CarriedOver: c.Carried, New: c.New, NewInPerson: c.InPerson, NewMobile: c.Mobile,
			NewOnline: c.Online, NewPostal: c.Postal, WithScans: c.Scans, EnteredLate: c.EnteredLate,
			Early: c.Early, OnTime: c.OnTime, Late: c.Late, Refused: c.Refused, Withdrawn: c.Withdrawn,
			Stopped: c.Stopped, Supplement: c.Supplement, Fees: c.Fees, WithinTime: c.Within, Overdue: c.Overdue,
		})
	}
	var counterRatings ReportRow
	for _, r := range ratings {
		if r.Proc == "" {
			// A queue ticket rated at the counter (an enquiry, a pickup) has no
			// procedure: it counts in the office's total only, said under the table.
			counterRatings.add(ReportRow{Ratings: r.N, Satisfied: r.Satisfied})
			continue
		}
		row(r.Proc).add(ReportRow{Ratings: r.N, Satisfied: r.Satisfied})
	}

	procs, err := app.FindAllRecords(base.ColProcedures)
	if err != nil {
		return nil, fmt.Errorf("report procedures: %w", err)
	}
	coll := textnorm.Collator("vi")
	sort.Slice(procs, func(i, j int) bool {
		if a, b := procs[i].GetString("field_vi"), procs[j].GetString("field_vi"); a != b {
			return coll.CompareString(a, b) < 0
		}
		return procs[i].GetString("code") < procs[j].GetString("code")
	})
	rep := &Report{From: from.String(), To: to.String(), GeneratedAt: time.Now().In(base.Zone).Format(time.RFC3339),
		Office: domain.OfficeViewOf(app), Fields: []ReportField{}}
	fieldAt := map[string]int{}
	for _, p := range procs {
		r := rows[p.Id]
		if r == nil {
			continue
		}
		delete(rows, p.Id)
		r.finish()
		fv := p.GetString("field_vi")
		i, ok := fieldAt[fv]
		if !ok {
			i = len(rep.Fields)
			fieldAt[fv] = i
			rep.Fields = append(rep.Fields, ReportField{FieldVI: fv, FieldKM: p.GetString("field_km")})
		}
		f := &rep.Fields[i]
		f.Procedures = append(f.Procedures, ReportProcedure{ID: p.Id, Code: p.GetString("code"),
			NameVI: p.GetString("name_vi"), NameKM: p.GetString("name_km"), ReportRow: *r})
		f.add(*r)
		rep.Total.add(*r)
	}
	// Dossiers of a procedure since deleted from the catalogue still count.
	if len(rows) > 0 {
		f := ReportField{FieldVI: "Khác", FieldKM: "ផ្សេងៗ"}
		for id, r := range rows {
			r.finish()
			f.Procedures = append(f.Procedures, ReportProcedure{ID: id, Code: id, NameVI: id, ReportRow: *r})
			f.add(*r)
			rep.Total.add(*r)
		}
		rep.Fields = append(rep.Fields, f)
	}
	for i := range rep.Fields {
		rep.Fields[i].finish()
	}
	rep.Total.add(counterRatings)
	rep.CounterRatings = counterRatings.Ratings
	rep.Total.finish()
	rep.Columns = reportColumns
	if rep.Annexes, err = buildAnnexes(app, start, end); err != nil {
		return nil, err
	}
	return rep, nil
}

func handleReportJSON(e *core.RequestEvent) error {
	rep, err := reportFor(e)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, rep)
}

// reportFor reads the range of a request and builds its report.
func reportFor(e *core.RequestEvent) (*Report, error) {
	period, from, to, err := reportRange(e)
	if err != nil {
		return nil, err
	}
	rep, err := BuildReport(e.App, from, to)
	if err != nil {
		return nil, err
	}
	rep.Period = period
	return rep, nil
}
