package devseed

import (
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/queue"
	"motcua/hooks/reports"
	"motcua/hooks/search"
)

// TestSeedDossiers: the generator writes consistent history: unique codes in
// the intake's format, sequences at the last number used per day, every dossier
// in the search index, events and ratings; it refuses a second run without
// force and appends after the last numbers with it; and the report's columns
// add up on what it wrote.
func TestSeedDossiers(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, base.Zone)
	if err := SeedDossiers(app, BulkOptions{N: 3000, Now: now}, io.Discard); err != nil {
		t.Fatal(err)
	}
	one := func(sql string) int {
		var n int
		if err := app.DB().NewQuery(sql).Row(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	check := func(want int) {
		t.Helper()
		if n := one("SELECT COUNT(*) FROM dossiers"); n != want {
			t.Errorf("%d dossiers, want %d", n, want)
		}
		if n := one("SELECT COUNT(DISTINCT code) FROM dossiers WHERE code GLOB '000.00.00.H00-[0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'"); n != want {
			t.Errorf("%d distinct well-formed codes, want %d", n, want)
		}
		if n := one("SELECT COUNT(*) FROM motcua_dossier_search"); n != want {
			t.Errorf("%d rows in the search index, want %d", n, want)
		}
		// Every day's sequence is at the highest number used that day.
		if n := one(`SELECT COUNT(*) FROM (SELECT substr(code, 15, 6) AS day, MAX(CAST(substr(code, 22) AS INTEGER)) AS m
			FROM dossiers GROUP BY day) c LEFT JOIN dossier_sequences s ON s.day = c.day AND s.range_from = 1
			WHERE s.last IS NULL OR s.last != c.m`); n != 0 {
			t.Errorf("%d days whose sequence is not at the last code", n)
		}
		if n := one("SELECT COUNT(*) FROM dossiers WHERE received_at = '' OR due_at = '' OR search = ''"); n != 0 {
			t.Errorf("%d dossiers without times or search text", n)
		}
		if n := one("SELECT COUNT(*) FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier = d.id AND e.action = 'receive')"); n != 0 {
			t.Errorf("%d dossiers without a receive event", n)
		}
	}
	check(3000)
	checkSeededTickets(t, app, true)
	if n := one("SELECT COUNT(*) FROM ratings"); n < 300 {
		t.Errorf("only %d ratings", n)
	}
	if n := one("SELECT COUNT(*) FROM dossiers WHERE received_at < '2022-01-01'"); n == 0 {
		t.Error("history does not reach five years back")
	}
	err := SeedDossiers(app, BulkOptions{N: 10, Now: now}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("second run without force: %v", err)
	}
	ticketsBefore := one("SELECT COUNT(*) FROM tickets")
	if err := SeedDossiers(app, BulkOptions{N: 500, Now: now, Force: true, Seed: 7}, io.Discard); err != nil {
		t.Fatal(err)
	}
	check(3500)
	// The append wrote tickets too, numbered on after the first run's on the
	// days both used: still 1..n per day and group, no number twice.
	if n := one("SELECT COUNT(*) FROM tickets") - ticketsBefore; n < 300 {
		t.Errorf("the --force run added %d tickets for 500 dossiers", n)
	}
	// Record ids start with a prefix drawn per run.
	if n := one(`SELECT COUNT(*) FROM (SELECT day FROM tickets WHERE transferred_from = ''
		GROUP BY day, [[group]] HAVING COUNT(DISTINCT substr(id, 1, 5)) > 1)`); n == 0 {
		t.Error("no day has tickets from both runs: the numbering after --force is not tested")
	}
	checkSeededTickets(t, app, false)

	// The queue figures of the reports and the dashboard, on generated tickets.
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, base.Zone)
	figs, err := queue.QueueFigures(app, from, from.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	var issued, called, done, noShow int
	var waitSum, serviceSum float64
	for _, f := range figs {
		if f.Counter == 0 || f.Day < "2026-10-01" || f.Day > "2026-10-31" {
			t.Errorf("figure row %+v: no counter, or outside October", f)
		}
		issued += f.Issued
		called += f.Called
		done += f.Done
		noShow += f.NoShow
		waitSum += f.AvgWaitSeconds * float64(f.Called)
		serviceSum += f.AvgServiceSecs * float64(f.Done+f.Transferred)
	}
	want := one("SELECT COUNT(*) FROM tickets WHERE issued_at >= '2026-09-30 17:00:00.000Z' AND issued_at < '2026-10-31 17:00:00.000Z'")
	if issued != want || issued < 40 || called != issued || done == 0 || noShow == 0 || done+noShow > issued {
		t.Errorf("October figures: issued %d (tickets %d), called %d, done %d, no-show %d", issued, want, called, done, noShow)
	}
	if avg := waitSum / float64(called); avg < 60 || avg > 1800 {
		t.Errorf("mean wait %.0f s: not a plausible queue", avg)
	}
	if avg := serviceSum / float64(done); avg < 120 || avg > 900 {
		t.Errorf("mean service %.0f s: not a plausible counter", avg)
	}
	dash, err := reports.BuildDashboard(app, now)
	if err != nil {
		t.Fatal(err)
	}
	if q, ok := dash.Panels["queue"].([]queue.QueueFigure); !ok || len(q) == 0 || q[0].Day != "2026-11-20" || q[0].Issued == 0 {
		t.Errorf("dashboard queue panel on the generated history's last morning: %#v", dash.Panels["queue"])
	}

	rep, err := reports.BuildReport(app, mustDate(t, "2026-01-01"), mustDate(t, "2026-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	tt := rep.Total
	if tt.Received == 0 || tt.Finished == 0 || tt.Received != tt.Finished+tt.Refused+tt.Withdrawn+tt.Paused+tt.InProgress {
		t.Errorf("report on generated data does not add up: %+v", tt)
	}
	// Intake after seeding continues today's sequence past the generated codes.
	if err := SeedDossiers(app, BulkOptions{N: 3000, Force: true, Years: 1, Seed: 9}, io.Discard); err != nil {
		t.Fatal(err)
	}
	checkSeededTickets(t, app, false)
	var code string
	err = app.RunInTransaction(func(tx core.App) error {
		var err error
		code, err = domain.AllocateCodeTx(tx, "000.00.00.H00", time.Now(), domain.CentreRange.From, domain.CentreRange.To)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := one("SELECT COUNT(*) FROM dossiers WHERE code = '" + code + "'"); n != 0 || !strings.HasSuffix(code, "-0001") && n != 0 {
		t.Errorf("intake's next code %s collides with a generated one", code)
	}
	if today := domain.CodeDay(time.Now()); one("SELECT COUNT(*) FROM dossiers WHERE substr(code, 15, 6) = '"+today+"'") > 0 && strings.HasSuffix(code, "-0001") {
		t.Errorf("generated dossiers today, but intake starts again at %s", code)
	}

	// Search finds generated names.
	var name string
	if err := app.DB().NewQuery("SELECT applicant_name FROM dossiers LIMIT 1 OFFSET 1234").Row(&name); err != nil {
		t.Fatal(err)
	}
	su, _ := app.FindAuthRecordByEmail("staff", "gen.reception@generated.motcua.vn")
	hits, err := search.SearchDossiers(app, su, name, 50, 0)
	if err != nil || len(hits) == 0 {
		t.Errorf("search %q: %v, %d hits", name, err, len(hits))
	}
}

// checkSeededTickets checks the generated queue against what the queue routes
// would have left: one ticket per in-person dossier at the centre, in the group
// of its procedure, about a third more without a dossier; numbers 1..n per day
// and group; issued < called < (served <) finished in one session of the day;
// the wait and service seconds of those times; final statuses only; transfers
// as handleTransfer writes them. fresh: no earlier run, so the calls of each
// group also follow the queue's order.
func checkSeededTickets(t *testing.T, app core.App, fresh bool) {
	t.Helper()
	one := func(sql string) int {
		t.Helper()
		var n int
		if err := app.DB().NewQuery(sql).Row(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	centre := one("SELECT COUNT(*) FROM dossiers WHERE channel = 'in_person' AND mobile = FALSE")
	if n := one(`SELECT COUNT(*) FROM dossiers d LEFT JOIN tickets k ON k.id = d.ticket
		WHERE d.channel = 'in_person' AND d.mobile = FALSE AND (k.id IS NULL OR k.day != date(d.received_at, '+7 hours')
		OR k.status != 'done' OR d.received_at <= k.served_at OR d.received_at >= k.finished_at OR d.received_by != k.called_by)`); n != 0 || centre == 0 {
		t.Errorf("%d of %d in-person dossiers at the centre without a served ticket of their day around their receipt", n, centre)
	}
	if n := one("SELECT COUNT(*) FROM dossiers WHERE ticket != '' AND (channel != 'in_person' OR mobile = TRUE)"); n != 0 {
		t.Errorf("%d online, postal or mobile-team dossiers with a ticket", n)
	}
	if n := one("SELECT COUNT(*) FROM (SELECT ticket FROM dossiers WHERE ticket != '' GROUP BY ticket HAVING COUNT(*) > 1)"); n != 0 {
		t.Errorf("%d tickets linked to several dossiers", n)
	}
	// The group of the ticket that was served is the one of the procedure's field.
	if n := one(`SELECT COUNT(*) FROM dossiers d JOIN tickets k ON k.id = d.ticket JOIN procedures p ON p.id = d.procedure
		JOIN service_groups g ON g.id = k.[[group]]
		WHERE NOT EXISTS (SELECT 1 FROM json_each(g.fields_vi) f WHERE f.value = p.field_vi)`); n != 0 {
		t.Errorf("%d dossiers served in a group that does not take their procedure", n)
	}
	issued := one("SELECT COUNT(*) FROM tickets WHERE transferred_from = ''")
	if ratio := float64(issued) / float64(centre); ratio < 1.25 || ratio > 1.45 {
		t.Errorf("%d tickets issued for %d in-person dossiers (%.2f): want about a third more", issued, centre, ratio)
	}
	// Numbers run 1..n per day and group, and each code is letter + number.
	if n := one(`SELECT COUNT(*) FROM (SELECT day, [[group]], MIN(number) AS lo, MAX(number) AS hi, COUNT(*) AS n,
		COUNT(DISTINCT number) AS dn FROM tickets WHERE transferred_from = '' GROUP BY day, [[group]]) WHERE lo != 1 OR hi != n OR dn != n`); n != 0 {
		t.Errorf("%d days × groups whose numbers are not 1..n", n)
	}
	if n := one(`SELECT COUNT(*) FROM tickets k JOIN service_groups g ON g.id = k.[[group]]
		WHERE k.transferred_from = '' AND (k.letter != g.letter OR (k.number < 1000 AND k.code != k.letter || substr('00' || k.number, -3)))`); n != 0 {
		t.Errorf("%d tickets whose letter or code is not their group's", n)
	}
	// Times, and the figures kept from them exactly as the queue computes them.
	if n := one(`SELECT COUNT(*) FROM tickets WHERE NOT (issued_at < called_at AND called_at < finished_at
		AND (served_at = '' OR (called_at < served_at AND served_at < finished_at))
		AND day = date(issued_at, '+7 hours') AND day = date(finished_at, '+7 hours')
		AND wait_seconds = CAST(round((julianday(called_at) - julianday(issued_at)) * 86400) AS INTEGER)
		AND service_seconds = CASE status WHEN 'no_show' THEN 0 ELSE CAST(round((julianday(finished_at) - julianday(called_at)) * 86400) AS INTEGER) END
		AND created = issued_at AND updated = finished_at AND counter != '' AND called_by != '')`); n != 0 {
		t.Errorf("%d tickets with times out of order, outside their day or with figures that do not match them", n)
	}
	if n := one("SELECT COUNT(*) FROM tickets WHERE status NOT IN ('done', 'no_show', 'transferred')"); n != 0 {
		t.Errorf("%d tickets left waiting, called or serving in the history", n)
	}
	if n := one("SELECT COUNT(*) FROM tickets WHERE status = 'no_show' AND (served_at != '' OR recalls < 1)"); n != 0 {
		t.Errorf("%d no-shows served or never called again", n)
	}
	total := one("SELECT COUNT(*) FROM tickets")
	noShow := one("SELECT COUNT(*) FROM tickets WHERE status = 'no_show'")
	moved := one("SELECT COUNT(*) FROM tickets WHERE status = 'transferred'")
	prio := one("SELECT COUNT(*) FROM tickets WHERE priority = TRUE")
	if noShow*100 < total || noShow*100 > 8*total || moved == 0 || moved*100 > 4*total || prio*100 < 2*total || prio*100 > 9*total {
		t.Errorf("of %d tickets: %d no-shows, %d transferred, %d priority: want a few percent of each", total, noShow, moved, prio)
	}
	if n := one(`SELECT COUNT(*) FROM tickets WHERE (priority = TRUE) != (priority_reason IN ('elderly', 'disability', 'pregnant', 'small_children'))`); n != 0 {
		t.Errorf("%d tickets whose priority and reason disagree", n)
	}
	// A transfer closes the ticket and leaves one copy, same code and priority,
	// issued in another group at the moment of the transfer.
	if n := one(`SELECT COUNT(*) FROM tickets o WHERE o.status = 'transferred' AND (SELECT COUNT(*) FROM tickets c
		WHERE c.transferred_from = o.id AND c.code = o.code AND c.letter = o.letter AND c.number = o.number
		AND c.priority = o.priority AND c.priority_reason = o.priority_reason AND c.day = o.day
		AND c.issued_at = o.finished_at AND c.[[group]] != o.[[group]]) != 1`); n != 0 || one("SELECT COUNT(*) FROM tickets WHERE transferred_from != ''") != moved {
		t.Errorf("%d transferred tickets without exactly one copy as the transfer makes it", n)
	}
	if n := one("SELECT COUNT(*) FROM ratings r LEFT JOIN tickets k ON k.id = r.ticket_id WHERE r.ticket_id != '' AND (k.id IS NULL OR r.dossier != '' OR r.created <= k.finished_at)"); n != 0 {
		t.Errorf("%d ticket ratings without their ticket", n)
	}
	if one("SELECT COUNT(*) FROM ratings WHERE ticket_id != ''") == 0 {
		t.Error("no counter ratings of tickets")
	}
	// Every ticket runs inside one reception session of its day.
	cal, err := domain.LoadCalendar(app)
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Day      string `db:"day"`
		Issued   string `db:"issued_at"`
		Finished string `db:"finished_at"`
	}
	if err := app.DB().NewQuery("SELECT day, issued_at, finished_at FROM tickets").All(&rows); err != nil {
		t.Fatal(err)
	}
	outside := 0
	for _, r := range rows {
		d := mustDate(t, r.Day)
		a, _ := time.Parse("2006-01-02 15:04:05.000Z", r.Issued)
		b, _ := time.Parse("2006-01-02 15:04:05.000Z", r.Finished)
		midnight := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, base.Zone)
		in := false
		for _, s := range cal.SessionsOn(d) {
			from, to := midnight.Add(time.Duration(s.Start)*time.Minute), midnight.Add(time.Duration(s.End)*time.Minute)
			in = in || !a.Before(from) && !b.After(to)
		}
		if !in {
			outside++
		}
	}
	if outside != 0 || len(rows) != total {
		t.Errorf("%d of %d tickets not inside one session of their day", outside, len(rows))
	}
	if !fresh {
		return
	}
	// Within a group, calls follow the queue: a later number of the same kind
	// (priority or not) is not called before an earlier one. Only a ticket
	// taken just before a session ends may be called out of turn.
	if n := one(`SELECT COUNT(*) FROM tickets a JOIN tickets b ON b.day = a.day AND b.[[group]] = a.[[group]]
		AND b.priority = a.priority AND b.number > a.number AND b.transferred_from = ''
		WHERE a.transferred_from = '' AND b.called_at < a.called_at`); n*200 > total {
		t.Errorf("%d pairs called out of queue order in %d tickets", n, total)
	}
}

func mustDate(t testing.TB, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// BenchmarkSeedDossiers: generator speed (go test -run X -bench SeedDossiers ./hooks).
func BenchmarkSeedDossiers(b *testing.B) {
	app := newTestApp(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := SeedDossiers(app, BulkOptions{N: 20000, Force: true, Seed: uint64(i + 1)}, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// TestUnixMilliText: the generator's date formatter writes what dbTime writes.
func TestUnixMilliText(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for _, ms := range []int64{0, 1, 999, 86399999, 951782400000, 4107542399999, -1} {
		if got, want := unixMilliText(ms), base.DBTime(time.UnixMilli(ms)); got != want {
			t.Errorf("%d: %s, want %s", ms, got, want)
		}
	}
	for range 20000 {
		ms := r.Int64N(8000000000000) - 1000000000000
		if got, want := unixMilliText(ms), base.DBTime(time.UnixMilli(ms)); got != want {
			t.Fatalf("%d: %s, want %s", ms, got, want)
		}
	}
	if seedTime(time.Time{}) != "" {
		t.Error("zero time not empty")
	}
}
