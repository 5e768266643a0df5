package sqlitex

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// The write queue lets one of our write transactions through at a time, in
// arrival order. It does not replace the transaction (which alone makes a
// code, its dossier and its event atomic): database/sql hands SQLite's single
// write connection to a waiter chosen at random, so with ten clerks saving at
// once some waited many turns. Queueing them first bounds each clerk's wait by
// the number of clerks ahead. Blocked channel senders are served first in,
// first out. There is one queue per app (per database), kept in its store.
const writeQueueStoreKey = "motcua.write_queue"

// writeQueueOf is app's write queue.
func writeQueueOf(app core.App) chan struct{} {
	q, _ := app.Store().GetOrSet(writeQueueStoreKey, func() any { return make(chan struct{}, 1) }).(chan struct{})
	return q
}

// InWriteOrder runs fn in a transaction once every earlier counter action
// (intake, queue calls and tickets, workflow actions) has finished. Inside a
// transaction already (a batch request holds the writer) it runs fn there.
func InWriteOrder(ctx context.Context, app core.App, fn func(tx core.App) error) error {
	if !app.IsTransactional() {
		q := writeQueueOf(app)
		select {
		case q <- struct{}{}:
		case <-ctx.Done():
			return fmt.Errorf("wait for the writer: %w", ctx.Err())
		}
		defer func() { <-q }()
	}
	return app.RunInTransaction(fn)
}

// Group commit. With synchronous=FULL every commit waits for the disk, and an
// intake's commit (about 19 pages: the dossier with its indexes, the event,
// the sequence) took twice as long as everything else it does under the lock.
// When several clerks save at the same moment, the first to get the writer
// takes every intake waiting behind it into one transaction, each in its own
// savepoint, and commits once: one wait for the disk instead of one per clerk.
// Nobody is answered before the commit that holds their dossier has returned,
// so a printed receipt still means the dossier is on disk; an intake that fails
// is rolled back to its savepoint alone and its clerk gets the error.

const groupCommitStoreKey = "motcua.group_commit"

// groupCommitMax bounds one transaction: ten counters and two mobile-team
// uploads at the same instant fit in it with room to spare.
const groupCommitMax = 32

// Writer runs SQL inside a group-commit transaction, and nothing else. A job
// gets no app: a record saved through PocketBase inside a savepoint that is
// later rolled back would still have its after-commit hooks fired (realtime
// would broadcast a dossier that was never saved), so jobs write with prepared
// statements and their records are announced by the caller once the commit has
// returned (AnnounceCreated).
type Writer struct{ tx *sql.Tx }

// Exec runs a prepared statement (from PrepareWrite) in the transaction.
func (w Writer) Exec(s *sql.Stmt, args ...any) (sql.Result, error) {
	return w.tx.Stmt(s).Exec(args...)
}

// QueryRow runs a prepared statement that returns one row.
func (w Writer) QueryRow(s *sql.Stmt, args ...any) *sql.Row {
	return w.tx.Stmt(s).QueryRow(args...)
}

type groupJob struct {
	fn   func(w Writer) error
	done chan error // buffered: the committer never waits for the clerk
}

type groupCommit struct {
	mu      sync.Mutex
	pending []*groupJob
	commits int // transactions committed or failed (tests read it)
}

// InGroupCommit runs fn in a write transaction shared with the other intakes
// waiting at the same moment (see above), in arrival order with every other
// write. fn writes through w only, must leave nothing behind in memory that a
// rollback of its savepoint would make untrue, and must not wait for the
// writer itself. It is refused inside a PocketBase transaction (a batch
// request), where the caller takes PocketBase's path.
func InGroupCommit(ctx context.Context, app core.App, fn func(w Writer) error) error {
	if app.IsTransactional() {
		return fmt.Errorf("group commit: called inside a transaction")
	}
	db, err := writeDB(app)
	if err != nil {
		return fmt.Errorf("group commit: %w", err)
	}
	q := writeQueueOf(app)
	g, _ := app.Store().GetOrSet(groupCommitStoreKey, func() any { return &groupCommit{} }).(*groupCommit)
	j := &groupJob{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, j)
	g.mu.Unlock()
	for {
		select {
		case err := <-j.done:
			return err
		case q <- struct{}{}:
			// The writer is ours: commit whatever is waiting (our own job, unless
			// an earlier leader already took it: then its answer is on j.done).
			g.mu.Lock()
			n := min(len(g.pending), groupCommitMax)
			batch := append([]*groupJob(nil), g.pending[:n]...)
			g.pending = g.pending[n:]
			if n > 0 {
				g.commits++
			}
			g.mu.Unlock()
			func() {
				defer func() { <-q }() // even if a job panics
				if len(batch) > 0 {
					commitGroup(db, batch)
				}
			}()
		case <-ctx.Done():
			g.mu.Lock()
			for i, p := range g.pending {
				if p == j { // not taken yet: withdraw it
					g.pending = append(g.pending[:i], g.pending[i+1:]...)
					g.mu.Unlock()
					return fmt.Errorf("wait for the writer: %w", ctx.Err())
				}
			}
			g.mu.Unlock()
			return <-j.done // already in a transaction: its outcome decides
		}
	}
}

// commitGroup runs each job in its own savepoint of one transaction on the
// write connection and answers every job once the transaction has committed
// (or failed).
func commitGroup(db *sql.DB, batch []*groupJob) {
	answered := false
	var tx *sql.Tx
	defer func() {
		// A job that panics rolls the transaction back; every clerk of the
		// group gets an error instead of waiting forever.
		if r := recover(); r != nil && !answered {
			if tx != nil {
				_ = tx.Rollback()
			}
			err := fmt.Errorf("intake transaction: panic: %v", r)
			for _, j := range batch {
				j.done <- err
			}
		}
	}()
	errs := make([]error, len(batch))
	err := func() error {
		var err error
		// Not the clerk's context: the group's commit must not be cut short by
		// one clerk who gave up.
		if tx, err = db.BeginTx(context.Background(), nil); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		w := Writer{tx: tx}
		for i, j := range batch {
			if _, err := tx.Exec("SAVEPOINT motcua_job"); err != nil {
				return fmt.Errorf("savepoint: %w", err)
			}
			if errs[i] = j.fn(w); errs[i] != nil {
				if _, err := tx.Exec("ROLLBACK TO motcua_job"); err != nil {
					return fmt.Errorf("rollback to savepoint: %w", err)
				}
			}
			if _, err := tx.Exec("RELEASE motcua_job"); err != nil {
				return fmt.Errorf("release savepoint: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		return nil
	}()
	if err != nil && tx != nil {
		_ = tx.Rollback() // a no-op after a commit
	}
	answered = true
	for i, j := range batch {
		if err != nil {
			j.done <- err
		} else {
			j.done <- errs[i]
		}
	}
}
