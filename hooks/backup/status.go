package backup

import (
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/backupfmt"
	"motcua/hooks/drives"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
)

// lowSpaceFloor is the least free space that never warns less: below about a
// gigabyte Windows itself misbehaves (updates, the page file), whatever the
// size of the backups.
const lowSpaceFloor = 1 << 30

// staleAfter is the age of the last good backup after which the leader is
// warned, whatever the schedule: a day's dossiers is what an office can bear
// to lose.
const staleAfter = 24 * time.Hour

// backupStatus is the answer of GET /api/motcua/backup/status.
type backupStatus struct {
	Enabled         bool              `json:"enabled"`
	EveryHours      int               `json:"every_hours"`
	Keep            int               `json:"keep"`
	Dir             string            `json:"dir"`
	LastOKAt        string            `json:"last_ok_at"`
	AgeHours        float64           `json:"age_hours"`
	LastSize        int64             `json:"last_size"`
	LastDossiers    int64             `json:"last_dossiers"`
	LastEncrypted   bool              `json:"last_encrypted"`
	LastFingerprint string            `json:"last_fingerprint"`
	LastErrorAt     string            `json:"last_error_at"`
	LastErrorKey    string            `json:"last_error_key"`
	LastError       map[string]string `json:"last_error"`
	Failing         bool              `json:"failing"`
	// Key is the office's backup key (fingerprints and dates, no secret).
	Key keyStatus `json:"key"`
	// Running is the backup being written now, with its progress; nil when none.
	Running *runningBackup `json:"running"`
	// USB is the last copy of a backup onto a USB stick (running or done).
	USB *usbState `json:"usb"`
	// Space is the free space of the PC's disk and of the backup folder.
	Space []spaceInfo `json:"space"`
	// Reason is the state of the backups themselves: ok, off, failing,
	// never, old or disk (nearly full).
	Reason string `json:"reason"`
	// Warnings is every reason for the leader to act, in each language,
	// backup key first; Warn is set when there is any.
	Warnings []warning `json:"warnings"`
	Warn     bool      `json:"warn"`
}

// spaceInfo is the free space where backups are made.
type spaceInfo struct {
	Which string `json:"which"` // "data": the PC's disk (pb_data); "target": the backup folder
	Dir   string `json:"dir"`
	Free  int64  `json:"free"`
	Total int64  `json:"total"`
	Low   bool   `json:"low"`
}

// warning is one thing a leader should act on, said in every language.
type warning struct {
	Key  string            `json:"key"`
	Text map[string]string `json:"text"`
}

func newWarning(key string, args ...any) warning {
	w := warning{Key: key, Text: map[string]string{}}
	for _, lang := range i18n.Languages {
		w.Text[lang] = i18n.T(lang, key, args...)
	}
	return w
}

// bindBackupRoutes binds the backup status, the backup key and the USB copy,
// for leaders and the superuser.
func bindBackupRoutes(se *core.ServeEvent) error {
	leader := base.RequireStaff(base.RoleLeader)
	se.Router.GET("/api/motcua/backup/status", handleBackupStatus).BindFunc(leader)
	se.Router.POST("/api/motcua/backup/key", handleKeyNew).BindFunc(leader)
	se.Router.POST("/api/motcua/backup/key/confirm", handleKeyConfirm).BindFunc(leader)
	se.Router.GET("/api/motcua/backup/drives", handleDrives).BindFunc(leader)
	se.Router.GET("/api/motcua/backup/usb", handleUSBState).BindFunc(leader)
	se.Router.POST("/api/motcua/backup/usb", handleUSBCopy).BindFunc(leader)
	return nil
}

func handleBackupStatus(e *core.RequestEvent) error {
	st, err := readBackupStatus(e.App, time.Now())
	if err != nil {
		return err
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, st)
}

