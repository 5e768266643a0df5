package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The day arithmetic is checked against the time package, which is the
// oracle for the proleptic Gregorian calendar.
func TestDayNumbersMatchTimePackage(t *testing.T) {
	check := func(day int64) {
		y, m, d := time.Unix(day*86400, 0).UTC().Date()
		want := Date{y, m, d}
		if got := dateOfDay(day); got != want {
			t.Fatalf("dateOfDay(%d) = %v, want %v", day, got, want)
		}
		if got := dayOf(want); got != day {
			t.Fatalf("dayOf(%v) = %d, want %d", want, got, day)
		}
		if got, want := weekdayOf(day), time.Unix(day*86400, 0).UTC().Weekday(); got != want {
			t.Fatalf("weekdayOf(%d) = %v, want %v", day, got, want)
		}
	}
	for day := int64(-800); day <= 800; day++ {
		check(day)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		check(minDay + r.Int64N(maxDay-minDay+1))
	}
	check(minDay)
	check(maxDay)
	if got := dateOfDay(minDay); got != (Date{1, time.January, 1}) {
		t.Errorf("minDay is %v", got)
	}
	if got := dateOfDay(maxDay); got != (Date{9999, time.December, 31}) {
		t.Errorf("maxDay is %v", got)
	}
}

// randomView builds a calendar whose holidays and makeup days are spread
// over a few years around 2026, so that the whole-week sums meet them.
func randomView(r *rand.Rand) (*Calendar, view) {
	c := &Calendar{Holidays: map[Date]bool{}, MakeupDays: map[Date]bool{}}
	for d := range c.Sessions {
		if r.IntN(3) > 0 {
			start := Clock(r.IntN(600))
			c.Sessions[d] = []Session{{start, start + Clock(1+r.IntN(600))}}
		}
	}
	if r.IntN(2) == 0 {
		c.MakeupSessions = []Session{{8 * 60, 8*60 + Clock(r.IntN(300)+1)}}
	}
	base := dayOf(Date{2026, 1, 1})
	for range r.IntN(200) {
		c.Holidays[dateOfDay(base+r.Int64N(1500)-200)] = r.IntN(8) > 0
	}
	for range r.IntN(60) {
		c.MakeupDays[dateOfDay(base+r.Int64N(1500)-200)] = r.IntN(8) > 0
	}
	c.Holidays[Date{2026, 2, 30}] = true // not normalised: must never match
	return c, c.view()
}

func TestRangeSumMatchesDayByDay(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	base := dayOf(Date{2026, 1, 1})
	for range 300 {
		_, v := randomView(r)
		from := base - 300 + r.Int64N(600)
		to := from + r.Int64N(1700) - 20
		var minutes, open int64
		for d := from; d < to; d++ {
			minutes += v.value(d, &v.minutes, v.mkMinutes)
			open += v.value(d, &v.open, v.mkOpen)
		}
		if got := v.rangeSum(from, to, &v.minutes, v.mkMinutes); got != minutes {
			t.Fatalf("rangeSum minutes [%v, %v) = %d, day by day %d", dateOfDay(from), dateOfDay(to), got, minutes)
		}
		if got := v.rangeSum(from, to, &v.open, v.mkOpen); got != open {
			t.Fatalf("rangeSum open days [%v, %v) = %d, day by day %d", dateOfDay(from), dateOfDay(to), got, open)
		}
	}
}

// reach switches from walking days to a search after walkDays; both parts
// must agree with a plain walk.
func TestReachMatchesWalk(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	base := dayOf(Date{2026, 1, 1})
	for range 300 {
		_, v := randomView(r)
		from := base - 250 + r.Int64N(500)
		target := 1 + r.Int64N(1200)
		useMinutes := r.IntN(2) == 0
		b, mk := &v.open, v.mkOpen
		if useMinutes {
			b, mk = &v.minutes, v.mkMinutes
			target *= 1 + r.Int64N(400)
		}
		wantDay, wantBefore, wantOK := int64(0), int64(0), false
		var acc int64
		for d := from; d < from+40000; d++ {
			x := v.value(d, b, mk)
			if acc+x >= target {
				wantDay, wantBefore, wantOK = d, acc, true
				break
			}
			acc += x
		}
		day, before, ok := v.reach(from, target, b, mk)
		if ok != wantOK || day != wantDay || before != wantBefore {
			t.Fatalf("reach(%v, %d, minutes=%v) = %v, %d, %v; walk gives %v, %d, %v",
				dateOfDay(from), target, useMinutes, dateOfDay(day), before, ok, dateOfDay(wantDay), wantBefore, wantOK)
		}
	}
}

func TestReachEndsWithTheCalendar(t *testing.T) {
	c := &Calendar{Sessions: DefaultWeek()}
	v := c.view()
	if _, _, ok := v.reach(maxDay-3, 10, &v.open, v.mkOpen); ok {
		t.Error("reach found ten working days in the last four days of year 9999")
	}
	if day, _, ok := v.reach(minDay-1_000_000, 1, &v.open, v.mkOpen); !ok || day != dayOf(Date{1, 1, 1}) {
		// 0001-01-01 was a Monday.
		t.Errorf("reach from before year 1 = %v, %v; want 0001-01-01", dateOfDay(day), ok)
	}
}
