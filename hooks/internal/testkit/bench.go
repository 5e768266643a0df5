package testkit

import (
	"sort"
	"testing"
	"time"
)

// Percentile returns the p-th percentile (0–100) of ds.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

// ReportLatencies adds p50 and p99 in milliseconds to a benchmark's output.
func ReportLatencies(b *testing.B, ds []time.Duration) {
	b.ReportMetric(float64(Percentile(ds, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(Percentile(ds, 99).Microseconds())/1000, "p99-ms")
}
