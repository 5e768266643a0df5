package reports

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestDashboardFigures: today's intake and returns, overdue and due soon, and
// the series, on dossiers with known times.
func TestDashboardFigures(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	proc := testkit.ProcedureOfField(t, app, "Hộ tịch")
	now := time.Now()
	mk := func(status string, received, due time.Time, extra map[string]any) {
		f := map[string]any{"procedure": proc.Id, "status": status, "received_at": received, "due_at": due}
		for k, v := range extra {
			f[k] = v
		}
		testkit.MkDossier(t, app, f)
	}
	mk(domain.StatusReceived, now.Add(-time.Minute), now.Add(72*time.Hour), nil)           // today, not due soon
	mk(domain.StatusProcessing, now.AddDate(0, 0, -10), now.Add(-time.Hour), nil)          // overdue
	mk(domain.StatusProcessing, now.AddDate(0, 0, -10), now.Add(24*time.Hour), nil)        // due soon
	mk(domain.StatusSupplementRequested, now.AddDate(0, 0, -10), now.Add(-time.Hour), nil) // paused: not overdue
	mk(domain.StatusReturned, now.AddDate(0, 0, -3), now.Add(-time.Hour), map[string]any{
		"finished_at": now.Add(-2 * time.Hour), "returned_at": now.Add(-time.Minute)}) // returned today, on time
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "dash.leader")
	mux := testkit.NewMux(t, app)
	res := testkit.Do(mux, http.MethodGet, "/api/motcua/dashboard", leader.Token, "")
	var d Dashboard
	if err := json.Unmarshal(res.Body.Bytes(), &d); err != nil || res.Code != 200 {
		t.Fatalf("%d %s", res.Code, res.Body.String())
	}
	if d.ReceivedToday < 1 || d.ReturnedToday != 1 || d.Overdue != 1 || d.DueSoon != 1 || len(d.OverdueList) != 1 || len(d.DueSoonList) != 1 {
		t.Errorf("figures: today %d returned %d overdue %d (%d) due soon %d (%d)", d.ReceivedToday, d.ReturnedToday,
			d.Overdue, len(d.OverdueList), d.DueSoon, len(d.DueSoonList))
	}
	lastMonth := d.OnTimeMonthly[len(d.OnTimeMonthly)-1]
	if len(d.OnTimeMonthly) != 12 || len(d.SatWeekly) != 12 || lastMonth.N != 1 || lastMonth.Rate == nil || *lastMonth.Rate != 100 {
		t.Errorf("series: %d months, last %+v", len(d.OnTimeMonthly), lastMonth)
	}
	if q, ok := d.Panels["queue"].([]any); !ok || len(q) != 0 {
		t.Errorf("queue panel on a day without tickets: %#v", d.Panels["queue"])
	}
	if b, ok := d.Panels["backup"].(map[string]any); !ok || b["last_ok_at"] != "" || b["warn"] != true {
		t.Errorf("backup panel with no backup made: %#v", d.Panels["backup"])
	}
	res = testkit.Do(mux, http.MethodGet, "/api/motcua/dashboard/chart/on-time-monthly.svg", leader.Token, "")
	svg := res.Body.String()
	if res.Code != 200 || !strings.HasPrefix(svg, "<svg") || strings.Count(svg, `class="bar"`) != 1 || !strings.Contains(svg, `data-rate="100.0"`) {
		t.Errorf("chart: %d %s", res.Code, svg)
	}
	if res := testkit.Do(mux, http.MethodGet, "/api/motcua/dashboard/chart/nope.svg", leader.Token, ""); res.Code != 404 || !strings.Contains(res.Body.String(), "error.chart_unknown") {
		t.Errorf("unknown chart: %d", res.Code)
	}
}

