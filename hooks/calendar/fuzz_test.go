package calendar_test

import (
	"errors"
	"testing"
	"time"

	"motcua/hooks/calendar"
)

// byteReader hands out fuzz bytes, zeros once they run out.
type byteReader []byte

func (r *byteReader) next() int {
	if len(*r) == 0 {
		return 0
	}
	b := (*r)[0]
	*r = (*r)[1:]
	return int(b)
}

// fuzzSessions reads up to three valid sessions: sorted, not overlapping,
// possibly touching, possibly ending at 24:00.
func fuzzSessions(r *byteReader) []calendar.Session {
	var out []calendar.Session
	cur := 0
	for n := r.next() % 4; n > 0; n-- {
		start := cur + r.next()*4
		if start >= 24*60 {
			break
		}
		end := min(start+1+r.next()*3, 24*60)
		out = append(out, calendar.Session{Start: calendar.Clock(start), End: calendar.Clock(end)})
		cur = end
	}
	return out
}

// fuzzCalendar builds a valid calendar: a random week, random makeup
// sessions, and holidays and makeup days within about three months after
// the day received.
func fuzzCalendar(loc *time.Location, layout, exceptions []byte, received time.Time, cutoff uint16) *calendar.Calendar {
	c := &calendar.Calendar{Location: loc, Cutoff: calendar.Clock(cutoff % (24*60 + 1))}
	r := byteReader(layout)
	for d := range c.Sessions {
		c.Sessions[d] = fuzzSessions(&r)
	}
	c.MakeupSessions = fuzzSessions(&r)
	e := byteReader(exceptions)
	y, m, d := received.In(loc).Date()
	for len(e) > 0 {
		date := time.Date(y, m, d+e.next()%100-10, 12, 0, 0, 0, loc)
		key := calendar.Date{Year: date.Year(), Month: date.Month(), Day: date.Day()}
		switch e.next() % 3 {
		case 0:
			if c.Holidays == nil {
				c.Holidays = map[calendar.Date]bool{}
			}
			c.Holidays[key] = true
		case 1:
			if c.MakeupDays == nil {
				c.MakeupDays = map[calendar.Date]bool{}
			}
			c.MakeupDays[key] = true
		default:
			if c.Holidays == nil {
				c.Holidays = map[calendar.Date]bool{}
			}
			c.Holidays[key] = e.next()%2 == 0 // false entries must be ignored
		}
	}
	return c
}

// ref is a slow, independent statement of Due's rules, working minute by
// minute on the calendar's fields. It assumes a zone without clock changes
// and minute-aligned times.
type ref struct {
	c   *calendar.Calendar
	loc *time.Location
}

// horizon is how far ref looks. fuzzCalendar puts every exception within
// about 90 days of the receipt, so a calendar with nothing open in 500
// days has nothing open ever after.
const horizon = 500

func (r ref) sessions(midnight time.Time) []calendar.Session {
	key := calendar.Date{Year: midnight.Year(), Month: midnight.Month(), Day: midnight.Day()}
	if r.c.Holidays[key] {
		return nil
	}
	if r.c.MakeupDays[key] {
		if len(r.c.MakeupSessions) > 0 {
			return r.c.MakeupSessions
		}
		return r.c.Sessions[time.Monday]
	}
	return r.c.Sessions[midnight.Weekday()]
}

func (r ref) midnight(t time.Time) time.Time {
	y, m, d := t.In(r.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, r.loc)
}

func (r ref) at(midnight time.Time, c calendar.Clock) time.Time {
	return midnight.Add(time.Duration(c) * time.Minute)
}

// nextWorkingDay returns the n-th working day after midnight.
func (r ref) nextWorkingDay(midnight time.Time, n int) (time.Time, bool) {
	for i := 1; i <= horizon*(n+1); i++ {
		d := midnight.AddDate(0, 0, i)
		if len(r.sessions(d)) > 0 {
			if n--; n == 0 {
				return d, true
			}
		}
	}
	return time.Time{}, false
}

func (r ref) lastEnd(midnight time.Time) time.Time {
	ss := r.sessions(midnight)
	return r.at(midnight, ss[len(ss)-1].End)
}

