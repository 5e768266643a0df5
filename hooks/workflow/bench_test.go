package workflow

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// workflowBenchDossiers is the size of the database the budgets are stated for.
const workflowBenchDossiers = 100_000

// bulkDossiers inserts n dossiers with raw SQL in one transaction (a few seconds
// instead of minutes through app.Save): two years of a busy centre, most
// returned, some open, a few overdue, spread over processors and leaders.
func bulkDossiers(b *testing.B, app core.App, n int, procedure string, processors, leaders []string, now time.Time) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	err := app.RunInTransaction(func(tx core.App) error {
		q := tx.DB().NewQuery(`INSERT INTO dossiers (id, code, procedure, applicant_name, status, received_at, due_at,
			finished_at, returned_at, assignee, lookup_key, channel, created, updated)
			VALUES ({:id}, {:code}, {:procedure}, {:name}, {:status}, {:received}, {:due}, {:finished}, {:returned},
			{:assignee}, {:key}, 'in_person', {:received}, {:received})`)
		q.Prepare()
		defer q.Close()
		for i := 0; i < n; i++ {
			received := now.Add(-time.Duration(rng.IntN(730*24)) * time.Hour)
			due := received.Add(time.Duration(5+rng.IntN(10)) * 24 * time.Hour)
			status, finished, returned := domain.StatusReturned, base.DBTime(due.Add(-2*time.Hour)), base.DBTime(due)
			p := rng.IntN(100)
			if now.Sub(received) < 30*24*time.Hour { // recent: much still open
				switch {
				case p < 30:
					status, finished, returned = domain.StatusProcessing, "", ""
				case p < 45:
					status, finished, returned = domain.StatusReceived, "", ""
				case p < 50:
					status, finished, returned = domain.StatusSupplementRequested, "", ""
				case p < 65:
					status, returned = domain.StatusDone, ""
				}
			} else if p < 3 {
				status, finished, returned = domain.StatusRefused, "", ""
			} else if p < 4 {
				status, finished, returned = domain.StatusWithdrawn, "", ""
			}
			assignee := processors[rng.IntN(len(processors))]
			if rng.IntN(20) == 0 {
				assignee = leaders[rng.IntN(len(leaders))]
			}
			_, err := q.Bind(map[string]any{
				"id": fmt.Sprintf("b%014d", i), "code": fmt.Sprintf("000.00.00.H00-%s-%05d", received.Format("060102"), i),
				"procedure": procedure, "name": fmt.Sprintf("Người dân %d", i), "status": status,
				"received": base.DBTime(received), "due": base.DBTime(due), "finished": finished, "returned": returned,
				"assignee": assignee, "key": fmt.Sprintf("k%011d", i),
			}).Execute()
			if err != nil {
				return fmt.Errorf("insert %d: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWorkflow100k measures the budgets on 100,000 dossiers: an action
// under 20 ms p99 and the work lists under 50 ms, beside PocketBase's stock
// record endpoints doing the nearest equivalent on the same data, in one run.
//
//	go test ./hooks/ -run '^$' -bench Workflow100k -benchtime 300x
func BenchmarkWorkflow100k(b *testing.B) {
	app := newTestApp(b)
	now := time.Now()
	reception := testkit.MakeStaff(b, app, base.RoleReception, "bench.reception")
	leader := testkit.MakeStaff(b, app, base.RoleLeader, "bench.leader")
	var processors []testkit.Staff
	var procIDs []string
	for i := 0; i < 10; i++ {
		p := testkit.MakeStaff(b, app, base.RoleProcessor, fmt.Sprintf("bench.processor%d", i))
		processors = append(processors, p)
		procIDs = append(procIDs, p.Record.Id)
	}
	su := testkit.SuperuserToken(b, app)
	procs, err := app.FindRecordsByFilter(base.ColProcedures, "processing_hours = 40", "", 1, 0)
	if err != nil || len(procs) == 0 {
		b.Fatal("no procedure")
	}
	start := time.Now()
	bulkDossiers(b, app, workflowBenchDossiers, procs[0].Id, procIDs, []string{leader.Record.Id}, now)
	b.Logf("inserted %d dossiers in %s", workflowBenchDossiers, time.Since(start).Round(time.Millisecond))
	if _, err := app.DB().NewQuery("ANALYZE").Execute(); err != nil {
		b.Fatal(err)
	}
	mux := testkit.NewMux(b, app)
	open := func(status string) []string {
		var ids []string
		if err := app.DB().NewQuery("SELECT id FROM dossiers WHERE status = {:s} LIMIT 2000").Bind(map[string]any{"s": status}).Column(&ids); err != nil {
			b.Fatal(err)
		}
		return ids
	}
	received, processing := open(domain.StatusReceived), open(domain.StatusProcessing)
	b.Logf("open dossiers used: %d received, %d processing", len(received), len(processing))
	paused := map[string]bool{}
	timed := func(b *testing.B, f func(i int) int) {
		d := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			if code := f(i); code != http.StatusOK {
				b.Fatalf("status %d", code)
			}
			d = append(d, time.Since(t0))
		}
		b.StopTimer()
		testkit.ReportLatencies(b, d)
	}

	b.Run("action/assign", func(b *testing.B) {
		timed(b, func(i int) int {
			body := `{"assignee":"` + procIDs[i%len(procIDs)] + `"}`
			return testkit.Do(mux, http.MethodPost, "/api/motcua/dossiers/"+received[i%len(received)]+"/actions/assign", reception.Token, body).Code
		})
	})
	b.Run("action/supplement_round_trip", func(b *testing.B) {
		timed(b, func(i int) int {
			id := processing[i%len(processing)]
			action, token, body := "request_supplement", leader.Token, `{"missing_papers":["Bản sao"]}`
			if paused[id] {
				action, token, body = "supplement_received", reception.Token, `{}`
			}
			paused[id] = !paused[id]
			return testkit.Do(mux, http.MethodPost, "/api/motcua/dossiers/"+id+"/actions/"+action, token, body).Code
		})
	})
	b.Run("stock/record_update", func(b *testing.B) {
		timed(b, func(i int) int {
			return testkit.Do(mux, http.MethodPatch, "/api/collections/dossiers/records/"+received[i%len(received)], su, `{"notes":"x"}`).Code
		})
	})
	lists := []struct{ name, token string }{
		{"ready", reception.Token}, {"due", reception.Token}, {"mine", processors[0].Token},
		{"overdue", leader.Token}, {"approval", leader.Token},
	}
	for _, l := range lists {
		b.Run("worklist/"+l.name, func(b *testing.B) {
			timed(b, func(int) int {
				return testkit.Do(mux, http.MethodGet, "/api/motcua/worklists/"+l.name, l.token, "").Code
			})
		})
	}
	b.Run("stock/list_done_by_finished", func(b *testing.B) {
		timed(b, func(int) int {
			return testkit.Do(mux, http.MethodGet, "/api/collections/dossiers/records?perPage=500&filter=status%3D%22done%22&sort=finished_at", reception.Token, "").Code
		})
	})
	b.Run("stock/list_mine_by_due", func(b *testing.B) {
		filter := "assignee%3D%22" + procIDs[0] + "%22%26%26status%3D%22processing%22"
		timed(b, func(int) int {
			return testkit.Do(mux, http.MethodGet, "/api/collections/dossiers/records?perPage=500&skipTotal=1&sort=due_at&filter="+filter, processors[0].Token, "").Code
		})
	})
}
