package backup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"motcua/hooks/backupfmt"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

// addDossiers saves n dossiers straight through the app (no intake hook needed)
// and returns their codes.
func addDossiers(t testing.TB, app core.App, prefix string, n int) []string {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(base.ColDossiers)
	if err != nil {
		t.Fatal(err)
	}
	procs, err := app.FindRecordsByFilter(base.ColProcedures, "", "", 1, 0)
	if err != nil || len(procs) == 0 {
		t.Fatal("no procedure")
	}
	var codes []string
	for i := 0; i < n; i++ {
		r := core.NewRecord(col)
		code := fmt.Sprintf("000.00.00.H00-%s-%04d", prefix, i+1)
		r.Load(map[string]any{"code": code, "procedure": procs[0].Id, "applicant_name": "Thạch Thị Sa Ry",
			"status": "received", "received_at": time.Now(), "lookup_key": "abcdefghijkl"})
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, code)
	}
	return codes
}

// addScan attaches an uploaded file to a new dossier, so storage/ has content.
func addScan(t testing.TB, app core.App, content []byte) *core.Record {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId(base.ColDossiers)
	procs, _ := app.FindRecordsByFilter(base.ColProcedures, "", "", 1, 0)
	f, err := filesystem.NewFileFromBytes(content, "scan.pdf")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"code": "000.00.00.H00-260101-9999", "procedure": procs[0].Id, "applicant_name": "Lâm Văn Sóc", "status": "received"})
	r.Set("scans", []*filesystem.File{f})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// treeDigest hashes every file under dir (path and content), so a test can tell
// that nothing changed.
func treeDigest(t testing.TB, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == base.LockFileName {
			return nil // the lock a restore takes (and releases) to check for a server
		}
		if d.IsDir() {
			lines = append(lines, "d "+rel)
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		lines = append(lines, "f "+rel+" "+hex.EncodeToString(sum[:]))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestBackupAndRestoreRoundTrip: a backup holds the databases, the uploaded
// scan and a manifest whose checksums and counts match; restoring it into a
// fresh pb_data gives back every dossier and the scan, and keeps the previous
// pb_data aside.
func TestBackupAndRestoreRoundTrip(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	codes := addDossiers(t, app, "260302", 25)
	scan := []byte("%PDF-1.4 scanned paper " + strings.Repeat("x", 5000))
	rec := addScan(t, app, scan)

	target := t.TempDir()
	var progress bytes.Buffer
	res, err := Backup(app, target, &progress)
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !backupfmt.IsName(filepath.Base(res.Dir)) || filepath.Dir(res.Dir) != target {
		t.Errorf("backup folder %q", res.Dir)
	}
	for _, step := range []string{"1/4 data.db", "2/4 auxiliary.db", "3/4 storage", "4/4 manifest.json", "integrity ok"} {
		if !strings.Contains(progress.String(), step) {
			t.Errorf("progress lacks %q:\n%s", step, progress.String())
		}
	}
	entries, _ := os.ReadDir(target)
	if len(entries) != 1 {
		t.Errorf("target holds %d entries, want only the backup folder", len(entries))
	}
	m := res.Manifest
	if m.Counts[base.ColDossiers] != 26 || m.Counts[base.ColProcedures] == 0 || m.Pages["data.db"] == 0 {
		t.Errorf("manifest counts %v pages %v", m.Counts, m.Pages)
	}
	scanPath := "storage/" + rec.Collection().Id + "/" + rec.Id + "/" + rec.GetStringSlice("scans")[0]
	var sawScan bool
	for _, f := range m.Files {
		got, err := hashFile(filepath.Join(res.Dir, filepath.FromSlash(f.Path)), f.Path)
		if err != nil || got != f {
			t.Errorf("manifest entry %+v, file on disk %+v (%v)", f, got, err)
		}
		if f.Path == scanPath && f.Size == int64(len(scan)) {
			sawScan = true
		}
	}
	if !sawScan {
		t.Errorf("manifest lacks the scan %s: %+v", scanPath, m.Files)
	}
	// The copies are standalone files: no WAL or part files left behind.
	for _, extra := range []string{"data.db-wal", "data.db-shm", "data.db.part", "manifest.json.part"} {
		if _, err := os.Stat(filepath.Join(res.Dir, extra)); err == nil {
			t.Errorf("backup holds %s", extra)
		}
	}

	// Restore into another office's pb_data.
	other := filepath.Join(t.TempDir(), "pb_data")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "data.db"), []byte("old data"), 0o644); err != nil {
		t.Fatal(err)
	}
	rr, err := restoreBackup(other, res.Dir, RestoreOptions{Progress: io.Discard})
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if old, err := os.ReadFile(filepath.Join(rr.Aside, "data.db")); err != nil || string(old) != "old data" {
		t.Errorf("previous pb_data not kept aside at %q: %q %v", rr.Aside, old, err)
	}
	if !strings.Contains(filepath.Base(rr.Aside), "pb_data.before-restore-") {
		t.Errorf("aside name %q", rr.Aside)
	}
	db := testkit.OpenData(t, other)
	testkit.IntegrityOK(t, db)
	got := testkit.DossierCodes(t, db)
	for _, c := range codes {
		if got[c] != 1 {
			t.Errorf("restored data lacks %s", c)
		}
	}
	b, err := os.ReadFile(filepath.Join(other, filepath.FromSlash(scanPath)))
	if err != nil || !bytes.Equal(b, scan) {
		t.Errorf("restored scan: %v", err)
	}
}

// TestRestoreRefusesWhileServing: a running server holds the pb_data lock;
// restore refuses with a keyed error and changes nothing.
func TestRestoreRefusesWhileServing(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	target := t.TempDir()
	res, err := Backup(app, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	testkit.NewMux(t, app) // serve: takes the lock
	_, err = restoreBackup(app.DataDir(), res.Dir, RestoreOptions{})
	if errorKey(err) != "restore.server_running" {
		t.Fatalf("restore while serving: %v, want restore.server_running", err)
	}
	if !strings.Contains(err.Error(), "running") {
		t.Errorf("error text %q", err)
	}
	testkit.AssertNoRestoreLeftovers(t, app.DataDir())
}

func TestSecondServerRefused(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.NewMux(t, app)
	if _, err := base.LockDataDir(app.DataDir()); !errors.Is(err, base.ErrDataLocked) {
		t.Errorf("second lock on a served pb_data: %v, want errDataLocked", err)
	}
}
