package sqlitex

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TestGroupCommit: intakes waiting for the writer at the same moment share one
// transaction; one that fails is rolled back alone (its clerk gets its error,
// the others are saved); one whose request is cancelled while it waits is
// never written.
func TestGroupCommit(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	g, _ := app.Store().GetOrSet(groupCommitStoreKey, func() any { return &groupCommit{} }).(*groupCommit)
	pendingLen := func() int { g.mu.Lock(); defer g.mu.Unlock(); return len(g.pending) }
	ins, err := PrepareWrite(app, "INSERT INTO dossier_sequences (id, day, range_from, last) VALUES (?, ?, 1, 1)")
	if err != nil {
		t.Fatal(err)
	}
	seqRow := func(day string) func(w Writer) error {
		return func(w Writer) error {
			_, err := w.Exec(ins, core.GenerateDefaultRandomId(), day)
			return err
		}
	}
	failAfterWrite := errors.New("refused after writing")

	writeQueueOf(app) <- struct{}{} // hold the writer while the jobs line up
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	cancelled, cancel := context.WithCancel(context.Background())
	var cancelledErr error
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			day := fmt.Sprintf("9901%02d", i)
			errs[i] = InGroupCommit(context.Background(), app, func(w Writer) error {
				if err := seqRow(day)(w); err != nil {
					return err
				}
				if i%2 == 1 {
					return failAfterWrite
				}
				return nil
			})
		}(i)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		cancelledErr = InGroupCommit(cancelled, app, seqRow("990199"))
	}()
	for deadline := time.Now().Add(5 * time.Second); pendingLen() < n+1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d jobs waiting", pendingLen())
		}
	}
	cancel()
	for deadline := time.Now().Add(5 * time.Second); pendingLen() > n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the cancelled job was not withdrawn")
		}
	}
	<-writeQueueOf(app)
	wg.Wait()

	for i, err := range errs {
		var rows int
		_ = app.DB().NewQuery("SELECT COUNT(*) FROM dossier_sequences WHERE day = {:d}").Bind(dbx.Params{"d": fmt.Sprintf("9901%02d", i)}).Row(&rows)
		if i%2 == 1 && (!errors.Is(err, failAfterWrite) || rows != 0) {
			t.Errorf("job %d: %v, %d rows; want its own error and nothing written", i, err, rows)
		}
		if i%2 == 0 && (err != nil || rows != 1) {
			t.Errorf("job %d: %v, %d rows; want saved", i, err, rows)
		}
	}
	var rows int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM dossier_sequences WHERE day = '990199'").Row(&rows)
	if !errors.Is(cancelledErr, context.Canceled) || rows != 0 {
		t.Errorf("cancelled job: %v, %d rows", cancelledErr, rows)
	}
	if g.commits != 1 {
		t.Errorf("%d transactions for %d jobs waiting together, want 1", g.commits, n)
	}
}

// TestGroupCommitPanic: a job that panics fails its whole group with an error
// (nothing written) and leaves the writer free for the next save.
func TestGroupCommitPanic(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ins, err := PrepareWrite(app, "INSERT INTO dossier_sequences (id, day, range_from, last) VALUES ('panicseq0000001', '990201', 1, 1)")
	if err != nil {
		t.Fatal(err)
	}
	err = InGroupCommit(context.Background(), app, func(w Writer) error {
		if _, err := w.Exec(ins); err != nil {
			return err
		}
		panic("boom")
	})
	if err == nil {
		t.Fatal("a panicking job reported success")
	}
	var rows int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM dossier_sequences WHERE day = '990201'").Row(&rows)
	if rows != 0 {
		t.Errorf("the panicking job's write was kept")
	}
	done := make(chan error, 1)
	go func() { done <- InWriteOrder(context.Background(), app, func(core.App) error { return nil }) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("next write: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the writer stayed locked after a panic")
	}
}
