package hooks

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"motcua/hooks/backup"
	"motcua/hooks/internal/sqlitex"
)

var benchClient = &http.Client{Timeout: 60 * time.Second}

// BenchmarkBackupUnderIntake measures the backup budget: a database of
// MOTCUA_BENCH_DOSSIERS dossiers (default 100000, each with one event), backed
// up by "motcua backup" as a second process while four counters keep posting
// dossiers to the running server. It reports the backup's wall time, its size,
// and the slowest intake answer during the backup (and before it, for
// comparison). Run it alone:
//
//	MOTCUA_BENCH_DOSSIERS=1000000 go test ./hooks/ -run '^$' -bench BackupUnderIntake -benchtime 1x -v
func BenchmarkBackupUnderIntake(b *testing.B) {
	n := 100_000
	if s := os.Getenv("MOTCUA_BENCH_DOSSIERS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		n = v
	}
	dataDir := filepath.Join(b.TempDir(), "pb_data")
	s := startProcess(b, dataDir)
	o := setUpOffice(b, s)
	start := time.Now()
	fillDossiers(b, dataDir, o.procedure, n)
	b.Logf("generated %d dossiers + %d events in %s", n, n, time.Since(start).Round(time.Millisecond))
	if st, err := os.Stat(filepath.Join(dataDir, "data.db")); err == nil {
		b.Logf("data.db: %s", backup.ByteSize(st.Size()))
	}

	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		load := startIntakeTimed(ctx, s, o, 4)
		time.Sleep(3 * time.Second)
		baseline := load.window(time.Time{}, time.Now())

		target := b.TempDir()
		b.ResetTimer()
		t0 := time.Now()
		out, err := runMotcua(b, dataDir, "backup", "--to", target)
		t1 := time.Now()
		b.StopTimer()
		time.Sleep(500 * time.Millisecond) // requests in flight at the end
		cancel()
		load.wg.Wait()
		if err != nil {
			b.Fatalf("backup: %v\n%s", err, out)
		}
		during := load.window(t0, t1)
		b.Logf("backup output:\n%s", out)
		b.Logf("backup of %d dossiers: %s", n, t1.Sub(t0).Round(time.Millisecond))
		b.Logf("intake before the backup: %s", baseline)
		b.Logf("intake during the backup: %s; the slowest started %s after the backup began",
			during, during.slowAt.at.Sub(t0).Round(time.Millisecond))
		b.ReportMetric(t1.Sub(t0).Seconds(), "backup-s")
		b.ReportMetric(float64(during.max.Milliseconds()), "max-intake-ms")
		b.ReportMetric(float64(during.count), "intakes-during")
	}
}

// timedLoad records each intake answer's start and duration.
type timedLoad struct {
	*intakeLoad
	samples chan sample
	all     []sample
}

type sample struct {
	at   time.Time
	took time.Duration
	ok   bool
}

type latencyStats struct {
	count, failed int
	max, p99, p50 time.Duration
	slowAt        sample // the slowest request
}

func (l latencyStats) String() string {
	return fmt.Sprintf("%d answers (%d failed), p50 %s, p99 %s, max %s", l.count, l.failed,
		l.p50.Round(time.Millisecond), l.p99.Round(time.Millisecond), l.max.Round(time.Millisecond))
}

// startIntakeTimed is startIntake with per-request timing, for the benchmark.
func startIntakeTimed(ctx context.Context, s *server, o office, workers int) *timedLoad {
	l := &timedLoad{intakeLoad: &intakeLoad{}, samples: make(chan sample, 1<<16)}
	for w := 0; w < workers; w++ {
		l.wg.Add(1)
		go func(w int) {
			defer l.wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				var rec struct{ ID string }
				at := time.Now()
				_, err := apiCall(benchClient, "POST", s.url+"/api/collections/dossiers/records", o.reception, map[string]any{
					"procedure": o.procedure, "applicant_name": fmt.Sprintf("Lâm Văn Sóc %d-%d", w, i), "channel": "in_person",
				}, &rec)
				l.samples <- sample{at: at, took: time.Since(at), ok: err == nil}
			}
		}(w)
	}
	return l
}

