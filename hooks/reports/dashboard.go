package reports

import (
	"fmt"
	"html"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/web"
)

// The leaders' dashboard: today's intake and returns, overdue and due-soon
// dossiers, satisfaction and the on-time rate over time, as JSON for
// pb_public/dashboard.html and as SVG charts drawn here (no chart library).
//
// Panels that belong to other capabilities (the queue's wait and service
// times, the last backup's age) plug in through domain.AddPanel when that capability is registered.

// DashboardDossier is one line of the overdue and due-soon lists.
type DashboardDossier struct {
	ID            string `db:"id" json:"id"`
	Code          string `db:"code" json:"code"`
	ApplicantName string `db:"applicant_name" json:"applicant_name"`
	ProcedureVI   string `db:"procedure_vi" json:"procedure_name_vi"`
	ProcedureKM   string `db:"procedure_km" json:"procedure_name_km"`
	Status        string `db:"status" json:"status"`
	DueAt         string `db:"due_at" json:"due_at"`
	Assignee      string `db:"assignee_name" json:"assignee_name"`
}

// SeriesPoint is one bar of a chart: a period and its figures.
type SeriesPoint struct {
	Label string   `json:"label"`
	From  string   `json:"from"`
	N     int      `json:"n"`    // ratings, or results issued
	Good  int      `json:"good"` // satisfied, or early/on time
	Rate  *float64 `json:"rate"`
}

// Dashboard is the answer of GET /api/motcua/dashboard.
type Dashboard struct {
	Now           string             `json:"now"`
	Today         string             `json:"today"`
	ReceivedToday int                `json:"received_today"`
	ReturnedToday int                `json:"returned_today"`
	RatingsToday  int                `json:"ratings_today"`
	SatisfiedTday int                `json:"satisfied_today"`
	Overdue       int                `json:"overdue"`
	DueSoon       int                `json:"due_soon"`
	OverdueList   []DashboardDossier `json:"overdue_list"`
	DueSoonList   []DashboardDossier `json:"due_soon_list"`
	SatWeekly     []SeriesPoint      `json:"satisfaction_weekly"`
	SatMonthly    []SeriesPoint      `json:"satisfaction_monthly"`
	OnTimeMonthly []SeriesPoint      `json:"on_time_monthly"`
	Panels        map[string]any     `json:"panels"`
}

func bindDashboardRoutes(se *core.ServeEvent) error {
	g := se.Router.Group("/api/motcua/dashboard")
	g.BindFunc(base.RequireStaff(base.RoleLeader))
	g.GET("", handleDashboard)
	g.GET("/chart/{name}", handleDashboardChart)
	return nil
}

// dueSoonDays is how far ahead "due soon" looks, in calendar days.
const dueSoonDays = 2

