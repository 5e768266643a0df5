package sqlitex

import (
	"fmt"

	"github.com/pocketbase/dbx"
)

// Connection pools for a 4 GB office PC. PocketBase's defaults (120 read
// connections, 32 MB of page cache each) let memory grow past 1 GB under a burst
// of searches; six read connections and two for the logs, with 4 MB of page
// cache each, kept the peak near 100 MB at 1,000,000 dossiers and made
// concurrent search faster on two cores (bench/RESULTS.md).
const (
	DataMaxOpenConns = 6
	DataMaxIdleConns = 4
	AuxMaxOpenConns  = 2
	AuxMaxIdleConns  = 1
)

// DBConnect opens SQLite the way PocketBase does but with synchronous=FULL, so a
// committed dossier (and the receipt printed for it) survives a power cut, and a
// 4 MB page cache per connection (see DataMaxOpenConns).
func DBConnect(dbPath string) (*dbx.DB, error) {
	pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
		"&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-4000)"
	db, err := dbx.Open("sqlite", dbPath+pragmas)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	return db, nil
}