// TestBrowserRatingThenDashboard: the counter's second screen, signed in as the
// officer, shows the faces for a returned dossier; the citizen taps "very
// satisfied" and a reason and sends; the leader's dashboard then shows the
// rating in today's figures and in the weekly satisfaction chart.
func TestBrowserRatingThenDashboard(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.MakeStaff(t, app, base.RoleReception, "browser.counter")
	testkit.MakeStaff(t, app, base.RoleLeader, "browser.leader")
	now := time.Now()
	d := testkit.MkDossier(t, app, map[string]any{"code": "000.00.07.H60-260302-0042", "procedure": testkit.ProcedureOfField(t, app, "Hộ tịch").Id,
		"status": domain.StatusReturned, "received_at": now.AddDate(0, 0, -2), "due_at": now.Add(time.Hour),
		"finished_at": now.Add(-time.Hour), "returned_at": now.Add(-time.Minute),
		"search": domain.SeedSearchKey("000.00.07.H60-260302-0042", "Thạch Thị Sa Ry", "", "")})
	url := testkit.StartServer(t, app)
	ctx := testkit.NewBrowser(t)
	signIn := func(user string) chromedp.Action {
		return chromedp.Tasks{
			chromedp.Navigate(url + "/"),
			chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
			chromedp.SendKeys("#identity", user, chromedp.ByQuery),
			chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
			chromedp.Click("#sign-in-button", chromedp.ByQuery),
			chromedp.WaitVisible("#start", chromedp.ByQuery),
		}
	}
	var code, question string
	var faces int
	err := chromedp.Run(ctx,
		signIn("browser.counter"),
		chromedp.Navigate(url+"/rate.html?dossier="+d.Id),
		chromedp.WaitVisible("#rate", chromedp.ByQuery),
		chromedp.Text("#dossier-code", &code, chromedp.ByQuery),
		chromedp.Text("#rate h1", &question, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#faces .face").length`, &faces),
		chromedp.Click(`#faces .face[data-score="5"]`, chromedp.ByQuery),
		chromedp.Click(`#chips .chip[data-reason="quick"]`, chromedp.ByQuery),
		chromedp.Click("#send", chromedp.ByQuery),
		chromedp.WaitVisible("#thanks", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(code, "000.00.07.H60-260302-0042") || faces != 5 {
		t.Errorf("rating screen: code %q, %d faces", code, faces)
	}
	if !strings.Contains(question, "hài lòng") || !strings.Contains(question, "ពេញចិត្ត") {
		t.Errorf("question not in Vietnamese and Khmer: %q", question)
	}
	r, err := app.FindFirstRecordByFilter(base.ColRatings, "dossier = {:d}", dbx.Params{"d": d.Id})
	if err != nil || r.GetInt("score") != 5 || strings.Join(r.GetStringSlice("reasons"), ",") != "quick" || r.GetString("channel") != "counter" {
		t.Fatalf("rating saved: %v %v", err, r)
	}

	var ratings, satisfied, bar, backup string
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`localStorage.removeItem("motcua_auth")`, nil),
		signIn("browser.leader"),
		chromedp.Navigate(url+"/dashboard.html"),
		chromedp.WaitVisible("#board", chromedp.ByQuery),
		chromedp.Poll(`document.querySelector("#chart-satisfaction-weekly svg") !== null`, nil),
		chromedp.Text("#ratings-today", &ratings, chromedp.ByQuery),
		chromedp.Text("#satisfied-today", &satisfied, chromedp.ByQuery),
		chromedp.Text("#backup-age", &backup, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#chart-satisfaction-weekly rect.bar")).map(b => b.dataset.rate + "/" + b.dataset.n).join(",")`, &bar),
	)
	if err != nil {
		t.Fatal(err)
	}
	if backup != i18n.T("vi", "dashboard.backup_never") {
		t.Errorf("backup panel: %q", backup)
	}
	if ratings != "1" || satisfied != "1" || bar != "100.0/1" {
		t.Errorf("dashboard: ratings today %q, satisfied %q, weekly bars %q", ratings, satisfied, bar)
	}

	// The staff search page finds the dossier typed without accents.
	var hit string
	err = chromedp.Run(ctx,
		chromedp.Navigate(url+"/search.html"),
		chromedp.WaitVisible("#q", chromedp.ByQuery),
		chromedp.SendKeys("#q", "thach thi sa", chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll("#results tr.hit").length === 1`, nil),
		chromedp.Text("#results tr.hit", &hit, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hit, "000.00.07.H60-260302-0042") || !strings.Contains(hit, "Thạch Thị Sa Ry") {
		t.Errorf("search page row: %q", hit)
	}

	// The report's print view draws the form's merged header and the totals.
	fin := d.GetDateTime("finished_at").Time().In(base.Zone)
	period := fin.Format("2006-01")
	var spans, total []string
	err = chromedp.Run(ctx,
		chromedp.Navigate(url+"/report.html?period="+period),
		chromedp.Poll(`document.querySelectorAll("#report tr.total td").length > 0`, nil),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#report tr:first-child th")).map(th => th.rowSpan + "x" + th.colSpan)`, &spans),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#report tr.total td")).map(td => td.textContent)`, &total),
	)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(spans, ",") != "3x1,3x1,1x7,1x4,1x3,1x4,1x2,1x3" {
		t.Errorf("report header spans: %v", spans)
	}
	earlyOrOnTime := total[10] + total[11] // depends on whether the hour before "now" is the due day
	if len(total) != len(reportColumns)+2 || total[2] != "1" || total[9] != "1" || (earlyOrOnTime != "10" && earlyOrOnTime != "01") ||
		total[22] != "100" || total[23] != "100" {
		t.Errorf("report totals: %v", total)
	}
}
