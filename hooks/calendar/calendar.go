// Package calendar is the working calendar of a commune one-stop centre
// (Bộ phận Một cửa): when the counters are open, which days are public
// holidays or compensatory working days (làm bù), and when a dossier falls
// due.
//
// Everything is computed on the office's wall clock in its zone,
// Asia/Ho_Chi_Minh unless told otherwise, whatever the PC's own clock
// setting says. Reception sessions are data, edited in minutes, because a
// centre may lengthen them to cut queues.
//
// Processing time is a number of working days, stored as working hours
// (days × 8) so that half days can be written; [Calendar.Due] documents how
// it is counted.
//
// The calendar covers the years 1 to 9999. Days outside that range are
// closed, so that every search ends, and searches jump over long closed
// stretches instead of walking them day by day.
package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	// The office PC may be a bare Windows install with no zone database.
	_ "time/tzdata"
)

// Errors returned by this package, wrapped with the details of what was wrong.
var (
	// ErrBadClock reports a clock time that is not "HH:MM" between 00:00 and 24:00.
	ErrBadClock = errors.New("bad clock time")
	// ErrBadDate reports a date that is not a real "YYYY-MM-DD" date.
	ErrBadDate = errors.New("bad date")
	// ErrBadSessions reports a week or session list that cannot be a
	// timetable: an unknown day, a bad time, a session that ends before it
	// starts, or sessions that overlap or are out of order.
	ErrBadSessions = errors.New("bad sessions")
	// ErrBadCutoff reports a same-day cut-off outside the day.
	ErrBadCutoff = errors.New("bad cut-off")
	// ErrBadHours reports a processing time below 0 or above MaxWorkingHours.
	ErrBadHours = errors.New("working hours out of range")
	// ErrNoWorkingTime reports a calendar with no session left in which to
	// count working time, such as one with no sessions at all.
	ErrNoWorkingTime = errors.New("no working time")
)

const (
	// HoursPerDay is the length of one working day of processing time.
	HoursPerDay = 8
	// MaxWorkingHours is the longest processing time Due accepts: five
	// years of working days, far beyond any procedure, so that a typing
	// mistake is refused rather than turned into a date.
	MaxWorkingHours = HoursPerDay * 365 * 5
	// DefaultCutoff is the same-day cut-off used when Calendar.Cutoff is 0.
	DefaultCutoff Clock = 15 * 60
	// ZoneName is the office's time zone.
	ZoneName = "Asia/Ho_Chi_Minh"
)

// Zone returns the office's time zone, Asia/Ho_Chi_Minh, loaded from the
// zone data built into the binary.
func Zone() *time.Location { return zone() }

var zone = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation(ZoneName)
	if err != nil {
		// Cannot happen with time/tzdata linked in; Vietnam has kept
		// UTC+7 without summer time since 1975.
		return time.FixedZone("ICT", 7*60*60)
	}
	return loc
})

// Clock is minutes after midnight, local time. 24:00 (1440) is a valid
// session end.
type Clock int

// ParseClock reads "HH:MM" (a one-digit hour is accepted), from 00:00 to 24:00.
func ParseClock(s string) (Clock, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !isDigits(h) || !isDigits(m) {
		return 0, fmt.Errorf("calendar: %w %q: want HH:MM", ErrBadClock, s)
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, fmt.Errorf("calendar: %w %q: want 00:00 to 24:00", ErrBadClock, s)
	}
	return Clock(hh*60 + mm), nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats c as "HH:MM". A value outside the day, which no parser
// produces, is shown as "Clock(n)" so that error messages stay truthful.
func (c Clock) String() string {
	if c < 0 || c > 24*60 {
		return "Clock(" + strconv.Itoa(int(c)) + ")"
	}
	b := []byte{byte('0' + c/600), byte('0' + c/60%10), ':', byte('0' + c%60/10), byte('0' + c%10)}
	return string(b)
}

// Session is one reception session [Start, End) on a day: open at Start,
// closed again at End.
type Session struct {
	Start, End Clock
}

// String formats s as "07:00-11:30".
func (s Session) String() string { return s.Start.String() + "-" + s.End.String() }

// Week holds the sessions of each weekday, indexed by time.Weekday
// (0 = Sunday), in order of time. A day with no sessions is closed.
type Week [7][]Session

// DefaultWeek returns the usual timetable: Monday to Friday 07:00–11:30 and
// 13:00–17:00, Saturday and Sunday closed. Each call returns fresh slices.
func DefaultWeek() Week {
	var w Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = []Session{{7 * 60, 11*60 + 30}, {13 * 60, 17 * 60}}
	}
	return w
}

