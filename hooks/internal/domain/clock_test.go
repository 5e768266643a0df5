package domain_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// recordedAt makes the newest thing app has recorded a dossier created at t
// (written straight into the table, as a clock saying t would have left it).
func recordedAt(t *testing.T, app core.App, at time.Time) {
	t.Helper()
	d := testkit.MkDossier(t, app, map[string]any{"procedure": testkit.ProcByCode(t, app, "1.001193").Id, "status": "received"})
	testkit.SetRaw(t, app, base.ColDossiers, d.Id, "created", base.DBTime(at))
	testkit.SetRaw(t, app, base.ColDossiers, d.Id, "received_at", base.DBTime(at))
}

// TestClockStates: a clock before the newest record (beyond the tolerance for
// time sync) is behind; a few days after it is fine; more than ten working
// days after it is ahead, counted on the office calendar, so Tết 2027 (5–11
// February, seeded) costs no working days: 18 calendar days across it are
// fine, the same 18 days counted as weekdays would not be.
func TestClockStates(t *testing.T) {
	t.Parallel()
	newest := testkit.LocalTime(2027, time.February, 4, 17, 0) // Thursday before Tết
	cases := []struct {
		name  string
		now   time.Time
		state string
		days  int
	}{
		{"battery flat: year 2000", time.Date(2000, 1, 1, 0, 0, 0, 0, base.Zone), domain.ClockBehind, 0},
		{"an hour back", newest.Add(-time.Hour), domain.ClockBehind, 0},
		{"five minutes back (time sync)", newest.Add(-5 * time.Minute), domain.ClockOK, 0},
		{"the same moment", newest, domain.ClockOK, 0},
		{"next morning", newest.Add(16 * time.Hour), domain.ClockOK, 0},
		{"after Tết, 18 days on", testkit.LocalTime(2027, time.February, 22, 9, 0), domain.ClockOK, 6},
		{"a month typed wrong", testkit.LocalTime(2027, time.March, 4, 9, 0), domain.ClockAhead, 14},
		{"a year typed wrong", testkit.LocalTime(2028, time.February, 4, 9, 0), domain.ClockAhead, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			app := testkit.NewApp(t)
			recordedAt(t, app, newest)
			st, err := domain.ClockStatusAt(app, c.now)
			if err != nil {
				t.Fatal(err)
			}
			if st.State != c.state || (c.days >= 0 && st.WorkingDays != c.days) {
				t.Errorf("state %q with %d working days, want %q with %d", st.State, st.WorkingDays, c.state, c.days)
			}
			err = st.Err()
			if (err == nil) != (c.state == domain.ClockOK) {
				t.Fatalf("Err() = %v for state %s", err, st.State)
			}
			if err != nil {
				ae := err.(*router.ApiError)
				if ae.Status != http.StatusConflict || ae.Data["key"] != "error.clock_"+c.state {
					t.Errorf("refusal %d %v", ae.Status, ae.Data["key"])
				}
				for lang, want := range map[string]string{"vi": "kiểm tra ngày giờ của máy tính", "km": "សូមពិនិត្យកាលបរិច្ឆេទ និងម៉ោងរបស់កុំព្យូទ័រ", "en": "Check the PC's date and time"} {
					if s, _ := ae.Data[lang].(string); !strings.Contains(s, want) || !strings.Contains(s, domain.TimeText(newest)) {
						t.Errorf("%s text %q lacks %q or the newest time", lang, s, want)
					}
				}
			}
		})
	}
}

// TestClockGuardFollowsWrites: once read, the guard is not read again, yet a
// record created afterwards counts at once (the after-create hook), and a
// "confirmed" mark moves the floor to the time confirmed.
func TestClockGuardFollowsWrites(t *testing.T) {
	t.Parallel()
	app := testkit.NewApp(t)
	now := time.Now()
	if st, _ := domain.ClockStatusAt(app, now.Add(-time.Hour)); st.State != domain.ClockBehind {
		t.Fatalf("an hour before the migrations ran: %q, want behind", st.State)
	}
	later := now.Add(48 * time.Hour)
	if st, _ := domain.ClockStatusAt(app, later.Add(-time.Hour)); st.State != domain.ClockOK {
		t.Fatalf("two days on: %q", st.State)
	}
	// A dossier saved while the clock says later (PocketBase stamps created
	// with the real clock, so set it the way that clock would have).
	col, _ := app.FindCollectionByNameOrId(base.ColDossiers)
	r := core.NewRecord(col)
	r.Load(map[string]any{"procedure": testkit.ProcByCode(t, app, "1.001193").Id, "applicant_name": "A", "channel": "in_person"})
	r.SetRaw("created", base.DateTime(later))
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if st, _ := domain.ClockStatusAt(app, later.Add(-time.Hour)); st.State != domain.ClockBehind {
		t.Errorf("after a record at %v the guard says %q an hour before it, want behind", later, st.State)
	}
	if err := domain.ConfirmClock(app, domain.ClockMarkConfirmed, later.Add(24*time.Hour), "test", ""); err != nil {
		t.Fatal(err)
	}
	if st, _ := domain.ClockStatusAt(app, later.Add(23*time.Hour)); st.State != domain.ClockBehind {
		t.Errorf("an hour before a confirmed time: %q, want behind", st.State)
	}
}

// TestClockReset: records written while the clock ran two days ahead keep
// intake refused once it is set right; the IT person's reset lets it work from
// the real time on, and still refuses a clock before the reset.
func TestClockReset(t *testing.T) {
	t.Parallel()
	app := testkit.NewApp(t)
	real := time.Now()
	recordedAt(t, app, real.Add(48*time.Hour))
	if st, _ := domain.ClockStatusAt(app, real); st.State != domain.ClockBehind {
		t.Fatalf("real time after records two days ahead: %q, want behind", st.State)
	}
	if err := domain.ConfirmClock(app, domain.ClockMarkReset, real, "IT", ""); err != nil {
		t.Fatal(err)
	}
	if st, _ := domain.ClockStatusAt(app, real.Add(time.Minute)); st.State != domain.ClockOK {
		t.Errorf("after the reset: %q, want ok", st.State)
	}
	if st, _ := domain.ClockStatusAt(app, real.Add(-time.Hour)); st.State != domain.ClockBehind {
		t.Errorf("an hour before the reset: %q, want behind", st.State)
	}
	// Read from the database again, as after a restart: the same verdicts.
	app.Store().Remove("motcua.clock_guard")
	if st, _ := domain.ClockStatusAt(app, real.Add(time.Minute)); st.State != domain.ClockOK {
		t.Errorf("after the reset, read again: %q, want ok", st.State)
	}
	if st, _ := domain.ClockStatusAt(app, real.Add(-time.Hour)); st.State != domain.ClockBehind {
		t.Errorf("an hour before the reset, read again: %q, want behind", st.State)
	}
}

// BenchmarkCheckClock is what the guard adds to every intake and ticket once
// it has read what is recorded: the clock checked against the kept times.
// (BenchmarkClockRaise is the after-create hook's part.)
func BenchmarkCheckClock(b *testing.B) {
	app := testkit.NewApp(b)
	now := time.Now()
	if err := domain.CheckClock(app, now); err != nil { // the one read
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := domain.CheckClock(app, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}
