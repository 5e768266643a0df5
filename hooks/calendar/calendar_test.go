package calendar_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"motcua/hooks/calendar"
)

// Every expected value in this file was worked out by hand from a 2026
// wall calendar: 1 Jan is a Thursday, 2 Mar a Monday, 30 Apr a Thursday,
// 9 May a Saturday. The default week has 510 session minutes a day
// (07:00–11:30 is 270, 13:00–17:00 is 240).

func hcm(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at reads "2026-03-02 09:00" (or with seconds) on the office's wall clock.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if strings.Count(s, ":") == 2 {
		layout = time.DateTime
	}
	v, err := time.ParseInLocation(layout, s, hcm(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func day(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

// holidays2026 are the closed days used by the tests: New Year, the Tết
// break for civil servants (Sat 14 – Sun 22 Feb 2026) and the 30/4–1/5
// bridge (Thu 30 Apr, Fri 1 May).
func holidays2026() map[calendar.Date]bool {
	h := map[calendar.Date]bool{day(2026, 1, 1): true, day(2026, 4, 30): true, day(2026, 5, 1): true}
	for d := 14; d <= 22; d++ {
		h[day(2026, 2, d)] = true
	}
	return h
}

func sessions(t testing.TB, spec ...string) []calendar.Session {
	t.Helper()
	var out []calendar.Session
	for _, s := range spec {
		a, b, _ := strings.Cut(s, "-")
		start, err := calendar.ParseClock(a)
		if err != nil {
			t.Fatal(err)
		}
		end, err := calendar.ParseClock(b)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, calendar.Session{Start: start, End: end})
	}
	return out
}

// office is the default week with the 2026 holidays and Saturday 9 May 2026
// as a compensatory working day with Monday's sessions.
func office(t testing.TB) *calendar.Calendar {
	return &calendar.Calendar{
		Location:   hcm(t),
		Sessions:   calendar.DefaultWeek(),
		Holidays:   holidays2026(),
		MakeupDays: map[calendar.Date]bool{day(2026, 5, 9): true},
	}
}

// extended is the Mỹ Hương timetable: 30 minutes more every morning and
// every afternoon.
func extended(t testing.TB) *calendar.Calendar {
	c := office(t)
	var w calendar.Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = sessions(t, "06:30-11:30", "13:00-17:30")
	}
	c.Sessions = w
	return c
}

func TestDue(t *testing.T) {
	morningMakeup := func(t testing.TB) *calendar.Calendar {
		c := office(t)
		c.MakeupSessions = sessions(t, "07:30-11:30")
		return c
	}
	noMakeup := func(t testing.TB) *calendar.Calendar {
		c := office(t)
		c.MakeupDays = nil
		return c
	}
	cutoff11 := func(t testing.TB) *calendar.Calendar {
		c := office(t)
		c.Cutoff = 11 * 60
		return c
	}
	tests := []struct {
		name     string
		cal      func(testing.TB) *calendar.Calendar
		received string
		hours    int
		want     string
	}{
		// Tết: Sat 14 – Sun 22 Feb closed.
		{"Tết: 3 days from the Friday before", office, "2026-02-13 10:00", 24, "2026-02-25 10:00"},
		{"Tết: received during Tết, 1 day", office, "2026-02-18 09:00", 8, "2026-02-23 17:00"},
		{"Tết: same day after the cut-off", office, "2026-02-13 15:30", 0, "2026-02-23 17:00"},
		{"Tết: half day spills over Tết", office, "2026-02-13 15:00", 4, "2026-02-23 09:00"},

		// 30/4–1/5 bridge: Thu 30 Apr to Sun 3 May closed.
		{"30/4: 1 day from the Wednesday", office, "2026-04-29 10:00", 8, "2026-05-04 10:00"},
		{"30/4: same day after the cut-off", office, "2026-04-29 16:00", 0, "2026-05-04 17:00"},
		{"30/4: received on the holiday, 2 days", office, "2026-04-30 08:00", 16, "2026-05-05 17:00"},
		{"30/4: 10 days across the bridge", office, "2026-04-20 09:00", 80, "2026-05-06 09:00"},

		// Saturday 9 May is a makeup day.
		{"makeup Saturday counts", office, "2026-05-08 10:00", 8, "2026-05-09 10:00"},
		{"makeup Saturday: same day", office, "2026-05-09 09:00", 0, "2026-05-09 17:00"},
		{"without the makeup day", noMakeup, "2026-05-08 10:00", 8, "2026-05-11 10:00"},
		{"morning-only makeup: clock after its close", morningMakeup, "2026-05-08 14:00", 8, "2026-05-09 11:30"},
		{"morning-only makeup: then half a day", morningMakeup, "2026-05-08 14:00", 12, "2026-05-11 11:00"},

		// Same-day procedures and the cut-off.
		{"same day before the cut-off", office, "2026-03-03 14:59", 0, "2026-03-03 17:00"},
		{"same day at the cut-off", office, "2026-03-03 15:00", 0, "2026-03-04 17:00"},
		{"same day after the cut-off on a Friday", office, "2026-03-06 15:30", 0, "2026-03-09 17:00"},
		{"same day, cut-off 11:00, before", cutoff11, "2026-03-03 10:59", 0, "2026-03-03 17:00"},
		{"same day, cut-off 11:00, at", cutoff11, "2026-03-03 11:00", 0, "2026-03-04 17:00"},

		// Friday afternoon.
		{"Friday afternoon, 1 day", office, "2026-03-06 16:00", 8, "2026-03-09 16:00"},
		{"Friday afternoon, half day", office, "2026-03-06 16:00", 4, "2026-03-09 10:00"},

		// Lunch break: counts from 13:00.
		{"lunch, half day", office, "2026-03-03 12:00", 4, "2026-03-03 17:00"},
		{"lunch, 1 day: due at the close of the morning", office, "2026-03-03 12:00", 8, "2026-03-04 11:30"},
		{"lunch, same day", office, "2026-03-03 12:00", 0, "2026-03-03 17:00"},

		// Sunday and evenings: count from Monday 07:00.
		{"Sunday, 1 day", office, "2026-03-08 10:00", 8, "2026-03-09 17:00"},
		{"Sunday, half day", office, "2026-03-08 10:00", 4, "2026-03-09 11:00"},
		{"Sunday, same day", office, "2026-03-08 10:00", 0, "2026-03-09 17:00"},
		{"Monday evening, 2 days", office, "2026-03-02 19:00", 16, "2026-03-04 17:00"},
		{"before opening, 1 day", office, "2026-03-02 06:40", 8, "2026-03-02 17:00"},

		// Half days and longer procedures.
		{"half day from 09:00", office, "2026-03-02 09:00", 4, "2026-03-02 14:30"},
		{"half day from 14:00", office, "2026-03-02 14:00", 4, "2026-03-03 08:00"},
		{"half day ending at the close of the morning", office, "2026-03-02 07:30", 4, "2026-03-02 11:30"},
		{"one and a half days", office, "2026-03-02 09:00", 12, "2026-03-03 14:30"},
		{"10 days", office, "2026-03-02 09:00", 80, "2026-03-16 09:00"},
		{"30 days", office, "2026-03-02 09:00", 240, "2026-04-13 09:00"},
		{"seconds are kept", office, "2026-03-02 09:00:30", 4, "2026-03-02 14:30:30"},

		// Extended sessions 06:30–11:30, 13:00–17:30.
		{"extended: before the old opening", extended, "2026-03-03 06:45", 4, "2026-03-03 10:45"},
		{"extended: after the old closing", extended, "2026-03-03 17:15", 4, "2026-03-04 10:15"},
		{"extended: early receipt, 1 day", extended, "2026-03-02 06:00", 8, "2026-03-02 17:30"},
		{"extended: 06:40, 1 day is still one day", extended, "2026-03-02 06:40", 8, "2026-03-03 06:40"},
		{"extended: same day in the late session", extended, "2026-03-03 17:20", 0, "2026-03-04 17:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cal(t).Due(at(t, tt.received), tt.hours)
			if err != nil {
				t.Fatalf("Due(%s, %d): %v", tt.received, tt.hours, err)
			}
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("Due(%s, %d) = %s, want %s", tt.received, tt.hours, got.Format(time.DateTime), tt.want)
			}
			if got.Location().String() != "Asia/Ho_Chi_Minh" {
				t.Errorf("Due returned a time in %s", got.Location())
			}
		})
	}
}