// start is the first session minute at or after t.
func (r ref) start(t time.Time) (time.Time, bool) {
	day := r.midnight(t)
	for i := 0; i < horizon; i++ {
		d := day.AddDate(0, 0, i)
		for _, s := range r.sessions(d) {
			for m := s.Start; m < s.End; m++ {
				if at := r.at(d, m); !at.Before(t) {
					return at, true
				}
			}
		}
	}
	return time.Time{}, false
}

// minutes counts session minutes in [a, b).
func (r ref) minutes(a, b time.Time) int {
	n := 0
	for d := r.midnight(a); d.Before(b); d = d.AddDate(0, 0, 1) {
		for _, s := range r.sessions(d) {
			for m := s.Start; m < s.End; m++ {
				if at := r.at(d, m); !at.Before(a) && at.Before(b) {
					n++
				}
			}
		}
	}
	return n
}

// after returns the end of the n-th session minute at or after t (n > 0).
func (r ref) after(t time.Time, n int) (time.Time, bool) {
	day := r.midnight(t)
	days := horizon + 7*n // at least a minute a week after the exceptions
	for i := 0; i < days; i++ {
		d := day.AddDate(0, 0, i)
		for _, s := range r.sessions(d) {
			for m := s.Start; m < s.End; m++ {
				if r.at(d, m).Before(t) {
					continue
				}
				if n--; n == 0 {
					return r.at(d, m+1), true
				}
			}
		}
	}
	return time.Time{}, false
}

// due states the rules: from the start, the same clock time d working
// days later, plus r hours of sessions; the answer is the end of the last
// session minute that has to be worked.
func (r ref) due(received time.Time, hours int) (time.Time, bool) {
	start, ok := r.start(received)
	if !ok {
		return time.Time{}, false
	}
	day := r.midnight(start)
	if hours == 0 {
		cutoff := r.c.Cutoff
		if cutoff == 0 {
			cutoff = 15 * 60
		}
		if start.Before(r.at(day, cutoff)) {
			return r.lastEnd(day), true
		}
		next, ok := r.nextWorkingDay(day, 1)
		if !ok {
			return time.Time{}, false
		}
		return r.lastEnd(next), true
	}
	target := start
	if d := hours / 8; d > 0 {
		dd, ok := r.nextWorkingDay(day, d)
		if !ok {
			return time.Time{}, false
		}
		target = r.at(dd, calendar.Clock(start.Sub(day)/time.Minute))
	}
	return r.after(start, r.minutes(start, target)+hours%8*60)
}

