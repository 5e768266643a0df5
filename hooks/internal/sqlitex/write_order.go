package sqlitex

import (
	"context"
	"fmt"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// writeQueue lets one of our write transactions through at a time, in arrival
// order. It does not replace the transaction (which alone makes a code, its
// dossier and its event atomic): database/sql hands SQLite's single write
// connection to a waiter chosen at random, so with ten clerks saving at once
// some waited many turns. Queueing them first bounds each clerk's wait by the
// number of clerks ahead. Blocked channel senders are served first in, first out.
var writeQueue = make(chan struct{}, 1)

// InWriteOrder runs fn in a transaction once every earlier counter action
// (intake, queue calls and tickets, workflow actions) has finished. Inside a
// transaction already (a batch request holds the writer) it runs fn there.
func InWriteOrder(ctx context.Context, app core.App, fn func(tx core.App) error) error {
	if !app.IsTransactional() {
		select {
		case writeQueue <- struct{}{}:
		case <-ctx.Done():
			return fmt.Errorf("wait for the writer: %w", ctx.Err())
		}
		defer func() { <-writeQueue }()
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

type groupJob struct {
	fn   func(tx core.App) error
	done chan error // buffered: the committer never waits for the clerk
}

type groupCommit struct {
	mu      sync.Mutex
	pending []*groupJob
	commits int // transactions committed or failed (tests read it)
}

// InGroupCommit runs fn in a write transaction shared with the other intakes
// waiting at the same moment (see above), in arrival order with every other
// write. fn must leave nothing behind in memory that a rollback of its
// savepoint would make untrue, and must not call inWriteOrder.
func InGroupCommit(ctx context.Context, app core.App, fn func(tx core.App) error) error {
	if app.IsTransactional() {
		return fn(app)
	}
	g, _ := app.Store().GetOrSet(groupCommitStoreKey, func() any { return &groupCommit{} }).(*groupCommit)
	if g == nil {
		return InWriteOrder(ctx, app, fn)
	}
	j := &groupJob{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, j)
	g.mu.Unlock()
	for {
		select {
		case err := <-j.done:
			return err
		case writeQueue <- struct{}{}:
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
				defer func() { <-writeQueue }() // even if a job panics
				if len(batch) > 0 {
					commitGroup(app, batch)
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

// commitGroup runs each job in its own savepoint of one transaction and
// answers every job once the transaction has committed (or failed).
func commitGroup(app core.App, batch []*groupJob) {
	answered := false
	defer func() {
		// A job that panics rolls the transaction back (dbx does); every clerk
		// of the group gets an error instead of waiting forever.
		if r := recover(); r != nil && !answered {
			err := fmt.Errorf("intake transaction: panic: %v", r)
			for _, j := range batch {
				j.done <- err
			}
		}
	}()
	errs := make([]error, len(batch))
	err := app.RunInTransaction(func(tx core.App) error {
		st, err := SQLTxOf(tx)
		if err != nil {
			return err
		}
		for i, j := range batch {
			if _, err := st.Exec("SAVEPOINT motcua_job"); err != nil {
				return fmt.Errorf("savepoint: %w", err)
			}
			if errs[i] = j.fn(tx); errs[i] != nil {
				if _, err := st.Exec("ROLLBACK TO motcua_job"); err != nil {
					return fmt.Errorf("rollback to savepoint: %w", err)
				}
			}
			if _, err := st.Exec("RELEASE motcua_job"); err != nil {
				return fmt.Errorf("release savepoint: %w", err)
			}
		}
		return nil
	})
	answered = true
	for i, j := range batch {
		if err != nil {
			j.done <- err
		} else {
			j.done <- errs[i]
		}
	}
}
