package backup

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"motcua/hooks/backupfmt"
	"motcua/hooks/internal/base"
)

// opErr is a failed backup or restore step with a message key.
func opErr(key string, err error, args ...any) *base.OpError {
	return &base.OpError{Key: key, Args: args, Err: err}
}

// errorKey is the message key of err, "backup.failed" when it has none.
func errorKey(err error) string {
	var oe *base.OpError
	if errors.As(err, &oe) {
		return oe.Key
	}
	return "backup.failed"
}

// backupOptions say where and how to write one backup.
type backupOptions struct {
	// Target is the folder that receives the backup folder; it must exist.
	Target string
	// Progress receives one line per step; nil is silent.
	Progress io.Writer
	// wrapWriter, when set, wraps every file writer of the copy step and the
	// manifest (tests inject a full disk with it).
	wrapWriter func(io.Writer) io.Writer
	// afterDatabases, when set, runs once the databases are copied (tests).
	afterDatabases func()
}

// backupResult is a finished backup folder.
type backupResult struct {
	Dir      string
	Manifest *backupfmt.Manifest
	Took     time.Duration
}

func (o *backupOptions) say(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

// writeBackup builds a complete backup of app in a hidden temp folder inside
// opts.Target and returns that folder; the caller renames it into place. On any
// error the temp folder is removed, so nothing half-written is left to look good.
func writeBackup(app core.App, opts backupOptions) (tmp string, m *backupfmt.Manifest, err error) {
	now := time.Now()
	if err := checkTarget(opts.Target); err != nil {
		return "", nil, err
	}
	name := backupfmt.Name(now, base.Zone)
	tmp = filepath.Join(opts.Target, backupfmt.TempPrefix+name+fmt.Sprintf("-%d", os.Getpid()))
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return "", nil, targetError(opts.Target, err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(tmp)
			tmp = ""
		}
	}()
	m = &backupfmt.Manifest{
		Format:     backupfmt.Format,
		Name:       name,
		CreatedAt:  now.UTC().Format(time.RFC3339),
		AppVersion: appVersion(),
		Counts:     map[string]int64{},
		Pages:      map[string]int64{},
	}
	dbs := []struct {
		file string
		db   dbx.Builder
	}{
		{backupfmt.Databases[0], app.ConcurrentDB()},
		{backupfmt.Databases[1], app.AuxConcurrentDB()},
	}
	steps := len(dbs) + 2
	for i, d := range dbs {
		start := time.Now()
		opts.say("%d/%d %s …", i+1, steps, d.file)
		f, pages, err := copyDatabase(d.db, tmp, d.file, m, opts.Target)
		if err != nil {
			return tmp, nil, err
		}
		m.Files = append(m.Files, f)
		m.Pages[d.file] = pages
		opts.say("    %s, %d pages, integrity ok, %s", ByteSize(f.Size), pages, time.Since(start).Round(time.Millisecond))
	}
	if opts.afterDatabases != nil {
		opts.afterDatabases()
	}

	// Uploaded files are copied after the databases: a file uploaded meanwhile is
	// an extra the copied database does not name, never a name without a file.
	start := time.Now()
	opts.say("%d/%d %s …", steps-1, steps, backupfmt.StorageDir)
	files, err := copyStorage(filepath.Join(app.DataDir(), backupfmt.StorageDir), tmp, opts)
	if err != nil {
		return tmp, nil, err
	}
	m.Files = append(m.Files, files...)
	var storageBytes int64
	for _, f := range files {
		storageBytes += f.Size
	}
	opts.say("    %d files, %s, %s", len(files), ByteSize(storageBytes), time.Since(start).Round(time.Millisecond))

	opts.say("%d/%d %s", steps, steps, backupfmt.ManifestName)
	if err := writeManifest(tmp, m, opts); err != nil {
		return tmp, nil, err
	}
	syncDir(tmp)
	return tmp, m, nil
}

