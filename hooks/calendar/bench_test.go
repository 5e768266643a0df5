package calendar_test

import (
	"testing"
	"time"

	"motcua/hooks/calendar"
)

// yearOfHolidays is a year of closed days as an office would enter them:
// New Year, Tết, Giỗ Tổ with its compensatory Monday, the 30/4–1/5
// bridge, Quốc khánh with its adjacent day, and Chôl Chnăm Thmây switched
// on locally. With weekends, every Saturday and Sunday of the year is
// listed as well, as a table exported from another system might be.
func yearOfHolidays(weekends bool) map[calendar.Date]bool {
	h := holidays2026()
	for _, d := range []calendar.Date{day(2026, 4, 14), day(2026, 4, 15), day(2026, 4, 16),
		day(2026, 4, 26), day(2026, 4, 27), day(2026, 9, 1), day(2026, 9, 2)} {
		h[d] = true
	}
	if weekends {
		for d := day(2026, 1, 1); d.Year == 2026; d = d.AddDays(1) {
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
				h[d] = true
			}
		}
	}
	return h
}

func BenchmarkDue30Days(b *testing.B) {
	for _, weekends := range []bool{false, true} {
		name := "holidays"
		if weekends {
			name = "holidays+weekends"
		}
		b.Run(name, func(b *testing.B) {
			c := office(b)
			c.Holidays = yearOfHolidays(weekends)
			received := at(b, "2026-02-10 09:00") // Tuesday before Tết
			want := at(b, "2026-03-31 09:00")     // 30 working days, Tết skipped
			if due, err := c.Due(received, 240); err != nil || !due.Equal(want) {
				b.Fatalf("Due = %s, %v; want %s", due, err, want)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Due(received, 240); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDueMaxHours measures the long-range search (five years of
// working days), which does not walk day by day.
func BenchmarkDueMaxHours(b *testing.B) {
	c := office(b)
	c.Holidays = yearOfHolidays(true)
	received := at(b, "2026-02-10 09:00")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Due(received, calendar.MaxWorkingHours); err != nil {
			b.Fatal(err)
		}
	}
}
