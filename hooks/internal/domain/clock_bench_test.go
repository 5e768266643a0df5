package domain

import (
	"testing"
	"time"
)

// BenchmarkClockRaise is the after-create hook's part of the guard, for the
// two records (dossier and event) an intake writes.
func BenchmarkClockRaise(b *testing.B) {
	now := time.Now()
	g := &clockGuard{loaded: true, floor: now, recent: now}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			g.raise(now, now)
			g.raise(now, time.Time{})
		}
	})
}