// Date is a civil date in the office's zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t on the wall clock of loc (the office's zone
// when loc is nil).
func DateOf(t time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = zone()
	}
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate reads "YYYY-MM-DD", such as "2026-04-30".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: %w %q: want YYYY-MM-DD: %w", ErrBadDate, s, err)
	}
	y, m, d := t.Date()
	return Date{y, m, d}, nil
}

// String formats d as "2026-04-30".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText writes d as "2026-04-30", so that dates are plain strings in
// JSON, also as map keys.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "2026-04-30".
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(dayOf(d)) }

// AddDays returns the date n days after d (before it when n < 0). Like
// time.Date it normalises an out-of-range month or day, so Date{2026, 2, 30}
// plus 0 days is 2026-03-02.
func (d Date) AddDays(n int) Date { return dateOfDay(dayOf(d) + int64(n)) }

// Calendar is the working calendar of one office. The zero value has no
// sessions; start from DefaultWeek.
//
// A date that is in both Holidays and MakeupDays is closed: the office must
// never promise a result for a day it may not open.
type Calendar struct {
	// Location is the office's zone; nil means Asia/Ho_Chi_Minh.
	Location *time.Location
	// Sessions is the ordinary timetable.
	Sessions Week
	// Holidays are closed days (public holidays, locally granted days).
	Holidays map[Date]bool
	// MakeupDays are official compensatory working days, usually a
	// Saturday: open, with MakeupSessions.
	MakeupDays map[Date]bool
	// MakeupSessions are the sessions of a makeup day; when empty, Monday's
	// sessions are used.
	MakeupSessions []Session
	// Cutoff is the same-day cut-off: a same-day dossier received at or
	// after it is due the next working day. 0 means DefaultCutoff (15:00).
	Cutoff Clock
}

// Validate reports whether the timetable can be used: every day's sessions
// and MakeupSessions inside the day, each ending after it starts, in order
// and not overlapping, and Cutoff inside the day. Due refuses an invalid
// calendar; the other methods read it leniently (see SessionsOn).
func (c *Calendar) Validate() error {
	if c == nil {
		return nil
	}
	if err := c.Sessions.Validate(); err != nil {
		return err
	}
	if err := validateSessions("makeup", c.MakeupSessions); err != nil {
		return err
	}
	if c.Cutoff < 0 || c.Cutoff > 24*60 {
		return fmt.Errorf("calendar: %w %s: want 00:01 to 24:00", ErrBadCutoff, c.Cutoff)
	}
	return nil
}

// Validate reports, naming the day, the first session of w that is outside
// the day, does not end after it starts, or overlaps or precedes the one
// before it.
func (w Week) Validate() error {
	for _, d := range jsonOrder {
		if err := validateSessions(dayKeys[d], w[d]); err != nil {
			return err
		}
	}
	return nil
}

func validateSessions(day string, ss []Session) error {
	for i, s := range ss {
		n := i + 1
		if s.Start < 0 || s.Start > 24*60 || s.End < 0 || s.End > 24*60 {
			return fmt.Errorf("calendar: %w: %s: session %d (%s) is not inside the day", ErrBadSessions, day, n, s)
		}
		if s.End <= s.Start {
			return fmt.Errorf("calendar: %w: %s: session %d (%s) does not end after it starts", ErrBadSessions, day, n, s)
		}
		if i == 0 {
			continue
		}
		p := ss[i-1]
		if s.Start < p.Start {
			return fmt.Errorf("calendar: %w: %s: session %d (%s) comes before session %d (%s): sort them", ErrBadSessions, day, n, s, i, p)
		}
		if s.Start < p.End {
			return fmt.Errorf("calendar: %w: %s: session %d (%s) overlaps session %d (%s)", ErrBadSessions, day, n, s, i, p)
		}
	}
	return nil
}
