package sqlitex

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestBackgroundCheckpoint: while the server runs, the writer connection never
// checkpoints inside a commit, and the background checkpointer copies the WAL
// into the database file shortly after the writes.
func TestBackgroundCheckpoint(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	serveSteps(t, app)
	var auto int
	if err := app.NonconcurrentDB().NewQuery("PRAGMA wal_autocheckpoint").Row(&auto); err != nil || auto != 0 {
		t.Fatalf("writer wal_autocheckpoint = %d (%v), want 0", auto, err)
	}
	dbFile := filepath.Join(app.DataDir(), "data.db")
	size := func() int64 {
		st, err := os.Stat(dbFile)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	before := size()
	for _, q := range []string{"CREATE TABLE zz_checkpoint (x BLOB)",
		`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000)
		 INSERT INTO zz_checkpoint SELECT randomblob(3000) FROM c`} {
		if _, err := app.NonconcurrentDB().NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(20 * checkpointEvery); size() < before+2<<20; time.Sleep(checkpointEvery / 5) {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d → %d bytes after 3 MB written: the WAL was not checkpointed", before, size())
		}
	}
}
