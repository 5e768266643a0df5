package backup

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

func TestParseLastCode(t *testing.T) {
	t.Parallel()
	now := testkit.LocalTime(2026, 3, 4, 9, 0)
	for _, c := range []struct {
		in      string
		day     string
		n       int
		invalid bool
	}{
		{"", "", 0, false},
		{"123", "260304", 123, false},
		{" 0041 ", "260304", 41, false},
		{"០៤១", "260304", 41, false}, // Khmer digits
		{"000.00.07.H60-260303-0150", "260303", 150, false},
		{"000.00.07.H60-260304-5012", "260304", 5012, false},
		{"abc", "", 0, true},
		{"12345", "", 0, true},
		{"0", "", 0, true},
		{"000.00.07.H60-261399-0001", "", 0, true}, // month 13
		{"000.00.07.H60-260304-xy", "", 0, true},
	} {
		got, err := parseLastCode(c.in, now)
		switch {
		case c.invalid:
			if errorKey(err) != "restore.last_code_invalid" {
				t.Errorf("%q: %+v %v, want refused", c.in, got, err)
			}
		case c.in == "":
			if got != nil || err != nil {
				t.Errorf("empty: %+v %v", got, err)
			}
		case err != nil || got.Day != c.day || got.Number != c.n:
			t.Errorf("%q: %+v %v, want %s/%d", c.in, got, err, c.day, c.n)
		}
	}
}

// TestMoveSequences: from the backup's day to today, every range's sequence
// is moved past what could have been issued (1.5 × the busiest day of that
// range, at least the floor, past the last code a person gave), never beyond
// the range, and never backwards.
func TestMoveSequences(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	addDossiers(t, app, "260301", 40) // the busiest centre day: 40 dossiers
	addDossiers(t, app, "260302", 12)
	dbPath := filepath.Join(app.DataDir(), "data.db")
	exec := func(q string, params dbx.Params) {
		t.Helper()
		if _, err := app.DB().NewQuery(q).Bind(params).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	seq := func(day string, from, last int) {
		exec("INSERT INTO dossier_sequences (id, day, range_from, last) VALUES ({:id}, {:day}, {:from}, {:last})",
			dbx.Params{"id": day + "x" + string(rune('a'+from%26)), "day": day, "from": from, "last": last})
	}
	seq("260301", 1, 40)
	seq("260302", 1, 12)
	seq("260302", 6000, 6003) // a kit's own laptop data, or a retired kit's: never moved back
	exec(`INSERT INTO field_kits (id, name, range_from, range_to, secret, local, retired) VALUES
		('kit1', 'Tổ 1', 5000, 5999, {:s}, false, false), ('kit2', 'Tổ 2', 6000, 6999, {:s}, false, true)`,
		dbx.Params{"s": strings.Repeat("ab", 32)})

	backupAt := testkit.LocalTime(2026, 3, 2, 10, 0)
	now := testkit.LocalTime(2026, 3, 4, 9, 0)
	asked, _ := parseLastCode("000.00.07.H60-260304-0150", now)
	rep, err := moveSequences(dbPath, backupAt, now, asked)
	if err != nil {
		t.Fatal(err)
	}
	last := func(day string, from int) int {
		var n int
		if err := app.DB().NewQuery("SELECT last FROM dossier_sequences WHERE day = {:d} AND range_from = {:f}").
			Bind(dbx.Params{"d": day, "f": from}).Row(&n); err != nil {
			t.Fatalf("%s/%d: %v", day, from, err)
		}
		return n
	}
	want := map[string]map[int]int{
		// centre: margin 60 (1.5 × 40)
		"260302": {1: 12 + 60, 5000: 4999 + 50, 6000: 6003 + 50},
		"260303": {1: 0 + 60, 5000: 4999 + 50, 6000: 5999 + 50},
		"260304": {1: 150 + 60, 5000: 4999 + 50, 6000: 5999 + 50}, // today: past the code given
	}
	for day, ranges := range want {
		for from, w := range ranges {
			if got := last(day, from); got != w {
				t.Errorf("%s/%d: last %d, want %d", day, from, got, w)
			}
		}
	}
	if got := last("260301", 1); got != 40 {
		t.Errorf("a day before the backup was moved: %d", got)
	}
	if rep.Busiest[1] != 40 || rep.FirstDay != "260302" || rep.Today != "260304" || len(rep.Moves) != 9 {
		t.Errorf("report %+v", rep)
	}
	// The next code the centre allocates today comes after all of it.
	code, err := domain.AllocateCodeTx(app, "000.00.07.H60", now, domain.CentreRange.From, domain.CentreRange.To)
	if err != nil || code != "000.00.07.H60-260304-0211" {
		t.Errorf("next centre code %q %v", code, err)
	}
	lines := strings.Join(rep.Lines("vi"), "\n")
	for _, w := range []string{"0211", "0001–4999", "60", "40", "000.00.07.H60-260304-0150", "02/03/2026", "04/03/2026"} {
		if !strings.Contains(lines, w) {
			t.Errorf("report lacks %q:\n%s", w, lines)
		}
	}
	if km := strings.Join(rep.Lines("km"), "\n"); !strings.Contains(km, "0211") || km == lines {
		t.Errorf("Khmer report: %s", km)
	}

	// Moving again never goes back, and a range the margin overruns is used
	// up for the day rather than reused.
	exec("UPDATE dossier_sequences SET last = 4980 WHERE day = '260304' AND range_from = 1", nil)
	rep, err = moveSequences(dbPath, now, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := last("260304", 1); got != 4999 {
		t.Errorf("overrun: last %d, want 4999", got)
	}
	if !strings.Contains(strings.Join(rep.Lines("vi"), " "), i18n.T("vi", "restore.sequence_exhausted", "day", "04/03/2026", "range", "0001–4999")) {
		t.Errorf("no word that the range is used up: %v", rep.Lines("vi"))
	}
	if _, err := domain.AllocateCodeTx(app, "X", now, 1, 4999); err == nil {
		t.Error("a used-up range still gave a code")
	}
}

// TestMoveSequencesFloorAndClock: an office with no history skips the floor;
// a backup dated after today (a wrong clock) moves today only.
func TestMoveSequencesFloorAndClock(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	now := time.Date(2026, 3, 4, 2, 0, 0, 0, time.UTC) // 09:00 in Vietnam
	rep, err := moveSequences(filepath.Join(app.DataDir(), "data.db"), now.Add(48*time.Hour), now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Moves) != 1 || rep.Moves[0].Day != "260304" || rep.Moves[0].Last != sequenceFloor || rep.Moves[0].Was != 0 {
		t.Errorf("moves %+v", rep.Moves)
	}
}

// FuzzParseLastCode: whatever is typed at the prompt, the answer is refused
// with its key or is a day and a number a code can have.
func FuzzParseLastCode(f *testing.F) {
	for _, s := range []string{"123", "000.00.07.H60-260303-0150", "០៤១", "-", "a-b-c", "1-2-3-4"} {
		f.Add(s)
	}
	now := testkit.LocalTime(2026, 3, 4, 9, 0)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseLastCode(s, now)
		if err != nil {
			if errorKey(err) != "restore.last_code_invalid" {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if got == nil {
			if strings.TrimSpace(s) != "" {
				t.Fatalf("%q: no answer, no error", s)
			}
			return
		}
		if got.Number < 1 || got.Number > 9999 || len(got.Day) != 6 {
			t.Fatalf("%q: %+v", s, got)
		}
	})
}
