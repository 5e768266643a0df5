package calendar

import (
	"math"
	"time"
)

// The engine works on day numbers (days since 1970-01-01 on the office's
// wall clock) and nanoseconds after local midnight, so that stepping a day
// costs a little arithmetic and two map look-ups, and nothing allocates.

const (
	nsPerMin = int64(time.Minute)
	dayNs    = 24 * 60 * nsPerMin
	// walkDays is how far the day-by-day loops go before they switch to a
	// search over sums of whole days. It covers any ordinary procedure, a
	// Tết closure included, so the fast loop is the one that normally runs.
	walkDays = 128
)

var (
	minDay = dayOf(Date{1, time.January, 1})
	maxDay = dayOf(Date{9999, time.December, 31})
)

// pos is a point on the office's wall clock: ns after midnight of day.
// ns may be dayNs (24:00), the end of a session that closes at midnight.
type pos struct {
	day, ns int64
}

func (a pos) before(b pos) bool { return a.day < b.day || a.day == b.day && a.ns < b.ns }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// dayOf returns the day number of d, normalising an out-of-range month or
// day the way time.Date does. (Howard Hinnant's days_from_civil.)
func dayOf(d Date) int64 {
	y := int64(d.Year)
	m := int64(d.Month) - 1
	carry := floorDiv(m, 12)
	y += carry
	m -= carry * 12 // 0 = January
	if m < 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 10) % 12 // 0 = March, so that 29 February ends the year
	doy := (153*mp+2)/5 + int64(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOfDay is the inverse of dayOf (civil_from_days).
func dateOfDay(z int64) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{int(y), time.Month(m), int(d)}
}

