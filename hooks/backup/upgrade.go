package backup

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"motcua/hooks/backupfmt"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
)

// Upgrades by copying a file. A new motcua.exe copied over the old one finds
// data made by the old one: its migrations (PocketBase's and ours) are
// pending. "serve" runs them at start. This guard, bound on the bootstrap of
// "serve" before the database is opened:
//
//   - refuses to start an older program on newer data (a migration is applied
//     that this program does not know, and is newer than all it knows), with
//     a message that says which program to run instead: an old program would
//     run on tables it does not understand;
//   - with pending migrations, first makes a backup (encrypted to the office's
//     key, into the backup folder, named before-upgrade-<time> and never
//     pruned), then keeps a byte-for-byte copy of the database files beside
//     pb_data, lets PocketBase open the data and run every migration itself,
//     and, if one fails, puts the database files back exactly as they were and
//     says how to go back: the old program, or restore that backup.
//
// Nothing is done for a fresh data folder (no data.db yet) or when nothing is
// pending. Migrations are compared by file name, the way PocketBase's
// migrations table records them.

const upgradeHookID = "motcua.upgrade"

// GuardUpgrades binds the guard on pb's bootstrap for the "serve" command.
func GuardUpgrades(pb *pocketbase.PocketBase) {
	pb.OnBootstrap().Bind(&hook.Handler[*core.BootstrapEvent]{
		Id: upgradeHookID,
		Func: func(e *core.BootstrapEvent) error {
			cmd, _, err := pb.RootCmd.Find(os.Args[1:])
			if err != nil || cmd.Name() != "serve" {
				return e.Next()
			}
			return guardUpgrade(e, e.App.DataDir(), os.Stdout)
		},
	})
}

// knownMigrations are the migration files this program carries.
func knownMigrations() []string {
	var out []string
	for _, l := range []core.MigrationsList{core.SystemMigrations, core.AppMigrations} {
		for _, m := range l.Items() {
			out = append(out, m.File)
		}
	}
	return out
}

