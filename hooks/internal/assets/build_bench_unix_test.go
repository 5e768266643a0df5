//go:build unix

package assets

import (
	"syscall"
	"testing"
	"time"

	"motcua/pb_public"
)

// BenchmarkBuildPublic is what Build costs at start: reading, rewriting,
// minifying and compressing the embedded pb_public. Besides the wall time it
// reports the CPU time of the process per build (cpu-ms/op), which a machine
// shared with other work changes much less.
func BenchmarkBuildPublic(b *testing.B) {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	for b.Loop() {
		if _, err := Build(pb_public.FS, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpu()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}
