package hooks

import (
	"io"
	"testing"
)

func BenchmarkSeedDossiers(b *testing.B) {
	app := newTestApp(b)
	defer app.Cleanup()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := SeedDossiers(app, BulkOptions{N: 20000, Force: true, Seed: uint64(i + 1)}, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
