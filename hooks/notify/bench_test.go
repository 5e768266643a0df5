//go:build !windows

package notify

import (
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/sms/fakemodem"
)

// BenchmarkIntakeClerksSMS is intake.BenchmarkIntakeClerks with SMS on and
// every citizen consenting: 10 clerks at once, each intake queueing a notice
// in the background. Compare its p99 with the intake package's benchmark
// (no SMS) to see that intake does not wait for SMS.
func BenchmarkIntakeClerksSMS(b *testing.B) {
	app := newTestApp(b)
	fm, err := fakemodem.New(fakemodem.Options{})
	if err != nil {
		b.Skip(err)
	}
	defer fm.Close()
	rec, _ := findSettingsRecord(app)
	rec.Set("enabled", true)
	rec.Set("modem_port", fm.Path())
	if err := app.Save(rec); err != nil {
		b.Fatal(err)
	}
	mux := testkit.NewMux(b, app)
	clerk := testkit.MakeStaff(b, app, base.RoleReception, "bench.reception")
	body := testkit.IntakeBody(testkit.ProcByCode(b, app, "1.001193").Id, map[string]any{"sms_consent": true, "sms_language": "km"})
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	b.SetParallelism(5)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			t0 := time.Now()
			if code := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, clerk.Token, body).Code; code != http.StatusOK {
				b.Errorf("status %d", code)
			}
			d := time.Since(t0)
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}
	})
	b.StopTimer()
	notifierOf(app).pending.Wait()
	n, _ := app.CountRecords(base.ColSMSOutbox)
	if int(n) != b.N {
		b.Errorf("%d notices queued for %d intakes", n, b.N)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	testkit.ReportLatencies(b, lat)
}