// copyDatabase writes a consistent copy of one database, checks it, counts its
// records and returns its manifest entry.
func copyDatabase(db dbx.Builder, dir, file string, m *backupfmt.Manifest, target string) (backupfmt.File, int64, error) {
	part := filepath.Join(dir, file+".part")
	if err := snapshotDatabase(db, part); err != nil {
		_ = os.Remove(part)
		return backupfmt.File{}, 0, targetError(target, fmt.Errorf("copy %s: %w", file, err))
	}
	copyDB, err := dbx.Open("sqlite", part)
	if err != nil {
		return backupfmt.File{}, 0, opErr("backup.failed", fmt.Errorf("open copy of %s: %w", file, err))
	}
	pages, checkErr := checkDatabase(copyDB, file)
	if checkErr == nil && file == backupfmt.Databases[0] {
		checkErr = countRecords(copyDB, m.Counts)
	}
	if err := copyDB.Close(); err != nil && checkErr == nil {
		checkErr = fmt.Errorf("close copy of %s: %w", file, err)
	}
	if checkErr != nil {
		return backupfmt.File{}, 0, checkErr
	}
	// SQLite does not fsync what VACUUM INTO writes: do it before trusting it.
	if err := syncFile(part); err != nil {
		return backupfmt.File{}, 0, targetError(target, err)
	}
	final := filepath.Join(dir, file)
	if err := os.Rename(part, final); err != nil {
		return backupfmt.File{}, 0, targetError(target, err)
	}
	f, err := hashFile(final, file)
	if err != nil {
		return backupfmt.File{}, 0, targetError(target, err)
	}
	return f, pages, nil
}

// snapshotDatabase copies a live database to dst with VACUUM INTO: one read
// transaction (writers in WAL mode go on) that writes a compact, standalone
// copy. SQLite's online backup API was measured as no faster with this driver,
// and a stepwise backup restarts on every write, never finishing under intake.
func snapshotDatabase(db dbx.Builder, dst string) error {
	if _, err := db.NewQuery("VACUUM INTO {:path}").Bind(dbx.Params{"path": dst}).Execute(); err != nil {
		return err
	}
	// While the snapshot was read, the WAL could only grow. Checkpoint it now,
	// here, so the backlog is not copied (and fsynced) inside the next intake
	// request's commit. PASSIVE never blocks writers.
	_, _ = db.NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Execute()
	return nil
}

// checkDatabase runs PRAGMA integrity_check on a database copy, switches it to
// rollback-journal mode (so it can be read from a write-protected USB stick
// without side files) and returns its page count.
func checkDatabase(db *dbx.DB, file string) (int64, error) {
	var mode string
	if err := db.NewQuery("PRAGMA journal_mode=DELETE").Row(&mode); err != nil {
		return 0, opErr("backup.integrity_failed", fmt.Errorf("%s journal mode: %w", file, err), "file", file)
	}
	var rows []struct {
		Result string `db:"integrity_check"`
	}
	if err := db.NewQuery("PRAGMA integrity_check").All(&rows); err != nil {
		return 0, opErr("backup.integrity_failed", fmt.Errorf("%s: %w", file, err), "file", file)
	}
	if len(rows) != 1 || rows[0].Result != "ok" {
		var msgs []string
		for i, r := range rows {
			if i == 5 {
				break
			}
			msgs = append(msgs, r.Result)
		}
		return 0, opErr("backup.integrity_failed", fmt.Errorf("%s: %s", file, strings.Join(msgs, "; ")), "file", file)
	}
	var pages int64
	if err := db.NewQuery("PRAGMA page_count").Row(&pages); err != nil {
		return 0, opErr("backup.integrity_failed", fmt.Errorf("%s page count: %w", file, err), "file", file)
	}
	return pages, nil
}