func TestDueZone(t *testing.T) {
	// Location nil means Asia/Ho_Chi_Minh, whatever zone the input is in:
	// 23:30 UTC on Sunday 1 March is 06:30 on Monday 2 March in Vietnam.
	c := &calendar.Calendar{Sessions: calendar.DefaultWeek()}
	got, err := c.Due(time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC), 4)
	if err != nil {
		t.Fatal(err)
	}
	if want := at(t, "2026-03-02 11:00"); !got.Equal(want) {
		t.Errorf("Due = %s, want %s", got, want)
	}
	if got.Location().String() != "Asia/Ho_Chi_Minh" || got.Hour() != 11 {
		t.Errorf("Due = %s, want 11:00 on the office's clock", got)
	}
}

func TestDueLimits(t *testing.T) {
	c := &calendar.Calendar{Location: hcm(t), Sessions: calendar.DefaultWeek()}
	for _, h := range []int{-1, calendar.MaxWorkingHours + 1, 1 << 62} {
		if _, err := c.Due(at(t, "2026-03-02 09:00"), h); !errors.Is(err, calendar.ErrBadHours) {
			t.Errorf("Due(%d hours) error = %v, want ErrBadHours", h, err)
		}
	}
	// MaxWorkingHours is 1825 working days: exactly 365 weeks of five days.
	got, err := c.Due(at(t, "2026-03-02 09:00"), calendar.MaxWorkingHours)
	if err != nil {
		t.Fatal(err)
	}
	if want := at(t, "2033-02-28 09:00"); !got.Equal(want) {
		t.Errorf("Due(MaxWorkingHours) = %s, want %s", got, want)
	}
}