// appliedMigrations reads the migrations table of a data.db without changing
// a byte of the folder; nil when there is no such table.
func appliedMigrations(dbPath string) ([]string, error) {
	db, err := openReadOnly(dbPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var exists int
	if err := db.NewQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").Row(&exists); err != nil {
		return nil, fmt.Errorf("read %s: %w", dbPath, err)
	}
	if exists == 0 {
		return nil, nil
	}
	var rows []struct {
		File string `db:"file"`
	}
	if err := db.NewQuery("SELECT file FROM _migrations ORDER BY file").All(&rows); err != nil {
		return nil, fmt.Errorf("read migrations of %s: %w", dbPath, err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.File
	}
	return out, nil
}

// migrationStamp is the leading number of a migration file name (its unix
// time), or -1.
func migrationStamp(file string) int64 {
	i := strings.IndexByte(file, '_')
	if i <= 0 {
		return -1
	}
	n, err := strconv.ParseInt(file[:i], 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// compareMigrations splits the migrations of the data: applied ones this
// program does not know and that are newer than every one it knows (data of
// a newer program: PocketBase drops old system migrations from its list over
// the years, so an unknown old one is no sign of newer data), and known ones
// not applied yet (pending).
func compareMigrations(applied, known []string) (newer, pending []string) {
	var newest int64 = -1
	knownSet := map[string]bool{}
	for _, k := range known {
		knownSet[k] = true
		if s := migrationStamp(k); s > newest {
			newest = s
		}
	}
	appliedSet := map[string]bool{}
	for _, a := range applied {
		appliedSet[a] = true
		if !knownSet[a] && migrationStamp(a) > newest {
			newer = append(newer, a)
		}
	}
	for _, k := range known {
		if !appliedSet[k] {
			pending = append(pending, k)
		}
	}
	sort.Strings(newer)
	return newer, pending
}

// upgradeError is a refused or failed start with the text to print, in each
// language, for the IT person.
type upgradeError struct {
	err   error
	lines []string
}

func (e *upgradeError) Error() string { return e.err.Error() }
func (e *upgradeError) Unwrap() error { return e.err }

// say prints the message key in Vietnamese, Khmer and English.
func sayAll(out io.Writer, key string, args ...any) {
	for _, lang := range i18n.Languages {
		fmt.Fprintln(out, i18n.T(lang, key, args...))
	}
}

// guardUpgrade is the guard around the bootstrap of "serve" (e.Next opens the
// data and runs PocketBase's system migrations).
func guardUpgrade(e *core.BootstrapEvent, dataDir string, out io.Writer) error {
	dbPath := filepath.Join(dataDir, backupfmt.Databases[0])
	if st, err := os.Stat(dbPath); err != nil || st.Size() == 0 {
		return e.Next() // a fresh data folder: nothing to upgrade
	}
	removeUpgradeLeftovers(dataDir)
	applied, err := appliedMigrations(dbPath)
	if err != nil || len(applied) == 0 {
		return e.Next() // not ours to judge: PocketBase reports a bad database
	}
	newer, pending := compareMigrations(applied, knownMigrations())
	if len(newer) > 0 {
		sayAll(out, "upgrade.newer_data", "dir", dataDir, "migration", newer[len(newer)-1])
		return fmt.Errorf("refusing to start: %s holds data of a newer motcua (migration %s)", dataDir, newer[len(newer)-1])
	}
	if len(pending) == 0 {
		return e.Next()
	}

	lock, err := base.LockDataDir(dataDir)
	if errors.Is(err, base.ErrDataLocked) {
		sayAll(out, "upgrade.server_running", "dir", dataDir)
		return fmt.Errorf("upgrade: %w", err)
	}
	if err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	unlock := func() { _ = lock.Unlock() } // serve takes the lock itself, later
	sayAll(out, "upgrade.start", "n", len(pending))
	res, err := backupBeforeUpgrade(dataDir, out)
	if err != nil {
		unlock()
		printError(out, err)
		sayAll(out, "upgrade.backup_failed")
		return fmt.Errorf("upgrade: backup before upgrading: %w", err)
	}
	sayAll(out, "upgrade.backup_done", "dir", res.Dir)
	snap, err := snapshotFiles(dataDir)
	if err != nil {
		unlock()
		sayAll(out, "upgrade.backup_failed")
		return fmt.Errorf("upgrade: keep the database files: %w", err)
	}

	err = e.Next()
	if err == nil {
		err = e.App.RunAllMigrations()
	}
	if err != nil {
		_ = e.App.ResetBootstrapState()
		rbErr := snap.rollBack()
		unlock()
		failed := failedMigration(err)
		sayAll(out, "upgrade.failed", "migration", failed)
		fmt.Fprintf(out, "  (%v)\n", err)
		if rbErr != nil {
			fmt.Fprintf(out, "  rollback: %v; the files are in %s\n", rbErr, snap.dir)
		}
		sayAll(out, "upgrade.way_back", "dir", res.Dir)
		return fmt.Errorf("upgrade failed, data left as it was: %w", err)
	}
	snap.remove()
	unlock()
	recordBackupRun(e.App, "upgrade", filepath.Dir(res.Dir), res, nil)
	sayAll(out, "upgrade.done", "n", len(pending), "dir", res.Dir)
	return nil
}

// failedMigration names the migration in PocketBase's "failed to apply
// migration X: …", or "?" .
func failedMigration(err error) string {
	msg := err.Error()
	const p = "failed to apply migration "
	if i := strings.Index(msg, p); i >= 0 {
		rest := msg[i+len(p):]
		if j := strings.IndexByte(rest, ':'); j > 0 {
			return rest[:j]
		}
		return rest
	}
	return "?"
}

// printError prints a keyed error the way the other commands do.
func printError(out io.Writer, err error) {
	fmt.Fprintln(out, base.CLIError(err).Error())
}

// upgradePrefix starts the folder beside pb_data that holds the database
// files while migrations run.
func upgradePrefix(dataDir string) string { return "." + filepath.Base(dataDir) + ".upgrade-" }

// removeUpgradeLeftovers removes the copies a guard killed mid-upgrade left
// (the migrations are one transaction: SQLite rolled them back on open).
func removeUpgradeLeftovers(dataDir string) {
	parent := filepath.Dir(dataDir)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), upgradePrefix(dataDir)) {
			_ = os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}

// fileSnapshot is a byte-for-byte copy of the database files of a pb_data.
type fileSnapshot struct {
	dataDir string
	dir     string
	files   []string // the names copied (data.db, data.db-wal …)
}

// dbSuffixes are the files SQLite may keep beside a database.
var dbSuffixes = []string{"", "-wal", "-shm", "-journal"}

// snapshotFiles copies the databases of dataDir (with their WAL, if any) to
// a folder beside it. Nothing may use them meanwhile: the caller holds the lock.
func snapshotFiles(dataDir string) (*fileSnapshot, error) {
	s := &fileSnapshot{dataDir: dataDir, dir: filepath.Join(filepath.Dir(dataDir), upgradePrefix(dataDir)+time.Now().Format("20060102-150405"))}
	if err := os.Mkdir(s.dir, 0o700); err != nil {
		return nil, err
	}
	for _, db := range backupfmt.Databases {
		for _, suf := range dbSuffixes {
			name := db + suf
			src := filepath.Join(dataDir, name)
			if _, err := os.Stat(src); err != nil {
				continue
			}
			if err := copyPlainFile(src, filepath.Join(s.dir, name)); err != nil {
				_ = os.RemoveAll(s.dir)
				return nil, err
			}
			s.files = append(s.files, name)
		}
	}
	return s, nil
}

// rollBack puts the copied files back in place of what the failed upgrade
// left, and removes any database side file that was not there before.
func (s *fileSnapshot) rollBack() error {
	had := map[string]bool{}
	for _, f := range s.files {
		had[f] = true
	}
	var errs []error
	for _, db := range backupfmt.Databases {
		for _, suf := range dbSuffixes {
			name := db + suf
			if !had[name] {
				if err := os.Remove(filepath.Join(s.dataDir, name)); err != nil && !isMissing(err) {
					errs = append(errs, err)
				}
			}
		}
	}
	// Side files before their database, so a database is never back with a
	// WAL that does not belong to it.
	sort.Slice(s.files, func(i, j int) bool { return len(s.files[i]) > len(s.files[j]) })
	for _, f := range s.files {
		if err := os.Rename(filepath.Join(s.dir, f), filepath.Join(s.dataDir, f)); err != nil {
			errs = append(errs, err)
		}
	}
	_ = os.RemoveAll(filepath.Join(s.dataDir, core.LocalTempDirName))
	if len(errs) == 0 {
		_ = os.RemoveAll(s.dir)
	}
	return errors.Join(errs...)
}

func (s *fileSnapshot) remove() { _ = os.RemoveAll(s.dir) }

// copyPlainFile copies src to dst (0600) and syncs it.
func copyPlainFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// upgradeBackupPrefix names the backup made before an upgrade. It is not a
// dated backup name, so the automatic rotation never prunes it.
const upgradeBackupPrefix = "before-upgrade-"

// backupBeforeUpgrade backs up the data of dataDir before anything opens it
// for writing: read-only connections to both databases, the office's backup
// folder and key read from them, into <backup folder>/before-upgrade-<time>.
// When the office's chosen folder is missing (a USB stick not plugged in) the
// default folder beside pb_data is used: a backup there beats none.
func backupBeforeUpgrade(dataDir string, out io.Writer) (*backupResult, error) {
	start := time.Now()
	dataDB, err := openReadOnly(filepath.Join(dataDir, backupfmt.Databases[0]))
	if err != nil {
		return nil, opErr("backup.failed", err)
	}
	defer dataDB.Close()
	var auxDB *dbx.DB
	if _, err := os.Stat(filepath.Join(dataDir, backupfmt.Databases[1])); err == nil {
		if auxDB, err = openReadOnly(filepath.Join(dataDir, backupfmt.Databases[1])); err != nil {
			return nil, opErr("backup.failed", err)
		}
		defer auxDB.Close()
	}
	dir, recipient := officeBackupSettings(dataDB)
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, opErr("backup.failed", err)
	}
	if dir == "" || checkTarget(dir) != nil {
		dir = filepath.Join(filepath.Dir(abs), defaultBackupFolder)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, targetError(dir, err)
		}
	}
	src := source{dataDir: dataDir, data: dataDB, recipient: recipient}
	if auxDB != nil {
		src.aux = auxDB
	}
	tmp, m, err := writeBackup(src, backupOptions{Target: dir, Progress: out, trigger: "upgrade"})
	if err != nil {
		return nil, err
	}
	final, err := freeName(dir, upgradeBackupPrefix+time.Now().In(base.Zone).Format("20060102-150405"))
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, targetError(dir, err)
	}
	syncDir(dir)
	return &backupResult{Dir: final, Manifest: m, Took: time.Since(start)}, nil
}

// officeBackupSettings reads the office's backup folder and key from a
// database that may predate those fields (each is "" then).
func officeBackupSettings(db dbx.Builder) (dir, recipient string) {
	for _, col := range []string{"backup_dir", "backup_recipient"} {
		var v []struct {
			V string `db:"v"`
		}
		if err := db.NewQuery(`SELECT COALESCE("` + col + `", '') AS v FROM office LIMIT 1`).All(&v); err == nil && len(v) > 0 {
			switch col {
			case "backup_dir":
				dir = strings.TrimSpace(v[0].V)
			case "backup_recipient":
				recipient = strings.TrimSpace(v[0].V)
			}
		}
	}
	return dir, recipient
}
