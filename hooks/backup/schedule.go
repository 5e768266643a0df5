package backup

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/backupfmt"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

const (
	ColBackupRuns = "backup_runs"

	backupCronID          = "motcua.backup"
	backupRunningStoreKey = "motcua.backup.running"
	serveStartedStoreKey  = "motcua.serve.started"

	// defaultBackupFolder is where automatic backups go when the office has not
	// chosen a folder: beside pb_data, so copying pb_data never copies backups.
	defaultBackupFolder = "motcua-backups"
	defaultKeep         = 7
	// firstBackupDelay lets a freshly started server settle before its first
	// automatic backup: two minutes, so a PC that is restarted several times
	// a day (power cuts) still gets one each time it runs for a while. The
	// schedule is checked every minute.
	firstBackupDelay = 2 * time.Minute
	// retryAfterFailure: a failed backup (USB stick unplugged) is tried again
	// this soon rather than after a whole period.
	retryAfterFailure = 30 * time.Minute
	// staleTemp is the age after which a leftover temp folder (a crash or power
	// cut during a backup) is removed.
	staleTemp   = 6 * time.Hour
	keepRunRows = 500
)

// backupSettings are the automatic-backup settings of the office record.
type backupSettings struct {
	Dir        string // absolute folder; the default beside pb_data when unset
	EveryHours int    // 0: automatic backups off
	Keep       int    // backups kept, latest included
	Custom     bool   // Dir was chosen by the office
}

func loadBackupSettings(app core.App) (backupSettings, error) {
	office, err := domain.FindOffice(app)
	if err != nil {
		return backupSettings{}, err
	}
	s := backupSettings{
		Dir:        strings.TrimSpace(office.GetString("backup_dir")),
		EveryHours: office.GetInt("backup_every_hours"),
		Keep:       office.GetInt("backup_keep"),
	}
	s.Custom = s.Dir != ""
	if !s.Custom {
		dataDir, err := filepath.Abs(app.DataDir())
		if err != nil {
			return s, fmt.Errorf("backup folder: %w", err)
		}
		s.Dir = filepath.Join(filepath.Dir(dataDir), defaultBackupFolder)
	}
	if s.Keep <= 0 {
		s.Keep = defaultKeep
	}
	return s, nil
}

// runAutomaticBackup makes the office's automatic backup now: a new backup in
// the office's backup folder becomes <folder>/latest, the previous latest keeps
// its dated name, and only the newest Keep backups stay. Each run is recorded in
// backup_runs.
func runAutomaticBackup(app core.App, trigger string, progress io.Writer) (*backupResult, error) {
	running := app.Store().GetOrSet(backupRunningStoreKey, func() any { return new(atomic.Bool) }).(*atomic.Bool)
	if !running.CompareAndSwap(false, true) {
		return nil, opErr("backup.running", nil)
	}
	defer running.Store(false)

	s, err := loadBackupSettings(app)
	if err != nil {
		recordBackupRun(app, trigger, "", nil, err)
		return nil, err
	}
	if !s.Custom {
		// Only the default folder is created; a chosen folder that is missing
		// is a USB stick not plugged in, which must be reported.
		_ = os.MkdirAll(s.Dir, 0o700)
	}
	res, err := backupToLatest(app, backupOptions{Target: s.Dir, Progress: progress, trigger: trigger}, s.Keep)
	recordBackupRun(app, trigger, s.Dir, res, err)
	return res, err
}

// backupToLatest writes a backup and swaps it in as <target>/latest. Windows
// cannot rename a folder over an existing one, so the swap is two renames:
// latest → its dated name, new → latest. Between them "latest" is briefly absent,
// never incomplete.
func backupToLatest(app core.App, opts backupOptions, keep int) (*backupResult, error) {
	start := time.Now()
	removeStaleTemps(opts.Target)
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
	latest := filepath.Join(opts.Target, backupfmt.LatestName)
	var dated string
	if _, err := os.Lstat(latest); err == nil {
		oldName := latestName(latest)
		dated, err = freeName(opts.Target, oldName)
		if err == nil {
			err = os.Rename(latest, dated)
		}
		if err != nil {
			_ = os.RemoveAll(tmp)
			return nil, targetError(opts.Target, fmt.Errorf("move old latest aside: %w", err))
		}
	}
	if err := os.Rename(tmp, latest); err != nil {
		if dated != "" {
			_ = os.Rename(dated, latest)
		}
		_ = os.RemoveAll(tmp)
		return nil, targetError(opts.Target, fmt.Errorf("publish latest: %w", err))
	}
	syncDir(opts.Target)
	pruneBackups(opts.Target, keep)
	return &backupResult{Dir: latest, Manifest: m, Took: time.Since(start)}, nil
}

// latestName is the dated name the current latest backup had when made.
func latestName(latest string) string {
	f, err := os.Open(filepath.Join(latest, backupfmt.ManifestName))
	if err == nil {
		defer f.Close()
		if m, err := backupfmt.ReadManifest(f); err == nil && backupfmt.IsName(m.Name) {
			return m.Name
		}
	}
	return backupfmt.Name(time.Now(), base.Zone)
}