func TestDueNoWorkingTime(t *testing.T) {
	received := at(t, "2026-05-01 10:00")
	onlyMakeup := &calendar.Calendar{
		Location:       hcm(t),
		MakeupDays:     map[calendar.Date]bool{day(2026, 5, 9): true},
		MakeupSessions: sessions(t, "07:00-11:00"),
	}
	tests := []struct {
		name  string
		cal   *calendar.Calendar
		hours int
		want  string // "" for ErrNoWorkingTime
	}{
		{"no sessions at all", &calendar.Calendar{}, 8, ""},
		{"no sessions, same day", &calendar.Calendar{}, 0, ""},
		{"nil calendar", nil, 8, ""},
		{"only a makeup day, same day", onlyMakeup, 0, "2026-05-09 11:00"},
		{"only a makeup day, half day", onlyMakeup, 4, "2026-05-09 11:00"},
		{"only a makeup day, 1 day", onlyMakeup, 8, ""},
		{"only a makeup day, more than it has", onlyMakeup, 5, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cal.Due(received, tt.hours)
			if tt.want == "" {
				if !errors.Is(err, calendar.ErrNoWorkingTime) {
					t.Fatalf("Due = %s, %v; want ErrNoWorkingTime", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("Due = %s, want %s", got, want)
			}
		})
	}
}

func TestDueRejectsBadCalendar(t *testing.T) {
	overlap := office(t)
	overlap.Sessions[time.Wednesday] = sessions(t, "07:00-11:30", "11:00-17:00")
	if _, err := overlap.Due(at(t, "2026-03-02 09:00"), 8); !errors.Is(err, calendar.ErrBadSessions) || !strings.Contains(err.Error(), "wed") {
		t.Errorf("overlapping sessions: error = %v, want ErrBadSessions naming wed", err)
	}
	makeup := office(t)
	makeup.MakeupSessions = sessions(t, "11:00-07:00")
	if _, err := makeup.Due(at(t, "2026-03-02 09:00"), 8); !errors.Is(err, calendar.ErrBadSessions) || !strings.Contains(err.Error(), "makeup") {
		t.Errorf("backwards makeup session: error = %v, want ErrBadSessions naming makeup", err)
	}
	cut := office(t)
	cut.Cutoff = 25 * 60
	if _, err := cut.Due(at(t, "2026-03-02 09:00"), 0); !errors.Is(err, calendar.ErrBadCutoff) {
		t.Errorf("cut-off 25:00: error = %v, want ErrBadCutoff", err)
	}
}

func TestNextOpen(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2026-03-02 09:00", "2026-03-02 09:00"},
		{"2026-03-02 07:00", "2026-03-02 07:00"},
		{"2026-03-02 06:59", "2026-03-02 07:00"},
		{"2026-03-02 11:30", "2026-03-02 13:00"},
		{"2026-03-02 12:15", "2026-03-02 13:00"},
		{"2026-03-06 17:00", "2026-03-09 07:00"},
		{"2026-03-08 10:00", "2026-03-09 07:00"},
		{"2026-02-14 10:00", "2026-02-23 07:00"},
		{"2026-04-29 17:30", "2026-05-04 07:00"},
		{"2026-05-08 17:30", "2026-05-09 07:00"},
	}
	c := office(t)
	for _, tt := range tests {
		if got := c.NextOpen(at(t, tt.in)); !got.Equal(at(t, tt.want)) {
			t.Errorf("NextOpen(%s) = %s, want %s", tt.in, got.Format(time.DateTime), tt.want)
		}
	}
	// A calendar with nothing open gives up and returns t.
	in := at(t, "2026-03-08 10:00")
	if got := (&calendar.Calendar{}).NextOpen(in); !got.Equal(in) {
		t.Errorf("NextOpen with no sessions = %s, want %s", got, in)
	}
}

