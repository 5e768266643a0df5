package base

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/calendar"
)

// Zone is the office's time zone for every date shown or computed, whatever the
// PC's clock setting says.
var Zone = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("time zone %s: %v (is time/tzdata imported?)", name, err))
	}
	return loc
}

// NowStoreKey holds an optional func() time.Time in the app store, so tests can
// set the office clock per app; production uses time.Now.
const NowStoreKey = "motcua.now"

// nowOf is the current instant for app.
func Now(app core.App) time.Time {
	if f, ok := app.Store().Get(NowStoreKey).(func() time.Time); ok && f != nil {
		return f()
	}
	return time.Now()
}

func DateTime(t time.Time) types.DateTime {
	v, _ := types.ParseDateTime(t.UTC())
	return v
}

// DBTime is t as PocketBase stores dates, so string comparison in SQL orders
// instants correctly.
func DBTime(t time.Time) string { return DateTime(t).String() }

// DayStart is the first instant of a civil day at the office.
func DayStart(d calendar.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Zone)
}