func readBackupStatus(app core.App, now time.Time) (*backupStatus, error) {
	s, err := loadBackupSettings(app)
	if err != nil {
		return nil, err
	}
	st := &backupStatus{Enabled: s.EveryHours > 0, EveryHours: s.EveryHours, Keep: s.Keep, Dir: s.Dir, Reason: "ok",
		Warnings: []warning{}, Space: []spaceInfo{}}
	k, err := loadKeyState(app)
	if err != nil {
		return nil, err
	}
	st.Key = k.status()
	st.Running = runningOf(app)
	st.USB = usbStateOf(app)
	okRun, err := lastBackupRun(app, true)
	if err != nil {
		return nil, err
	}
	last, err := lastBackupRun(app, false)
	if err != nil {
		return nil, err
	}
	if okRun != nil {
		at := okRun.GetDateTime("finished_at").Time()
		st.LastOKAt = at.UTC().Format(time.RFC3339)
		st.AgeHours = float64(now.Sub(at).Round(time.Minute)) / float64(time.Hour)
		st.LastSize = int64(okRun.GetInt("size"))
		st.LastDossiers = int64(okRun.GetInt("dossiers"))
		st.LastEncrypted = okRun.GetBool("encrypted")
		st.LastFingerprint = okRun.GetString("fingerprint")
	}
	if last != nil && !last.GetBool("ok") {
		st.Failing = true
		st.LastErrorAt = last.GetDateTime("finished_at").Time().UTC().Format(time.RFC3339)
		st.LastErrorKey = last.GetString("error_key")
		st.LastError = map[string]string{}
		for _, lang := range i18n.Languages {
			st.LastError[lang] = i18n.T(lang, st.LastErrorKey, "dir", last.GetString("dir"), "file", "")
		}
	}

	// The backup key first: unencrypted backups are the most serious thing
	// on a lost USB stick.
	switch {
	case !st.Key.Active && st.Key.Pending:
		st.Warnings = append(st.Warnings, newWarning("backup.warn_key_pending_plain", "fingerprint", st.Key.PendingFingerprint))
	case !st.Key.Active:
		st.Warnings = append(st.Warnings, newWarning("backup.warn_plain"))
	case st.Key.Pending:
		st.Warnings = append(st.Warnings, newWarning("backup.warn_key_pending", "fingerprint", st.Key.PendingFingerprint, "current", st.Key.Fingerprint))
	}

	period := time.Duration(s.EveryHours) * time.Hour
	stale := 2 * period
	if stale > staleAfter || stale == 0 {
		stale = staleAfter
	}
	switch {
	case !st.Enabled:
		st.Reason = "off"
		st.Warnings = append(st.Warnings, newWarning("backup.warn_off"))
	case st.Failing:
		st.Reason = "failing"
		st.Warnings = append(st.Warnings, newWarning("backup.warn_failing", "error", st.LastError[i18n.Default]))
		for _, lang := range i18n.Languages {
			st.Warnings[len(st.Warnings)-1].Text[lang] = i18n.T(lang, "backup.warn_failing", "error", st.LastError[lang])
		}
	case okRun == nil:
		st.Reason = "never"
		st.Warnings = append(st.Warnings, newWarning("backup.warn_never"))
	case now.Sub(okRun.GetDateTime("finished_at").Time()) > stale:
		st.Reason = "old"
		st.Warnings = append(st.Warnings, newWarning("backup.warn_old_hours", "hours", int(st.AgeHours)))
	}

	st.Space = spaceOf(app, s, st.LastSize)
	for _, sp := range st.Space {
		if !sp.Low {
			continue
		}
		if st.Reason == "ok" {
			st.Reason = "disk"
		}
		key := "backup.warn_disk_data"
		if sp.Which == "target" {
			key = "backup.warn_disk_target"
		}
		st.Warnings = append(st.Warnings, newWarning(key, "dir", sp.Dir, "free", ByteSize(sp.Free)))
	}
	st.Warn = len(st.Warnings) > 0
	return st, nil
}

// spaceOf measures the free space of the PC's disk (pb_data: the database
// snapshot is made there before it is encrypted onto the target) and of the
// backup folder when it is elsewhere. Either is low below twice the size of
// a backup (the next one, with room for the data to grow) or lowSpaceFloor.
func spaceOf(app core.App, s backupSettings, lastSize int64) []spaceInfo {
	need := lastSize
	if need == 0 {
		if st, err := os.Stat(filepath.Join(app.DataDir(), backupfmt.Databases[0])); err == nil {
			need = st.Size()
		}
	}
	limit := int64(lowSpaceFloor)
	if 2*need > limit {
		limit = 2 * need
	}
	var out []spaceInfo
	dataDir, _ := filepath.Abs(app.DataDir())
	if free, total, err := drives.FreeSpace(dataDir); err == nil {
		out = append(out, spaceInfo{Which: "data", Dir: dataDir, Free: free, Total: total, Low: free < limit})
	}
	if s.Custom {
		if free, total, err := drives.FreeSpace(s.Dir); err == nil {
			out = append(out, spaceInfo{Which: "target", Dir: s.Dir, Free: free, Total: total, Low: free < limit})
		}
	}
	return out
}