func TestWorkingMinutesBetween(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-03-02 09:00", "2026-03-02 12:00", 150},
		{"2026-03-02 11:00", "2026-03-02 14:00", 90},
		{"2026-03-06 16:00", "2026-03-09 08:00", 120},
		{"2026-03-02 09:00", "2026-03-02 09:00", 0},
		{"2026-03-02 14:00", "2026-03-02 09:00", 0},
		{"2026-03-07 08:00", "2026-03-08 16:00", 0},
		{"2026-03-02 00:00", "2026-03-09 00:00", 5 * 510},
		{"2026-02-13 07:00", "2026-02-23 07:00", 510},
		{"2026-03-03 09:00", "2026-03-09 09:00", 4 * 510},
		{"2026-03-02 09:00:00", "2026-03-02 09:01:59", 1},
		{"2026-05-08 09:00", "2026-05-11 09:00", 2 * 510},
		// Two years by whole weeks: 2026-01-05 and 2028-01-03 are Mondays
		// 104 weeks apart, and only 1 Jan 2026 (a Thursday before the
		// range) is listed, so every week has 5 × 510 minutes except the
		// Tết week (5 days), the 30/4 week (2 days) and the makeup
		// Saturday (+1 day).
		{"2026-01-05 00:00", "2028-01-03 00:00", (104*5 - 5 - 2 + 1) * 510},
	}
	c := office(t)
	for _, tt := range tests {
		if got := c.WorkingMinutesBetween(at(t, tt.a), at(t, tt.b)); got != tt.want {
			t.Errorf("WorkingMinutesBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestAddWorkingMinutes(t *testing.T) {
	tests := []struct {
		from string
		m    int
		want string
	}{
		{"2026-03-02 11:00", 30, "2026-03-02 11:30"},
		{"2026-03-02 11:00", 31, "2026-03-02 13:01"},
		{"2026-03-06 16:30", 60, "2026-03-09 07:30"},
		{"2026-03-06 16:30", 30, "2026-03-06 17:00"},
		{"2026-03-08 10:00", 0, "2026-03-08 10:00"},
		{"2026-03-08 10:00", -5, "2026-03-08 10:00"},
		{"2026-03-08 10:00", 1, "2026-03-09 07:01"},
		{"2026-02-13 16:00", 120, "2026-02-23 08:00"},
		{"2026-05-08 16:00", 120, "2026-05-09 08:00"},
		// 200 weeks of 2550 minutes from Monday 5 January 2026 with no
		// holidays: the same clock 1400 days later, Monday 2029-11-05.
		// (Runs the long-range search, not the day walk.)
		{"2026-01-05 09:00", 200 * 5 * 510, "2029-11-05 09:00"},
	}
	c := office(t)
	plain := &calendar.Calendar{Location: hcm(t), Sessions: calendar.DefaultWeek()}
	for _, tt := range tests {
		cal := c
		if tt.m > 100000 {
			cal = plain
		}
		if got := cal.AddWorkingMinutes(at(t, tt.from), tt.m); !got.Equal(at(t, tt.want)) {
			t.Errorf("AddWorkingMinutes(%s, %d) = %s, want %s", tt.from, tt.m, got.Format(time.DateTime), tt.want)
		}
	}
	in := at(t, "2026-03-02 09:00")
	if got := (&calendar.Calendar{}).AddWorkingMinutes(in, 60); !got.Equal(in) {
		t.Errorf("AddWorkingMinutes with no sessions = %s, want t unchanged", got)
	}
}

func TestShiftForPause(t *testing.T) {
	tests := []struct {
		name                       string
		cal                        func(testing.TB) *calendar.Calendar
		received                   string
		hours                      int
		due                        string
		paused, resumed, shiftedTo string
	}{
		{
			// Tue 09:00 to Mon 09:00 is four working days (Tue, Wed, Thu,
			// Fri): due moves from Mon 16 to Fri 20 March.
			"four working days", office,
			"2026-03-02 09:00", 80, "2026-03-16 09:00",
			"2026-03-03 09:00", "2026-03-09 09:00", "2026-03-20 09:00",
		},
		{
			// Tue 28 Apr 09:00 to Tue 5 May 09:00 spans the 30/4–1/5
			// holidays: only Tue, Wed and Mon count, three days. Without
			// a makeup day the due moves Wed 6 May → Thu, Fri, Mon 11 May.
			"holiday inside the pause", func(t testing.TB) *calendar.Calendar {
				c := office(t)
				c.MakeupDays = nil
				return c
			},
			"2026-04-20 09:00", 80, "2026-05-06 09:00",
			"2026-04-28 09:00", "2026-05-05 09:00", "2026-05-11 09:00",
		},
		{
			// The same, with Saturday 9 May worked: Thu, Fri, Sat.
			"holiday inside the pause, makeup Saturday after it", office,
			"2026-04-20 09:00", 80, "2026-05-06 09:00",
			"2026-04-28 09:00", "2026-05-05 09:00", "2026-05-09 09:00",
		},
		{
			// Paused over Tết: Thu 12 Feb 10:00 to Tue 24 Feb 10:00 is
			// Thu, Fri, Mon: three days. Due Fri 13 Feb 10:00 (1 day from
			// Thu 12 Feb) moves to Mon 23, Tue 24, Wed 25 Feb.
			"pause over Tết", office,
			"2026-02-12 10:00", 8, "2026-02-13 10:00",
			"2026-02-12 10:00", "2026-02-24 10:00", "2026-02-25 10:00",
		},
		{
			"pause on a weekend moves nothing", office,
			"2026-03-02 09:00", 80, "2026-03-16 09:00",
			"2026-03-07 09:00", "2026-03-08 18:00", "2026-03-16 09:00",
		},
		{
			"resumed before paused moves nothing", office,
			"2026-03-02 09:00", 80, "2026-03-16 09:00",
			"2026-03-09 09:00", "2026-03-03 09:00", "2026-03-16 09:00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.cal(t)
			due, err := c.Due(at(t, tt.received), tt.hours)
			if err != nil {
				t.Fatal(err)
			}
			if !due.Equal(at(t, tt.due)) {
				t.Fatalf("Due = %s, want %s", due.Format(time.DateTime), tt.due)
			}
			got := c.ShiftForPause(due, at(t, tt.paused), at(t, tt.resumed))
			if !got.Equal(at(t, tt.shiftedTo)) {
				t.Errorf("ShiftForPause = %s, want %s", got.Format(time.DateTime), tt.shiftedTo)
			}
		})
	}
}

func TestWorkingDays(t *testing.T) {
	c := office(t)
	both := office(t)
	both.Holidays[day(2026, 5, 9)] = true
	tests := []struct {
		name string
		cal  *calendar.Calendar
		d    calendar.Date
		want []calendar.Session
	}{
		{"Monday", c, day(2026, 3, 2), sessions(t, "07:00-11:30", "13:00-17:00")},
		{"Saturday", c, day(2026, 3, 7), nil},
		{"Tết Monday", c, day(2026, 2, 16), nil},
		{"30/4", c, day(2026, 4, 30), nil},
		{"1/5", c, day(2026, 5, 1), nil},
		{"Monday after the bridge", c, day(2026, 5, 4), sessions(t, "07:00-11:30", "13:00-17:00")},
		{"makeup Saturday", c, day(2026, 5, 9), sessions(t, "07:00-11:30", "13:00-17:00")},
		{"holiday and makeup: closed", both, day(2026, 5, 9), nil},
		{"normalised like time.Date (31 April is 1 May)", c, day(2026, 4, 31), nil},
		{"normalised like time.Date (30 February is 2 March)", c, day(2026, 2, 30), sessions(t, "07:00-11:30", "13:00-17:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cal.SessionsOn(tt.d)
			if len(got) != len(tt.want) {
				t.Fatalf("SessionsOn(%s) = %v, want %v", tt.d, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("SessionsOn(%s) = %v, want %v", tt.d, got, tt.want)
				}
			}
			if open := tt.cal.IsWorkingDay(tt.d); open != (len(tt.want) > 0) {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.d, open, !open)
			}
		})
	}
}

