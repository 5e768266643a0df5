package backup

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/backupfmt"
	"motcua/hooks/backupkey"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

// encryptedOffice is an office with dossiers, a scan and a confirmed backup
// key, and an encrypted backup of it.
type encryptedOffice struct {
	app    core.App
	code   backupkey.Code
	codes  []string
	scan   []byte
	scanMP string
	backup string
}

func newEncryptedOffice(t *testing.T) encryptedOffice {
	t.Helper()
	app := newTestApp(t)
	o := encryptedOffice{app: app}
	o.codes = addDossiers(t, app, "260302", 12)
	o.scan = []byte("%PDF-1.4 giấy khai sinh của Thạch Thị Sa Ry " + strings.Repeat("scan ", 3000))
	rec := addScan(t, app, o.scan)
	o.scanMP = "storage/" + rec.Collection().Id + "/" + rec.Id + "/" + rec.GetStringSlice("scans")[0]
	o.code = giveKey(t, app)
	res, err := Backup(app, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	o.backup = res.Dir
	return o
}

// TestEncryptedBackupOnTheStick: what lands on the target is ciphertext only
// (no applicant name, no scan, no SQLite file), private to the PC's owner
// (0600 files, 0700 folders), and the manifest names the key.
func TestEncryptedBackupOnTheStick(t *testing.T) {
	t.Parallel()
	o := newEncryptedOffice(t)
	m := readManifest(t, o.backup)
	if !m.Encrypted() || m.Key.Fingerprint != o.code.Fingerprint() || m.Counts[base.ColDossiers] != 13 {
		t.Fatalf("manifest: %+v", m)
	}
	files := 0
	err := filepath.WalkDir(o.backup, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(o.backup, p)
		if runtime.GOOS != "windows" {
			want := os.FileMode(0o600)
			if d.IsDir() {
				want = 0o700
			}
			if info.Mode().Perm() != want {
				t.Errorf("%s has mode %v, want %v", rel, info.Mode().Perm(), want)
			}
		}
		if d.IsDir() {
			return nil
		}
		files++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, plain := range [][]byte{[]byte("Thạch Thị Sa Ry"), []byte("SQLite format 3"), o.scan[:40], []byte(o.codes[0])} {
			if bytes.Contains(b, plain) {
				t.Errorf("%s holds plaintext %.30q", rel, plain)
			}
		}
		if rel != backupfmt.ManifestName && rel != backupfmt.IndexName && !strings.HasPrefix(filepath.ToSlash(rel), backupfmt.SealedDir+"/") {
			t.Errorf("unexpected file %s in an encrypted backup", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != len(m.Files)+1 {
		t.Errorf("%d files on the stick, manifest lists %d (+ itself)", files, len(m.Files))
	}
	// The database snapshot was made on the PC's disk and removed.
	if _, err := os.Stat(filepath.Join(o.app.DataDir(), core.LocalTempDirName)); err == nil {
		entries, _ := os.ReadDir(filepath.Join(o.app.DataDir(), core.LocalTempDirName))
		if len(entries) > 0 {
			t.Errorf("local snapshot left: %v", entries)
		}
	}
	// The stick checks whole without the key.
	if _, err := checkBackupOnly(o.backup, "", nil, nil); err != nil {
		t.Errorf("check without a code: %v", err)
	}
}

// TestRestoreEncryptedOnNewPC: the backup restores on a new PC (no pb_data
// yet) with the sheet scanned at the prompt, and every dossier and the scan
// are back; with the wrong sheet, no sheet, or a damaged file, restore
// refuses with its own clear message and the new PC's folder stays as it was.
func TestRestoreEncryptedOnNewPC(t *testing.T) {
	t.Parallel()
	o := newEncryptedOffice(t)

	t.Run("wrong sheet", func(t *testing.T) {
		dataDir := filepath.Join(t.TempDir(), "pb_data")
		wrong := otherCode(t)
		_, err := restoreBackup(dataDir, o.backup, RestoreOptions{Code: wrong.Typed()})
		if errorKey(err) != backupkey.KeyWrongKey {
			t.Fatalf("wrong sheet: %v, want %s", err, backupkey.KeyWrongKey)
		}
		for _, lang := range i18n.Languages {
			txt := err.(*base.OpError).Text(lang)
			if !strings.Contains(txt, o.code.Fingerprint()) || !strings.Contains(txt, wrong.Fingerprint()) {
				t.Errorf("%s: %q does not name both fingerprints", lang, txt)
			}
		}
		if _, err := os.Stat(dataDir); err == nil {
			t.Error("a refused restore made pb_data")
		}
		testkit.AssertNoRestoreLeftovers(t, dataDir)
	})
	t.Run("no sheet", func(t *testing.T) {
		dataDir := filepath.Join(t.TempDir(), "pb_data")
		_, err := restoreBackup(dataDir, o.backup, RestoreOptions{})
		if errorKey(err) != backupkey.KeyNeeded || !strings.Contains(err.(*base.OpError).Text("km"), o.code.Fingerprint()) {
			t.Fatalf("no code: %v", err)
		}
	})
	t.Run("scanned at the prompt", func(t *testing.T) {
		dataDir := filepath.Join(t.TempDir(), "pb_data")
		var out bytes.Buffer
		// A USB scanner in keyboard mode types the QR text, then Enter; then
		// the IT person types the number on the newest receipt.
		res, err := restoreBackup(dataDir, o.backup, RestoreOptions{Input: strings.NewReader(o.code.QR() + "\r\n77\n"),
			AskLastCode: true, Progress: &out})
		if err != nil {
			t.Fatalf("restore: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), i18n.T("vi", "restore.prompt_code", "want", o.code.Fingerprint())) {
			t.Errorf("no prompt naming the sheet:\n%s", out.String())
		}
		if res.NotEncrypted || res.Aside != "" || res.RemovedEmpty {
			t.Errorf("result %+v", res)
		}
		if a := res.Sequences.Asked; a == nil || a.Number != 77 {
			t.Errorf("the second answer (last code printed) was lost: %+v", a)
		}
		db := testkit.OpenData(t, dataDir)
		testkit.IntegrityOK(t, db)
		got := testkit.DossierCodes(t, db)
		for _, c := range o.codes {
			if got[c] != 1 {
				t.Errorf("restored data lacks %s", c)
			}
		}
		b, err := os.ReadFile(filepath.Join(dataDir, filepath.FromSlash(o.scanMP)))
		if err != nil || !bytes.Equal(b, o.scan) {
			t.Errorf("restored scan: %v", err)
		}
	})

	damaged := []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"a sealed file flipped", func(t *testing.T, dir string) {
			flipByte(t, filepath.Join(dir, filepath.FromSlash(backupfmt.SealedPath("data.db"))), -1)
		}},
		{"a sealed file flipped, manifest agrees", func(t *testing.T, dir string) {
			sp := backupfmt.SealedPath(o.scanMP)
			flipByte(t, filepath.Join(dir, filepath.FromSlash(sp)), -1)
			rewriteManifest(t, dir, sp)
		}},
		{"index flipped, manifest agrees", func(t *testing.T, dir string) {
			flipByte(t, filepath.Join(dir, backupfmt.IndexName), -1)
			rewriteManifest(t, dir, backupfmt.IndexName)
		}},
	}
	for _, c := range damaged {
		t.Run(c.name, func(t *testing.T) {
			// The office's current data: the good backup restored.
			dataDir := filepath.Join(t.TempDir(), "pb_data")
			if _, err := restoreBackup(dataDir, o.backup, RestoreOptions{Code: o.code.Typed()}); err != nil {
				t.Fatal(err)
			}
			before := treeDigest(t, dataDir)
			dir := copyTree(t, o.backup)
			c.damage(t, dir)
			_, err := restoreBackup(dataDir, dir, RestoreOptions{Code: o.code.Typed()})
			if errorKey(err) != "restore.file_damaged" {
				t.Fatalf("restore: %v (key %s), want restore.file_damaged", err, errorKey(err))
			}
			if txt := err.(*base.OpError).Text("vi"); strings.Contains(txt, "phiếu") {
				t.Errorf("a damaged backup reads like a wrong sheet: %q", txt)
			}
			if treeDigest(t, dataDir) != before {
				t.Error("a refused restore changed pb_data")
			}
			testkit.AssertNoRestoreLeftovers(t, dataDir)
		})
	}
}

// TestRestoreOldPlainBackup: a backup made before the office had a key (or by
// an older motcua: "motcua-backup/1") restores, and says it was not encrypted.
func TestRestoreOldPlainBackup(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	codes := addDossiers(t, app, "260302", 4)
	res, err := Backup(app, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, res.Dir)
	if m.Format != backupfmt.Format || m.Key != nil {
		t.Fatalf("a backup without a key: %+v", m)
	}
	dataDir := filepath.Join(t.TempDir(), "pb_data")
	var out bytes.Buffer
	// A code given anyway is not needed and not in the way.
	rr, err := restoreBackup(dataDir, res.Dir, RestoreOptions{Code: otherCode(t).Typed(), Progress: &out})
	if err != nil {
		t.Fatal(err)
	}
	if !rr.NotEncrypted || !strings.Contains(out.String(), i18n.T("vi", backupkey.KeyNotEncrypted)) {
		t.Errorf("no notice that the backup was not encrypted: %+v\n%s", rr, out.String())
	}
	got := testkit.DossierCodes(t, testkit.OpenData(t, dataDir))
	for _, c := range codes {
		if got[c] != 1 {
			t.Errorf("restored data lacks %s", c)
		}
	}
}

// TestSheetLostRekey: the sheet is lost while the PC works. A leader makes a
// new key; until its sheet is confirmed backups keep the old key; then the
// next backup opens with the new sheet only, and the old backup still opens
// with the old sheet.
func TestSheetLostRekey(t *testing.T) {
	t.Parallel()
	o := newEncryptedOffice(t)
	newCode, k, err := newPendingKey(o.app, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if k.Recipient == k.Pending || k.Fingerprint != o.code.Fingerprint() {
		t.Fatalf("re-key state %+v", k)
	}
	mid, err := Backup(o.app, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if readManifest(t, mid.Dir).Key.Fingerprint != o.code.Fingerprint() {
		t.Error("a backup used the new key before its sheet was confirmed")
	}
	if _, err := confirmKey(o.app, newCode.Typed(), "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	k, _ = loadKeyState(o.app)
	if len(k.History) != 1 || k.History[0].Fingerprint != o.code.Fingerprint() {
		t.Errorf("history after the re-key: %+v", k.History)
	}
	addDossiers(t, o.app, "260303", 2)
	after, err := Backup(o.app, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if readManifest(t, after.Dir).Key.Fingerprint != newCode.Fingerprint() {
		t.Fatal("the backup after the re-key is not under the new key")
	}
	// The new backup with the old sheet: refused, naming both.
	_, err = restoreBackup(filepath.Join(t.TempDir(), "pb_data"), after.Dir, RestoreOptions{Code: o.code.Typed()})
	if errorKey(err) != backupkey.KeyWrongKey {
		t.Errorf("new backup, old sheet: %v", err)
	}
	// The new backup with the new sheet, the old backup with the old sheet.
	for _, c := range []struct {
		dir  string
		code backupkey.Code
		n    int
	}{{after.Dir, newCode, 15}, {o.backup, o.code, 13}} {
		dataDir := filepath.Join(t.TempDir(), "pb_data")
		if _, err := restoreBackup(dataDir, c.dir, RestoreOptions{Code: c.code.Typed()}); err != nil {
			t.Fatalf("restore %s: %v", c.dir, err)
		}
		if got := len(testkit.DossierCodes(t, testkit.OpenData(t, dataDir))); got != c.n {
			t.Errorf("%s restored %d dossiers, want %d", c.dir, got, c.n)
		}
	}
}

// TestRestoreOnFreshPCLeavesNoEmptyAside: the folder a fresh PC made when the
// program first started (no dossier, no staff, no upload) is removed, not
// kept as a misleading pb_data.before-restore-…; a folder with data is kept.
func TestRestoreOnFreshPCLeavesNoEmptyAside(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	addDossiers(t, app, "260302", 2)
	res, err := Backup(app, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	fresh := func(t *testing.T, migrate bool) string {
		dataDir := filepath.Join(t.TempDir(), "pb_data")
		a := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir, EncryptionEnv: "pb_test_env"})
		if err := a.Bootstrap(); err != nil {
			t.Fatal(err)
		}
		if migrate {
			if err := a.RunAllMigrations(); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.ResetBootstrapState(); err != nil {
			t.Fatal(err)
		}
		return dataDir
	}
	for _, c := range []struct {
		name    string
		dataDir func(t *testing.T) string
		kept    bool
	}{
		{"as 'motcua restore' bootstraps it", func(t *testing.T) string { return fresh(t, false) }, false},
		{"started once (catalogue, no dossier)", func(t *testing.T) string { return fresh(t, true) }, false},
		{"started once, a staff account made", func(t *testing.T) string {
			dir := fresh(t, true)
			db := testkit.OpenData(t, dir)
			if _, err := db.NewQuery("INSERT INTO staff (id, username, email, password, tokenKey, role, name) VALUES ('s1', 'a', 'a@x.vn', 'x', 'k', 'leader', 'A')").Execute(); err != nil {
				t.Fatal(err)
			}
			db.Close()
			return dir
		}, true},
		{"an upload only", func(t *testing.T) string {
			dir := fresh(t, true)
			p := filepath.Join(dir, "storage", "c", "r", "scan.pdf")
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte("%PDF"), 0o644)
			return dir
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dataDir := c.dataDir(t)
			rr, err := restoreBackup(dataDir, res.Dir, RestoreOptions{})
			if err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(filepath.Dir(dataDir))
			var asides []string
			for _, e := range entries {
				if strings.Contains(e.Name(), ".before-restore-") {
					asides = append(asides, e.Name())
				}
			}
			if c.kept != (rr.Aside != "") || c.kept != (len(asides) == 1) || c.kept == rr.RemovedEmpty || len(asides) > 1 {
				t.Errorf("kept=%v: result %+v, folders %v", c.kept, rr, asides)
			}
			if got := len(testkit.DossierCodes(t, testkit.OpenData(t, dataDir))); got != 2 {
				t.Errorf("restored %d dossiers", got)
			}
		})
	}
}