// BuildDashboard computes the dashboard as of now.
func BuildDashboard(app core.App, now time.Time) (*Dashboard, error) {
	today := calendar.DateOf(now, base.Zone)
	start := base.DayStart(today)
	d := &Dashboard{Now: now.In(base.Zone).Format(time.RFC3339), Today: today.String(), Panels: map[string]any{},
		OverdueList: []DashboardDossier{}, DueSoonList: []DashboardDossier{}}
	p := dbx.Params{"start": base.DBTime(start), "now": base.DBTime(now), "soon": base.DBTime(now.AddDate(0, 0, dueSoonDays))}
	counts := []struct {
		into *int
		sql  string
	}{
		{&d.ReceivedToday, `SELECT COUNT(*) FROM dossiers WHERE received_at >= {:start}`},
		{&d.ReturnedToday, `SELECT COUNT(*) FROM dossiers WHERE returned_at != '' AND returned_at >= {:start}`},
		{&d.RatingsToday, `SELECT COUNT(*) FROM ratings WHERE created >= {:start}`},
		{&d.SatisfiedTday, `SELECT COUNT(*) FROM ratings WHERE created >= {:start} AND score >= 4`},
		{&d.Overdue, `SELECT COUNT(*) FROM dossiers WHERE status IN ('received', 'processing') AND due_at != '' AND due_at < {:now}`},
		{&d.DueSoon, `SELECT COUNT(*) FROM dossiers WHERE status IN ('received', 'processing') AND due_at >= {:now} AND due_at < {:soon}`},
	}
	for _, c := range counts {
		if err := app.DB().NewQuery(c.sql).Bind(p).Row(c.into); err != nil {
			return nil, fmt.Errorf("dashboard count: %w", err)
		}
	}
	list := `SELECT d.id, d.code, d.applicant_name, COALESCE(p.name_vi, '') AS procedure_vi, COALESCE(p.name_km, '') AS procedure_km,
		d.status, d.due_at, COALESCE(s.name, '') AS assignee_name
		FROM dossiers d LEFT JOIN procedures p ON p.id = d.procedure LEFT JOIN staff s ON s.id = d.assignee
		WHERE d.status IN ('received', 'processing') AND %s ORDER BY d.due_at LIMIT 20`
	if err := app.DB().NewQuery(fmt.Sprintf(list, "d.due_at != '' AND d.due_at < {:now}")).Bind(p).All(&d.OverdueList); err != nil {
		return nil, fmt.Errorf("dashboard overdue: %w", err)
	}
	if err := app.DB().NewQuery(fmt.Sprintf(list, "d.due_at >= {:now} AND d.due_at < {:soon}")).Bind(p).All(&d.DueSoonList); err != nil {
		return nil, fmt.Errorf("dashboard due soon: %w", err)
	}
	var err error
	if d.SatWeekly, err = satisfactionSeries(app, weeks(today, 12)); err != nil {
		return nil, err
	}
	if d.SatMonthly, err = satisfactionSeries(app, months(today, 12)); err != nil {
		return nil, err
	}
	if d.OnTimeMonthly, err = onTimeSeries(app, months(today, 12)); err != nil {
		return nil, err
	}
	for _, panel := range domain.Panels(app) {
		v, err := panel.Build(app, now)
		if err != nil {
			return nil, fmt.Errorf("dashboard panel %s: %w", panel.Name, err)
		}
		d.Panels[panel.Name] = v
	}
	return d, nil
}

// span is one bar's period [from, to) at the office.
type span struct {
	Label    string
	From, To time.Time
}

// weeks are the last n weeks (Monday to Sunday), the current one last.
func weeks(today calendar.Date, n int) []span {
	monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	out := make([]span, 0, n)
	for i := n - 1; i >= 0; i-- {
		f := monday.AddDays(-7 * i)
		out = append(out, span{Label: fmt.Sprintf("%02d/%02d", f.Day, int(f.Month)), From: base.DayStart(f), To: base.DayStart(f.AddDays(7))})
	}
	return out
}

// months are the last n calendar months, the current one last.
func months(today calendar.Date, n int) []span {
	out := make([]span, 0, n)
	for i := n - 1; i >= 0; i-- {
		f := time.Date(today.Year, today.Month-time.Month(i), 1, 0, 0, 0, 0, base.Zone)
		out = append(out, span{Label: fmt.Sprintf("%02d/%d", int(f.Month()), f.Year()%100), From: f, To: f.AddDate(0, 1, 0)})
	}
	return out
}

// satisfactionSeries counts ratings and the satisfied (4 or 5) per span; one
// indexed range query per bar.
func satisfactionSeries(app core.App, spans []span) ([]SeriesPoint, error) {
	out := make([]SeriesPoint, 0, len(spans))
	for _, s := range spans {
		var row struct {
			N    int `db:"n"`
			Good int `db:"good"`
		}
		err := app.DB().NewQuery(`SELECT COUNT(*) AS n, COALESCE(SUM(score >= 4), 0) AS good FROM ratings
			WHERE created >= {:from} AND created < {:to}`).Bind(dbx.Params{"from": base.DBTime(s.From), "to": base.DBTime(s.To)}).One(&row)
		if err != nil {
			return nil, fmt.Errorf("satisfaction series: %w", err)
		}
		out = append(out, SeriesPoint{Label: s.Label, From: s.From.Format("2006-01-02"), N: row.N, Good: row.Good, Rate: rate(row.Good, row.N)})
	}
	return out, nil
}

// onTimeSeries counts results issued per span and those early or on the due day.
func onTimeSeries(app core.App, spans []span) ([]SeriesPoint, error) {
	out := make([]SeriesPoint, 0, len(spans))
	for _, s := range spans {
		var row struct {
			N    int `db:"n"`
			Good int `db:"good"`
		}
		err := app.DB().NewQuery(`SELECT COUNT(*) AS n, COALESCE(SUM(due_at = '' OR
				date(CASE WHEN finished_at != '' THEN finished_at ELSE closed_at END, '+7 hours') <= date(due_at, '+7 hours')), 0) AS good
			FROM dossiers WHERE closed_at >= {:from} AND closed_at < {:to} AND status IN ('done', 'returned')`).
			Bind(dbx.Params{"from": base.DBTime(s.From), "to": base.DBTime(s.To)}).One(&row)
		if err != nil {
			return nil, fmt.Errorf("on-time series: %w", err)
		}
		out = append(out, SeriesPoint{Label: s.Label, From: s.From.Format("2006-01-02"), N: row.N, Good: row.Good, Rate: rate(row.Good, row.N)})
	}
	return out, nil
}

