package sqlitex

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Prepared writes for the counter's hot path (intake). PocketBase builds every
// statement from a template (regular expressions over the SQL) and SQLite parses
// and plans it again on each call; for the 45-column dossier INSERT, whose plan
// includes the search-index trigger, that was a fifth of an intake's time.
// These statements are prepared once on PocketBase's single write connection
// and reused in every transaction on it (database/sql keeps a prepared
// statement per connection, and Tx.Stmt picks the one of the transaction's
// connection, preparing it there if the connection is new).

const writeStmtsStoreKey = "motcua.write_stmts"

// writeStmts holds the prepared statements of one database handle.
type writeStmts struct {
	mu sync.Mutex
	db *sql.DB
	m  map[string]*sql.Stmt
}

// writeDB is the *sql.DB behind PocketBase's write (nonconcurrent) builder.
func writeDB(app core.App) (*sql.DB, error) {
	db, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		return nil, errors.New("prepared writes: the app is inside a transaction")
	}
	return db.DB(), nil
}

// PrepareWrite returns query prepared for the write connection, preparing it on
// first use. It must be called outside a transaction: preparing takes the one
// write connection, which an open transaction holds.
func PrepareWrite(app core.App, query string) (*sql.Stmt, error) {
	db, err := writeDB(app)
	if err != nil {
		return nil, err
	}
	cache, _ := app.Store().GetOrSet(writeStmtsStoreKey, func() any { return &writeStmts{} }).(*writeStmts)
	if cache == nil {
		return nil, errors.New("prepared writes: bad cache in the app store")
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.db != db { // a new database handle (first use, or after a restore)
		for _, s := range cache.m {
			_ = s.Close()
		}
		cache.db, cache.m = db, map[string]*sql.Stmt{}
	}
	if s := cache.m[query]; s != nil {
		return s, nil
	}
	s, err := db.Prepare(query)
	if err != nil {
		return nil, fmt.Errorf("prepare %.60s…: %w", query, err)
	}
	cache.m[query] = s
	return s, nil
}

// RecordInsert is a prepared INSERT of a collection's records: the statement
// and the column order its arguments follow.
type RecordInsert struct {
	app     core.App // outside any transaction: it exports values, never writes
	stmt    *sql.Stmt
	columns []string
}

// PrepareRecordInsert prepares the INSERT of every column of col. The SQL text
// follows the collection's fields, so a changed schema gets a new statement.
func PrepareRecordInsert(app core.App, col *core.Collection) (*RecordInsert, error) {
	cols := make([]string, len(col.Fields))
	quoted := make([]string, len(col.Fields))
	for i, f := range col.Fields {
		cols[i] = f.GetName()
		quoted[i] = `"` + cols[i] + `"`
	}
	q := `INSERT INTO "` + col.Name + `" (` + strings.Join(quoted, ", ") + `) VALUES (` +
		strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + `)`
	s, err := PrepareWrite(app, q)
	if err != nil {
		return nil, err
	}
	return &RecordInsert{app: app, stmt: s, columns: cols}, nil
}

// Insert writes a new record with the prepared statement through w. It fills
// what PocketBase's save would (an id if none, here a sortableID; the
// created/updated stamps) and then exports the values exactly as PocketBase
// does (DBExport), so the row is the same as app.Save would write. It runs no
// validation and no hooks: the caller validates first and announces the record
// after the commit (AnnounceCreated).
func (ins *RecordInsert) Insert(w Writer, r *core.Record) error {
	if r.Id == "" {
		r.Id = sortableID(time.Now())
	}
	now := types.NowDateTime()
	for _, f := range r.Collection().Fields {
		if a, ok := f.(*core.AutodateField); ok && a.OnCreate {
			r.SetRaw(a.Name, now)
		}
	}
	data, err := r.DBExport(ins.app)
	if err != nil {
		return fmt.Errorf("export %s: %w", r.Collection().Name, err)
	}
	args := make([]any, len(ins.columns))
	for i, c := range ins.columns {
		args[i] = data[c]
	}
	if _, err := w.Exec(ins.stmt, args...); err != nil {
		return fmt.Errorf("insert %s: %w", r.Collection().Name, err)
	}
	r.MarkAsNotNew()
	return nil
}

// AnnounceCreated runs PocketBase's after-create hooks for records written with
// prepared statements once their transaction has committed, so realtime
// subscribers (the admin UI, staff pages) hear of them as of any other record.
// ctx is the request's: the hooks see the same context a stock create gives
// them.
func AnnounceCreated(ctx context.Context, app core.App, records ...*core.Record) {
	for _, r := range records {
		ev := &core.ModelEvent{App: app, Context: ctx, Type: core.ModelEventTypeCreate}
		ev.Model = r
		if err := app.OnModelAfterCreateSuccess().Trigger(ev); err != nil {
			app.Logger().Warn("after-create hooks", "collection", r.Collection().Name, "id", r.Id, "error", err)
		}
	}
}
