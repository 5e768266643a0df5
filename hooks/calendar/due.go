package calendar

import (
	"fmt"
	"math"
	"time"
)

// SessionsOn returns the sessions the office holds on d: none on a holiday,
// MakeupSessions (or Monday's) on a makeup day, the weekday's otherwise. d
// is normalised like time.Date. The result is a fresh slice.
//
// Like every method but Due, SessionsOn reads an invalid timetable
// leniently instead of failing: each session is clipped to the day and to
// the end of the session before it, and a session left empty is dropped.
// For a timetable that passes Validate this changes nothing.
func (c *Calendar) SessionsOn(d Date) []Session {
	v := c.view()
	day := dayOf(d)
	var out []Session
	it := spans{ss: v.sessions(day)}
	for {
		st, en, ok := it.next()
		if !ok {
			return out
		}
		out = append(out, Session{Clock(st / nsPerMin), Clock(en / nsPerMin)})
	}
}

// IsWorkingDay reports whether the office holds any session on d.
func (c *Calendar) IsWorkingDay(d Date) bool {
	v := c.view()
	return v.value(dayOf(d), &v.open, v.mkOpen) > 0
}

// NextOpen returns t if it is inside a session, otherwise the start of the
// next session; a session's end is already closed (17:00 is after hours).
// The result is in Location. If no session follows before the calendar
// ends (year 9999), for example because there are no sessions at all,
// NextOpen returns t unchanged; Due reports that case as ErrNoWorkingTime.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	v := c.view()
	p := v.posOf(t)
	q, ok := v.nextOpen(p)
	if !ok || q == p {
		return t.In(v.loc)
	}
	return v.timeOf(q)
}

// WorkingMinutesBetween returns the session minutes in [a, b), 0 when b is
// not after a. Seconds are counted and the total truncated to whole
// minutes. Long ranges are summed by whole weeks, not walked.
func (c *Calendar) WorkingMinutesBetween(a, b time.Time) int {
	v := c.view()
	m := v.working(v.posOf(a), v.posOf(b)) / nsPerMin
	return int(min(m, math.MaxInt))
}

// AddWorkingMinutes returns the earliest instant by which m minutes of
// session time have passed since t. So 30 minutes after 11:00 is 11:30,
// the end of the morning session, not 13:00; 31 minutes is 13:01. For
// m <= 0 it returns t. If the calendar ends (year 9999) before m minutes
// have passed it returns t unchanged. The result is in Location.
func (c *Calendar) AddWorkingMinutes(t time.Time, m int) time.Time {
	v := c.view()
	if m <= 0 {
		return t.In(v.loc)
	}
	amount := int64(math.MaxInt64)
	if int64(m) <= math.MaxInt64/nsPerMin {
		amount = int64(m) * nsPerMin
	}
	q, ok := v.add(v.posOf(t), amount)
	if !ok {
		return t.In(v.loc)
	}
	return v.timeOf(q)
}

// ShiftForPause returns due moved later by the session time between
// pausedAt and resumedAt, the working time a dossier spent waiting for a
// supplement. The time is counted to the nanosecond and added as
// AddWorkingMinutes adds it, so a pause of four working days moves the due
// time by four working days of this calendar. A pause that does not end
// after it starts moves nothing. The result is in Location.
func (c *Calendar) ShiftForPause(due, pausedAt, resumedAt time.Time) time.Time {
	v := c.view()
	amount := v.working(v.posOf(pausedAt), v.posOf(resumedAt))
	if amount <= 0 {
		return due.In(v.loc)
	}
	q, ok := v.add(v.posOf(due), amount)
	if !ok {
		return due.In(v.loc)
	}
	return v.timeOf(q)
}

