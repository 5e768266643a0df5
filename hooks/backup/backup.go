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
	"sync/atomic"
	"syscall"
	"time"

	"filippo.io/age"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"motcua/hooks/backupfmt"
	"motcua/hooks/backupkey"
	"motcua/hooks/i18n"
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
	// Progress receives one line per step (and per tenth of a big step); nil
	// is silent.
	Progress io.Writer
	// trigger names who asked (schedule, command, upgrade, key) for the live
	// figures.
	trigger string
	// wrapWriter, when set, wraps every file writer on the target (tests
	// inject a full disk with it).
	wrapWriter func(io.Writer) io.Writer
	// afterDatabases, when set, runs once the databases are copied (tests).
	afterDatabases func()
	// progress, when set, is the live figure set to fill (else one is made).
	progress *progress
}

// backupResult is a finished backup folder.
type backupResult struct {
	Dir      string
	Manifest *backupfmt.Manifest
	Took     time.Duration
}

// source is what a backup is made from: the two databases and the data folder
// (its uploaded files, and the local temp folder that holds the database
// snapshots while they are checked and encrypted), with the office's backup
// key.
type source struct {
	dataDir   string
	data, aux dbx.Builder
	// recipient is the office's backup key; empty makes a plain backup
	// (format 1), which the dashboard reports as not encrypted.
	recipient string
}

// appSource is the running app as a backup source.
func appSource(app core.App) (source, error) {
	k, err := loadKeyState(app)
	if err != nil {
		return source{}, err
	}
	return source{dataDir: app.DataDir(), data: app.ConcurrentDB(), aux: app.AuxConcurrentDB(), recipient: k.Recipient}, nil
}

// localSeq numbers the local temp folders of backups in this process.
var localSeq atomic.Int64

// writeBackup builds a complete backup of src in a hidden temp folder inside
// opts.Target and returns that folder; the caller renames it into place. On any
// error the temp folder is removed, so nothing half-written is left to look good.
//
// Each database is first copied with VACUUM INTO to a temp file under the data
// folder (the office PC's own disk, which holds the database anyway), checked
// there, and only then encrypted onto the target: the target (a USB stick, a
// second disk) never holds a byte of plaintext. Uploaded files are encrypted
// as they stream from pb_data/storage. Folders are 0700 and files 0600.
func writeBackup(src source, opts backupOptions) (tmp string, m *backupfmt.Manifest, err error) {
	now := time.Now()
	if err := checkTarget(opts.Target); err != nil {
		return "", nil, err
	}
	var to *age.X25519Recipient
	if src.recipient != "" {
		if to, err = backupkey.ParseRecipient(src.recipient); err != nil {
			return "", nil, opErr("backup.key_invalid", err)
		}
	}
	p := opts.progress
	if p == nil {
		p = newProgress(opts.Progress, opts.trigger)
	}
	name := backupfmt.Name(now, base.Zone)
	tmp = filepath.Join(opts.Target, backupfmt.TempPrefix+name+fmt.Sprintf("-%d", os.Getpid()))
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return "", nil, targetError(opts.Target, err)
	}
	local := filepath.Join(src.dataDir, core.LocalTempDirName, fmt.Sprintf("motcua-backup-%d-%d", os.Getpid(), localSeq.Add(1)))
	defer func() {
		_ = os.RemoveAll(local)
		if err != nil {
			_ = os.RemoveAll(tmp)
			tmp = ""
		}
	}()
	if err := os.MkdirAll(local, 0o700); err != nil {
		return "", nil, localError(src.dataDir, err)
	}
	m = &backupfmt.Manifest{
		Format:     backupfmt.Format,
		Name:       name,
		CreatedAt:  now.UTC().Format(time.RFC3339),
		AppVersion: appVersion(),
		Counts:     map[string]int64{},
		Pages:      map[string]int64{},
	}
	w := &writer{tmp: tmp, to: to, opts: opts, p: p}
	if to != nil {
		m.Format = backupfmt.FormatEncrypted
		m.Key = backupfmt.KeyFor(to)
		p.say("    mã hóa bằng khóa sao lưu / encrypted to backup key %s", m.Key.Fingerprint)
	} else {
		p.say("    CHƯA MÃ HÓA: văn phòng chưa có khóa sao lưu / NOT ENCRYPTED: the office has no backup key yet")
	}

	type namedDB struct {
		file string
		db   dbx.Builder
	}
	dbs := []namedDB{{backupfmt.Databases[0], src.data}}
	if src.aux != nil {
		dbs = append(dbs, namedDB{backupfmt.Databases[1], src.aux}) // logs: optional
	}
	storageDir := filepath.Join(src.dataDir, backupfmt.StorageDir)
	estimates := make([]int64, len(dbs))
	for i, d := range dbs {
		estimates[i] = databaseSize(d.db)
		p.addTotal(2 * estimates[i]) // the snapshot, then the copy onto the target
	}
	p.addTotal(treeSize(storageDir))

	steps := len(dbs) + 2
	for i, d := range dbs {
		start := time.Now()
		p.say("%d/%d %s …", i+1, steps, d.file)
		pages, size, err := w.database(d.db, local, d.file, estimates[i], m, src.dataDir)
		if err != nil {
			return tmp, nil, err
		}
		m.Pages[d.file] = pages
		p.say("    %s, %d pages, integrity ok, %s", ByteSize(size), pages, time.Since(start).Round(time.Millisecond))
	}
	if opts.afterDatabases != nil {
		opts.afterDatabases()
	}

	// Uploaded files are copied after the databases: a file uploaded meanwhile is
	// an extra the copied database does not name, never a name without a file.
	start := time.Now()
	p.say("%d/%d %s …", steps-1, steps, backupfmt.StorageDir)
	files, bytes, err := w.storage(storageDir)
	if err != nil {
		return tmp, nil, err
	}
	p.say("    %d files, %s, %s", files, ByteSize(bytes), time.Since(start).Round(time.Millisecond))

	p.say("%d/%d %s", steps, steps, backupfmt.ManifestName)
	if err := w.finish(m); err != nil {
		return tmp, nil, err
	}
	syncDir(tmp)
	return tmp, m, nil
}