func FuzzDue(f *testing.F) {
	// layout: per weekday Sunday..Saturday a session count and (gap, length)
	// pairs in 4- and 3-minute units, then the makeup sessions.
	office := []byte{
		0,                  // Sunday closed
		2, 105, 89, 23, 79, // Monday 07:00–11:28, 13:00–16:58
		2, 105, 89, 23, 79,
		2, 105, 89, 23, 79,
		2, 105, 89, 23, 79,
		2, 105, 89, 23, 79,
		0,          // Saturday closed
		1, 120, 80, // makeup 08:00–12:01
	}
	tet := []byte{5, 0, 6, 0, 7, 0, 8, 0, 9, 0, 10, 0, 20, 1, 30, 2, 0}
	f.Add(office, tet, int64(13_600_000), 24, uint16(0))
	f.Add(office, []byte{}, int64(13_600_000), 0, uint16(900))
	f.Add(office, tet, int64(13_600_917), 4, uint16(0))
	f.Add(office, tet, int64(13_601_300), 240, uint16(660))
	f.Add(office, []byte{1, 1, 2, 1, 3, 1, 4, 1}, int64(9_000_000), 12, uint16(1440))
	f.Add([]byte{}, []byte{}, int64(13_600_000), 8, uint16(0))            // no sessions at all
	f.Add([]byte{}, []byte{12, 1}, int64(13_600_000), 3, uint16(0))       // only a makeup day
	f.Add([]byte{3, 0, 255, 0, 0, 0, 255}, tet, int64(-1), 16, uint16(1)) // sessions around midnight
	f.Add([]byte{1, 0, 255, 1, 0, 255, 1, 255, 255}, []byte{}, int64(5), 7, uint16(30))
	f.Add(office, tet, int64(1<<62), calendar.MaxWorkingHours, uint16(0))
	f.Add(office, tet, int64(-1<<62), -3, uint16(0))

	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		f.Fatal(err)
	}
	// Vietnam has not changed its clock since 13 June 1975.
	epoch := time.Date(1980, 1, 1, 0, 0, 0, 0, loc)
	const span = 100 * 366 * 24 * 60 // minutes

	f.Fuzz(func(t *testing.T, layout, exceptions []byte, recv int64, hours int, cutoff uint16) {
		// 1. Any instant and any hours: bounded, an error or a time not
		//    before the receipt.
		raw := time.Unix(recv, 0)
		c := fuzzCalendar(loc, layout, exceptions, raw, cutoff)
		due, err := c.Due(raw, hours)
		switch {
		case hours < 0 || hours > calendar.MaxWorkingHours:
			if !errors.Is(err, calendar.ErrBadHours) {
				t.Fatalf("Due(%d hours) error = %v, want ErrBadHours", hours, err)
			}
		case err != nil:
			if !errors.Is(err, calendar.ErrNoWorkingTime) {
				t.Fatalf("Due(%s, %d): unexpected error %v", raw, hours, err)
			}
		case due.Before(raw):
			t.Fatalf("Due(%s, %d) = %s, before the receipt", raw, hours, due)
		}

		// 2. A minute-aligned receipt after 1980, a procedure short enough
		//    for the minute-by-minute reference: the exact answer.
		m := recv % span
		if m < 0 {
			m += span
		}
		received := epoch.Add(time.Duration(m) * time.Minute)
		h := hours % (8*12 + 1)
		if h < 0 {
			h = -h
		}
		c = fuzzCalendar(loc, layout, exceptions, received, cutoff)
		r := ref{c, loc}
		want, wantOK := r.due(received, h)
		due, err = c.Due(received, h)
		if !wantOK {
			if !errors.Is(err, calendar.ErrNoWorkingTime) {
				t.Fatalf("Due(%s, %d) = %s, %v; want ErrNoWorkingTime", received, h, due, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Due(%s, %d): %v; want %s", received, h, err, want)
		}
		if !due.Equal(want) {
			t.Fatalf("Due(%s, %d) = %s, want %s (week %v, makeup %v, holidays %v, makeup days %v, cut-off %s)",
				received, h, due, want, c.Sessions, c.MakeupSessions, c.Holidays, c.MakeupDays, c.Cutoff)
		}
		if due.Before(received) || due.Location() != loc {
			t.Fatalf("Due(%s, %d) = %s", received, h, due)
		}

		// 3. The other methods agree with Due and with the reference.
		start, _ := r.start(received)
		if got := c.NextOpen(received); !got.Equal(start) {
			t.Fatalf("NextOpen(%s) = %s, want %s", received, got, start)
		}
		worked := c.WorkingMinutesBetween(received, due)
		if want := r.minutes(received, due); worked != want {
			t.Fatalf("WorkingMinutesBetween(%s, %s) = %d, want %d", received, due, worked, want)
		}
		if h > 0 && worked == 0 {
			t.Fatalf("Due(%s, %d) = %s with no working time in between", received, h, due)
		}
		if h%8 != 0 && worked < h%8*60 {
			t.Fatalf("Due(%s, %d) = %s: only %d working minutes", received, h, due, worked)
		}
		// Due is the earliest instant with its working time behind it.
		if got := c.AddWorkingMinutes(received, worked); !got.Equal(due) {
			t.Fatalf("AddWorkingMinutes(%s, %d) = %s, want Due %s", received, worked, got, due)
		}
		// A pause from receipt to due moves the due time by as much again.
		if got, want := c.ShiftForPause(due, received, due), c.AddWorkingMinutes(due, worked); !got.Equal(want) || got.Before(due) {
			t.Fatalf("ShiftForPause(%s, %s, %s) = %s, want %s", due, received, due, got, want)
		}
	})
}
