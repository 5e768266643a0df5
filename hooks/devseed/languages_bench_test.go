package devseed

import (
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// BenchmarkQueueLanguageFigures times the waits by language on generated
// history ($MOTCUA_BENCH_DOSSIERS dossiers, 100,000 by default): a month per
// day (the report's annex, the figures), a year per month, and the dashboard's
// six months.
//
//	go test ./hooks/devseed -run '^$' -bench QueueLanguageFigures -benchtime 20x
func BenchmarkQueueLanguageFigures(b *testing.B) {
	n := 100000
	if s := os.Getenv("MOTCUA_BENCH_DOSSIERS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	app := newTestApp(b)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, base.Zone)
	if err := SeedDossiers(app, BulkOptions{N: n, Now: now}, io.Discard); err != nil {
		b.Fatal(err)
	}
	var tickets int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM tickets").Row(&tickets)
	b.Logf("%d dossiers, %d tickets", n, tickets)
	month := time.Date(2026, 10, 1, 0, 0, 0, 0, base.Zone)
	year := time.Date(2026, 1, 1, 0, 0, 0, 0, base.Zone)
	for _, c := range []struct {
		name     string
		from, to time.Time
		by       string
	}{
		{"month-by-day", month, month.AddDate(0, 1, 0), domain.ByDay},
		{"year-by-month", year, now, domain.ByMonth},
		{"six-months", time.Date(2026, 6, 1, 0, 0, 0, 0, base.Zone), now, domain.ByMonth},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := domain.QueueLanguageFigures(app, c.from, c.to, c.by); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