// writer puts the files of one backup onto the target, sealed to the backup
// key when there is one, and collects their entries.
type writer struct {
	tmp   string
	to    *age.X25519Recipient // nil: a plain backup
	opts  backupOptions
	p     *progress
	index []backupfmt.File // the plaintext entries (encrypted backups)
	files []backupfmt.File // the entries of the clear manifest
	dirs  map[string]bool
}

// database snapshots one database into the local folder, checks it, counts its
// records (data.db) and stores it on the target. It returns the page count and
// the snapshot's size.
func (w *writer) database(db dbx.Builder, local, file string, estimate int64, m *backupfmt.Manifest, dataDir string) (int64, int64, error) {
	part := filepath.Join(local, file)
	w.p.begin(file, "snapshot", estimate)
	if err := snapshotDatabase(db, part, w.p); err != nil {
		return 0, 0, localError(dataDir, fmt.Errorf("copy %s: %w", file, err))
	}
	w.p.finish()
	copyDB, err := dbx.Open("sqlite", part)
	if err != nil {
		return 0, 0, opErr("backup.failed", fmt.Errorf("open copy of %s: %w", file, err))
	}
	pages, checkErr := checkDatabase(copyDB, file)
	if checkErr == nil && file == backupfmt.Databases[0] {
		checkErr = countRecords(copyDB, m.Counts)
	}
	if err := copyDB.Close(); err != nil && checkErr == nil {
		checkErr = fmt.Errorf("close copy of %s: %w", file, err)
	}
	if checkErr != nil {
		return 0, 0, checkErr
	}
	st, err := os.Stat(part)
	if err != nil {
		return 0, 0, opErr("backup.failed", err)
	}
	in, err := os.Open(part)
	if err != nil {
		return 0, 0, opErr("backup.failed", err)
	}
	defer in.Close()
	phase := "copy"
	if w.to != nil {
		phase = "encrypt"
	}
	w.p.begin(file, phase, st.Size())
	if err := w.store(in, file); err != nil {
		return 0, 0, err
	}
	w.p.finish()
	return pages, st.Size(), nil
}