func weekdayOf(day int64) time.Weekday {
	w := (day + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// spans walks a session list as the engine reads it: each session clipped
// to the day and to the end of the one before, empty ones skipped. For a
// valid list that is the list itself; for an invalid one it guarantees
// that time only moves forward and nothing is counted twice.
type spans struct {
	ss  []Session
	i   int
	cur int64
}

func (it *spans) next() (start, end int64, ok bool) {
	for it.i < len(it.ss) {
		s := it.ss[it.i]
		it.i++
		start, end = clockNs(s.Start), clockNs(s.End)
		start = max(start, it.cur)
		if end <= start {
			continue
		}
		it.cur = end
		return start, end, true
	}
	return 0, 0, false
}

func clockNs(c Clock) int64 {
	return min(max(int64(c), 0), 24*60) * nsPerMin
}

func sessionMinutes(ss []Session) int64 {
	it := spans{ss: ss}
	var total int64
	for {
		st, en, ok := it.next()
		if !ok {
			return total / nsPerMin
		}
		total += en - st
	}
}

// view is a Calendar prepared for one call.
type view struct {
	loc    *time.Location
	week   *Week
	makeup []Session
	hol    map[Date]bool
	mk     map[Date]bool
	// minutes and open are, per weekday, the session minutes of an
	// ordinary day and 1 if it has any; mkMinutes and mkOpen the same for
	// a makeup day. Every per-day quantity the engine sums is one of these.
	minutes, open     [7]int64
	mkMinutes, mkOpen int64
}

var noCalendar Calendar

func (c *Calendar) view() view {
	if c == nil {
		c = &noCalendar
	}
	v := view{loc: c.Location, week: &c.Sessions, makeup: c.MakeupSessions, hol: c.Holidays, mk: c.MakeupDays}
	if v.loc == nil {
		v.loc = zone()
	}
	if len(v.makeup) == 0 {
		v.makeup = c.Sessions[time.Monday]
	}
	for d := range v.minutes {
		v.minutes[d] = sessionMinutes(c.Sessions[d])
		v.open[d] = min(v.minutes[d], 1)
	}
	v.mkMinutes = sessionMinutes(v.makeup)
	v.mkOpen = min(v.mkMinutes, 1)
	return v
}

type dayKind int

const (
	closedDay dayKind = iota
	ordinaryDay
	makeupDay
)

func (v *view) kind(day int64) dayKind {
	if day < minDay || day > maxDay {
		return closedDay
	}
	if len(v.hol) == 0 && len(v.mk) == 0 {
		return ordinaryDay
	}
	d := dateOfDay(day)
	if v.hol[d] {
		return closedDay
	}
	if v.mk[d] {
		return makeupDay
	}
	return ordinaryDay
}

func (v *view) sessions(day int64) []Session {
	switch v.kind(day) {
	case ordinaryDay:
		return v.week[weekdayOf(day)]
	case makeupDay:
		return v.makeup
	}
	return nil
}

// value returns a per-day quantity: base for an ordinary day, mk for a
// makeup day, 0 for a closed one.
func (v *view) value(day int64, base *[7]int64, mk int64) int64 {
	switch v.kind(day) {
	case ordinaryDay:
		return base[weekdayOf(day)]
	case makeupDay:
		return mk
	}
	return 0
}

// rangeSum is the sum of value over the days [from, to) without visiting
// them: whole weeks of the ordinary timetable, corrected for the holidays
// and makeup days that fall in the range. Its cost depends on the size of
// the holiday tables, not on the length of the range.
func (v *view) rangeSum(from, to int64, base *[7]int64, mk int64) int64 {
	from, to = max(from, minDay), min(to, maxDay+1)
	if to <= from {
		return 0
	}
	var week int64
	for _, x := range base {
		week += x
	}
	n := to - from
	total := n / 7 * week
	for d := from + n/7*7; d < to; d++ {
		total += base[weekdayOf(d)]
	}
	for k, on := range v.hol {
		if day, ok := dayInRange(k, from, to); on && ok {
			total -= base[weekdayOf(day)]
		}
	}
	for k, on := range v.mk {
		if day, ok := dayInRange(k, from, to); on && ok && !v.hol[k] {
			total += mk - base[weekdayOf(day)]
		}
	}
	return total
}

// dayInRange returns k's day number if k is a normalised date (the only
// kind a look-up can hit) in [from, to).
func dayInRange(k Date, from, to int64) (int64, bool) {
	day := dayOf(k)
	return day, day >= from && day < to && dateOfDay(day) == k
}

// reach returns the first day at or after from on which the running sum of
// value, starting at from, reaches target (> 0), with the sum of the days
// before it. ok is false when the calendar ends first.
func (v *view) reach(from, target int64, base *[7]int64, mk int64) (day, before int64, ok bool) {
	day = from
	for end := from + walkDays; day < end; day++ {
		if day > maxDay {
			return 0, 0, false
		}
		x := v.value(day, base, mk)
		if before+x >= target {
			return day, before, true
		}
		before += x
	}
	// A long closed stretch or a long procedure: search whole days.
	need := target - before
	if v.rangeSum(day, maxDay+1, base, mk) < need {
		return 0, 0, false
	}
	lo, hi := day, day+2*walkDays // rangeSum(day, lo) < need
	for hi <= maxDay && v.rangeSum(day, hi, base, mk) < need {
		lo, hi = hi, day+2*(hi-day)
	}
	hi = min(hi, maxDay+1) // rangeSum(day, hi) >= need
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if v.rangeSum(day, mid, base, mk) >= need {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi - 1, before + v.rangeSum(day, hi-1, base, mk), true
}

func (v *view) posOf(t time.Time) pos {
	t = t.In(v.loc)
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	ns := (int64(hh)*60+int64(mm))*nsPerMin + int64(ss)*int64(time.Second) + int64(t.Nanosecond())
	return pos{dayOf(Date{y, m, d}), ns}
}

func (v *view) timeOf(p pos) time.Time {
	day, ns := p.day+p.ns/dayNs, p.ns%dayNs
	d := dateOfDay(day)
	h := ns / int64(time.Hour)
	ns -= h * int64(time.Hour)
	m := ns / nsPerMin
	ns -= m * nsPerMin
	s := ns / int64(time.Second)
	ns -= s * int64(time.Second)
	return time.Date(d.Year, d.Month, d.Day, int(h), int(m), int(s), int(ns), v.loc)
}

// nextOpen returns p if it is inside a session, else the start of the next
// session.
func (v *view) nextOpen(p pos) (pos, bool) {
	it := spans{ss: v.sessions(p.day)}
	for {
		st, en, ok := it.next()
		if !ok {
			break
		}
		if en > p.ns {
			return pos{p.day, max(st, p.ns)}, true
		}
	}
	day, _, ok := v.reach(p.day+1, 1, &v.open, v.mkOpen)
	if !ok {
		return p, false
	}
	it = spans{ss: v.sessions(day)}
	st, _, _ := it.next()
	return pos{day, st}, true
}

// lastEnd is the end of the last session of day (0 if closed).
func (v *view) lastEnd(day int64) int64 {
	it := spans{ss: v.sessions(day)}
	var end int64
	for {
		_, en, ok := it.next()
		if !ok {
			return end
		}
		end = en
	}
}

// overlap is the session time of day inside [from, to).
func (v *view) overlap(day, from, to int64) int64 {
	it := spans{ss: v.sessions(day)}
	var total int64
	for {
		st, en, ok := it.next()
		if !ok {
			return total
		}
		total += max(0, min(en, to)-max(st, from))
	}
}

// working returns the session time in [a, b), in nanoseconds, saturating
// at math.MaxInt64.
func (v *view) working(a, b pos) int64 {
	if !a.before(b) {
		return 0
	}
	if a.day == b.day {
		return v.overlap(a.day, a.ns, b.ns)
	}
	edges := v.overlap(a.day, a.ns, dayNs) + v.overlap(b.day, 0, b.ns)
	var mid int64 // minutes
	if b.day-a.day <= walkDays {
		for d := a.day + 1; d < b.day; d++ {
			mid += v.value(d, &v.minutes, v.mkMinutes)
		}
	} else {
		mid = v.rangeSum(a.day+1, b.day, &v.minutes, v.mkMinutes)
	}
	if mid > (math.MaxInt64-edges)/nsPerMin {
		return math.MaxInt64
	}
	return edges + mid*nsPerMin
}

// add returns the earliest point at which amount nanoseconds of session
// time have passed since p: p itself when amount <= 0, otherwise a point
// inside a session or at its end, never at the start of the next one.
func (v *view) add(p pos, amount int64) (pos, bool) {
	if amount <= 0 {
		return p, true
	}
	it := spans{ss: v.sessions(p.day)}
	for {
		st, en, ok := it.next()
		if !ok {
			break
		}
		if en <= p.ns {
			continue
		}
		st = max(st, p.ns)
		if amount <= en-st {
			return pos{p.day, st + amount}, true
		}
		amount -= en - st
	}
	need := amount / nsPerMin
	if amount%nsPerMin != 0 {
		need++
	}
	day, before, ok := v.reach(p.day+1, need, &v.minutes, v.mkMinutes)
	if !ok {
		return p, false
	}
	amount -= before * nsPerMin
	it = spans{ss: v.sessions(day)}
	for {
		st, en, ok := it.next()
		if !ok {
			return p, false // cannot happen: reach found the minutes on day
		}
		if amount <= en-st {
			return pos{day, st + amount}, true
		}
		amount -= en - st
	}
}

// settle returns the earliest point with as much working time behind it
// as p: p itself inside a session or at its end, else the end of the
// session before it, on p's day or on prev, the working day before it.
func (v *view) settle(p pos, prev int64) pos {
	it := spans{ss: v.sessions(p.day)}
	best := int64(-1)
	for {
		st, en, ok := it.next()
		if !ok || st >= p.ns {
			break
		}
		if p.ns <= en {
			return p
		}
		best = en
	}
	if best >= 0 {
		return pos{p.day, best}
	}
	return pos{prev, v.lastEnd(prev)}
}