func TestSessionsOnCopies(t *testing.T) {
	c := office(t)
	got := c.SessionsOn(day(2026, 3, 2))
	got[0].Start = 0
	if again := c.SessionsOn(day(2026, 3, 2)); again[0].Start != 7*60 {
		t.Errorf("changing SessionsOn's result changed the calendar: %v", again)
	}
}

func TestLenientReading(t *testing.T) {
	// An invalid timetable is refused by Due but read without double
	// counting by the rest: the overlapping 11:00–12:00 only adds 11:30–12:00.
	c := &calendar.Calendar{Location: hcm(t)}
	c.Sessions[time.Monday] = sessions(t, "07:00-11:30", "11:00-12:00", "10:00-10:30")
	want := []calendar.Session{{Start: 7 * 60, End: 11*60 + 30}, {Start: 11*60 + 30, End: 12 * 60}}
	got := c.SessionsOn(day(2026, 3, 2))
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("SessionsOn = %v, want %v", got, want)
	}
	if m := c.WorkingMinutesBetween(at(t, "2026-03-02 00:00"), at(t, "2026-03-03 00:00")); m != 300 {
		t.Errorf("WorkingMinutesBetween = %d, want 300", m)
	}
}

func TestParseClock(t *testing.T) {
	good := map[string]calendar.Clock{"07:30": 450, "7:30": 450, "00:00": 0, "23:59": 1439, "24:00": 1440, "13:05": 785}
	for s, want := range good {
		got, err := calendar.ParseClock(s)
		if err != nil || got != want {
			t.Errorf("ParseClock(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "24:01", "25:00", "07:60", "0730", "07:3", "007:30", "-1:00", "+7:30", " 07:30", "07:30:00", "7h30", "ab:cd"} {
		if _, err := calendar.ParseClock(s); !errors.Is(err, calendar.ErrBadClock) {
			t.Errorf("ParseClock(%q) error = %v, want ErrBadClock", s, err)
		}
	}
	for c, want := range map[calendar.Clock]string{0: "00:00", 450: "07:30", 1439: "23:59", 1440: "24:00", -5: "Clock(-5)", 1441: "Clock(1441)"} {
		if got := c.String(); got != want {
			t.Errorf("Clock(%d).String() = %q, want %q", int(c), got, want)
		}
	}
}

func TestDates(t *testing.T) {
	d, err := calendar.ParseDate("2026-04-30")
	if err != nil || d != day(2026, 4, 30) || d.String() != "2026-04-30" {
		t.Errorf("ParseDate(2026-04-30) = %v, %v", d, err)
	}
	for _, s := range []string{"", "2026-02-29", "2026-4-30", "30/04/2026", "2026-13-01", "2026-04-30T00:00"} {
		if _, err := calendar.ParseDate(s); !errors.Is(err, calendar.ErrBadDate) {
			t.Errorf("ParseDate(%q) error = %v, want ErrBadDate", s, err)
		}
	}
	adds := []struct {
		from calendar.Date
		n    int
		want calendar.Date
	}{
		{day(2026, 2, 14), 8, day(2026, 2, 22)},
		{day(2026, 12, 31), 1, day(2027, 1, 1)},
		{day(2028, 2, 28), 1, day(2028, 2, 29)},
		{day(2100, 2, 28), 1, day(2100, 3, 1)},
		{day(2000, 2, 28), 1, day(2000, 2, 29)},
		{day(2026, 3, 1), -1, day(2026, 2, 28)},
		{day(2026, 2, 30), 0, day(2026, 3, 2)},
		{day(2026, 13, 1), 0, day(2027, 1, 1)},
		{day(2026, 0, 1), 0, day(2025, 12, 1)},
	}
	for _, a := range adds {
		if got := a.from.AddDays(a.n); got != a.want {
			t.Errorf("%v.AddDays(%d) = %v, want %v", a.from, a.n, got, a.want)
		}
	}
	weekdays := map[calendar.Date]time.Weekday{
		day(2026, 1, 1): time.Thursday, day(2026, 2, 14): time.Saturday, day(2026, 3, 2): time.Monday,
		day(2026, 4, 30): time.Thursday, day(2026, 5, 9): time.Saturday, day(1970, 1, 1): time.Thursday,
		day(1969, 12, 31): time.Wednesday,
	}
	for d, want := range weekdays {
		if got := d.Weekday(); got != want {
			t.Errorf("%v.Weekday() = %v, want %v", d, got, want)
		}
	}
	// 17:30 UTC on 29 April is 00:30 on 30 April in Vietnam.
	utc := time.Date(2026, 4, 29, 17, 30, 0, 0, time.UTC)
	if got := calendar.DateOf(utc, nil); got != day(2026, 4, 30) {
		t.Errorf("DateOf(%s, nil) = %v, want 2026-04-30", utc, got)
	}
	if got := calendar.DateOf(utc, time.UTC); got != day(2026, 4, 29) {
		t.Errorf("DateOf(%s, UTC) = %v, want 2026-04-29", utc, got)
	}
	// Dates are plain strings in JSON, also as map keys.
	b, err := json.Marshal(map[calendar.Date]bool{day(2026, 4, 30): true})
	if err != nil || string(b) != `{"2026-04-30":true}` {
		t.Errorf("json.Marshal(holidays) = %s, %v", b, err)
	}
	var back map[calendar.Date]bool
	if err := json.Unmarshal(b, &back); err != nil || !back[day(2026, 4, 30)] || len(back) != 1 {
		t.Errorf("json.Unmarshal(%s) = %v, %v", b, back, err)
	}
}

func TestZone(t *testing.T) {
	if got := calendar.Zone().String(); got != "Asia/Ho_Chi_Minh" {
		t.Errorf("Zone() = %s", got)
	}
	_, offset := time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone()).Zone()
	if offset != 7*3600 {
		t.Errorf("Zone() offset = %d, want UTC+7", offset)
	}
}