// storage stores every uploaded file under src. A missing storage folder is an
// office without uploads; a file deleted while we walk is skipped.
func (w *writer) storage(src string) (files int, bytes int64, err error) {
	w.p.begin(backupfmt.StorageDir, w.phase(), 0)
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
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
		in, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return opErr("backup.failed", fmt.Errorf("read %s: %w", p, err))
		}
		defer in.Close()
		n := len(w.files)
		if err := w.store(in, mp); err != nil {
			return err
		}
		files++
		bytes += w.files[n].Size
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	return files, bytes, err
}

func (w *writer) phase() string {
	if w.to != nil {
		return "encrypt"
	}
	return "copy"
}

// store writes what in holds as the backup's file at manifest path mp: sealed
// at SealedPath(mp) in an encrypted backup, as it is at mp in a plain one,
// flushed to the disk.
func (w *writer) store(in io.Reader, mp string) error {
	rel := mp
	if w.to != nil {
		rel = backupfmt.SealedPath(mp)
	}
	dst, err := backupfmt.Local(w.tmp, rel)
	if err != nil {
		return opErr("backup.failed", err)
	}
	if err := w.mkdir(filepath.Dir(dst)); err != nil {
		return targetError(w.opts.Target, err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return targetError(w.opts.Target, err)
	}
	var dw io.Writer = out
	if w.opts.wrapWriter != nil {
		dw = w.opts.wrapWriter(out)
	}
	src := countingReader{r: in, p: w.p}
	var plain, stored backupfmt.File
	if w.to != nil {
		plain, stored, err = backupfmt.Seal(dw, src, w.to, mp)
	} else {
		h := backupfmt.NewHasher()
		_, err = io.Copy(io.MultiWriter(dw, h), src)
		plain = h.File(mp)
		stored = plain
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return targetError(w.opts.Target, fmt.Errorf("copy %s: %w", mp, err))
	}
	if w.to != nil {
		w.index = append(w.index, plain)
	}
	w.files = append(w.files, stored)
	return nil
}

// mkdir makes a folder of the backup (0700), once.
func (w *writer) mkdir(dir string) error {
	if w.dirs == nil {
		w.dirs = map[string]bool{w.tmp: true}
	}
	if w.dirs[dir] {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	w.dirs[dir] = true
	return nil
}

// finish writes the encrypted index (encrypted backups), then the manifest,
// last and through a temporary name.
func (w *writer) finish(m *backupfmt.Manifest) error {
	if w.to != nil {
		ix := &backupfmt.Index{Format: backupfmt.FormatEncrypted, Name: m.Name, Files: w.index}
		err := w.writeFile(filepath.Join(w.tmp, backupfmt.IndexName), func(dw io.Writer) error {
			f, err := backupfmt.SealIndex(dw, ix, w.to)
			if err == nil {
				w.files = append(w.files, f)
			}
			return err
		})
		if err != nil {
			return targetError(w.opts.Target, fmt.Errorf("write index: %w", err))
		}
	}
	m.Files = w.files
	b, err := m.Marshal()
	if err != nil {
		return opErr("backup.failed", err)
	}
	part := filepath.Join(w.tmp, backupfmt.ManifestName+".part")
	err = w.writeFile(part, func(dw io.Writer) error {
		_, err := dw.Write(b)
		return err
	})
	if err == nil {
		err = os.Rename(part, filepath.Join(w.tmp, backupfmt.ManifestName))
	}
	if err != nil {
		return targetError(w.opts.Target, fmt.Errorf("write manifest: %w", err))
	}
	return nil
}

// writeFile creates path (0600), lets fill write it, and syncs it.
func (w *writer) writeFile(path string, fill func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	var dw io.Writer = f
	if w.opts.wrapWriter != nil {
		dw = w.opts.wrapWriter(f)
	}
	err = fill(dw)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// databaseSize estimates a live database's size from its page count, for the
// progress figures (0 when unknown).
func databaseSize(db dbx.Builder) int64 {
	var pages, size int64
	if err := db.NewQuery("PRAGMA page_count").Row(&pages); err != nil {
		return 0
	}
	if err := db.NewQuery("PRAGMA page_size").Row(&size); err != nil {
		return 0
	}
	return pages * size
}

// treeSize is the total size of the regular files under dir.
func treeSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// snapshotDatabase copies a live database to dst with VACUUM INTO: one read
// transaction (writers in WAL mode go on) that writes a compact, standalone
// copy. SQLite's online backup API was measured as no faster with this driver,
// and a stepwise backup restarts on every write, never finishing under intake.
// VACUUM INTO is one statement with no progress of its own: the size of the
// file it writes is polled instead.
func snapshotDatabase(db dbx.Builder, dst string, p *progress) error {
	stop, polled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(polled)
		every := 250 * time.Millisecond
		if p != nil && p.pollEvery > 0 {
			every = p.pollEvery
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if st, err := os.Stat(dst); err == nil {
					p.set(st.Size())
				}
			}
		}
	}()
	_, err := db.NewQuery("VACUUM INTO {:path}").Bind(dbx.Params{"path": dst}).Execute()
	close(stop)
	<-polled
	if err != nil {
		return err
	}
	// While the snapshot was read, the WAL could only grow. Checkpoint it now,
	// here, so the backlog is not copied (and fsynced) inside the next intake
	// request's commit. PASSIVE never blocks writers (and fails harmlessly on a
	// read-only source).
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

// localError gives a failure on the office PC's own disk (the database
// snapshot under pb_data) its key: a full disk there is not the USB stick's
// fault, and the message says which disk to free.
func localError(dataDir string, err error) error {
	var oe *base.OpError
	if errors.As(err, &oe) {
		return err
	}
	if k := errorKey(targetError(dataDir, err)); k == "backup.target_full" {
		return opErr("backup.data_disk_full", err, "dir", dataDir)
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

// ByteSize writes n for people: "385.2 MB".
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
// built under a hidden temp name and renamed only when complete, encrypted to
// the office's backup key when it has one.
func Backup(app core.App, target string, progress io.Writer) (*backupResult, error) {
	return backupTo(app, backupOptions{Target: target, Progress: progress, trigger: "command"})
}

func backupTo(app core.App, opts backupOptions) (*backupResult, error) {
	start := time.Now()
	src, err := appSource(app)
	if err != nil {
		return nil, opErr("backup.failed", err)
	}
	if opts.progress == nil {
		opts.progress = newProgress(opts.Progress, opts.trigger)
	}
	defer track(app, opts.progress)()
	tmp, m, err := writeBackup(src, opts)
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

// BackupCommand is "motcua backup": a backup now, to a folder or as the
// office's automatic backup, and "motcua backup key …" (the backup key and its
// recovery sheet).
func BackupCommand(app *pocketbase.PocketBase) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Write a consistent, encrypted backup while the server keeps running; 'backup key' manages the backup key",
		Long: "Writes <folder>/motcua-<yyyymmdd-hhmmss>: the databases and uploaded files, encrypted to the office's\n" +
			"backup key (see 'motcua backup key'), and manifest.json. Safe while the server runs and staff keep\n" +
			"working. Without --to it makes the office's automatic backup now: into the backup folder set in the\n" +
			"office settings, refreshing <folder>/latest. Until the office has a backup key, backups are NOT\n" +
			"encrypted and say so.",
		Example:      "  motcua backup --to E:\\motcua-backups\n  motcua backup --to /media/usb\n  motcua backup",
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			var err error
			var res *backupResult
			if to != "" {
				res, err = backupTo(app, backupOptions{Target: to, Progress: out, trigger: "command"})
				recordBackupRun(app, "command", to, res, err)
			} else {
				res, err = runAutomaticBackup(app, "command", out)
			}
			if err != nil {
				return base.CLIError(err)
			}
			fmt.Fprintf(out, "backup ok / sao lưu xong: %s (%s, %d dossiers, %s)\n",
				res.Dir, ByteSize(res.Manifest.Size()), res.Manifest.Counts[base.ColDossiers], res.Took.Round(time.Millisecond))
			if !res.Manifest.Encrypted() {
				fmt.Fprintln(out, i18n.T("vi", "backup.plain_notice"))
				fmt.Fprintln(out, i18n.T("en", "backup.plain_notice"))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the folder that receives the backup (must exist), e.g. a USB drive")
	cmd.AddCommand(keyCommand(app))
	return cmd
}
