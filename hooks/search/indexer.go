package search

import (
	"context"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/sqlitex"
)

// New dossiers wait in motcua_search_pending until the indexer moves them into
// the search index (see the migration 1795770900): one index flush for many
// intakes instead of one in each. Search reads the queue as well, so nothing
// saved is ever missing from it.

// searchIndexEvery is how often the indexer looks at the queue (a count on a
// table of a few rows when there is nothing to do). While clerks are saving,
// each look indexes only what is beyond searchQueueKeep, so their saves are
// indexed together; once they stop, the rest is indexed at the next look.
const searchIndexEvery = 100 * time.Millisecond

// searchIndexerPausedKey, set in the app store, holds the indexer back (tests
// that need dossiers to stay queued).
const searchIndexerPausedKey = "motcua.search_indexer_paused"

// searchIndexBatch bounds one indexing transaction. Clerks' saves wait while
// it holds the writer: 600 dossiers at once (half a second of a benchmark's
// load) held it 20–70 ms at 100,000 dossiers; 100 keep it to a few.
const searchIndexBatch = 100

// indexQueuedSQL moves the first queued dossiers (up to {:upto}) into the index
// in the order they were queued, so the index's rowids keep the order of
// receipt ("newest first" is rowid order).
const indexQueuedSQL = `INSERT INTO motcua_dossier_search(dossier, search, scope)
	SELECT d.id, d.search, 'a' || d.assignee || ' r' || d.received_by
	FROM motcua_search_pending p JOIN dossiers d ON d.id = p.dossier WHERE p.seq <= {:upto} ORDER BY p.seq`

// searchQueueKeep is how many queued dossiers the indexer leaves for its next
// turn when the counters save faster than one batch per interval: search reads
// them from the queue, a few milliseconds of work even at this size, while
// more indexing transactions would delay the clerks' saves.
const searchQueueKeep = 1000

// indexQueuedDownTo indexes queued dossiers searchIndexBatch at a time, each
// batch one transaction that takes its turn behind the clerks' writes, until
// no more than keep are left (at least one batch if any are queued). It
// reports how many it indexed and how many it left queued.
func indexQueuedDownTo(ctx context.Context, app core.App, keep int) (indexed, left int, err error) {
	for first := true; ; first = false {
		var upto int64
		if err := app.DB().NewQuery(`SELECT COUNT(*), COALESCE((SELECT MAX(seq) FROM
			(SELECT seq FROM motcua_search_pending ORDER BY seq LIMIT {:n})), 0) FROM motcua_search_pending`).
			Bind(dbx.Params{"n": searchIndexBatch}).Row(&left, &upto); err != nil {
			return indexed, left, fmt.Errorf("search queue: %w", err)
		}
		if left == 0 || (!first && left <= keep) {
			return indexed, left, nil
		}
		err := sqlitex.InWriteOrder(ctx, app, func(tx core.App) error {
			res, err := tx.DB().NewQuery(indexQueuedSQL).Bind(dbx.Params{"upto": upto}).Execute()
			if err != nil {
				return fmt.Errorf("index queued dossiers: %w", err)
			}
			n, _ := res.RowsAffected()
			indexed += int(n)
			_, err = tx.DB().NewQuery("DELETE FROM motcua_search_pending WHERE seq <= {:upto}").
				Bind(dbx.Params{"upto": upto}).Execute()
			if err != nil {
				return fmt.Errorf("empty the search queue: %w", err)
			}
			return nil
		})
		if err != nil {
			return indexed, left, err
		}
	}
}

// bindSearchIndexer indexes queued dossiers every searchIndexEvery while the
// server runs (at once for whatever an earlier run left queued).
func bindSearchIndexer(se *core.ServeEvent) error {
	app := se.App
	ctx := base.UntilTerminate(app)
	last := 0 // dossiers left queued by the previous turn
	base.RunEvery(ctx, app, searchIndexEvery, "search index", func() {
		if paused, _ := app.Store().Get(searchIndexerPausedKey).(bool); paused {
			return
		}
		var now int
		_ = app.DB().NewQuery("SELECT COUNT(*) FROM motcua_search_pending").Row(&now)
		if now == 0 {
			last = 0
			return
		}
		// Nothing queued since the last turn: the counters are quiet, so
		// index everything; otherwise leave up to searchQueueKeep.
		keep := searchQueueKeep
		if now == last {
			keep = 0
		}
		_, left, err := indexQueuedDownTo(ctx, app, keep)
		if err != nil && ctx.Err() == nil {
			app.Logger().Error("search index", "error", err.Error())
		}
		last = left
	})
	return nil
}