// pruneBackups keeps the newest keep-1 dated backups beside latest.
func pruneBackups(target string, keep int) {
	names, err := ListBackups(target)
	if err != nil {
		return
	}
	for i, n := range names {
		if i >= keep-1 {
			_ = os.RemoveAll(filepath.Join(target, n))
		}
	}
}

// removeStaleTemps removes temp folders left by a backup that died (power cut,
// kill); a recent one may belong to a backup running in another process.
func removeStaleTemps(target string) {
	entries, err := os.ReadDir(target)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), backupfmt.TempPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTemp {
			_ = os.RemoveAll(filepath.Join(target, e.Name()))
		}
	}
}

// recordBackupRun saves the outcome of a backup in backup_runs and trims old rows.
// A failure to record is logged, never raised: the backup itself is what matters.
func recordBackupRun(app core.App, trigger, dir string, res *backupResult, runErr error) {
	col, err := app.FindCollectionByNameOrId(ColBackupRuns)
	if err != nil {
		app.Logger().Error("record backup run", "error", err)
		return
	}
	now := time.Now()
	r := core.NewRecord(col)
	r.Set("trigger", trigger)
	r.Set("dir", dir)
	r.Set("finished_at", now)
	r.Set("started_at", now)
	if res != nil {
		r.Set("started_at", now.Add(-res.Took))
		r.Set("ok", true)
		r.Set("name", res.Manifest.Name)
		r.Set("size", res.Manifest.Size())
		r.Set("dossiers", res.Manifest.Counts[base.ColDossiers])
		r.Set("took_ms", res.Took.Milliseconds())
		r.Set("dir", filepath.Dir(res.Dir))
		if res.Manifest.Encrypted() {
			r.Set("encrypted", true)
			r.Set("fingerprint", res.Manifest.Key.Fingerprint)
		}
	}
	if runErr != nil {
		r.Set("ok", false)
		r.Set("error_key", errorKey(runErr))
		msg := runErr.Error()
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
		r.Set("error", msg)
	}
	if err := app.Save(r); err != nil {
		app.Logger().Error("record backup run", "error", err)
		return
	}
	_, _ = app.DB().NewQuery(
		"DELETE FROM backup_runs WHERE id NOT IN (SELECT id FROM backup_runs ORDER BY started_at DESC LIMIT {:keep})").
		Bind(dbx.Params{"keep": keepRunRows}).Execute()
}

// bindBackupSchedule checks every minute whether an automatic backup is due;
// the settings are read each time, so a change in /_/ needs no restart.
func bindBackupSchedule(se *core.ServeEvent) error {
	app := se.App
	app.Store().Set(serveStartedStoreKey, time.Now())
	return app.Cron().Add(backupCronID, "* * * * *", func() {
		due, err := backupDue(app, time.Now())
		if err != nil || !due {
			return
		}
		if _, err := runAutomaticBackup(app, "schedule", nil); err != nil {
			app.Logger().Error("automatic backup failed", "error", err.Error())
		}
	})
}

// backupDue says whether the schedule calls for a backup at now: a period after
// the last attempt, sooner after a failure, and not in the first minutes after
// the server starts.
func backupDue(app core.App, now time.Time) (bool, error) {
	s, err := loadBackupSettings(app)
	if err != nil || s.EveryHours <= 0 {
		return false, err
	}
	if usbCopying(app) {
		return false, nil // the next minute, once the stick is written
	}
	last, err := lastBackupRun(app, false)
	if err != nil {
		return false, err
	}
	if last == nil {
		started, _ := app.Store().Get(serveStartedStoreKey).(time.Time)
		return now.Sub(started) >= firstBackupDelay, nil
	}
	since := now.Sub(last.GetDateTime("started_at").Time())
	if !last.GetBool("ok") && since >= retryAfterFailure {
		return true, nil
	}
	return since >= time.Duration(s.EveryHours)*time.Hour, nil
}

// lastBackupRun is the newest backup run (only successful ones with okOnly), or nil.
func lastBackupRun(app core.App, okOnly bool) (*core.Record, error) {
	filter := ""
	if okOnly {
		filter = "ok = true"
	}
	recs, err := app.FindRecordsByFilter(ColBackupRuns, filter, "-started_at", 1, 0)
	if err != nil {
		return nil, fmt.Errorf("find backup runs: %w", err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs[0], nil
}

// startBackup makes the office's automatic backup now, in the background
// (after a new backup key is confirmed: the first backup under it at once).
func startBackup(app core.App, trigger string) {
	go func() {
		if _, err := runAutomaticBackup(app, trigger, nil); err != nil && errorKey(err) != "backup.running" {
			app.Logger().Error("backup failed", "trigger", trigger, "error", err.Error())
		}
	}()
}

// isMissing reports a missing file or folder.
func isMissing(err error) bool { return errors.Is(err, fs.ErrNotExist) }
