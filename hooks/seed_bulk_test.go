package hooks

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
)

// TestSeedDossiers: the generator writes consistent history: unique codes in
// the intake's format, sequences at the last number used per day, every dossier
// in the search index, events and ratings; it refuses a second run without
// force and appends after the last numbers with it; and the report's columns
// add up on what it wrote.
func TestSeedDossiers(t *testing.T) {
	app := newTestApp(t)
	defer app.Cleanup()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, zone)
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
	if err := SeedDossiers(app, BulkOptions{N: 500, Now: now, Force: true, Seed: 7}, io.Discard); err != nil {
		t.Fatal(err)
	}
	check(3500)

	rep, err := BuildReport(app, mustDate(t, "2026-01-01"), mustDate(t, "2026-06-30"))
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
	var code string
	err = app.RunInTransaction(func(tx core.App) error {
		var err error
		code, err = allocateCode(tx, nil, "000.00.00.H00", time.Now(), centreRange.From, centreRange.To)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := one("SELECT COUNT(*) FROM dossiers WHERE code = '" + code + "'"); n != 0 || !strings.HasSuffix(code, "-0001") && n != 0 {
		t.Errorf("intake's next code %s collides with a generated one", code)
	}
	if today := codeDay(time.Now()); one("SELECT COUNT(*) FROM dossiers WHERE substr(code, 15, 6) = '"+today+"'") > 0 && strings.HasSuffix(code, "-0001") {
		t.Errorf("generated dossiers today, but intake starts again at %s", code)
	}

	// Search finds generated names.
	var name string
	if err := app.DB().NewQuery("SELECT applicant_name FROM dossiers LIMIT 1 OFFSET 1234").Row(&name); err != nil {
		t.Fatal(err)
	}
	su, _ := app.FindAuthRecordByEmail("staff", "gen.reception@generated.motcua.vn")
	hits, err := SearchDossiers(app, su, name, 50, 0)
	if err != nil || len(hits) == 0 {
		t.Errorf("search %q: %v, %d hits", name, err, len(hits))
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
	defer app.Cleanup()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := SeedDossiers(app, BulkOptions{N: 20000, Force: true, Seed: uint64(i + 1)}, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