// Due returns when a dossier received at received, needing workingHours
// of processing, falls due: the appointment printed on the receipt, and
// the deadline against which the dossier is early, on time or late.
//
// The rules, all on the wall clock of Location:
//
//   - Working time runs only inside sessions. Weekends, holidays and the
//     gaps between sessions (the lunch break) do not count; makeup days do.
//   - The clock starts at receipt. A dossier received outside a session
//     (evening, lunch break, weekend, holiday) counts from the start of the
//     next session, as NextOpen gives it. Call this the start.
//   - workingHours == 0 is a same-day procedure: due at the end of the last
//     session of the start's day if the start is before Cutoff (default
//     15:00), else at the end of the last session of the next working day.
//   - Otherwise workingHours = 8×d + r: d whole working days and r hours.
//     The due time is the start's clock time on the d-th working day after
//     the start's day, then r×60 minutes of session time later, counted
//     through the sessions as AddWorkingMinutes counts them (4 hours from
//     09:00 is 14:30 in the default week). A day counts as one day however
//     long its sessions are, so an office that extends its sessions does
//     not shorten its deadlines.
//   - A dossier falls due at the earliest instant at which its working
//     time has run out. When the clock time on the d-th day is not inside a
//     session, or is the very start of one, the due time is the end of the
//     session before it: on that day (a lunch break gives 11:30), or the
//     end of the previous working day (a one-day procedure started at 07:00
//     Monday is due Monday 17:00, not Tuesday 07:00). No working time lies
//     in between, and the due day stays the day on which the work has to be
//     finished. For the same reason a remainder that ends exactly at the end
//     of a session stays there.
//
// The result is in Location and never before received. Due returns an
// error wrapping ErrBadHours for workingHours below 0 or above
// MaxWorkingHours, ErrBadSessions or ErrBadCutoff for a calendar that fails
// Validate, and ErrNoWorkingTime when the calendar has no session left in
// which to count.
func (c *Calendar) Due(received time.Time, workingHours int) (time.Time, error) {
	if workingHours < 0 || workingHours > MaxWorkingHours {
		return time.Time{}, fmt.Errorf("calendar: due: %w: %d, want 0 to %d", ErrBadHours, workingHours, MaxWorkingHours)
	}
	if err := c.Validate(); err != nil {
		return time.Time{}, err
	}
	v := c.view()
	start, ok := v.nextOpen(v.posOf(received))
	if !ok {
		return time.Time{}, noWorkingTime(received, v.loc, workingHours)
	}

	var due pos
	if workingHours == 0 {
		cutoff := DefaultCutoff
		if c.Cutoff != 0 {
			cutoff = c.Cutoff
		}
		day := start.day
		if start.ns >= clockNs(cutoff) {
			if day, _, ok = v.reach(start.day+1, 1, &v.open, v.mkOpen); !ok {
				return time.Time{}, noWorkingTime(received, v.loc, workingHours)
			}
		}
		due = pos{day, v.lastEnd(day)}
	} else {
		days, rest := int64(workingHours/HoursPerDay), int64(workingHours%HoursPerDay)
		target, prev := start, start.day
		if days > 0 {
			if target.day, _, ok = v.reach(start.day+1, days, &v.open, v.mkOpen); !ok {
				return time.Time{}, noWorkingTime(received, v.loc, workingHours)
			}
			if days > 1 {
				prev, _, _ = v.reach(start.day+1, days-1, &v.open, v.mkOpen)
			}
		}
		if rest == 0 {
			due = v.settle(target, prev)
		} else if due, ok = v.add(target, rest*60*nsPerMin); !ok {
			return time.Time{}, noWorkingTime(received, v.loc, workingHours)
		}
	}

	t := v.timeOf(due)
	// Only a zone whose clock goes back can map a later wall time to an
	// earlier instant; keep the promise there too.
	if t.Before(received) {
		t = received.In(v.loc)
	}
	return t, nil
}

func noWorkingTime(received time.Time, loc *time.Location, hours int) error {
	return fmt.Errorf("calendar: due %d working hours after %s: %w",
		hours, received.In(loc).Format(time.DateTime), ErrNoWorkingTime)
}
