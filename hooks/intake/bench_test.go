package intake

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

// benchClerks is the number of officers saving at once in the parallel
// benchmarks: the budget is intake p99 under 100 ms with 10 concurrent clerks.
const benchClerks = 10

// runClerks sends b.N requests from benchClerks goroutines and reports the
// 50th and 99th percentile latencies.
func runClerks(b *testing.B, send func() int) {
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	b.SetParallelism((benchClerks + 1) / 2) // × GOMAXPROCS (2 here) ≈ 10 clerks
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			t := time.Now()
			if code := send(); code != http.StatusOK {
				b.Errorf("status %d", code)
			}
			d := time.Since(t)
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}
	})
	b.StopTimer()
	testkit.ReportLatencies(b, lat)
}

// BenchmarkIntakeClerks times intake through the API (validation, then one
// transaction with code, dossier and event) with 10 clerks at once.
func BenchmarkIntakeClerks(b *testing.B) {
	app := newTestApp(b)
	mux := testkit.NewMux(b, app)
	rec := testkit.MakeStaff(b, app, base.RoleReception, "bench.reception")
	body := testkit.IntakeBody(testkit.ProcByCode(b, app, "1.001193").Id, nil)
	runClerks(b, func() int { return testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, body).Code })
}

// BenchmarkStockCreateClerks is PocketBase's stock create on a plain
// collection with no hooks, same app setup and concurrency, for comparison.
func BenchmarkStockCreateClerks(b *testing.B) {
	app := newTestApp(b)
	c := core.NewBaseCollection("plain_notes")
	c.CreateRule = new(string)
	c.Fields.Add(&core.TextField{Name: "title"}, &core.TextField{Name: "note"})
	if err := app.Save(c); err != nil {
		b.Fatal(err)
	}
	mux := testkit.NewMux(b, app)
	body := `{"title":"Thạch Thị Sa Ry","note":"0912345678"}`
	runClerks(b, func() int {
		return testkit.Do(mux, http.MethodPost, "/api/collections/plain_notes/records", "", body).Code
	})
}