func handleDashboard(e *core.RequestEvent) error {
	d, err := BuildDashboard(e.App, time.Now())
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, d)
}

// dashboardCharts are the charts GET /api/motcua/dashboard/chart/{name}.svg draws.
var dashboardCharts = map[string]struct {
	Title  string
	Series func(app core.App, today calendar.Date) ([]SeriesPoint, error)
}{
	"satisfaction-weekly": {"dashboard.chart_satisfaction_weekly", func(app core.App, t calendar.Date) ([]SeriesPoint, error) {
		return satisfactionSeries(app, weeks(t, 12))
	}},
	"satisfaction-monthly": {"dashboard.chart_satisfaction_monthly", func(app core.App, t calendar.Date) ([]SeriesPoint, error) {
		return satisfactionSeries(app, months(t, 12))
	}},
	"on-time-monthly": {"dashboard.chart_on_time_monthly", func(app core.App, t calendar.Date) ([]SeriesPoint, error) {
		return onTimeSeries(app, months(t, 12))
	}},
}

func handleDashboardChart(e *core.RequestEvent) error {
	name := strings.TrimSuffix(e.Request.PathValue("name"), ".svg")
	c, ok := dashboardCharts[name]
	if !ok {
		return base.KeyedError(http.StatusNotFound, "error.chart_unknown")
	}
	pts, err := c.Series(e.App, calendar.DateOf(time.Now(), base.Zone))
	if err != nil {
		return err
	}
	lang := web.RequestLang(e)
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.Blob(http.StatusOK, "image/svg+xml; charset=utf-8", []byte(RateChartSVG(i18n.T(lang, c.Title), pts)))
}

// RateChartSVG draws rates (0–100 %) as bars with the count under each label;
// a period with nothing to rate gets no bar and a dash. Text is escaped, so the
// SVG can be inlined into a page. The drawing is 800 units wide with 13-unit
// labels and a 16-unit title: shown at its own width (the dashboard never
// draws it narrower) the labels read at 13 px, and the twelve labels of a
// year ("06/26", "n=123") fit their bars without touching.
func RateChartSVG(title string, pts []SeriesPoint) string {
	const w, h, left, top, bottom = 800.0, 300.0, 48.0, 34.0, 52.0
	plotH := h - top - bottom
	n := math.Max(float64(len(pts)), 1)
	bw := (w - left - 8) / n
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" font-family="Noto Sans, sans-serif" font-size="13">`,
		w, h, html.EscapeString(title))
	fmt.Fprintf(&b, `<title>%s</title><text x="%.0f" y="20" font-size="16" font-weight="700">%s</text>`, html.EscapeString(title), left, html.EscapeString(title))
	for _, g := range []float64{0, 50, 100} {
		y := top + plotH*(1-g/100)
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.0f" y="%.1f" text-anchor="end" fill="#666">%.0f%%</text>`,
			left, w-8, y, y, left-5, y+5, g)
	}
	for i, p := range pts {
		x := left + float64(i)*bw
		cx := x + bw/2
		if p.Rate != nil {
			bh := plotH * *p.Rate / 100
			fill := "#1a73e8"
			if *p.Rate < 80 {
				fill = "#d93025"
			}
			fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" data-rate="%.1f" data-n="%d"><title>%s: %.1f%% (%d/%d)</title></rect>`,
				x+bw*0.15, top+plotH-bh, bw*0.7, bh, fill, *p.Rate, p.N, html.EscapeString(p.Label), *p.Rate, p.Good, p.N)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%.0f</text>`, cx, top+plotH-bh-3, *p.Rate)
		} else {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#999">–</text>`, cx, top+plotH-3)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text><text x="%.1f" y="%.1f" text-anchor="middle" fill="#666">n=%d</text>`,
			cx, h-bottom+18, html.EscapeString(p.Label), cx, h-bottom+36, p.N)
	}
	b.WriteString(`</svg>`)
	return b.String()
}
