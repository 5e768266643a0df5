package sqlitex

import (
	"context"
	"database/sql"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Background WAL checkpoints. SQLite copies the write-ahead log back into the
// database file every 1,000 pages, inside whichever commit crosses the mark:
// that commit (and every clerk queued behind it) waits for hundreds of scattered
// page writes and an fsync of the database file, which made the slowest
// intakes at 100,000 dossiers several times slower than the rest. While the
// server runs, the writer connection does not checkpoint; a goroutine does,
// every checkpointEvery, on a reader connection (a PASSIVE checkpoint never
// blocks the writer or readers). Durability is unchanged: each commit is on
// disk in the WAL (synchronous=FULL) before the clerk is answered. Commands
// (seed, import, backup) keep SQLite's own checkpoints.

const checkpointEvery = 250 * time.Millisecond

// bindCheckpointer moves checkpoints off the writer connection and starts the
// background checkpointer.
func bindCheckpointer(se *core.ServeEvent) error {
	app := se.App
	w, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		return nil
	}
	// Keep the one writer connection for the life of the process, so the
	// setting below stays on it (PocketBase closes it after 3 idle minutes; a
	// new one would checkpoint again, which is safe, only slower).
	w.DB().SetConnMaxIdleTime(0)
	w.DB().SetConnMaxLifetime(0)
	if _, err := w.DB().Exec("PRAGMA wal_autocheckpoint=0"); err != nil {
		return err
	}
	ctx := base.UntilTerminate(app)
	base.RunEvery(ctx, app, checkpointEvery, "wal checkpoint", func() {
		if err := checkpointWAL(ctx, app); err != nil && ctx.Err() == nil {
			app.Logger().Warn("wal checkpoint", "error", err.Error())
		}
	})
	return nil
}

// checkpointWAL copies what the WAL holds into the database file without
// waiting for anyone (PASSIVE), on a reader connection.
func checkpointWAL(ctx context.Context, app core.App) error {
	r, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok {
		return nil
	}
	var busy, logPages, done sql.NullInt64
	return r.DB().QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logPages, &done)
}