// countRecords counts the records of every collection (views excepted) in a
// copy of data.db, so the manifest says what the backup holds.
func countRecords(db *dbx.DB, counts map[string]int64) error {
	var cols []struct {
		Name string `db:"name"`
	}
	if err := db.NewQuery("SELECT name FROM _collections WHERE type != 'view' ORDER BY name").All(&cols); err != nil {
		return fmt.Errorf("list collections in copy: %w", err)
	}
	for _, c := range cols {
		var n int64
		// Table names come from the copy's own schema, quoted as identifiers.
		q := `SELECT COUNT(*) FROM "` + strings.ReplaceAll(c.Name, `"`, `""`) + `"`
		if err := db.NewQuery(q).Row(&n); err != nil {
			return fmt.Errorf("count %s in copy: %w", c.Name, err)
		}
		counts[c.Name] = n
	}
	return nil
}

// copyStorage copies the uploaded files under src into dir/storage and returns
// their manifest entries. A missing storage folder is an office without uploads.
func copyStorage(src, dir string, opts backupOptions) ([]backupfmt.File, error) {
	var out []backupfmt.File
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while we walked (a dossier deleted meanwhile)
			}
			return opErr("backup.failed", fmt.Errorf("read %s: %w", p, err))
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return opErr("backup.failed", err)
		}
		mp := backupfmt.StorageDir + "/" + filepath.ToSlash(rel)
		if err := backupfmt.CheckPath(mp); err != nil {
			return opErr("backup.failed", err)
		}
		f, err := copyFile(p, filepath.Join(dir, filepath.FromSlash(mp)), mp, opts)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return out, err
}

// copyFile copies src to dst (creating its folder), hashing as it goes, and
// syncs it to the disk.
func copyFile(src, dst, manifestPath string, opts backupOptions) (backupfmt.File, error) {
	in, err := os.Open(src)
	if err != nil {
		return backupfmt.File{}, err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return backupfmt.File{}, targetError(opts.Target, err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return backupfmt.File{}, targetError(opts.Target, err)
	}
	h := backupfmt.NewHasher()
	var w io.Writer = out
	if opts.wrapWriter != nil {
		w = opts.wrapWriter(out)
	}
	_, err = io.Copy(io.MultiWriter(w, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return backupfmt.File{}, targetError(opts.Target, fmt.Errorf("copy %s: %w", manifestPath, err))
	}
	return h.File(manifestPath), nil
}

// writeManifest writes the manifest last, through a temporary name.
func writeManifest(dir string, m *backupfmt.Manifest, opts backupOptions) error {
	b, err := m.Marshal()
	if err != nil {
		return opErr("backup.failed", err)
	}
	part := filepath.Join(dir, backupfmt.ManifestName+".part")
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return targetError(opts.Target, err)
	}
	var w io.Writer = f
	if opts.wrapWriter != nil {
		w = opts.wrapWriter(f)
	}
	_, err = w.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(part, filepath.Join(dir, backupfmt.ManifestName))
	}
	if err != nil {
		return targetError(opts.Target, fmt.Errorf("write manifest: %w", err))
	}
	return nil
}

// checkTarget makes sure the backup folder exists and is a folder, with an error
// an IT person understands ("is the USB stick plugged in?").
func checkTarget(target string) error {
	if target == "" {
		return opErr("backup.not_configured", nil)
	}
	st, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return opErr("backup.target_missing", err, "dir", target)
	case errors.Is(err, syscall.ENOTDIR):
		return opErr("backup.target_not_folder", err, "dir", target)
	case err != nil:
		return opErr("backup.target_unwritable", err, "dir", target)
	case !st.IsDir():
		return opErr("backup.target_not_folder", nil, "dir", target)
	}
	return nil
}

