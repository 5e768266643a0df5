package hooks

import (
	"context"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// New dossiers wait in motcua_search_pending until the indexer moves them into
// the search index (see the migration 1795770900): one index flush every half
// second instead of one per intake. Search reads the queue as well, so nothing
// saved is ever missing from it.

// searchIndexEvery is how often queued dossiers are indexed. Short enough that
// the queue search reads stays a handful of rows, long enough that a busy
// morning's intakes are indexed together.
const searchIndexEvery = 500 * time.Millisecond

// searchIndexerPausedKey, set in the app store, holds the indexer back (tests
// that need dossiers to stay queued).
const searchIndexerPausedKey = "motcua.search_indexer_paused"

// indexQueuedSQL moves the queue into the index in the order it was filled, so
// the index's rowids keep the order of receipt ("newest first" is rowid order).
const indexQueuedSQL = `INSERT INTO motcua_dossier_search(dossier, search, scope)
	SELECT d.id, d.search, 'a' || d.assignee || ' r' || d.received_by
	FROM motcua_search_pending p JOIN dossiers d ON d.id = p.dossier ORDER BY p.seq`

// indexQueued indexes every queued dossier in one transaction (taking its turn
// behind the clerks' writes) and reports how many it indexed.
func indexQueued(ctx context.Context, app core.App) (int, error) {
	var waiting int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM motcua_search_pending").Row(&waiting); err != nil {
		return 0, fmt.Errorf("search queue: %w", err)
	}
	if waiting == 0 {
		return 0, nil
	}
	var n int64
	err := inWriteOrder(ctx, app, func(tx core.App) error {
		res, err := tx.DB().NewQuery(indexQueuedSQL).Execute()
		if err != nil {
			return fmt.Errorf("index queued dossiers: %w", err)
		}
		n, _ = res.RowsAffected()
		if _, err := tx.DB().NewQuery("DELETE FROM motcua_search_pending").Execute(); err != nil {
			return fmt.Errorf("empty the search queue: %w", err)
		}
		return nil
	})
	return int(n), err
}

// bindSearchIndexer indexes queued dossiers every searchIndexEvery while the
// server runs (at once for whatever an earlier run left queued).
func bindSearchIndexer(se *core.ServeEvent) error {
	app := se.App
	ctx, cancel := context.WithCancel(context.Background())
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		cancel()
		return e.Next()
	})
	go func() {
		tick := time.NewTicker(searchIndexEvery)
		defer tick.Stop()
		for {
			if paused, _ := app.Store().Get(searchIndexerPausedKey).(bool); !paused {
				if _, err := indexQueued(ctx, app); err != nil && ctx.Err() == nil {
					app.Logger().Error("search index", "error", err.Error())
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return nil
}
