package testkit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"motcua/hooks/internal/sqlitex"
)

// OpenData opens a pb_data's data.db the way the server does.
func OpenData(t testing.TB, dataDir string) *dbx.DB {
	t.Helper()
	db, err := sqlitex.DBConnect(filepath.Join(dataDir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func DossierCodes(t testing.TB, db dbx.Builder) map[string]int {
	t.Helper()
	var rows []struct {
		Code string `db:"code"`
	}
	if err := db.NewQuery("SELECT code FROM dossiers").All(&rows); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Code]++
	}
	return out
}

func IntegrityOK(t testing.TB, db dbx.Builder) {
	t.Helper()
	var res string
	if err := db.NewQuery("PRAGMA integrity_check").Row(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
}

// AssertNoRestoreLeftovers fails if a refused restore left a staging or aside
// folder beside pb_data.
func AssertNoRestoreLeftovers(t testing.TB, dataDir string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Dir(dataDir))
	base := filepath.Base(dataDir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+base+".restoring-") || strings.HasPrefix(e.Name(), base+".before-restore-") {
			t.Errorf("refused restore left %s", e.Name())
		}
	}
}