// targetError gives a write failure in the backup folder its key: full disk,
// no permission (or read-only medium), or a generic failure.
func targetError(target string, err error) error {
	var oe *base.OpError
	if errors.As(err, &oe) {
		return err
	}
	msg := strings.ToLower(err.Error())
	switch {
	// The texts cover SQLite ("database or disk is full") and Windows, whose
	// ERROR_DISK_FULL and ERROR_WRITE_PROTECT do not map to the POSIX errnos.
	case errors.Is(err, syscall.ENOSPC) || strings.Contains(msg, "disk is full") || strings.Contains(msg, "no space") ||
		strings.Contains(msg, "not enough space") || strings.Contains(msg, "disk full"):
		return opErr("backup.target_full", err, "dir", target)
	case errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) ||
		strings.Contains(msg, "read-only") || strings.Contains(msg, "readonly") || strings.Contains(msg, "write protected") ||
		strings.Contains(msg, "unable to open database file"):
		return opErr("backup.target_unwritable", err, "dir", target)
	case errors.Is(err, fs.ErrNotExist):
		return opErr("backup.target_missing", err, "dir", target)
	}
	return opErr("backup.failed", err)
}

func hashFile(path, manifestPath string) (backupfmt.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return backupfmt.File{}, err
	}
	defer f.Close()
	return backupfmt.HashReader(manifestPath, f)
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir flushes a folder's entries (new names) to disk where the OS allows it;
// Windows cannot open a folder for syncing and needs no such step.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// appVersion names the build that wrote a backup: the module version or VCS
// revision, and the PocketBase version.
func appVersion() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return "motcua " + v + " (PocketBase " + pocketbase.Version + ")"
}

func ByteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Backup writes one finished backup folder <target>/motcua-<yyyymmdd-hhmmss>:
// built under a hidden temp name and renamed only when complete.
func Backup(app core.App, target string, progress io.Writer) (*backupResult, error) {
	return backupTo(app, backupOptions{Target: target, Progress: progress})
}

func backupTo(app core.App, opts backupOptions) (*backupResult, error) {
	start := time.Now()
	tmp, m, err := writeBackup(app, opts)
	if err != nil {
		return nil, err
	}
	final, err := freeName(opts.Target, m.Name)
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, targetError(opts.Target, err)
	}
	syncDir(opts.Target)
	return &backupResult{Dir: final, Manifest: m, Took: time.Since(start)}, nil
}

// freeName is target/name, or target/name-2, -3 … when two backups fall in the
// same second.
func freeName(target, name string) (string, error) {
	for i := 1; i < 100; i++ {
		n := name
		if i > 1 {
			n = fmt.Sprintf("%s-%d", name, i)
		}
		p := filepath.Join(target, n)
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
	}
	return "", fmt.Errorf("no free backup name for %s in %s", name, target)
}

// ListBackups returns the dated backup folders in target, newest first.
func ListBackups(target string) ([]string, error) {
	entries, err := os.ReadDir(target)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && backupfmt.IsName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out, nil
}

func BackupCommand(app *pocketbase.PocketBase) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Write a consistent backup (databases, uploaded files, manifest) while the server keeps running",
		Long: "Writes <folder>/motcua-<yyyymmdd-hhmmss> with data.db, auxiliary.db, storage/ and manifest.json.\n" +
			"Safe while the server runs and staff keep working. Without --to it makes the office's automatic\n" +
			"backup now: into the backup folder set in the office settings, refreshing <folder>/latest.",
		Example:      "  motcua backup --to E:\\motcua-backups\n  motcua backup --to /media/usb\n  motcua backup",
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			var err error
			var res *backupResult
			if to != "" {
				res, err = backupTo(app, backupOptions{Target: to, Progress: out})
				recordBackupRun(app, "command", to, res, err)
			} else {
				res, err = runAutomaticBackup(app, "command", out)
			}
			if err != nil {
				return base.CLIError(err)
			}
			fmt.Fprintf(out, "backup ok / sao lưu xong: %s (%s, %d dossiers, %s)\n",
				res.Dir, ByteSize(res.Manifest.Size()), res.Manifest.Counts[base.ColDossiers], res.Took.Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the folder that receives the backup (must exist), e.g. a USB drive")
	return cmd
}
