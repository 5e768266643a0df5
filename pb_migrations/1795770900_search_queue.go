package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// New dossiers reach the staff search index through a queue. Indexing a row in
// the FTS5 table inside the intake's transaction made every intake flush a new
// index segment (with its 1–4 character prefix entries) at commit: a fifth of an
// intake's time and a third of the pages it wrote. Now the insert trigger only
// queues the dossier's id in motcua_search_pending (one small page); the server
// moves queued dossiers into the index in batches, a tenth of a second apart
// (hooks/search_queue.go), and search reads the queued ones directly, so a
// dossier is found the moment it is saved. Updates and deletes still change the
// index in their own transaction, and take the dossier off the queue.

// SearchQueueTriggerSQL is the trigger that queues a new dossier for the index.
// The bulk generator drops it inside each batch's transaction and indexes the
// batch with one INSERT … SELECT, then puts it back before committing.
const SearchQueueTriggerSQL = `CREATE TRIGGER motcua_dossier_search_ai AFTER INSERT ON dossiers BEGIN
		INSERT INTO motcua_search_pending(dossier) VALUES (new.id);
	END`

var searchQueueSQL = []string{
	`CREATE TABLE motcua_search_pending (seq INTEGER PRIMARY KEY, dossier TEXT NOT NULL)`,
	`DROP TRIGGER motcua_dossier_search_ai`,
	SearchQueueTriggerSQL,
	`DROP TRIGGER motcua_dossier_search_ad`,
	`CREATE TRIGGER motcua_dossier_search_ad AFTER DELETE ON dossiers BEGIN
		DELETE FROM motcua_search_pending WHERE dossier = old.id;
		DELETE FROM motcua_dossier_search WHERE rowid IN
			(SELECT rowid FROM motcua_dossier_search WHERE motcua_dossier_search MATCH 'dossier:"' || old.id || '"');
	END`,
	`DROP TRIGGER motcua_dossier_search_au`,
	// An update indexes the dossier itself (deleting whatever was indexed), so a
	// still-queued dossier leaves the queue: it must not be indexed twice.
	`CREATE TRIGGER motcua_dossier_search_au AFTER UPDATE OF search, assignee, received_by ON dossiers
	WHEN new.search IS NOT old.search OR new.assignee IS NOT old.assignee OR new.received_by IS NOT old.received_by BEGIN
		DELETE FROM motcua_search_pending WHERE dossier = old.id;
		DELETE FROM motcua_dossier_search WHERE rowid IN
			(SELECT rowid FROM motcua_dossier_search WHERE motcua_dossier_search MATCH 'dossier:"' || old.id || '"');
		INSERT INTO motcua_dossier_search(dossier, search, scope) VALUES (new.id, new.search, 'a' || new.assignee || ' r' || new.received_by);
	END`,
}

// searchQueueDownSQL indexes whatever is still queued, then restores the
// triggers of 1795770700.
var searchQueueDownSQL = []string{
	`INSERT INTO motcua_dossier_search(dossier, search, scope)
		SELECT d.id, d.search, 'a' || d.assignee || ' r' || d.received_by
		FROM motcua_search_pending p JOIN dossiers d ON d.id = p.dossier ORDER BY p.seq`,
	`DROP TRIGGER motcua_dossier_search_ai`,
	`DROP TRIGGER motcua_dossier_search_ad`,
	`DROP TRIGGER motcua_dossier_search_au`,
	`DROP TABLE motcua_search_pending`,
	searchIndexSQL[1], searchIndexSQL[2], searchIndexSQL[3],
}

func init() {
	m.Register(func(app core.App) error {
		return execAll(app, "search queue", searchQueueSQL)
	}, func(app core.App) error {
		return execAll(app, "drop search queue", searchQueueDownSQL)
	})
}

// execAll runs statements in order, stopping at the first error.
func execAll(app core.App, what string, stmts []string) error {
	for _, q := range stmts {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}
