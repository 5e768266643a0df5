package devseed

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/reports"
)

// expected is one language's figures computed here from the ticket rows, the
// way the issue defines them, independently of domain.QueueLanguageFigures.
type expected struct {
	tickets, called, served   int
	waitMean, serviceMean     float64
	waitP90, serviceP90       int
	kmServed, kmServedByKhmer int
}

func expectFor(t *testing.T, app core.App, lang string, from, to time.Time) expected {
	t.Helper()
	var rows []struct {
		Status  string `db:"status"`
		Called  string `db:"called_at"`
		Wait    int    `db:"wait_seconds"`
		Service int    `db:"service_seconds"`
		Langs   string `db:"called_languages"`
	}
	err := app.DB().NewQuery("SELECT status, called_at, wait_seconds, service_seconds, called_languages FROM tickets WHERE language = {:l} AND issued_at >= {:f} AND issued_at < {:t}").
		Bind(dbx.Params{"l": lang, "f": base.DBTime(from), "t": base.DBTime(to)}).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	var waits, services []int
	for _, r := range rows {
		e.tickets++
		if r.Called != "" {
			e.called++
			waits = append(waits, r.Wait)
		}
		if r.Status == "done" || r.Status == "transferred" {
			services = append(services, r.Service)
		}
		if r.Status == "done" {
			e.served++
			var langs []string
			_ = json.Unmarshal([]byte(r.Langs), &langs)
			if lang == "km" {
				e.kmServed++
				if slices.Contains(langs, "km") {
					e.kmServedByKhmer++
				}
			}
		}
	}
	p90 := func(v []int) (float64, int) {
		slices.Sort(v)
		sum := 0
		for _, x := range v {
			sum += x
		}
		rank := int(math.Ceil(0.9*float64(len(v)))) - 1 // nearest rank
		return float64(sum) / float64(len(v)), v[rank]
	}
	e.waitMean, e.waitP90 = p90(waits)
	e.serviceMean, e.serviceP90 = p90(services)
	return e
}

