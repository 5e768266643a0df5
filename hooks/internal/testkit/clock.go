package testkit

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// SetClock stops app's office clock (base.Now) at t, as a PC whose clock says
// t: what intake, the queue and the clock guard read.
func SetClock(app core.App, t time.Time) {
	app.Store().Set(base.NowStoreKey, func() time.Time { return t })
}

// ShiftClock makes app's office clock run d ahead of (or, negative, behind)
// the real one.
func ShiftClock(app core.App, d time.Duration) {
	app.Store().Set(base.NowStoreKey, func() time.Time { return time.Now().Add(d) })
}

// ResetClock gives app the real clock back.
func ResetClock(app core.App) { app.Store().Remove(base.NowStoreKey) }