// window summarises the answers to requests started between from and to
// (from zero: since the start), including requests that started before the
// window but were still waiting in it.
func (l *timedLoad) window(from, to time.Time) latencyStats {
	for {
		select {
		case s := <-l.samples:
			l.all = append(l.all, s)
			continue
		default:
		}
		break
	}
	var ds []time.Duration
	st := latencyStats{}
	for _, s := range l.all {
		end := s.at.Add(s.took)
		if end.Before(from) || s.at.After(to) {
			continue
		}
		st.count++
		if !s.ok {
			st.failed++
		}
		ds = append(ds, s.took)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	for _, s := range l.all {
		if s.took > st.slowAt.took && !s.at.Add(s.took).Before(from) && !s.at.After(to) {
			st.slowAt = s
		}
	}
	if len(ds) > 0 {
		st.max = ds[len(ds)-1]
		st.p50 = ds[len(ds)/2]
		st.p99 = ds[len(ds)*99/100]
	}
	return st
}

// fillDossiers writes n dossiers (and one event each) with raw SQL in big
// transactions, with field sizes like real ones, into a serving pb_data.
func fillDossiers(b testing.TB, dataDir, procedure string, n int) {
	db, err := sqlitex.DBConnect(filepath.Join(dataDir, "data.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const batch = 20_000
	papers := `[{"name":"Tờ khai đăng ký khai sinh","kind":"original","count":1},{"name":"Giấy chứng sinh","kind":"original","count":1},{"name":"CCCD của cha/mẹ","kind":"copy","count":2}]`
	statuses := []string{"received", "processing", "done", "returned", "supplement_requested"}
	base := time.Date(2020, 1, 1, 1, 0, 0, 0, time.UTC)
	for startRow := 0; startRow < n; startRow += batch {
		err := db.Transactional(func(tx *dbx.Tx) error {
			// Prepared once per transaction: parsing the SQL per row would
			// dominate the time.
			insDossier := tx.NewQuery(`INSERT INTO dossiers (id, code, procedure, applicant_name, applicant_id_number,
				applicant_address, applicant_phone, papers, sets, channel, status, received_at, due_at, lookup_key,
				search, created, updated) VALUES ({:id}, {:code}, {:proc}, {:name}, {:idn}, {:addr}, {:phone},
				{:papers}, 1, 'in_person', {:status}, {:at}, {:at}, {:key}, {:search}, {:at}, {:at})`).Prepare()
			defer insDossier.Close()
			insEvent := tx.NewQuery(`INSERT INTO dossier_events (id, dossier, action, to_status, actor_name, note, at, created)
				VALUES ({:id}, {:d}, 'receive', 'received', 'Lê Tân', 'Tiếp nhận tại quầy 1', {:at}, {:at})`).Prepare()
			defer insEvent.Close()
			for i := startRow; i < startRow+batch && i < n; i++ {
				day := base.Add(time.Duration(i/200) * 24 * time.Hour)
				at := day.Add(time.Duration(i%200) * time.Minute).Format("2006-01-02 15:04:05.000Z")
				code := fmt.Sprintf("000.00.07.H60-%s-%04d", day.Format("060102"), i%200+1)
				id := fmt.Sprintf("b%014d", i)
				if _, err := insDossier.Bind(dbx.Params{
					"id": id, "code": code, "proc": procedure, "name": fmt.Sprintf("Thạch Thị Sa Ry %d", i),
					"idn": fmt.Sprintf("0792030%05d", i%100000), "addr": "Ấp Mỹ Hòa, xã Mỹ Hương, tỉnh Sóc Trăng",
					"phone": "0912345678", "papers": papers, "status": statuses[i%len(statuses)], "at": at,
					"key": fmt.Sprintf("k%011d", i), "search": strings.ToLower(code + " thach thi sa ry 079203 0912345678"),
				}).Execute(); err != nil {
					return err
				}
				if _, err := insEvent.Bind(dbx.Params{"id": fmt.Sprintf("e%014d", i), "d": id, "at": at}).Execute(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("fill dossiers at %d: %v", startRow, err)
		}
	}
}