func sameStats(t *testing.T, what string, got domain.LanguageStats, want expected) {
	t.Helper()
	if got.Tickets != want.tickets || got.Called != want.called || got.Served != want.served ||
		got.WaitMean == nil || math.Abs(*got.WaitMean-want.waitMean) > 0.051 || *got.WaitP90 != want.waitP90 ||
		got.ServiceMean == nil || math.Abs(*got.ServiceMean-want.serviceMean) > 0.051 || *got.ServiceP90 != want.serviceP90 {
		t.Errorf("%s: got tickets %d called %d served %d wait %v/%v service %v/%v; want %+v", what,
			got.Tickets, got.Called, got.Served, deref(got.WaitMean), deref(got.WaitP90), deref(got.ServiceMean), deref(got.ServiceP90), want)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestSeedLanguages: the generator writes Khmer for about 56 % of tickets and
// the languages of the officers who called them; Khmer tickets go to a
// Khmer-speaking officer unless their wait was past the language wait; and the
// waits by language of the queue figures (per day and month), the dashboard
// and the report's queue annex are those computed here from the ticket rows.
func TestSeedLanguages(t *testing.T) {
	app := newTestApp(t)
	testkit.MakeStaff(t, app, base.RoleReception, "seed.a")
	testkit.MakeStaff(t, app, base.RoleReception, "seed.b")
	viOnly := testkit.MakeStaff(t, app, base.RoleReception, "seed.c")
	testkit.SetServesLanguages(t, app, viOnly, "vi")
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "seed.leader")
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, base.Zone)
	if err := SeedDossiers(app, BulkOptions{N: 4000, Now: now}, io.Discard); err != nil {
		t.Fatal(err)
	}
	one := func(sql string) int {
		t.Helper()
		var n int
		if err := app.DB().NewQuery(sql).Row(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	all, km := one("SELECT COUNT(*) FROM tickets"), one("SELECT COUNT(*) FROM tickets WHERE language = 'km'")
	if share := float64(km) / float64(all); share < 0.53 || share > 0.59 || one("SELECT COUNT(*) FROM tickets WHERE language NOT IN ('vi', 'km')") != 0 {
		t.Errorf("%d of %d tickets in Khmer (%.1f %%), want about 56 %%, every ticket vi or km", km, all, 100*share)
	}
	// Officers: the undeclared got languages, the declared kept theirs.
	var declared []struct {
		User  string `db:"username"`
		Langs string `db:"serves_languages"`
	}
	if err := app.DB().NewQuery("SELECT username, serves_languages FROM staff WHERE role = 'reception' ORDER BY created").All(&declared); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range declared {
		got[d.User] = d.Langs
	}
	if got["seed.a"] != `["vi","km"]` || got["seed.b"] != `["vi"]` || got["seed.c"] != `["vi"]` {
		t.Errorf("officers' languages after seeding: %v", got)
	}
	// called_languages is the calling officer's languages.
	if n := one(`SELECT COUNT(*) FROM tickets k JOIN staff s ON s.id = k.called_by WHERE k.called_languages != s.serves_languages`); n != 0 {
		t.Errorf("%d tickets whose called_languages are not their officer's", n)
	}
	// Routing: a Khmer ticket called by an officer without Khmer had waited
	// past the language wait, or no counter of its group had a Khmer speaker.
	early := one(`SELECT COUNT(*) FROM tickets WHERE language = 'km' AND transferred_from = '' AND called_at != ''
		AND called_languages NOT LIKE '%"km"%' AND wait_seconds < 600`)
	khmerCalled := one(`SELECT COUNT(*) FROM tickets WHERE language = 'km' AND called_at != ''`)
	if float64(early) > 0.25*float64(khmerCalled) {
		t.Errorf("%d of %d Khmer tickets went to a Vietnamese-only officer before the wait was over", early, khmerCalled)
	}

	// Queue figures over HTTP for October: per month, per day, in total.
	mux := testkit.NewMux(t, app)
	res := testkit.Do(mux, http.MethodGet, "/api/motcua/queue/figures?from=2026-10-01&to=2026-10-31", leader.Token, "")
	if res.Code != http.StatusOK {
		t.Fatalf("figures: %d %s", res.Code, res.Body.String())
	}
	var figs struct {
		Languages struct {
			Days   []domain.LanguageFigure `json:"days"`
			Months []domain.LanguageFigure `json:"months"`
			Total  domain.LanguageFigure   `json:"total"`
		} `json:"languages"`
	}
	if err := json.Unmarshal(res.Body.Bytes(), &figs); err != nil {
		t.Fatal(err)
	}
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, base.Zone)
	nov := oct.AddDate(0, 1, 0)
	if len(figs.Languages.Months) != 1 || figs.Languages.Months[0].Period != "2026-10" || len(figs.Languages.Days) < 20 {
		t.Fatalf("October figures: %d months, %d days", len(figs.Languages.Months), len(figs.Languages.Days))
	}
	m := figs.Languages.Months[0]
	wantVI, wantKM := expectFor(t, app, "vi", oct, nov), expectFor(t, app, "km", oct, nov)
	sameStats(t, "October vi", m.VI, wantVI)
	sameStats(t, "October km", m.KM, wantKM)
	sameStats(t, "October total km", figs.Languages.Total.KM, wantKM)
	if m.KMServed != wantKM.kmServed || m.KMServedByKM != wantKM.kmServedByKhmer || m.KMServedByKMRate == nil ||
		math.Abs(*m.KMServedByKMRate-100*float64(wantKM.kmServedByKhmer)/float64(wantKM.kmServed)) > 0.051 {
		t.Errorf("Khmer served by a Khmer speaker: %d/%d %v, want %d/%d", m.KMServedByKM, m.KMServed, deref(m.KMServedByKMRate), wantKM.kmServedByKhmer, wantKM.kmServed)
	}
	if *m.KM.WaitMean <= *m.VI.WaitMean || *m.KMServedByKMRate < 20 || *m.KMServedByKMRate > 99.9 {
		t.Errorf("the generated queue has no shape: wait vi %.0f s km %.0f s, Khmer by Khmer speaker %.1f %%", *m.VI.WaitMean, *m.KM.WaitMean, *m.KMServedByKMRate)
	}
	day := figs.Languages.Days[3]
	dayStart, _ := time.ParseInLocation(time.DateOnly, day.Period, base.Zone)
	sameStats(t, "day "+day.Period+" km", day.KM, expectFor(t, app, "km", dayStart, dayStart.AddDate(0, 0, 1)))
	t.Logf("October: vi wait %.0f s (p90 %d), km wait %.0f s (p90 %d), service vi %.0f km %.0f s, Khmer served by a Khmer speaker %.1f %% (%d tickets)",
		*m.VI.WaitMean, *m.VI.WaitP90, *m.KM.WaitMean, *m.KM.WaitP90, *m.VI.ServiceMean, *m.KM.ServiceMean, *m.KMServedByKMRate, m.VI.Tickets+m.KM.Tickets)

	// The dashboard: today and the last six months, this one last.
	dash, err := reports.BuildDashboard(app, now)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(dash.Panels["queue_languages"])
	var panel struct {
		Today  domain.LanguageFigure   `json:"today"`
		Months []domain.LanguageFigure `json:"months"`
	}
	if err := json.Unmarshal(b, &panel); err != nil {
		t.Fatal(err)
	}
	if len(panel.Months) != 6 || panel.Months[5].Period != "2026-11" || panel.Months[4].Period != "2026-10" || panel.Today.Period != "2026-11-20" {
		t.Fatalf("dashboard panel periods: today %s, months %d", panel.Today.Period, len(panel.Months))
	}
	sameStats(t, "dashboard October km", panel.Months[4].KM, wantKM)
	sameStats(t, "dashboard November vi", panel.Months[5].VI, expectFor(t, app, "vi", nov, now.Add(time.Second)))
	todayStart := time.Date(2026, 11, 20, 0, 0, 0, 0, base.Zone)
	if n := one("SELECT COUNT(*) FROM tickets WHERE day = '2026-11-20' AND language = 'km'"); n > 3 {
		sameStats(t, "dashboard today km", panel.Today.KM, expectFor(t, app, "km", todayStart, now.Add(time.Second)))
	}

	// The report's queue annex: October day by day, and the month.
	rep, err := reports.BuildReport(app, mustDate(t, "2026-10-01"), mustDate(t, "2026-10-31"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(rep.Annexes["queue_languages"])
	var annex struct {
		By    string                  `json:"by"`
		Rows  []domain.LanguageFigure `json:"rows"`
		Total domain.LanguageFigure   `json:"total"`
	}
	if err := json.Unmarshal(b, &annex); err != nil {
		t.Fatal(err)
	}
	if annex.By != "day" || len(annex.Rows) != len(figs.Languages.Days) || !strings.HasPrefix(annex.Rows[0].Period, "2026-10-") {
		t.Errorf("annex by %q with %d rows", annex.By, len(annex.Rows))
	}
	sameStats(t, "annex October vi", annex.Total.VI, wantVI)
	sameStats(t, "annex October km", annex.Total.KM, wantKM)
	year, err := reports.BuildReport(app, mustDate(t, "2026-01-01"), mustDate(t, "2026-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(year.Annexes["queue_languages"])
	_ = json.Unmarshal(b, &annex)
	if annex.By != "month" || len(annex.Rows) != 11 {
		t.Errorf("the year's annex: by %q, %d rows (want 11 months to November)", annex.By, len(annex.Rows))
	}
}
